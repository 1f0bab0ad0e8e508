"""SARIF 2.1.0, for GitHub code scanning and SARIF viewers.

Columns are UTF-16 code units (SARIF's default ``columnKind``, declared
explicitly), 1-based, like the editors that display them.  File locations are
relative URIs against the ``%SRCROOT%`` base (the folder copydesk ran in).
"""
from __future__ import annotations

from . import _jsonout
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from .. import __version__
from ..report import FileReport, Report
from ..text.document import utf16_len

NAME = "sarif"

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://pypi.org/project/copydesk/"
LEVELS = {"error": "error", "warning": "warning", "info": "note", "hint": "note"}
BASE_ID = "%SRCROOT%"


def _uri(path: str) -> tuple[str, str | None]:
    """(uri, uriBaseId): relative paths against %SRCROOT%, absolute as file URIs."""
    p = Path(path)
    if p.is_absolute():
        return p.as_uri(), None
    return quote(p.as_posix(), safe="/"), BASE_ID


def _artifact(path: str) -> dict:
    uri, base = _uri(path)
    return {"uri": uri, "uriBaseId": base} if base else {"uri": uri}


def _region(loc: dict) -> dict:
    r = loc["range"]
    return {
        "startLine": r["start"]["line"] + 1,
        "startColumn": r["start"]["character"] + 1,
        "endLine": r["end"]["line"] + 1,
        "endColumn": r["end"]["character"] + 1,
    }


def _rule_descriptor(rule) -> dict:
    out = {
        "id": rule.id,
        "name": _camel(rule.id),
        "shortDescription": {"text": rule.title or rule.id},
        "fullDescription": {"text": rule.rationale or rule.title or rule.id},
        "defaultConfiguration": {"level": LEVELS.get(rule.severity, "warning")},
        "properties": {"check": rule.check, "severity": rule.severity},
    }
    if rule.link:
        out["helpUri"] = rule.link
    if rule.rationale:
        out["help"] = {"text": rule.rationale}
    return out


def _camel(rule_id: str) -> str:
    """SARIF wants a name that is an identifier: loaded-term/so-called -> LoadedTermSoCalled."""
    parts = [p for chunk in rule_id.split("/") for p in chunk.split("-") if p]
    return "".join(p[:1].upper() + p[1:] for p in parts) or "Rule"


@lru_cache(maxsize=64)
def _lines(path: str) -> tuple[str, ...] | None:
    try:
        with open(path, encoding="utf-8") as fh:
            return tuple(fh.read().split("\n"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None


def _utf16_column(path: str, line: int, column: int) -> int | None:
    """1-based character column -> 1-based UTF-16 column (None if unknown)."""
    lines = _lines(path)
    if lines is None or not 1 <= line <= len(lines):
        return None
    prefix = lines[line - 1][: max(column - 1, 0)]
    if len(prefix) < column - 1:
        return None
    return utf16_len(prefix) + 1


def _result(fr: FileReport, f, rule_index: dict[str, int]) -> dict:
    loc = fr.location(f)
    region = _region(loc)
    region["snippet"] = {"text": fr.matched(f)}
    result = {
        "ruleId": f.rule_id,
        "level": LEVELS.get(f.severity, "warning"),
        "message": {"text": f.message},
        "locations": [{"physicalLocation": {"artifactLocation": _artifact(fr.path), "region": region}}],
        "properties": {"severity": f.severity},
    }
    if f.rule_id in rule_index:
        result["ruleIndex"] = rule_index[f.rule_id]
    if f.fixes:
        result["fixes"] = [
            {
                "description": {"text": fix.title},
                "properties": {"applicability": str(fix.applicability)},
                "artifactChanges": [
                    {
                        "artifactLocation": _artifact(fr.path),
                        "replacements": [
                            {
                                "deletedRegion": _region(fr.span(e.start, e.end)),
                                "insertedContent": {"text": e.new_text},
                            }
                            for e in fix.edits
                        ],
                    }
                ],
            }
            for fix in f.fixes
            if fix.edits
        ]
    related = []
    for i, ev in enumerate(f.related):
        ev_region = {"startLine": max(1, ev.line)}
        # Evidence columns count characters; the run declares UTF-16 units,
        # so convert with the evidence file's line, or leave the column out.
        column = _utf16_column(ev.path, ev.line, ev.column) if ev.column else None
        if column is not None:
            ev_region["startColumn"] = column
            if ev.end_column:
                end = _utf16_column(ev.path, ev.line, ev.end_column)
                if end is not None and end >= column:
                    ev_region["endColumn"] = end
        if ev.text:
            ev_region["snippet"] = {"text": ev.text}
        entry = {
            "id": i,
            "physicalLocation": {"artifactLocation": _artifact(ev.path), "region": ev_region},
        }
        message = ev.message or ev.text
        if message:
            entry["message"] = {"text": message}
        related.append(entry)
    if related:
        result["relatedLocations"] = related
    return result


class Stream:
    """The log written as drafts come: results are spooled (one encoded line
    each); the invocation's notifications, which SARIF puts before the
    results, are written at the end with them."""

    def __init__(self, out, *, color: bool = False, options: dict | None = None, rules=None, errors=None):
        self.out = out
        self.rules = sorted((rules or {}).values(), key=lambda r: r.id)
        self.rule_index = {r.id: i for i, r in enumerate(self.rules)}
        self.errors = list(errors or [])
        self.results = _jsonout.Spool()
        self.input_errors: list[dict] = []
        self.failures: list[dict] = []

    def add(self, fr: FileReport) -> None:
        for f in fr.findings:
            self.results.append(_result(fr, f, self.rule_index))
        if fr.error:
            self.input_errors.append(
                {"level": "error", "message": {"text": f"{fr.path}: {fr.error}"},
                 "locations": [{"physicalLocation": {"artifactLocation": _artifact(fr.path)}}]})
        self.failures.extend(
            {"level": "error", "message": {"text": f"{fr.path}: check {c.check} failed: {c.error}"}}
            for c in fr.failures)

    def log(self) -> dict:
        notifications = self.input_errors + self.failures + [
            {"level": "error", "message": {"text": e}} for e in self.errors]
        invocation = {
            "executionSuccessful": not notifications,
        }
        if notifications:
            invocation["toolExecutionNotifications"] = notifications
        run = {
            "tool": {
                "driver": {
                    "name": "copydesk",
                    "version": __version__,
                    "semanticVersion": __version__,
                    "informationUri": INFO_URI,
                    "rules": [_rule_descriptor(r) for r in self.rules],
                }
            },
            "originalUriBaseIds": {BASE_ID: {"uri": Path.cwd().as_uri() + "/"}},
            "columnKind": "utf16CodeUnits",
            "invocations": [invocation],
            "results": self.results,
        }
        return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}

    def close(self) -> None:
        try:
            _jsonout.write(self.out, self.log(), frozenset({"results", "rules"}))
            self.out.write("\n")
        finally:
            self.results.close()


def _stream(report: Report, out=None) -> Stream:
    stream = Stream(out, rules=report.rules, errors=report.errors)
    for fr in report.files:
        stream.add(fr)
    return stream


def render(report: Report, out, *, color: bool = False, options: dict | None = None) -> None:
    _stream(report, out).close()
