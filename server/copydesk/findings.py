"""What checks report."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    new_text: str


class Applicability(str, Enum):
    """How far a fix can be trusted (as ruff's ``Applicability``).  Front-ends
    decide what to apply by this, never by rule id."""

    SAFE = "safe"  # keeps the meaning: `check --fix` and the editor's "fix all" apply it
    NEEDS_REVIEW = "needs-review"  # a person must choose or confirm it: offered one at a time
    DISPLAY_ONLY = "display-only"  # shows what to do (a placeholder to fill in); never applied in bulk

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Fix:
    title: str
    edits: tuple[Edit, ...]
    preferred: bool = False
    applicability: Applicability = Applicability.NEEDS_REVIEW

    @property
    def safe(self) -> bool:
        return self.applicability is Applicability.SAFE


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
        """The same finding moved by delta characters (paragraph caching).
        (A copy of the instance dict: ``dataclasses.replace`` runs the whole
        constructor and cost 4% of a run over the bench drafts.)"""
        if not delta:
            return self
        new = object.__new__(Finding)
        d = dict(self.__dict__)
        d["start"] = self.start + delta
        d["end"] = self.end + delta
        if self.fixes:
            d["fixes"] = tuple(_shifted_fix(f, delta) for f in self.fixes)
        object.__setattr__(new, "__dict__", d)
        return new

    @property
    def sort_key(self) -> tuple:
        return (self.start, self.end, self.rule_id)


def _shifted_fix(fix: Fix, delta: int) -> Fix:
    """A fix's copy with its edits moved (the instance dicts copied, as
    ``Finding.shifted``: ``dataclasses.replace`` was a tenth of a keystroke)."""
    new = object.__new__(Fix)
    d = dict(fix.__dict__)
    edits = []
    for e in fix.edits:
        edit = object.__new__(Edit)
        object.__setattr__(edit, "__dict__", {"start": e.start + delta, "end": e.end + delta, "new_text": e.new_text})
        edits.append(edit)
    d["edits"] = tuple(edits)
    object.__setattr__(new, "__dict__", d)
    return new


@dataclass(frozen=True)
class Note:
    """What a check established that is no problem, for a report's totals
    (a figure the reference corpus agrees with): never shown as a finding.
    A check yields notes among its findings; the engine sets them apart."""

    rule_id: str  # the rule whose test this passed
    kind: str  # e.g. "figure-agrees"
    start: int
    end: int
    data: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def shifted(self, delta: int) -> "Note":
        return replace(self, start=self.start + delta, end=self.end + delta) if delta else self


@dataclass
class CheckFailure:
    """A check (or the corpus) that crashed: the run reports it and goes on."""

    check: str
    error: str
    traceback: str


def apply_fixes(text: str, findings, wanted=(Applicability.SAFE,)) -> tuple[str, int]:
    """The text with the first fix of the given applicability of every
    finding applied (overlapping edits: the first wins), and how many fixes
    were applied."""
    edits: list[Edit] = []
    taken: list[tuple[int, int]] = []
    applied = 0
    for f in findings:
        fix = next((x for x in f.fixes if x.applicability in wanted and x.edits), None)
        if fix is None or any(e.start < b and a < e.end or (e.start == e.end == a) for e in fix.edits
                              for a, b in taken):
            continue
        edits.extend(fix.edits)
        taken.extend((e.start, e.end) for e in fix.edits)
        applied += 1
    for e in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        text = text[:e.start] + e.new_text + text[e.end:]
    return text, applied
