"""Corpus articles on disk: which files, their text, front matter, sentences.

Every article becomes a *mask* as long as the file, with non-prose (tags,
front matter, markup) blanked and newlines kept, so a sentence's offset gives
its line and column in the file itself (HTML included).
"""
from __future__ import annotations

import bisect
import glob
import os
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from ..text.encoding import decode_utf8
from ..text.frontmatter import front_matter as read_front_matter

BLOCK_BREAK = "\x1e"
# An entity ("&ldquo;") is longer than its character: the rest of its span
# is filled with this, dropped from sentence text.
PAD = "\u200b"
SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
META_KEYS = ("title", "outlet", "date", "url", "author")


def discover(specs: list[str]) -> list[str]:
    """Corpus files from folders (walked), files and globs; absolute paths,
    sorted, each once."""
    found: set[str] = set()
    for spec in specs:
        p = Path(spec)
        if p.is_dir():
            for folder, dirs, files in os.walk(p, followlinks=False):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                for name in files:
                    if name.lower().endswith(SUFFIXES) and not name.startswith("."):
                        found.add(os.path.abspath(os.path.join(folder, name)))
        elif p.is_file():
            found.add(str(p.resolve()))
        elif glob.has_magic(spec):
            for m in glob.glob(spec, recursive=True):
                if os.path.isfile(m) and m.lower().endswith(SUFFIXES):
                    found.add(os.path.abspath(m))
                elif os.path.isdir(m):
                    found.update(discover([m]))
    return sorted(found)


def _blank(text: str) -> str:
    return re.sub(r"[^\r\n]", " ", text)


def front_matter(text: str) -> tuple[dict, str]:
    """(metadata, text with the front matter blanked)."""
    fm = read_front_matter(text)
    if fm is None:
        return {}, text
    data = fm.data()
    meta = {k: str(data[k]) for k in META_KEYS if data.get(k) is not None}
    return meta, _blank(text[:fm.end]) + text[fm.end:]


class _HTMLMask(HTMLParser):
    """Keep text content at its own offsets; blank tags, scripts, styles."""

    SKIP = {"script", "style", "noscript", "template", "head", "svg"}
    BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th", "section",
             "article", "blockquote", "header", "footer", "ul", "ol", "table", "title", "figcaption"}

    def __init__(self, text: str):
        super().__init__(convert_charrefs=False)
        self.text = text
        self.chars = list(_blank(text))
        self.starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
        self.skip = 0
        self.meta: dict[str, str] = {}
        self._in_title = False
        self._title: list[str] = []

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
    parser = _HTMLMask(text)
    parser.feed(text)
    parser.close()
    meta = dict(parser.meta)
    title = " ".join("".join(parser._title).split())
    if title:
        meta.setdefault("title", title)
    return meta, "".join(parser.chars)


@dataclass
class Article:
    path: str
    meta: dict[str, str]
    mask: str  # prose at its own offsets
    language: str

    def __post_init__(self):
        self._starts = [0] + [m.end() for m in re.finditer(r"\n", self.mask)]

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column (characters) of an offset."""
        i = bisect.bisect_right(self._starts, offset) - 1
        return i + 1, offset - self._starts[i] + 1


def read_article(path: str, data: bytes) -> Article:
    text = decode_utf8(data, lenient=True)
    lower = path.lower()
    if lower.endswith((".html", ".htm")):
        meta, mask = html_mask(text)
        return Article(path, meta, mask, "html")
    meta, mask = front_matter(text)
    language = "markdown" if lower.endswith((".md", ".markdown")) else "plaintext"
    return Article(path, meta, mask, language)


def sentences(article: Article) -> list[tuple[int, int]]:
    """(start, end) of every prose sentence of an article."""
    from ..text.document import Document
    from ..text.prose import extract
    from ..text.sentences import split

    language = "markdown" if article.language == "markdown" else "plaintext"
    prose = extract(Document(article.mask, path=article.path, language=language))
    mask = prose.mask
    out = []
    for block in prose.blocks:
        a = block.start
        # HTML block tags on one line leave a record separator between blocks.
        for piece in mask[block.start:block.end].split(BLOCK_BREAK):
            b = a + len(piece)
            for s in split(mask, a, b):
                out.append((s.start, s.end))
            a = b + 1
    article.mask = mask
    return out
