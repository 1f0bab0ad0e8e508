"""Lint results for a run over many files, as the output formats see them.

A run may cover 100,000 files, so a ``FileReport`` does not keep its document:
``compact()`` works out every position the formats need (findings, fix edits)
and the quoted text, then lets the document go.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .findings import CheckFailure, Finding, Note
from .rules.model import SEVERITY_RANK, Rule
from .text.document import Document


@dataclass
class FileReport:
    path: str  # as shown to the user (relative where possible, "-" or the stdin name)
    document: Document | None
    findings: list[Finding] = field(default_factory=list)
    failures: list[CheckFailure] = field(default_factory=list)
    error: str | None = None  # why the file could not be linted
    notes: list[Note] = field(default_factory=list)  # what passed: figures the corpus agrees with
    # Kept only when a front-end asks (the report page): the draft's text,
    # and its source ledger as `copydesk sources --format json` gives it.
    draft_text: str | None = None
    sources: dict | None = None
    # (start, end) -> location / text, filled by compact()
    _spans: dict = field(default_factory=dict, repr=False)
    _texts: dict = field(default_factory=dict, repr=False)

    def compact(self) -> "FileReport":
        """Precompute what the formats need and drop the document."""
        doc = self.document
        if doc is None:
            return self
        for f in self.findings:
            self.span(f.start, f.end)
            self.text(f.start, f.end)
            for fix in f.fixes:
                for e in fix.edits:
                    self.span(e.start, e.end)
        for n in self.notes:
            self.span(n.start, n.end)
        self.document = None
        return self

    def span(self, start: int, end: int) -> dict:
        key = (start, end)
        loc = self._spans.get(key)
        if loc is None:
            if self.document is None:
                raise KeyError(f"{self.path}: no position for {key} (report compacted)")
            # Kept as a tuple of 8 ints (a tenth of the memory of the dicts):
            # a run over thousands of drafts holds one per finding and fix.
            d = self.document
            s, e = d.position(start), d.position(end)
            loc = self._spans[key] = (s.line, s.character, s.utf16, e.line, e.character, e.utf16)
        sl, sc, su, el, ec, eu = loc
        return {
            "line": sl + 1,
            "column": sc + 1,
            "end_line": el + 1,
            "end_column": ec + 1,
            "range": {
                "start": {"line": sl, "character": su},
                "end": {"line": el, "character": eu},
            },
        }

    def text(self, start: int, end: int) -> str:
        key = (start, end)
        if key not in self._texts:
            if self.document is None:
                raise KeyError(f"{self.path}: no text for {key} (report compacted)")
            self._texts[key] = self.document.text[start:end]
        return self._texts[key]

    def location(self, f: Finding) -> dict:
        """1-based line/column (characters) plus LSP's 0-based UTF-16 range."""
        return self.span(f.start, f.end)

    def matched(self, f: Finding) -> str:
        """The text a finding covers."""
        return self.text(f.start, f.end)


@dataclass
class Report:
    files: list[FileReport] = field(default_factory=list)
    rules: dict[str, Rule] = field(default_factory=dict)  # every rule that can appear
    errors: list[str] = field(default_factory=list)  # usage / config / rule-file problems

    def findings(self):
        for fr in self.files:
            for f in fr.findings:
                yield fr, f

    def count(self, min_severity: str = "hint") -> int:
        floor = SEVERITY_RANK[min_severity]
        return sum(1 for _, f in self.findings() if SEVERITY_RANK[f.severity] >= floor)

    def counts_by_severity(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for _, f in self.findings():
            out[f.severity] = out.get(f.severity, 0) + 1
        return out

    def figure_counts(self) -> dict[str, int] | None:
        """Figures checked against the reference corpus (``FigureCounts``)."""
        counts = FigureCounts(self.rules)
        for fr in self.files:
            counts.add(fr)
        return counts.result()

    @property
    def input_errors(self) -> list[FileReport]:
        return [fr for fr in self.files if fr.error]


class FigureCounts:
    """Figures checked against the reference corpus, counted draft by draft
    (a streaming format adds each report as it comes): agreeing (the figures
    check's notes), contradicting and newer (its mismatch findings; newer:
    larger than every older count) and unverified (its unverified findings),
    as reported (after --min-severity).  A count whose rule is off is left
    out (figures/figure-unverified is off by default); ``result()`` is None
    when no figures rule ran."""

    def __init__(self, rules: dict[str, Rule]):
        self.reports = {rid: r.option("report") for rid, r in rules.items() if r.check == "figures"}
        kinds = set(self.reports.values())
        self.counts = {"agreeing": 0, **({"contradicting": 0, "newer": 0} if "mismatch" in kinds else {}),
                       **({"unverified": 0} if "unverified" in kinds else {})}

    def add(self, fr: FileReport) -> None:
        out = self.counts
        out["agreeing"] += sum(1 for n in fr.notes if n.kind == "figure-agrees")
        for f in fr.findings:
            kind = self.reports.get(f.rule_id)
            if kind == "mismatch":
                out["newer" if f.data.get("newer") else "contradicting"] += 1
            elif kind == "unverified":
                out["unverified"] += 1

    def result(self) -> dict[str, int] | None:
        return dict(self.counts) if self.reports else None
