"""Code actions: edits computed from findings (no analysis here).

- one quick fix per ``Finding.fix`` (loaded-term suggestions, corpus figures…)
- "insert an attribution placeholder" for attribution findings
- disable the rule for this line / for the file (directive comments)
- source action: fix every loaded term that has exactly one suggestion
"""
from __future__ import annotations

import re

from lsprotocol import types

from ..engine import LintResult
from ..findings import Finding
from ..text.document import Document
from ..text.frontmatter import front_matter
from .convert import lsp_range

FIX_ALL_KIND = "source.fixAll.copydesk"
PLACEHOLDER = "[SOURCE]"

_CLOSE_QUOTES = "”’\"'»"
_TERMINAL = ".!?…"


def _edit(doc: Document, start: int, end: int, text: str, encoding: str) -> types.TextEdit:
    return types.TextEdit(range=lsp_range(doc, start, end, encoding), new_text=text)


def _workspace_edit(uri: str, version: int | None, edits: list[types.TextEdit]) -> types.WorkspaceEdit:
    # documentChanges pins the version the edit was computed for, so a client
    # never applies it to text that has moved on; plain `changes` for the rest.
    return types.WorkspaceEdit(
        document_changes=[types.TextDocumentEdit(
            text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
            edits=edits,
        )]
    ) if version is not None else types.WorkspaceEdit(changes={uri: edits})


def overlaps(f: Finding, start: int, end: int) -> bool:
    if start == end:
        return f.start <= start <= f.end
    return f.start < end and start < f.end


def attribution_placeholder(doc: Document, result: LintResult, f: Finding) -> tuple[int, int, str] | None:
    """Where and what to insert so the finding's sentence names a source."""
    model = result.model
    if model is None:
        return None
    par = model.paragraph_at(f.start)
    if par is None:
        return None
    sentence = None
    for s in par.sentences:
        if s.start <= f.start < max(s.end, s.start + 1):
            sentence = s
            break
    if sentence is None:
        return None
    text = doc.text
    end = sentence.end
    while end > sentence.start and text[end - 1].isspace():
        end -= 1
    if end <= sentence.start:
        return None
    last = text[end - 1]
    if last in _CLOSE_QUOTES and end - 2 >= sentence.start and text[end - 2] in _TERMINAL:
        # “We will not retreat.” -> “We will not retreat,” [SOURCE] said.
        if text[end - 2] == ".":
            return end - 2, end, f",{last} {PLACEHOLDER} said."
        return end, end, f" {PLACEHOLDER} said."
    if last in _TERMINAL:
        # The fighting has left over 500 dead. -> …dead, according to [SOURCE].
        return end - 1, end - 1, f", according to {PLACEHOLDER}"
    return end, end, f", according to {PLACEHOLDER}"


_QUOTE_PREFIX = re.compile(r"[ \t]*(?:>[ \t]?)*")


def _line_indent(doc: Document, line: int) -> str:
    """The line's indentation, with its blockquote markers in Markdown
    (a directive above "> text" must stay inside the quote)."""
    body = doc.line_text(line)
    if doc.language == "markdown":
        return _QUOTE_PREFIX.match(body).group(0)
    return body[: len(body) - len(body.lstrip(" \t"))]


def _line_break(doc: Document) -> str:
    return "\r\n" if "\r\n" in doc.text[:4096] else "\n"


def front_matter_end(doc: Document) -> int:
    """Offset just after YAML/TOML front matter (0 when there is none)."""
    if doc.language != "markdown":
        return 0
    fm = front_matter(doc.text)
    return fm.end if fm else 0


def disable_line_edit(doc: Document, f: Finding) -> tuple[int, str]:
    line = doc.line_of(f.start)
    start = doc.line_starts[line]
    return start, f"{_line_indent(doc, line)}<!-- copydesk-disable-next-line {f.rule_id} -->{_line_break(doc)}"


def disable_file_edit(doc: Document, f: Finding) -> tuple[int, str]:
    at = front_matter_end(doc)
    nl = _line_break(doc)
    prefix = nl if at and not doc.text[:at].endswith("\n") else ""
    return at, f"{prefix}<!-- copydesk-disable {f.rule_id} -->{nl}"


def code_actions(uri: str, version: int | None, doc: Document, result: LintResult, start: int, end: int,
                 diagnostics_for, encoding: str, only: list[str] | None = None) -> list[types.CodeAction]:
    """``diagnostics_for(finding)`` returns the LSP diagnostic(s) an action resolves."""

    def wanted(kind: str) -> bool:
        return not only or any(kind == k or kind.startswith(k + ".") for k in only)

    actions: list[types.CodeAction] = []
    here = [f for f in result.findings if overlaps(f, start, end)]
    if wanted(types.CodeActionKind.QuickFix):
        for f in here:
            diags = diagnostics_for(f)
            for fix in f.fixes:
                actions.append(types.CodeAction(
                    title=fix.title, kind=types.CodeActionKind.QuickFix, diagnostics=diags,
                    is_preferred=fix.preferred or None,
                    edit=_workspace_edit(uri, version, [_edit(doc, e.start, e.end, e.new_text, encoding) for e in fix.edits]),
                ))
            if f.rule_id.startswith("attribution/"):
                spot = attribution_placeholder(doc, result, f)
                if spot:
                    a, b, text = spot
                    actions.append(types.CodeAction(
                        title=f"Insert an attribution placeholder ({text.strip(' ,.')})",
                        kind=types.CodeActionKind.QuickFix, diagnostics=diags,
                        edit=_workspace_edit(uri, version, [_edit(doc, a, b, text, encoding)]),
                    ))
        for f in here:
            diags = diagnostics_for(f)
            at, text = disable_line_edit(doc, f)
            actions.append(types.CodeAction(
                title=f"Disable {f.rule_id} for this line", kind=types.CodeActionKind.QuickFix,
                diagnostics=diags, edit=_workspace_edit(uri, version, [_edit(doc, at, at, text, encoding)]),
            ))
        seen = set()
        for f in here:
            if f.rule_id in seen:
                continue
            seen.add(f.rule_id)
            at, text = disable_file_edit(doc, f)
            actions.append(types.CodeAction(
                title=f"Disable {f.rule_id} for this file", kind=types.CodeActionKind.QuickFix,
                diagnostics=diagnostics_for(f), edit=_workspace_edit(uri, version, [_edit(doc, at, at, text, encoding)]),
            ))
    if wanted(FIX_ALL_KIND):
        fixable = [f for f in result.findings
                   if f.rule_id.startswith("loaded-term/") and len(f.fixes) == 1]
        if fixable:
            edits, taken = [], []
            for f in fixable:
                for e in f.fixes[0].edits:
                    if any(e.start < b and a < e.end for a, b in taken):
                        continue  # overlapping edits are invalid in one WorkspaceEdit
                    taken.append((e.start, e.end))
                    edits.append(_edit(doc, e.start, e.end, e.new_text, encoding))
            actions.append(types.CodeAction(
                title=f"Fix all loaded terms in file ({len(edits)})", kind=FIX_ALL_KIND,
                diagnostics=[d for f in fixable for d in diagnostics_for(f)],
                edit=_workspace_edit(uri, version, edits),
            ))
    return actions
