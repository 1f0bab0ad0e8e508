"""Machine-readable findings: one JSON document for the whole run."""
from __future__ import annotations

from . import _jsonout

from .. import __version__
from ..report import Report

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


def render(report: Report, out, *, color: bool = False, options: dict | None = None) -> None:
    payload = {
        "tool": {"name": "copydesk", "version": __version__},
        "files": [
            {"path": fr.path, "error": fr.error, "findings": len(fr.findings)} for fr in report.files
        ],
        "findings": [finding_dict(fr, f) for fr, f in report.findings()],
        "failures": [
            {"path": fr.path, "check": c.check, "error": c.error} for fr in report.files for c in fr.failures
        ],
        "summary": report.counts_by_severity(),
    }
    figures = report.figure_counts()
    if figures is not None:  # the figures check ran: agreeing / contradicting / newer / unverified
        payload["figures"] = figures
    _jsonout.write(out, payload, frozenset({"findings", "files", "failures"}))
    out.write("\n")
