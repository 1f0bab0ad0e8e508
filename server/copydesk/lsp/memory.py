"""Keep a long-running server's resident memory flat.

Each re-analysis of a big draft allocates and frees hundreds of thousands of
small objects while the results of the last analysis stay alive. CPython's
own small-object allocator (pymalloc) returns a 1 MiB arena to the system
only when every object in it is gone, so the long-lived results pin arenas
that are otherwise empty: resident memory grew ~1-2 MB per keystroke in a
400 KB paragraph while the live Python heap stayed flat (measured with
tracemalloc and mallinfo2). The server therefore runs with
``PYTHONMALLOC=malloc`` (glibc's malloc for Python objects), a fixed mmap
threshold, and a ``malloc_trim`` after a big analysis, which hands free
pages back even from the middle of the heap: over 24 such edits resident
memory stayed within 2 MB.  Other platforms: pymalloc, nothing to tune.

That alone was not enough in the real server, which raises the cyclic
collector's thresholds (cli/serve.py): each analysis's text model was a
reference cycle (model -> paragraphs -> model), so the last keystroke's whole
analysis waited for a rare full collection (~2 MB per keystroke).  The text
model has no such cycle any more (text/model.py ``ModelText``): an analysis
is freed by reference counting when the next one replaces it.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import sys

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


def use_system_allocator() -> None:
    """On Linux, re-execute this process with ``PYTHONMALLOC=malloc`` unless
    it already runs so (set COPYDESK_PYMALLOC=1 to keep pymalloc). Called
    first thing in ``copydesk serve``: nothing has been read or started."""
    if not sys.platform.startswith("linux") or os.environ.get("PYTHONMALLOC") or os.environ.get("COPYDESK_PYMALLOC"):
        return
    if _glibc() is None:
        return
    env = dict(os.environ, PYTHONMALLOC="malloc")
    argv = list(getattr(sys, "orig_argv", []) or [sys.executable, *sys.argv])
    try:
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(sys.executable, argv, env)
    except OSError as e:  # keep serving with pymalloc rather than not at all
        log.warning("could not restart with the system allocator: %s", e)
