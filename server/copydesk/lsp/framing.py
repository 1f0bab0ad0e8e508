"""Message framing that survives a client's wrong ``Content-Length``.

pygls reads a header line, then exactly ``Content-Length`` bytes. One wrong
length desynchronises it for good: with a short length the rest of the body
and the next header arrive as one "header line" that never matches, so every
later message is dropped; with a long length the read swallows the next
messages (or blocks waiting for bytes the client will never send).

``ResyncingReader`` wraps the server's stdin and resynchronises on the next
header: a header line with garbage before it is cut to the header, and a body
read stops where a header begins inside it (a raw ``Content-Length: N`` line
can never be part of valid JSON, so the body was broken anyway; pygls logs it
as unparsable and the next message is read normally).
"""
from __future__ import annotations

import logging
import re
from typing import BinaryIO

log = logging.getLogger(__name__)

_HEADER = re.compile(rb"Content-Length: *\d+\r\n")
_CHUNK = 65536


class ResyncingReader:
    def __init__(self, raw: BinaryIO):
        self._raw = raw
        self._pending = b""  # bytes read ahead and given back

    def _pushback(self, data: bytes) -> None:
        self._pending = data + self._pending

    def readline(self) -> bytes:
        if b"\n" in self._pending:
            i = self._pending.index(b"\n") + 1
            line, self._pending = self._pending[:i], self._pending[i:]
        else:
            line = self._pending + self._raw.readline()
            self._pending = b""
        match = _HEADER.search(line)
        if match and match.start() > 0:
            log.warning("discarded %d bytes before a Content-Length header (the previous message's "
                        "length was wrong)", match.start())
            line = line[match.start():]
        return line

    def read(self, n: int) -> bytes:
        out = bytearray()
        if self._pending:
            out += self._pending[:n]
            self._pending = self._pending[n:]
        searched = 0
        while True:
            # A header inside the body: the declared length was too long.
            match = _HEADER.search(out, max(0, searched - 32))
            if match:
                log.warning("a message body ran into the next header after %d of %d bytes (wrong "
                            "Content-Length); resynchronising", match.start(), n)
                self._pushback(bytes(out[match.start():]))
                return bytes(out[:match.start()])
            searched = len(out)
            if len(out) >= n:
                return bytes(out)
            chunk = self._read_some(min(n - len(out), _CHUNK))
            if not chunk:
                return bytes(out)  # end of input
            out += chunk

    def _read_some(self, n: int) -> bytes:
        # read1 returns what is available (at most one raw read) instead of
        # blocking until n bytes came: a too-long length must not hang.
        read1 = getattr(self._raw, "read1", None)
        return read1(n) if read1 is not None else self._raw.read(n)

    def close(self) -> None:
        self._raw.close()
