"""Machine-readable findings: one JSON document for the whole run."""
from __future__ import annotations

from . import _jsonout

from .. import __version__
from ..report import FigureCounts, Report

NAME = "json"


def finding_dict(fr, f) -> dict:
    loc = fr.location(f)
    return {
        "path": fr.path,
        "rule_id": f.rule_id,
        "severity": f.severity,
        "message": f.message,
        **loc,
        "text": fr.matched(f),
        "fixes": [
            {
                "title": fix.title,
                "applicability": str(fix.applicability),
                "edits": [_edit(fr, e) for e in fix.edits],
            }
            for fix in f.fixes
        ],
        "related": [
            {"path": ev.path, "line": ev.line, "column": ev.column, "text": ev.text, "message": ev.message,
             **({"meta": dict(ev.meta)} if ev.meta else {})}
            for ev in f.related
        ],
        "data": f.data,
    }


def _edit(fr, e) -> dict:
    loc = fr.span(e.start, e.end)
    return {"start": {"line": loc["line"], "column": loc["column"]},
            "end": {"line": loc["end_line"], "column": loc["end_column"]}, "new_text": e.new_text}


class Stream:
    """The document written as drafts come: files and findings are spooled
    (one encoded line each), the totals at the end."""

    def __init__(self, out, *, color: bool = False, options: dict | None = None, rules=None, errors=None):
        self.out = out
        self.files = _jsonout.Spool()
        self.findings = _jsonout.Spool()
        self.failures: list[dict] = []
        self.summary: dict[str, int] = {}
        self.figures = FigureCounts(rules or {})

    def add(self, fr) -> None:
        self.files.append({"path": fr.path, "error": fr.error, "findings": len(fr.findings)})
        summary = self.summary
        for f in fr.findings:
            self.findings.append(finding_dict(fr, f))
            summary[f.severity] = summary.get(f.severity, 0) + 1
        self.failures.extend({"path": fr.path, "check": c.check, "error": c.error} for c in fr.failures)
        self.figures.add(fr)

    def close(self) -> None:
        payload = {
            "tool": {"name": "copydesk", "version": __version__},
            "files": self.files,
            "findings": self.findings,
            "failures": self.failures,
            "summary": self.summary,
        }
        figures = self.figures.result()
        if figures is not None:  # the figures check ran: agreeing / contradicting / newer / unverified
            payload["figures"] = figures
        try:
            _jsonout.write(self.out, payload, frozenset({"findings", "files", "failures"}))
            self.out.write("\n")
        finally:
            self.files.close()
            self.findings.close()


def render(report: Report, out, *, color: bool = False, options: dict | None = None) -> None:
    stream = Stream(out, rules=report.rules)
    for fr in report.files:
        stream.add(fr)
    stream.close()
