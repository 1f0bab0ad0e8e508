"""A rule described field by field, driven by its kind's JSON Schema: every
field the kind declares, in the schema's order, with the rule's value or the
schema's default.  ``rules explain`` and ``rules docs`` render this; nothing
here knows a check's field names."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .model import Rule


@dataclass(frozen=True)
class Field:
    name: str
    description: str
    value: Any
    default: bool  # the value is the schema's default, not the rule's own


def fields(rule: Rule) -> list[Field]:
    """The kind's fields (not the common ones) with their values."""
    from ..checks import registry

    check = registry().get(rule.check)
    props = check.schemas.get(rule.check, {}).get("properties", {}) if check else {}
    out = []
    for name, schema in props.items():
        if name in rule.options:
            out.append(Field(name, schema.get("description", ""), rule.options[name], False))
        elif "default" in schema:
            out.append(Field(name, schema.get("description", ""), schema["default"], True))
    # Fields the schema does not list (a check that validates loosely).
    for name, value in rule.options.items():
        if name not in props:
            out.append(Field(name, "", value, False))
    return out


def text(value: Any) -> str:
    """A value on one line: lists joined with commas, mappings as key: value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ", ".join(text(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {text(v)}" for k, v in value.items())
    return str(value)


def is_table(value: Any) -> bool:
    """A list of mappings (triggers, verbs): one line per item."""
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)
