"""Find the prose in a draft.

The result is a *mask*: a string as long as the document in which everything
that is not prose (code, front matter, URLs, link targets, HTML comments,
Markdown punctuation) is replaced by spaces, newlines kept.  Offsets into the
mask are offsets into the document, so no position bookkeeping is needed
downstream.  Markdown structure comes from markdown-it-py; plain text is split
into blocks by blank lines and line shape.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from mdit_py_plugins.front_matter import front_matter_plugin

from .document import Document

DIRECTIVE_RE = re.compile(r"<!--\s*(copydesk-[a-z-]+)\b([^>]*?)-->")


@dataclass(frozen=True)
class Block:
    """A run of prose the engine analyses as one paragraph (or heading)."""

    start: int
    end: int
    kind: str  # "paragraph" | "heading" | "item" | "quote" | "cell"


@dataclass(frozen=True)
class Directive:
    name: str  # e.g. "copydesk-disable-next-line"
    rules: tuple[str, ...]
    start: int
    end: int


@dataclass
class Prose:
    mask: str
    blocks: list[Block]
    directives: list[Directive]


# Everything linkify-it's own pretest can match (a scheme's ':' or '//', an
# '@', 'www.', 'localhost', a '.' before a TLD or IP digits) contains one of
# these; most prose tokens contain none, and linkify's pretest regex is slow.
_MAYBE_LINK = re.compile(r"[:@/]|\.[0-9a-z]|localhost|www\.", re.I)


class _QuickLinkify:
    """linkify-it behind a cheap pre-check: same answers, less time."""

    def __init__(self, inner):
        self._inner = inner

    def pretest(self, text: str) -> bool:
        return bool(_MAYBE_LINK.search(text)) and self._inner.pretest(text)

    def test(self, text: str) -> bool:
        return bool(_MAYBE_LINK.search(text)) and self._inner.test(text)

    def __getattr__(self, name):
        return getattr(self._inner, name)


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"linkify": True})
    md.enable(["linkify", "table", "strikethrough"])
    md.use(front_matter_plugin)
    md.linkify = _QuickLinkify(md.linkify)
    return md


def _blank(chars: list[str], start: int, end: int) -> None:
    for i in range(start, end):
        if chars[i] not in "\r\n":
            chars[i] = " "


def _directives_in(text: str, start: int, end: int) -> list[Directive]:
    found = []
    for m in DIRECTIVE_RE.finditer(text, start, end):
        rules = tuple(r for r in re.split(r"[\s,]+", m.group(2).strip()) if r)
        found.append(Directive(m.group(1), rules, m.start(), m.end()))
    return found


_URL_RE = re.compile(r"\b(?:https?://|www\.)[^\s<>\"“”]+[^\s<>\"“”.,;:!?)\]’']")


def extract(doc: Document) -> Prose:
    if doc.language == "markdown":
        return _extract_markdown(doc)
    if doc.language == "html":
        from .html import extract_html

        return extract_html(doc)
    return _extract_plain(doc)


# ---------------------------------------------------------------- plain text

_TERMINAL = tuple(".!?:;…\"”’')»")


def _extract_plain(doc: Document) -> Prose:
    text = doc.text
    chars = list(text)
    directives = _directives_in(text, 0, len(text))
    for d in directives:
        _blank(chars, d.start, d.end)
    for m in re.finditer(r"<!--.*?-->", text, re.S):
        _blank(chars, m.start(), m.end())
    for m in _URL_RE.finditer(text):
        _blank(chars, m.start(), m.end())
    mask = "".join(chars)

    # Lines, with their offsets, grouped by blank lines.
    lines = []
    for n, start in enumerate(doc.line_starts):
        end = doc.line_starts[n + 1] if n + 1 < len(doc.line_starts) else len(text)
        body = mask[start:end].rstrip("\r\n")
        lines.append((start, start + len(body), body))
    widths = [len(b.rstrip()) for _, _, b in lines if b.strip()]
    # Hard-wrapped text (every line short) joins lines into paragraphs; text
    # with one paragraph per line (the wire-copy norm) treats each line as one.
    wrapped = bool(widths) and max(widths) <= 100 and len(widths) > 1

    blocks: list[Block] = []
    group: list[tuple[int, int, str]] = []

    def flush():
        if group:
            blocks.append(Block(group[0][0], group[-1][1], "paragraph"))
            group.clear()

    for start, end, body in lines:
        stripped = body.strip()
        if not stripped:
            flush()
            continue
        lead = len(body) - len(body.lstrip())
        start += lead
        end = start + len(stripped)
        if not wrapped:
            flush()
            group.append((start, end, body))
            flush()
            continue
        # In wrapped text a short unpunctuated line followed by a capital is
        # a heading or dateline of its own.
        if (
            len(group) == 1
            and _looks_like_heading(group[0][2].strip())
            and not stripped[0].islower()
        ):
            flush()
        group.append((start, end, body))
    flush()
    blocks = [
        Block(b.start, b.end, "heading") if _looks_like_heading(mask[b.start:b.end]) else b
        for b in blocks
    ]
    return Prose(mask, blocks, directives)


def _looks_like_heading(line: str) -> bool:
    line = line.strip()
    if not line or line.endswith(_TERMINAL) or "\n" in line:
        return False
    words = line.split()
    return len(words) <= 12 and (line[0].isupper() or line[0] in "‘“\"'")


# ------------------------------------------------------------------ markdown

_PROSE_BLOCKS = {
    "paragraph_open": "paragraph",
    "heading_open": "heading",
}


def _extract_markdown(doc: Document) -> Prose:
    text = doc.text
    line_starts = doc.line_starts
    n_lines = len(line_starts)

    def line_offset(line: int) -> int:
        return line_starts[line] if line < n_lines else len(text)

    # Everything starts masked; prose text runs are copied back in.
    out = [c if c in "\r\n" else " " for c in text]
    blocks: list[Block] = []
    directives: list[Directive] = []
    tokens = _markdown().parse(text)
    context: list[str] = []
    cursors: dict[tuple[int, int], int] = {}
    pending_kind = "paragraph"
    for tok in tokens:
        t = tok.type
        if t in ("blockquote_open", "list_item_open", "td_open", "th_open"):
            context.append(t)
        elif t in ("blockquote_close", "list_item_close", "td_close", "th_close"):
            if context:
                context.pop()
        if t in _PROSE_BLOCKS:
            pending_kind = _PROSE_BLOCKS[t]
            if pending_kind == "paragraph" and context:
                pending_kind = {
                    "blockquote_open": "quote",
                    "list_item_open": "item",
                    "td_open": "cell",
                    "th_open": "cell",
                }[context[-1]]
            continue
        if t in ("html_block",) and tok.map:
            a, b = line_offset(tok.map[0]), line_offset(tok.map[1])
            directives.extend(_directives_in(text, a, b))
            continue
        if t != "inline" or not tok.map:
            continue
        kind = pending_kind if not (context and context[-1] in ("td_open", "th_open")) else "cell"
        a, b = line_offset(tok.map[0]), line_offset(tok.map[1])
        key = (a, b)
        cursor = cursors.get(key, a)
        first = last = None
        in_auto_link = False
        for child in tok.children or []:
            ct = child.type
            if ct == "link_open":
                in_auto_link = child.markup in ("linkify", "autolink")
                continue
            if ct == "link_close":
                in_auto_link = False
                continue
            if ct == "html_inline":
                # Inline directives are collected by the scan below.
                pos = text.find(child.content, cursor, b)
                if pos >= 0:
                    cursor = pos + len(child.content)
                continue
            if ct in ("code_inline", "image"):
                # Skip past the code so later text searches start after it.
                pos = text.find(child.content, cursor, b) if child.content else -1
                if pos >= 0:
                    cursor = pos + len(child.content)
                continue
            if ct in ("softbreak", "hardbreak"):
                continue
            if ct != "text" or not child.content:
                continue
            pos = text.find(child.content, cursor, b)
            if pos < 0:
                continue  # entity or escape: leave masked, stay conservative
            cursor = pos + len(child.content)
            if in_auto_link:
                continue
            out[pos:cursor] = text[pos:cursor]
            first = pos if first is None else first
            last = cursor
        cursors[key] = cursor
        if first is not None:
            blocks.append(Block(first, last, kind))
    mask = "".join(out)
    # Markdown inline directives (rare) are found by scanning HTML-free text.
    seen = {(d.start, d.end) for d in directives}
    for d in _directives_in(text, 0, len(text)):
        if (d.start, d.end) not in seen and _inside_html(tokens, doc, d):
            directives.append(d)
    directives.sort(key=lambda d: d.start)
    return Prose(mask, blocks, directives)


def _inside_html(tokens, doc: Document, d: Directive) -> bool:
    """A directive inside an inline HTML token (not inside code)."""
    line = doc.line_of(d.start)
    for tok in tokens:
        if tok.type == "inline" and tok.map and tok.map[0] <= line < tok.map[1]:
            return any(
                c.type == "html_inline" and "copydesk-" in c.content for c in tok.children or []
            )
    return False
