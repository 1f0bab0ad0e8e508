"""Reading files that may be hostile: FIFOs, devices, files that grow.

Every file copydesk reads besides drafts (rule packs, config files, corpus
articles) goes through ``read_regular``: it opens without blocking (a FIFO
with no writer would otherwise block for ever), refuses anything but a
regular file, and never reads more than the limit plus one byte, whatever
size the file reports (``/dev/zero`` reports 0 and never ends).
"""
from __future__ import annotations

import os
import stat


class FileRefused(OSError):
    """A file that is not read, with the reason in words."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason

    def __str__(self) -> str:
        return self.reason


def size_words(n: int) -> str:
    return f"{n / 1048576:g} MB" if n >= 1048576 else f"{n:,} bytes"


def read_regular(path: str | os.PathLike, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    Raises FileRefused (not a regular file, over the limit) or OSError (not
    found, permission denied…) with ``strerror`` set."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise FileRefused("is a directory")
        if not stat.S_ISREG(st.st_mode):
            raise FileRefused("not a regular file (a pipe, socket or device)")
        if st.st_size > limit:
            raise FileRefused(f"file is over the {size_words(limit)} limit")
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:  # it grew after fstat
            raise FileRefused(f"file is over the {size_words(limit)} limit")
        return b"".join(chunks)
    finally:
        os.close(fd)
