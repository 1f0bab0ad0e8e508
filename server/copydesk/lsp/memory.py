"""Keep a long-running server's resident memory flat.

Each re-analysis of a big draft allocates large temporary buffers (strings,
lists of tokens) and frees them. glibc's malloc raises its mmap threshold
after such frees ("dynamic threshold"), so later large buffers come from the
heap, which fragments and is not given back: RSS grew ~1 MB per keystroke in
a 400 KB paragraph while the Python heap stayed flat. A fixed threshold keeps
big buffers in their own mappings, returned to the system when freed, and a
trim after a big analysis hands back what the heap still holds.
Other C libraries: nothing to do (the functions are absent).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import logging

log = logging.getLogger(__name__)

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 256 * 1024
TRIM_THRESHOLD = 1024 * 1024

_libc = None


def _glibc():
    global _libc
    if _libc is None:
        try:
            lib = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
            _libc = lib if hasattr(lib, "mallopt") and hasattr(lib, "malloc_trim") else False
        except OSError:
            _libc = False
    return _libc or None


def tune_allocator() -> bool:
    """Fix the mmap and trim thresholds (glibc only); True when applied."""
    libc = _glibc()
    if libc is None:
        return False
    ok = libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
    ok = libc.mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1 and ok
    if not ok:
        log.info("mallopt refused the thresholds; memory may be retained after big analyses")
    return ok


def give_back() -> None:
    """Return free heap memory to the system (after analysing a big draft)."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)
