"""Load and validate YAML rule packs.

Rule files are data: parsed with ``yaml.safe_load`` semantics (SafeLoader, no
Python object construction), validated with JSON Schema, and every problem is
reported as ``file:line:col: message`` from the YAML node positions.
"""
from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import jsonschema
import yaml

from .model import COMMON_FIELDS, Rule, RuleError, RuleSet

SCHEMA_PATH = Path(__file__).with_name("pack.schema.json")


@lru_cache(maxsize=1)
def pack_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def rule_schema(kind_schema: dict) -> dict:
    """The full schema of one rule: common fields plus the check's own."""
    base = copy.deepcopy(pack_schema()["$defs"]["rule"])
    base["properties"].update(kind_schema.get("properties", {}))
    base["required"] = sorted(set(base.get("required", [])) | set(kind_schema.get("required", [])))
    base["additionalProperties"] = False
    return base


def full_schema() -> dict:
    """A single JSON Schema for rule packs (for editors and docs)."""
    from ..checks import registry

    schema = copy.deepcopy(pack_schema())
    variants = []
    for kind, check in sorted(registry().items()):
        s = rule_schema(check.schemas[kind])
        s["properties"]["check"] = {"const": kind}
        variants.append(s)
    schema["properties"]["rules"]["items"] = {"oneOf": variants}
    return schema


# ----------------------------------------------------------------- positions


class _Located:
    """Maps JSON paths in the loaded data to YAML node marks."""

    def __init__(self, root: yaml.Node | None):
        self.root = root

    def node(self, path: Iterable[Any]) -> yaml.Node | None:
        node = self.root
        for key in path:
            if node is None:
                return None
            if isinstance(node, yaml.MappingNode):
                nxt = None
                for k, v in node.value:
                    if k.value == key:
                        nxt = v
                node = nxt
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
                node = node.value[key] if key < len(node.value) else None
            else:
                return node
        return node

    def key_node(self, path: list[Any]) -> yaml.Node | None:
        """The node of the key itself (for "unknown property" errors)."""
        parent = self.node(path[:-1])
        if isinstance(parent, yaml.MappingNode):
            for k, _ in parent.value:
                if k.value == path[-1]:
                    return k
        return None

    def mark(self, path: Iterable[Any]) -> tuple[int, int]:
        path = list(path)
        while True:
            node = self.node(path)
            if node is not None:
                return node.start_mark.line + 1, node.start_mark.column + 1
            if not path:
                return 1, 1
            path.pop()


def _duplicate_keys(node: yaml.Node | None, path: str, errors: list[RuleError]) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, yaml.Node] = {}
        for k, v in node.value:
            if k.value in seen:
                errors.append(
                    RuleError(
                        path,
                        k.start_mark.line + 1,
                        k.start_mark.column + 1,
                        f"duplicate key '{k.value}' (first at line {seen[k.value].start_mark.line + 1})",
                    )
                )
            seen[k.value] = k
            _duplicate_keys(v, path, errors)
    elif isinstance(node, yaml.SequenceNode):
        for v in node.value:
            _duplicate_keys(v, path, errors)


def _path_text(path: Iterable[Any]) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _schema_message(err: jsonschema.ValidationError) -> str:
    where = _path_text(err.absolute_path)
    if err.validator == "additionalProperties":
        extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
        allowed = ", ".join(sorted(err.schema.get("properties", {})))
        msg = f"unknown field {', '.join(repr(e) for e in extra)} (allowed: {allowed})"
    elif err.validator == "required":
        msg = err.message.replace(" is a required property", " is required")
    else:
        msg = err.message
    return f"{where}: {msg}" if where else msg


# ------------------------------------------------------------------- loading


def parse_pack(text: str, path: str) -> tuple[Any, _Located, list[RuleError]]:
    errors: list[RuleError] = []
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.load(text, Loader=yaml.SafeLoader)  # == yaml.safe_load
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = e.problem or str(e)
        if e.context:
            problem = f"{problem} ({e.context})"
        errors.append(RuleError(path, line, col, f"YAML syntax error: {problem}"))
        return None, _Located(None), errors
    except yaml.YAMLError as e:
        errors.append(RuleError(path, 1, 1, f"YAML error: {e}"))
        return None, _Located(None), errors
    _duplicate_keys(root, path, errors)
    return data, _Located(root), errors


