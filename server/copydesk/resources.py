"""Where the bundled rule packs and reference corpus live.

Installed, they are package data (``copydesk/_data``, put there by the wheel
build); in a source checkout they are the repository's ``rules/`` and
``seeds/`` folders.
"""
from __future__ import annotations

import sys
from functools import cache
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


# Bundled packs that were renamed so that a check's module, pack, kind and id
# prefix share one name (old file stem -> new).  The old name keeps working,
# with a deprecation note on stderr, until the next major version.
RENAMED_PACKS = {"loaded-terms": "loaded-term"}


def current_pack(name: str) -> str:
    """A bundled pack's name as it is today (``loaded-terms`` -> ``loaded-term``)."""
    new = RENAMED_PACKS.get(name)
    if new is None:
        return name
    _deprecated(name, new)
    return new


def current_pack_path(path: str | Path) -> str | Path:
    """``path`` itself, unless it names a renamed bundled pack that is no
    longer there (``rules/loaded-terms.yml`` in a config or ``--rules``):
    then the pack's file under its new name."""
    p = Path(path)
    new = RENAMED_PACKS.get(p.stem)
    if new is None or p.suffix not in (".yml", ".yaml") or p.exists():
        return path
    try:
        if p.parent.resolve() != default_rules_dir().resolve():
            return path
    except OSError:
        return path
    target = p.with_name(new + p.suffix)
    if not target.exists():
        target = p.with_name(new + ".yml")
    if not target.exists():
        return path
    _deprecated(str(path), str(target))
    return str(target) if isinstance(path, str) else target


@cache
def _deprecated(old: str, new: str) -> None:
    """One note per old name per process (stderr: never the LSP's stdout)."""
    print(f"copydesk: '{old}' is deprecated: the bundled pack is now '{new}' "
          "(the old name still works for now)", file=sys.stderr)
