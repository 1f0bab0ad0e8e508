"""The one cache folder: config ``cache``, $COPYDESK_CACHE_DIR,
$XDG_CACHE_HOME/copydesk, ~/.cache/copydesk.

The corpus index, the validated rule-pack cache, the syntactic layer's
parses (``parses/``) and inflections (``inflect/``) live there; copydesk
writes nowhere else.
"""
from __future__ import annotations

import os
from pathlib import Path


def cache_dir(configured: str | None = None) -> Path:
    """Where caches live: config ``cache``, $COPYDESK_CACHE_DIR,
    $XDG_CACHE_HOME/copydesk, ~/.cache/copydesk."""
    if configured:
        return Path(configured).expanduser()
    env = os.environ.get("COPYDESK_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg).expanduser() / "copydesk"
    return Path.home() / ".cache" / "copydesk"


def write_atomic(path: Path, text: str, prefix: str) -> None:
    """Write a cache file whole or not at all (best effort: a folder that
    cannot be written only costs the cache).  Another process reading it sees
    the old file or the new one, never half of one."""
    import tempfile  # on first write only: not a cost of every start-up

    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
        tmp = None
    except OSError:
        pass
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
