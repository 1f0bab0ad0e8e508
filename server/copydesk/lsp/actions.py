"""Code actions: edits computed from findings (no analysis, no English here).

- one quick fix per ``Finding.fixes`` (loaded-term suggestions, corpus
  figures, the attribution check's placeholder …), whatever the check
- disable the rule for this line / for the file (directive comments)
- source action "fix all": the first safe fix (``Applicability.SAFE``) of
  every finding, whatever its rule
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
        safe = [(f, next(x for x in f.fixes if x.safe)) for f in result.findings if any(x.safe for x in f.fixes)]
        fixable = [f for f, _ in safe]
        if fixable:
            edits, taken = [], []
            for f, fix in safe:
                for e in fix.edits:
                    if any(e.start < b and a < e.end for a, b in taken):
                        continue  # overlapping edits are invalid in one WorkspaceEdit
                    taken.append((e.start, e.end))
                    edits.append(_edit(doc, e.start, e.end, e.new_text, encoding))
            actions.append(types.CodeAction(
                title=f"Fix all safe fixes in file ({len(edits)})", kind=FIX_ALL_KIND,
                diagnostics=[d for f in fixable for d in diagnostics_for(f)],
                edit=_workspace_edit(uri, version, edits),
            ))
    return actions
