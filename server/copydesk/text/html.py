"""HTML drafts and articles: the prose of an HTML file at its own offsets.

The *mask* is as long as the file: tags, comments, scripts, styles and the
document head are blanked (newlines kept), text content stays where it is, and
an entity ("&ldquo;") becomes its character followed by ``PAD`` for the rest
of its span, so every offset into the mask is an offset into the file.  The
corpus reads articles with it; ``extract_html`` gives the engine a draft's
prose blocks (paragraphs, headings, list items, quotes, cells).
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

BLOCK_BREAK = "\x1e"
# An entity ("&ldquo;") is longer than its character: the rest of its span
# is filled with this, dropped from sentence text.
PAD = "\u200b"


def _blank(text: str) -> str:
    return re.sub(r"[^\r\n]", " ", text)


class _HTMLMask(HTMLParser):
    """Keep text content at its own offsets; blank tags, scripts, styles."""

    SKIP = {"script", "style", "noscript", "template", "head", "svg", "pre", "code", "kbd", "samp"}
    BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th", "section",
             "article", "blockquote", "header", "footer", "ul", "ol", "table", "title", "figcaption"}
    VOID = {"br"}

    def __init__(self, text: str):
        super().__init__(convert_charrefs=False)
        self.text = text
        self.chars = list(_blank(text))
        self.starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
        self.skip = 0
        self.meta: dict[str, str] = {}
        self._in_title = False
        self._title: list[str] = []
        # (offset, innermost open block tag) at each block boundary: what
        # kind of block the text after it is.
        self.block_starts: list[tuple[int, str]] = []
        self._open: list[str] = []

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.starts[line - 1] + col

    def _put(self, s: str, at: int, width: int | None = None) -> None:
        if width is not None and width > len(s):
            s = s + PAD * (width - len(s))
        for k, ch in enumerate(s):
            if at + k < len(self.chars) and self.chars[at + k] not in "\r\n":
                self.chars[at + k] = ch

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip += 1
        if tag == "title":
            self._in_title = True
        if tag in self.BLOCK:
            self._break()
            if tag not in self.VOID:
                self._open.append(tag)
            self.block_starts.append((self._offset(), tag))
        a = dict(attrs)
        if tag == "meta":
            name = (a.get("name") or a.get("property") or "").lower()
            content = a.get("content")
            key = {"og:site_name": "outlet", "author": "author", "date": "date",
                   "article:published_time": "date", "og:url": "url", "og:title": "title"}.get(name)
            if key and content and key not in self.meta:
                self.meta[key] = content
        if tag == "link" and (a.get("rel") or "").lower() == "canonical" and a.get("href"):
            self.meta.setdefault("url", a["href"])

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skip:
            self.skip -= 1
        if tag == "title":
            self._in_title = False
        if tag in self.BLOCK:
            self._break()
            if tag in self._open:
                while self._open.pop() != tag:
                    pass
            self.block_starts.append((self._offset(), self._open[-1] if self._open else ""))

    def _break(self) -> None:
        # A block boundary inside one line ("<h1>..</h1><p>.."): a record
        # separator on the blanked tag keeps the blocks apart without
        # changing line numbers.
        at = self._offset()
        if 0 <= at < len(self.chars) and self.chars[at] == " ":
            self.chars[at] = BLOCK_BREAK

    def handle_data(self, data):
        if self._in_title:
            self._title.append(data)
        if self.skip:
            return
        self._put(data, self._offset())

    def handle_entityref(self, name):
        from html.entities import name2codepoint

        if not self.skip and name in name2codepoint:
            self._put(chr(name2codepoint[name]), self._offset(), len(name) + 2)

    def handle_charref(self, name):
        if self.skip:
            return
        try:
            ch = chr(int(name[1:], 16) if name[:1] in "xX" else int(name))
        except (ValueError, OverflowError):
            return
        self._put(ch, self._offset(), len(name) + 3)


def html_mask(text: str) -> tuple[dict, str]:
    """(metadata from <meta>/<title>, mask)."""
    meta, mask, _starts = _parse(text)
    return meta, mask


def _parse(text: str) -> tuple[dict, str, list[tuple[int, str]]]:
    parser = _HTMLMask(text)
    parser.feed(text)
    parser.close()
    meta = dict(parser.meta)
    title = " ".join("".join(parser._title).split())
    if title:
        meta.setdefault("title", title)
    return meta, "".join(parser.chars), parser.block_starts


_KINDS = {"h1": "heading", "h2": "heading", "h3": "heading", "h4": "heading", "h5": "heading", "h6": "heading",
          "li": "item", "blockquote": "quote", "td": "cell", "th": "cell"}


def extract_html(doc):
    """The draft's prose (``text.prose.Prose``): a block between two block
    tags, named by the innermost block tag it opens in."""
    import bisect

    from .prose import Block, Prose, _directives_in

    _meta, mask, starts = _parse(doc.text)
    positions = [at for at, _ in starts]
    blocks = []
    for m in re.finditer(r"[^\x1e]+", mask):
        piece = m.group(0)
        if not piece.strip(" \t\r\n" + PAD):
            continue
        a = m.start() + len(piece) - len(piece.lstrip())
        b = m.end() - (len(piece) - len(piece.rstrip()))
        i = bisect.bisect_right(positions, a) - 1
        kind = _KINDS.get(starts[i][1], "paragraph") if i >= 0 else "paragraph"
        blocks.append(Block(a, b, kind))
    # Directives live in comments, which the mask has blanked already.
    directives = _directives_in(doc.text, 0, len(doc.text))
    return Prose(mask.replace(BLOCK_BREAK, " "), blocks, directives)