def load_pack(path: str | Path, text: str | None = None) -> tuple[list[Rule], dict, list[RuleError]]:
    """Rules, lexicons and errors of one pack file (errors never raise)."""
    from ..checks import registry

    path = str(path)
    if text is None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            return [], {}, [RuleError(path, 1, 1, f"cannot read rule file: {e}")]
    data, loc, errors = parse_pack(text, path)
    if errors and data is None:
        return [], {}, errors
    if data is None:
        return [], {}, [RuleError(path, 1, 1, "empty rule file: expected a mapping with 'rules'")]
    validator = jsonschema.Draft202012Validator(pack_schema())
    pack_errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    bad_rules: set[int] = set()
    for err in pack_errors:
        p = list(err.absolute_path)
        if len(p) >= 2 and p[0] == "rules" and isinstance(p[1], int):
            bad_rules.add(p[1])
        line, col = loc.mark(p)
        errors.append(RuleError(path, line, col, _schema_message(err)))
    if not isinstance(data, dict):
        return [], {}, errors

    checks = registry()
    rules: list[Rule] = []
    for i, raw in enumerate(data.get("rules") or []):
        if not isinstance(raw, dict) or i in bad_rules:
            continue
        kind = raw.get("check")
        base = ["rules", i]
        if kind not in checks:
            line, col = loc.mark(base + ["check"])
            known = ", ".join(sorted(checks))
            errors.append(RuleError(path, line, col, f"unknown check kind '{kind}' (known: {known})"))
            continue
        check = checks[kind]
        v = jsonschema.Draft202012Validator(rule_schema(check.schemas[kind]))
        rule_errors = list(v.iter_errors(raw))
        for err in rule_errors:
            p = base + list(err.absolute_path)
            if err.validator == "additionalProperties":
                extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
                node = loc.key_node(p + [extra[0]]) if extra else None
                line, col = (
                    (node.start_mark.line + 1, node.start_mark.column + 1) if node else loc.mark(p)
                )
            else:
                line, col = loc.mark(p)
            errors.append(RuleError(path, line, col, _schema_message(err)))
        if rule_errors:
            continue
        rule = Rule(
            id=raw["id"],
            check=kind,
            severity=raw.get("severity", "warning"),
            message=raw["message"],
            rationale=raw.get("rationale", ""),
            link=raw.get("link"),
            title=raw.get("title"),
            enabled=raw.get("enabled", True),
            options={k: v for k, v in raw.items() if k not in COMMON_FIELDS},
            source=path,
            line=loc.mark(base)[0],
            column=loc.mark(base)[1],
        )
        # Check-specific semantic validation (e.g. regexes that do not compile).
        for field_path, message in check.validate_rule(rule):
            line, col = loc.mark(base + list(field_path))
            errors.append(RuleError(path, line, col, f"{rule.id}: {message}"))
            rule = None
            break
        if rule is not None:
            rules.append(rule)
    return rules, data.get("lexicons") or {}, errors


def merge_lexicons(into: dict[str, list[str]], extra: dict) -> None:
    """A list adds words; ``{add: [...], remove: [...]}`` edits the list."""
    for name, value in extra.items():
        current = into.setdefault(name, [])
        if isinstance(value, list):
            current.extend(v for v in value if v not in current)
        elif isinstance(value, dict):
            current.extend(v for v in value.get("add", []) if v not in current)
            remove = {str(v).lower() for v in value.get("remove", [])}
            into[name] = [v for v in current if v.lower() not in remove]


def rule_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand folders to the YAML files in them (sorted: load order is stable)."""
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*") if q.suffix in (".yml", ".yaml") and q.is_file()))
        else:
            out.append(p)
    return out


def load_rules(paths: Iterable[str | Path]) -> RuleSet:
    ruleset = RuleSet()
    origin: dict[str, Rule] = {}
    for file in rule_files(paths):
        rules, lexicons, errors = load_pack(file)
        ruleset.sources.append(str(file))
        ruleset.errors.extend(errors)
        merge_lexicons(ruleset.lexicons, lexicons)
        for rule in rules:
            if rule.id in origin and origin[rule.id].source == rule.source:
                ruleset.errors.append(
                    RuleError(
                        str(file), rule.line or 1, rule.column or 1,
                        f"duplicate rule id '{rule.id}' (first at line {origin[rule.id].line})",
                    )
                )
                continue
            # A later pack may override a rule of an earlier one by id: that
            # is how users customise the defaults.
            origin[rule.id] = rule
            ruleset.rules[rule.id] = rule
    return ruleset
