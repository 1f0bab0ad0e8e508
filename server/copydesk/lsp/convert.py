"""Engine values -> LSP values (ranges in the negotiated position encoding)."""
from __future__ import annotations

import weakref
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


class DiagnosticMemo:
    """A document's diagnostics of its last lint, reused for the findings a
    keystroke left alone: building a Diagnostic (and its JSON form, see
    ``memoize_unstructure``) for every finding of a long draft on every
    keystroke costs more than linting the paragraph that changed.  A finding
    is the same diagnostic when its rule, message, fixes, evidence, data and
    place (line and column, not offset: an edit above moves offsets only)
    are."""

    def __init__(self) -> None:
        self._last: dict[tuple, types.Diagnostic] = {}
        self._generation: object = None

    def convert(self, doc: Document, findings, rule_of, encoding: str, generation: object) -> list[types.Diagnostic]:
        if generation != self._generation:  # rules or config changed: rebuild all
            self._last, self._generation = {}, generation
        last, now, out = self._last, {}, []
        for f in findings:
            start, end = squiggle(doc, f)
            rule = rule_of(f.rule_id)
            key = (f.rule_id, f.severity, f.message, tuple(fix.title for fix in f.fixes), f.related,
                   doc.column_in(start, encoding), doc.column_in(end, encoding),
                   (doc.column_in(f.start, encoding), doc.column_in(f.end, encoding)) if (start, end) != (f.start, f.end)
                   else None, repr(f.data) if f.data else "", rule.link if rule is not None else None, encoding)
            d = now.get(key) or last.get(key)
            if d is None:
                d = diagnostic(doc, f, rule, encoding)
            now[key] = d
            out.append(d)
        self._last = now
        return out


def memoize_unstructure(converter) -> None:
    """Have ``converter`` (the server's) keep the JSON form of each Diagnostic
    object it has sent: DiagnosticMemo hands the same objects back for the
    findings an edit did not touch.  Call before the converter first
    unstructures anything (cattrs builds the nested hooks then)."""
    base = converter.get_unstructure_hook(types.Diagnostic)
    # id -> (weak reference, JSON form): an entry lives as long as its
    # Diagnostic (kept by a DiagnosticMemo while its document's last lint has it).
    done: dict[int, tuple[weakref.ref, dict]] = {}

    def unstructure(d: types.Diagnostic) -> dict:
        key = id(d)
        hit = done.get(key)
        if hit is not None and hit[0]() is d:
            return hit[1]
        out = base(d)
        done[key] = (weakref.ref(d, lambda ref, key=key: done.get(key, (None,))[0] is ref and done.pop(key)), out)
        return out

    converter.register_unstructure_hook(types.Diagnostic, unstructure)


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
