"""The validated rule-pack cache (``packs/`` in the cache folder): a pack
validated once is read back from it, an edited pack is validated again, and
a damaged or foreign cache file is ignored and rebuilt, never trusted."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import run_cli

PACK = """\
rules:
  - id: house/strongman
    check: loaded-term
    severity: warning
    terms: [strongman]
    suggestions: [leader]
    message: "“{match}” is a judgement; use {suggestions}."
    rationale: House style.
"""

DRAFT = "The strongman spoke on Tuesday.\n"


@pytest.fixture
def setup(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("COPYDESK_CACHE_DIR", str(cache))
    pack = tmp_path / "house.yml"
    pack.write_text(PACK, encoding="utf-8")
    draft = tmp_path / "draft.md"
    draft.write_text(DRAFT, encoding="utf-8")
    return cache, pack, draft


def _check(pack: Path, draft: Path):
    proc = run_cli("check", "--rules", str(pack), "--disable", "figures", str(draft))
    assert "Traceback" not in proc.stderr_text, proc.stderr_text
    return proc


def _entries(cache: Path) -> list[Path]:
    return sorted((cache / "packs").glob("*.json")) if (cache / "packs").is_dir() else []


def _entry_for(cache: Path, pack: Path) -> Path:
    for p in _entries(cache):
        payload = json.loads(p.read_text(encoding="utf-8"))["payload"]
        if payload["path"] == os.path.abspath(pack) and payload["kind"] == "rules":
            return p
    raise AssertionError(f"no cache entry for {pack}")


def test_a_validated_pack_is_cached_and_read_back(setup):
    cache, pack, draft = setup
    first = _check(pack, draft)
    assert first.returncode == 1
    assert "[house/strongman] “strongman” is a judgement; use “leader”." in first.stdout_text
    entry = _entry_for(cache, pack)
    assert len(_entries(cache)) >= 3  # the bundled rule packs and the language pack too
    before = entry.stat().st_mtime_ns
    second = _check(pack, draft)
    assert (second.returncode, second.stdout, second.stderr) == (first.returncode, first.stdout, first.stderr)
    assert entry.stat().st_mtime_ns == before  # a hit: not rewritten


def test_an_edited_pack_is_validated_again(setup):
    cache, pack, draft = setup
    _check(pack, draft)
    pack.write_text(PACK.replace("is a judgement", "takes a side"), encoding="utf-8")
    proc = _check(pack, draft)
    assert "“strongman” takes a side; use “leader”." in proc.stdout_text
    assert "is a judgement" not in proc.stdout_text
    # An edit that breaks the pack is reported, not hidden by the cache.
    pack.write_text(PACK.replace("severity: warning", "severity: loud"), encoding="utf-8")
    proc = _check(pack, draft)
    assert proc.returncode == 2
    assert f"{pack}:4:" in proc.stderr_text and "nothing was linted" in proc.stderr_text
    assert proc.stdout_text == ""


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "tampered", "foreign", "wrong-types"])
def test_a_damaged_or_foreign_cache_file_is_ignored_and_rebuilt(setup, damage):
    cache, pack, draft = setup
    good = _check(pack, draft)
    entry = _entry_for(cache, pack)
    text = entry.read_text(encoding="utf-8")
    data = json.loads(text)
    if damage == "truncated":
        entry.write_text(text[: len(text) // 2], encoding="utf-8")
    elif damage == "garbage":
        entry.write_bytes(b"\x80\x04\x95 not json at all \x00\xff")
    elif damage == "empty":
        entry.write_text("", encoding="utf-8")
    elif damage == "tampered":
        # The stored message changed, the integrity hash not updated.
        data["payload"]["data"]["rules"][0]["message"] = "Tampered: {match}"
        entry.write_text(json.dumps(data), encoding="utf-8")
    elif damage == "foreign":
        # Another program's JSON under the same name.
        entry.write_text(json.dumps({"format": 1, "hash": "0" * 64, "payload": {"rules": "x"}}), encoding="utf-8")
    elif damage == "wrong-types":
        # Self-consistent (hash recomputed) but not a rule: still refused.
        import hashlib

        data["payload"]["data"]["rules"][0]["enabled"] = "yes"
        data["hash"] = hashlib.sha256(json.dumps(data["payload"], sort_keys=True,
                                                 ensure_ascii=False).encode()).hexdigest()
        entry.write_text(json.dumps(data), encoding="utf-8")
    again = _check(pack, draft)
    assert (again.returncode, again.stdout, again.stderr) == (good.returncode, good.stdout, good.stderr)
    assert "Tampered" not in again.stdout_text
    # Rebuilt: the entry is whole again and serves the next run.
    assert json.loads(_entry_for(cache, pack).read_text(encoding="utf-8"))["payload"]["data"]["rules"][0]["enabled"] is True
    third = _check(pack, draft)
    assert third.stdout == good.stdout


def test_an_unwritable_cache_folder_only_costs_the_cache(setup, tmp_path, monkeypatch):
    _cache, pack, draft = setup
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    monkeypatch.setenv("COPYDESK_CACHE_DIR", str(blocker / "cache"))
    proc = run_cli("check", "--rules", str(pack), "--disable", "figures", str(draft))
    assert proc.returncode == 1, proc.stderr_text
    assert "[house/strongman]" in proc.stdout_text
