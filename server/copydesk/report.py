"""Lint results for a run over many files, as the output formats see them."""
from __future__ import annotations

from dataclasses import dataclass, field

from .engine import CheckFailure
from .findings import Finding
from .rules.model import SEVERITY_RANK, Rule
from .text.document import Document


@dataclass
class FileReport:
    path: str  # as shown to the user (relative where possible, "-" or the stdin name)
    document: Document | None
    findings: list[Finding] = field(default_factory=list)
    failures: list[CheckFailure] = field(default_factory=list)
    error: str | None = None  # why the file could not be linted

    def location(self, f: Finding) -> dict:
        """1-based line/column (characters) plus LSP's 0-based UTF-16 range."""
        doc = self.document
        s, e = doc.position(f.start), doc.position(f.end)
        return {
            "line": s.line + 1,
            "column": s.character + 1,
            "end_line": e.line + 1,
            "end_column": e.character + 1,
            "range": {
                "start": {"line": s.line, "character": s.utf16},
                "end": {"line": e.line, "character": e.utf16},
            },
        }


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

    @property
    def input_errors(self) -> list[FileReport]:
        return [fr for fr in self.files if fr.error]
