"""What checks report."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    new_text: str


@dataclass(frozen=True)
class Fix:
    title: str
    edits: tuple[Edit, ...]
    preferred: bool = False


@dataclass(frozen=True)
class Evidence:
    """A place outside the draft that supports or contradicts a finding."""

    path: str
    line: int  # 1-based
    column: int  # 1-based, characters
    text: str
    message: str = ""
    end_column: int | None = None
    meta: tuple[tuple[str, str], ...] = ()  # e.g. (("outlet", "AFP"), ("date", "2024-11-30"))


@dataclass(frozen=True)
class Finding:
    rule_id: str
    severity: str
    message: str
    start: int  # offsets into the document text
    end: int
    fixes: tuple[Fix, ...] = ()
    related: tuple[Evidence, ...] = ()
    data: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def shifted(self, delta: int) -> "Finding":
        """The same finding moved by delta characters (paragraph caching)."""
        if not delta:
            return self
        return replace(
            self,
            start=self.start + delta,
            end=self.end + delta,
            fixes=tuple(
                Fix(f.title, tuple(Edit(e.start + delta, e.end + delta, e.new_text) for e in f.edits), f.preferred)
                for f in self.fixes
            ),
        )

    @property
    def sort_key(self) -> tuple:
        return (self.start, self.end, self.rule_id)


@dataclass
class CheckFailure:
    """A check (or the corpus) that crashed: the run reports it and goes on."""

    check: str
    error: str
    traceback: str
