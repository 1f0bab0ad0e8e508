"""Drive a real ``copydesk serve`` with incremental edits and compare what it
publishes with a fresh full lint of the same text.

Shared by tests/test_lsp_fuzz.py (hypothesis, short) and bench/fuzz_lsp.py
(10,000 random edits).  The client model applies edits the way the LSP spec
says an editor does: positions are (line, UTF-16 column), lines end at
"\\r\\n", "\\r" or "\\n", and the changes of one notification apply in order.
"""
from __future__ import annotations

import asyncio
import json
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types
from lsprotocol.converters import get_converter

from lsp_helpers import accept_registrations, file_uri, push_capabilities, server_config, wait_diagnostics

_EOL = re.compile(r"\r\n|\r|\n")

# Pieces edits are made of: loaded terms (so findings are dense and any
# drift in the server's text moves them), attribution, quotes, markdown,
# CRLF, tabs, emoji (surrogate pairs in UTF-16), ZWJ sequences, combining
# marks and right-to-left text.
PIECES = (
    "regime", "Regime’s", "terrorists", "terror group", "jihadist", "blitzkrieg", "anti-regime",
    "said", "said on Friday", "according to officials", "experts say", "claimed", "admitted",
    "The ", "the ", "rebels ", "army ", "over 500 deaths", "412", "at least 61 civilians",
    " ", "  ", "\t", "\n", "\n\n", "\r\n", "\r\n\r\n", ".", ",", ";", ":",
    "“", "”", "\"", "'", "’", "‘", "—", "–", "…",
    "🙂", "🚀", "👩‍👩‍👧", "🇸🇾", "𝔘𝔫𝔦", "e\u0301", "Zoë", "Kraków", "Алеппо", "حلب", "北京",
    "# ", "> ", "- ", "* ", "1. ", "`", "```\n", "**", "_", "[", "](http://x.y/regime)", "<!-- ", " -->",
    "---\n", "| a | b |\n",
    # Separators Python's str.splitlines breaks at but LSP does not, and a
    # lone "\r", which LSP does count as a line break.
    "\u2028", "\u2029", "\x0c", "\x0b", "\x85", "\x1c", "\r",
)


def lsp_lines(text: str) -> list[int]:
    """Offsets where each LSP line starts."""
    return [0] + [m.end() for m in _EOL.finditer(text)]


def lsp_position(text: str, offset: int, starts: list[int] | None = None) -> types.Position:
    starts = starts or lsp_lines(text)
    import bisect

    line = bisect.bisect_right(starts, offset) - 1
    col = len(text[starts[line]:offset].encode("utf-16-le")) // 2
    return types.Position(line=line, character=col)


def lsp_offset(text: str, pos: dict, starts: list[int] | None = None) -> int:
    """The offset of an LSP position (a JSON dict) in text."""
    starts = starts or lsp_lines(text)
    line = pos["line"]
    if line >= len(starts):
        return len(text)
    end = starts[line + 1] if line + 1 < len(starts) else len(text)
    content = text[starts[line]:end].rstrip("\r\n")
    units, i = 0, 0
    while i < len(content) and units < pos["character"]:
        units += 2 if ord(content[i]) > 0xFFFF else 1
        i += 1
    return starts[line] + i


def ranges_hold_their_match(text: str, published: list[str]) -> list[str]:
    """Findings whose LSP range, read the way an editor reads it, does not
    cover the matched words the finding reports (a position bug)."""
    starts = lsp_lines(text)
    bad = []
    for raw in published:
        d = json.loads(raw)
        match = ((d.get("data") or {}).get("finding") or {}).get("match")
        if match is None:
            continue
        a, b = lsp_offset(text, d["range"]["start"], starts), lsp_offset(text, d["range"]["end"], starts)
        held = text[a:b]
        # Checks read the prose mask, where markup and URLs are blanked.
        if len(held) != len(match) or any(x != y and y != " " for x, y in zip(held, match)):
            bad.append(f"{d['code']}: range holds {held!r}, finding says {match!r}")
    return bad


