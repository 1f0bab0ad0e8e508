"""The one cache folder: config ``cache``, $COPYDESK_CACHE_DIR,
$XDG_CACHE_HOME/copydesk, ~/.cache/copydesk.

The corpus index, the validated rule-pack cache and the syntactic layer's
parses (``parses/``) live there; copydesk writes nowhere else.
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
