"""The one UTF-8 decoder: drafts, rule and language packs, config files and
corpus articles are all read through ``decode_utf8``, so every front-end
reports a bad byte the same way (offset, line, column)."""
from __future__ import annotations


class DecodeError(ValueError):
    """Invalid UTF-8, located."""

    def __init__(self, offset: int, line: int, column: int, byte: bytes):
        super().__init__(f"invalid UTF-8 at byte offset {offset} (line {line}): {byte!r}")
        self.offset = offset  # 0-based byte offset
        self.line = line  # 1-based
        self.column = column  # 1-based, bytes
        self.byte = byte


def decode_utf8(data: bytes, lenient: bool = False) -> str:
    """Strict UTF-8 with a byte-order mark dropped; ``lenient`` (reference
    articles) replaces bad bytes and keeps the mark's place as a space, so
    offsets still match the file's lines."""
    if lenient:
        text = data.decode("utf-8", errors="replace")
        return " " + text[1:] if text.startswith("\ufeff") else text
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        column = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        raise DecodeError(e.start, line, column, data[e.start:e.start + 1]) from None
    return text[1:] if text.startswith("\ufeff") else text
