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


def default_packs_dir() -> Path:
    """Optional packs (``packs = ["bbc"]``): ``rules/packs/NAME.yml``, never
    loaded unless chosen."""
    return default_rules_dir() / "packs"


def default_rule_files() -> list[Path]:
    """The packs loaded by default: the YAML files directly in ``rules/``."""
    return sorted(p for p in default_rules_dir().iterdir() if p.suffix in (".yml", ".yaml") and p.is_file())


def available_packs() -> dict[str, Path]:
    """Optional pack name -> file."""
    folder = default_packs_dir()
    if not folder.is_dir():
        return {}
    return {p.stem: p for p in sorted(folder.iterdir()) if p.suffix in (".yml", ".yaml") and p.is_file()}
