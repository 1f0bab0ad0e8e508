"""Worker processes that never outlive the process that started them."""
from __future__ import annotations

import os
import sys


def die_with_parent(parent: int | None = None) -> None:
    """Linux: the kernel sends SIGKILL to this process when its parent dies
    (even by SIGKILL), so no worker outlives an interrupted run.  With
    ``parent`` (the pid the worker was started by), a parent that died
    before the request took effect ends the worker at once."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if parent is not None and os.getppid() != parent:
        os._exit(1)
