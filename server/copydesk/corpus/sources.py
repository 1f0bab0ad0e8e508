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
from pathlib import Path

from ..text.encoding import decode_utf8
from ..text.html import BLOCK_BREAK, PAD, html_mask  # noqa: F401  (BLOCK_BREAK, PAD: the index reads them here)
from ..text.frontmatter import front_matter as read_front_matter

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
        elif p.exists():
            # Named explicitly: a FIFO or device too, so the indexer can say
            # why it skips it instead of ignoring it silently.
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
