"""Apply incremental edits exactly as the LSP spec defines positions.

pygls 2.1's TextDocument splits lines with ``str.splitlines``, which also
breaks at form feed, U+2028, U+0085 and other separators; an editor counts
only "\\r\\n", "\\r" and "\\n".  A draft pasted from the web with a U+2028 in
it would then receive every later edit at the wrong place, and the server's
text would silently drift from the editor's.  pygls also clamps a column past
the end of the last line to one character *before* its end; the spec says a
column past the end means the end of the line.  This subclass fixes both.
"""
from __future__ import annotations

import logging
import re
from urllib.parse import unquote

from lsprotocol import types
from pygls.workspace import TextDocument, Workspace

_EOL = re.compile(r"\r\n|\r|\n")
log = logging.getLogger(__name__)


def lsp_lines(source: str) -> tuple[str, ...]:
    """Lines with their line ending, split only where the LSP spec does."""
    out = []
    start = 0
    for m in _EOL.finditer(source):
        out.append(source[start:m.end()])
        start = m.end()
    if start < len(source):
        out.append(source[start:])
    return tuple(out)


class LspTextDocument(TextDocument):
    @property
    def lines(self):
        return lsp_lines(self.source)

    def _offset(self, lines: tuple[str, ...], pos: types.Position) -> int:
        """Offset of a client position; past the end of a line is its end,
        past the last line is the end of the document."""
        line = max(pos.line, 0)
        if line >= len(lines):
            return len(self.source)
        start = sum(len(x) for x in lines[:line])
        content = lines[line].rstrip("\r\n")
        units, i, want = 0, 0, max(pos.character, 0)
        count = self.position_codec.client_num_units
        while i < len(content) and units < want:
            units += count(content[i])
            i += 1
        return start + i

    def _apply_incremental_change(self, change: types.TextDocumentContentChangePartial) -> None:
        lines = self.lines
        a = self._offset(lines, change.range.start)
        b = self._offset(lines, change.range.end)
        if b < a:  # a reversed range: the span between the two positions
            a, b = b, a
        source = self.source
        self._source = source[:a] + change.text + source[b:]


class LspWorkspace(Workspace):
    def _create_text_document(self, doc_uri, source=None, version=None, language_id=None):
        return LspTextDocument(doc_uri, source=source, version=version, language_id=language_id,
                               sync_kind=self._sync_kind, position_codec=self._position_codec)

    def update_text_document(self, text_doc, change):
        # A change to a document the client never opened: nothing to update
        # (pygls would raise KeyError and pop up "Error in server").
        if not is_open(self, text_doc.uri):
            log.warning("ignoring a change to %s, which is not open", text_doc.uri)
            return
        super().update_text_document(text_doc, change)


def is_open(workspace: Workspace, uri: str) -> bool:
    return unquote(uri) in workspace.text_documents


def use_lsp_positions(workspace: Workspace) -> None:
    """Make a pygls workspace (created at initialize) use LspTextDocument."""
    if not isinstance(workspace, LspWorkspace):
        workspace.__class__ = LspWorkspace
