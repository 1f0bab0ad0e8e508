"""Engine values -> LSP values (ranges in the negotiated position encoding)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from lsprotocol import types

from ..findings import Evidence, Finding
from ..rules.model import Rule, RuleError
from ..text.document import Document

SOURCE = "copydesk"

SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
    "hint": types.DiagnosticSeverity.Hint,
}


def lsp_range(doc: Document, start: int, end: int, encoding: str) -> types.Range:
    sl, sc = doc.column_in(start, encoding)
    el, ec = doc.column_in(end, encoding)
    return types.Range(types.Position(sl, sc), types.Position(el, ec))


def path_uri(path: str) -> str:
    return Path(path).resolve().as_uri()


@lru_cache(maxsize=64)
def _file_document(path: str, mtime: float) -> Document | None:
    try:
        return Document(Path(path).read_text(encoding="utf-8"), path)
    except (OSError, UnicodeDecodeError):
        return None


def file_document(path: str) -> Document | None:
    """A file on disk as a Document (to place evidence and rule errors in
    the client's encoding); cached until the file changes."""
    try:
        mtime = Path(path).stat().st_mtime
    except OSError:
        return None
    return _file_document(path, mtime)


def located_range(path: str, line: int, column: int, end_column: int | None, encoding: str,
                  end_line: int | None = None) -> types.Range:
    """A 1-based (line, character column) place in a file as an LSP range."""
    line0, col0 = max(line - 1, 0), max(column - 1, 0)
    end_line0 = (end_line - 1) if end_line else line0
    end_col0 = (end_column - 1) if end_column else None
    doc = file_document(path)
    if doc is None or line0 >= doc.line_count:
        ec = end_col0 if end_col0 is not None else col0
        return types.Range(types.Position(line0, col0), types.Position(end_line0, max(ec, col0)))
    start = min(doc.line_starts[line0] + col0, len(doc.text))
    if end_col0 is None:
        # Without an end: to the end of the line (a visible span).
        end = doc.line_starts[line0] + len(doc.line_text(line0))
        end = max(end, start)
    else:
        el = min(end_line0, doc.line_count - 1)
        end = min(doc.line_starts[el] + end_col0, len(doc.text))
    return lsp_range(doc, start, max(start, end), encoding)


def related_information(ev: Evidence, encoding: str) -> types.DiagnosticRelatedInformation:
    message = ev.message or ev.text
    meta = ", ".join(f"{k}: {v}" for k, v in ev.meta)
    if meta:
        message = f"{message} ({meta})"
    return types.DiagnosticRelatedInformation(
        location=types.Location(path_uri(ev.path), located_range(ev.path, ev.line, ev.column, ev.end_column, encoding)),
        message=message,
    )


def diagnostic(doc: Document, f: Finding, rule: Rule | None, encoding: str) -> types.Diagnostic:
    # Enough for a client to know which quick fixes exist; the edits
    # themselves are computed by textDocument/codeAction against the current
    # text (small payloads: every keystroke re-sends the whole list).
    data = {"ruleId": f.rule_id, "fixes": [fix.title for fix in f.fixes]}
    extra = {k: v for k, v in (f.data or {}).items() if _jsonable(v)}
    if extra:
        data["finding"] = extra
    start, end = squiggle(doc, f)
    if (start, end) != (f.start, f.end):
        # The whole sentence the finding is about (hover, Explain, fixes use it).
        data["span"] = lsp_range(doc, f.start, f.end, encoding)
    return types.Diagnostic(
        range=lsp_range(doc, start, end, encoding),
        message=f.message,
        severity=SEVERITY.get(f.severity, types.DiagnosticSeverity.Warning),
        code=f.rule_id,
        code_description=types.CodeDescription(href=rule.link) if rule is not None and rule.link else None,
        source=SOURCE,
        related_information=[related_information(ev, encoding) for ev in f.related] or None,
        data=data,
    )


def squiggle(doc: Document, f: Finding) -> tuple[int, int]:
    """Where the editor underlines a finding.  A sentence-wide finding (an
    unattributed claim) is underlined on the word that makes it one, its
    trigger ("withdrew", "500"), not across the whole sentence, where its
    squiggle would hide the narrower findings inside it (a loaded term); the
    message names that word, hovering anywhere in the sentence still shows it.
    Findings without a trigger keep their own range."""
    trigger = (f.data or {}).get("trigger")
    if not isinstance(trigger, str) or not trigger.strip() or f.end - f.start <= len(trigger):
        return f.start, f.end
    at = doc.text.find(trigger, f.start, f.end)
    if at < 0:
        return f.start, f.end
    return at, at + len(trigger)


def rule_error_diagnostic(err: RuleError, encoding: str) -> types.Diagnostic:
    return types.Diagnostic(
        range=located_range(err.path, err.line, err.column, err.end_column, encoding, err.end_line),
        message=err.message,
        severity=types.DiagnosticSeverity.Error,
        source=SOURCE,
    )


def _jsonable(v) -> bool:
    if v is None or isinstance(v, (str, int, float, bool)):
        return True
    if isinstance(v, (list, tuple)):
        return all(_jsonable(x) for x in v)
    if isinstance(v, dict):
        return all(isinstance(k, str) and _jsonable(x) for k, x in v.items())
    return False
