"""Rules as loaded from YAML packs."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

SEVERITIES = ("error", "warning", "info", "hint")
SEVERITY_RANK = {name: rank for rank, name in enumerate(reversed(SEVERITIES))}  # hint=0 … error=3

COMMON_FIELDS = ("id", "check", "severity", "message", "rationale", "link", "enabled", "title", "examples")


@dataclass
class Rule:
    id: str
    check: str
    severity: str
    message: str
    rationale: str = ""
    link: str | None = None
    title: str | None = None
    enabled: bool = True
    options: dict[str, Any] = field(default_factory=dict)  # check-specific data
    examples: dict[str, list[str]] = field(default_factory=dict)  # {"flag": [...], "pass": [...]}
    source: str | None = None  # the file it came from
    line: int | None = None  # 1-based line of the rule in that file
    column: int | None = None  # 1-based column of the rule's first field

    def option(self, name: str, default: Any = None) -> Any:
        return self.options.get(name, default)

    def render(self, **values: Any) -> str:
        return render_template(self.message, values)


_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


def render_template(template: str, values: dict[str, Any]) -> str:
    """Fill ``{name}`` placeholders. Deliberately not ``str.format``: rule
    files are data, and format strings can reach object attributes."""

    def sub(m: re.Match) -> str:
        v = values.get(m.group(1))
        if v is None:
            return m.group(0)
        if isinstance(v, (list, tuple)):
            return ", ".join(f"“{x}”" for x in v)
        return str(v)

    return _PLACEHOLDER.sub(sub, template)


@dataclass
class RuleError:
    """A located problem in a rule or config file."""

    path: str
    line: int  # 1-based
    column: int  # 1-based
    message: str
    end_line: int | None = None
    end_column: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


@dataclass
class RuleSet:
    rules: dict[str, Rule] = field(default_factory=dict)
    lexicons: dict[str, list[str]] = field(default_factory=dict)  # the language's, with the packs' edits
    errors: list[RuleError] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    language: Any = None  # copydesk.lang.Language, built by load_rules

    def get(self, rule_id: str) -> Rule | None:
        return self.rules.get(rule_id)