def snap(text: str, offset: int) -> int:
    """A position an editor can produce: never between "\\r" and "\\n"."""
    offset = max(0, min(offset, len(text)))
    if 0 < offset < len(text) and text[offset - 1] == "\r" and text[offset] == "\n":
        offset -= 1
    return offset


@dataclass
class Edit:
    start: int  # Python offsets into the text before the edit
    end: int
    text: str

    def apply(self, doc: str) -> str:
        return doc[:self.start] + self.text + doc[self.end:]

    def change(self, doc: str) -> types.TextDocumentContentChangePartial:
        starts = lsp_lines(doc)
        return types.TextDocumentContentChangePartial(
            range=types.Range(start=lsp_position(doc, self.start, starts),
                              end=lsp_position(doc, self.end, starts)),
            text=self.text,
        )


def _normal(diagnostics) -> list[str]:
    conv = get_converter()
    return [json.dumps(conv.unstructure(d), sort_keys=True, ensure_ascii=False) for d in diagnostics]


class FullLint:
    """The expected diagnostics: a fresh engine, no result cache shared with
    the server's, linting the whole text."""

    def __init__(self):
        from copydesk.config import Config
        from copydesk.engine import Engine

        self.engine = Engine(Config(), cache_size=0)

    def diagnostics(self, text: str, path: str) -> list[str]:
        from copydesk.lsp.convert import diagnostic
        from copydesk.text.document import Document

        doc = Document(text, path=path, language="markdown")
        result = self.engine.lint(doc)
        assert not result.failures, result.failures
        eng = self.engine
        return _normal(diagnostic(doc, f, eng.active_rules.get(f.rule_id) or eng.ruleset.get(f.rule_id), "utf-16")
                       for f in result.findings)


class ServerSession:
    """One ``copydesk serve`` process and a pytest-lsp client, run on an
    event loop in a background thread so plain (hypothesis) tests and
    scripts can drive it synchronously."""

    def __init__(self, workspace: Path, timeout: float = 120):
        self.workspace = workspace
        self.timeout = timeout
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.client = self.run(self._start())
        self._versions: dict[str, int] = {}
        self._count = 0

    def run(self, coro):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(self.timeout)

    async def _start(self):
        client = await server_config().start()
        accept_registrations(client)
        await client.initialize_session(types.InitializeParams(
            capabilities=push_capabilities(),
            initialization_options={"debounce": 0},
            workspace_folders=[types.WorkspaceFolder(uri=file_uri(self.workspace), name="ws")],
            root_uri=file_uri(self.workspace),
        ))
        return client

    def close(self) -> None:
        try:
            self.run(self.client.shutdown_session())
            self.run(self.client.stop())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)

    # -- documents

    def new_uri(self, suffix: str = ".md") -> str:
        self._count += 1
        return file_uri(self.workspace / f"doc{self._count}{suffix}")

    def open(self, uri: str, text: str, language: str = "markdown") -> None:
        self._versions[uri] = 1

        async def go():
            self.client.diagnostics.pop(uri, None)
            self.client.text_document_did_open(types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)))
        self.run(go())

    def change(self, uri: str, changes: list) -> None:
        self._versions[uri] += 1
        version = self._versions[uri]

        async def go():
            self.client.diagnostics.pop(uri, None)
            self.client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=changes))
        self.run(go())

    def close_doc(self, uri: str) -> None:
        async def go():
            self.client.text_document_did_close(types.DidCloseTextDocumentParams(
                text_document=types.TextDocumentIdentifier(uri=uri)))
        self.run(go())

    def published(self, uri: str) -> list[str] | None:
        """The whole set of diagnostics published for uri since the last
        open/change: the publish the server followed with
        copydesk/diagnosticsFinal (fastFirst may publish a quick set first);
        None if none came."""
        async def go():
            try:
                got = await wait_diagnostics(self.client, uri, timeout=self.timeout / 2)
            except TimeoutError:
                return None
            return _normal(got)
        return self.run(go())

    def errors_logged(self) -> list[str]:
        return [m.message for m in self.client.log_messages if m.type == types.MessageType.Error]
