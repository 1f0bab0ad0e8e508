"""Where the bundled rule packs and reference corpus live.

Installed, they are package data (``copydesk/_data``, put there by the wheel
build); in a source checkout they are the repository's ``rules/`` and
``seeds/`` folders.
"""
from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_REPO = _PACKAGE.parent.parent


def _data_dir(name: str) -> Path:
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _REPO / name


def default_rules_dir() -> Path:
    return _data_dir("rules")


def default_corpus_dir() -> Path:
    return _data_dir("seeds")
