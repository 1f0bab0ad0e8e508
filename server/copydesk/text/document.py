"""A draft's text with exact position arithmetic.

Offsets everywhere in the engine are Python string indices (code points) into
``Document.text``.  Front-ends convert them: humans get 1-based line/column in
characters, LSP gets 0-based line and UTF-16 code units (or UTF-8/UTF-32 when
negotiated).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from pathlib import Path

MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd"}
PLAINTEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm"}


def language_for_path(path: str | Path | None, default: str = "plaintext") -> str:
    if path is None:
        return default
    suffix = Path(str(path)).suffix.lower()
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    if suffix in PLAINTEXT_SUFFIXES:
        return "plaintext"
    if suffix in HTML_SUFFIXES:
        return "html"
    return default


@dataclass(frozen=True)
class Position:
    line: int  # 0-based
    character: int  # 0-based, code points
    utf16: int  # 0-based, UTF-16 code units


def utf16_len(s: str) -> int:
    # Characters outside the BMP take two UTF-16 code units.  Encoding is
    # C-speed; surrogatepass keeps a lone surrogate at one unit.
    if s.isascii():
        return len(s)
    return len(s.encode("utf-16-le", "surrogatepass")) // 2


def utf8_len(s: str) -> int:
    return len(s.encode("utf-8", "surrogatepass"))


_EOL = re.compile(r"\r\n|\r|\n")


class Document:
    """Immutable text plus line index."""

    def __init__(self, text: str, path: str | None = None, language: str | None = None):
        # Normalise nothing: offsets must match the bytes the editor holds.
        self.text = text
        self.path = path
        self.language = language or language_for_path(path)
        n = len(text)
        if "\r" in text:
            # Lines end where LSP says they do: "\r\n", "\n" or a lone "\r"
            # (editors count it as a break, so positions must too).
            starts = [0] + [m.end() for m in _EOL.finditer(text)]
        else:
            starts = [0]
            j = text.find("\n")
            while j >= 0:
                starts.append(j + 1)
                j = text.find("\n", j + 1)
        self.line_starts = starts
        self._len = n

    @property
    def line_count(self) -> int:
        return len(self.line_starts)

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.line_starts, offset) - 1

    def line_text(self, line: int) -> str:
        start = self.line_starts[line]
        end = self.line_starts[line + 1] if line + 1 < len(self.line_starts) else self._len
        return self.text[start:end].rstrip("\r\n")

    def position(self, offset: int) -> Position:
        offset = max(0, min(offset, self._len))
        line = self.line_of(offset)
        start = self.line_starts[line]
        segment = self.text[start:offset]
        return Position(line, len(segment), utf16_len(segment))

    def column_in(self, offset: int, encoding: str = "utf-16") -> tuple[int, int]:
        """(line, column) with the column counted in the given LSP encoding."""
        pos = self.position(offset)
        if encoding == "utf-16":
            return pos.line, pos.utf16
        if encoding == "utf-32":
            return pos.line, pos.character
        start = self.line_starts[pos.line]
        return pos.line, utf8_len(self.text[start:offset])

    def offset_at(self, line: int, column: int, encoding: str = "utf-16") -> int:
        """Offset of an LSP position; clamps past-the-end lines and columns."""
        if line < 0:
            return 0
        if line >= len(self.line_starts):
            return self._len
        start = self.line_starts[line]
        end = start + len(self.line_text(line))  # content only, not the line ending
        if encoding == "utf-32":
            return min(start + max(column, 0), end)
        units = 0
        i = start
        while i < end and units < column:
            ch = self.text[i]
            if encoding == "utf-16":
                units += 2 if ord(ch) > 0xFFFF else 1
            else:
                units += utf8_len(ch)
            i += 1
        return i
