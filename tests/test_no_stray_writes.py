"""Nothing is written except where the user asked.

``copydesk check`` never touches a draft (content, size, mode, mtime), and
no command leaves a file in the working folder, $HOME, the XDG folders or
$TMPDIR. The one exception is the corpus cache, which may only appear in
the configured cache folder ($COPYDESK_CACHE_DIR, config ``cache``, or by
default $XDG_CACHE_HOME/copydesk).
"""
from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS

DRAFT_WITH_UNICODE = (
    "# Talks stall in Kraków\n\n"
    "The regime’s envoy, Zoë Ní Bhriain — who arrived on Friday 🙂 — said talks had “stalled”.\n\n"
    "Over 500 people were killed, officials said. Jihadists claimed the town, experts say.\n"
)
HOME_LIKE = ("home", "xdg-config", "xdg-cache", "xdg-data", "xdg-state", "tmp", "cwd")


def _snapshot(root: Path) -> dict:
    """Every entry under root: kind, mode, size, mtime and content hash.
    Folder mtimes are kept too: a temporary file created and removed inside
    a folder still changes it."""
    out = {}
    for path in sorted([root, *root.rglob("*")]):
        st = path.lstat()
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            out[rel] = ("link", os.readlink(path))
        elif path.is_dir():
            out[rel] = ("dir", st.st_mode, st.st_mtime_ns)
        else:
            out[rel] = ("file", st.st_mode, st.st_size, st.st_mtime_ns,
                        hashlib.sha256(path.read_bytes()).hexdigest())
    return out


@pytest.fixture
def sandbox(tmp_path):
    """A drafts tree and empty HOME, XDG, TMPDIR and working folders."""
    drafts = tmp_path / "drafts"
    (drafts / "world" / "syria").mkdir(parents=True)
    shutil.copy(ROOT / "examples" / "aleppo-draft.md", drafts / "world" / "syria" / "aleppo.md")
    for seed in sorted(SEEDS.glob("*.txt"))[:3]:
        shutil.copy(seed, drafts / "world" / seed.name)
    (drafts / "krakow.md").write_text(DRAFT_WITH_UNICODE, encoding="utf-8")
    (drafts / "crlf.txt").write_bytes(DRAFT_WITH_UNICODE.replace("\n", "\r\n").encode("utf-8"))
    (drafts / "notes.rst").write_text("Not a draft type: skipped.\n", encoding="utf-8")
    (drafts / "readonly.md").write_text("The regime fell.\n", encoding="utf-8")
    (drafts / "readonly.md").chmod(0o444)
    (drafts / "link.md").symlink_to("krakow.md")
    dirs = {name: tmp_path / name for name in HOME_LIKE}
    for d in dirs.values():
        d.mkdir()
    cache = tmp_path / "cache"
    cache.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "COPYDESK_CACHE"))}
    env.update(
        HOME=str(dirs["home"]), XDG_CONFIG_HOME=str(dirs["xdg-config"]),
        XDG_CACHE_HOME=str(dirs["xdg-cache"]), XDG_DATA_HOME=str(dirs["xdg-data"]),
        XDG_STATE_HOME=str(dirs["xdg-state"]), TMPDIR=str(dirs["tmp"]), TEMP=str(dirs["tmp"]),
        TMP=str(dirs["tmp"]), COPYDESK_CACHE_DIR=str(cache),
    )
    return {"drafts": drafts, "dirs": dirs, "cache": cache, "env": env, "tmp": tmp_path}


def _run(sandbox, *args, input: bytes | None = None, cwd: Path | None = None):
    proc = subprocess.run([sys.executable, "-m", "copydesk", *args], input=input, capture_output=True,
                          cwd=cwd or sandbox["dirs"]["cwd"], env=sandbox["env"], timeout=120)
    assert "Traceback" not in proc.stderr.decode("utf-8", "replace"), proc.stderr
    return proc


def _assert_untouched(sandbox, drafts_before, allowed_cache: Path | None):
    assert _snapshot(sandbox["drafts"]) == drafts_before, "a draft (or the drafts tree) was modified"
    for name, d in sandbox["dirs"].items():
        if allowed_cache is not None and allowed_cache.is_relative_to(d):
            # Only the cache folder itself may appear here.
            stray = [p for p in d.rglob("*") if not (p == allowed_cache or p.is_relative_to(allowed_cache)
                                                      or allowed_cache.is_relative_to(p))]
            assert not stray, f"files written outside the cache folder: {stray}"
        else:
            assert not any(d.iterdir()), f"{name} was written to: {sorted(d.rglob('*'))}"


def _lint_everything(sandbox, cwd: Path | None = None):
    drafts = sandbox["drafts"]
    for fmt in ("text", "json"):
        proc = _run(sandbox, "check", "--format", fmt, str(drafts), cwd=cwd)
        assert proc.returncode == 1, proc.stderr
    proc = _run(sandbox, "check", str(drafts / "krakow.md"), str(drafts / "readonly.md"),
                str(drafts / "link.md"), cwd=cwd)
    assert proc.returncode == 1, proc.stderr
    proc = _run(sandbox, "check", "-", "--stdin-filename", "krakow.md",
                input=DRAFT_WITH_UNICODE.encode("utf-8"), cwd=cwd)
    assert proc.returncode == 1, proc.stderr
    for args in (("rules", "list"), ("rules", "list", "--json"), ("rules", "explain", "loaded-term/regime"),
                 ("rules", "validate"), ("rules", "schema"), ("--version",), ("--help",), ("check", "--help")):
        proc = _run(sandbox, *args, cwd=cwd)
        assert proc.returncode == 0, (args, proc.stderr)


def test_check_writes_nothing_but_the_cache_folder(sandbox):
    before = _snapshot(sandbox["drafts"])
    _lint_everything(sandbox)
    _assert_untouched(sandbox, before, allowed_cache=sandbox["cache"])


def test_check_from_inside_the_drafts_tree(sandbox):
    """Relative paths, cwd = the drafts folder: still nothing written there."""
    before = _snapshot(sandbox["drafts"])
    proc = _run(sandbox, "check", ".", cwd=sandbox["drafts"])
    assert proc.returncode == 1, proc.stderr
    proc = _run(sandbox, "check", "world/syria/aleppo.md", "krakow.md", cwd=sandbox["drafts"])
    assert proc.returncode == 1, proc.stderr
    _assert_untouched(sandbox, before, allowed_cache=sandbox["cache"])


def test_default_cache_lives_only_under_xdg_cache(sandbox):
    """With no cache configured, only $XDG_CACHE_HOME/copydesk may appear."""
    del sandbox["env"]["COPYDESK_CACHE_DIR"]
    before = _snapshot(sandbox["drafts"])
    _lint_everything(sandbox)
    _assert_untouched(sandbox, before, allowed_cache=sandbox["dirs"]["xdg-cache"] / "copydesk")
    assert not any(sandbox["cache"].iterdir())


def test_report_file_is_the_only_output(sandbox):
    reports = sandbox["tmp"] / "reports"
    reports.mkdir()
    before = _snapshot(sandbox["drafts"])
    proc = _run(sandbox, "check", "--format", "json", "-o", str(reports / "report.json"), str(sandbox["drafts"]))
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == b""
    assert [p.name for p in reports.iterdir()] == ["report.json"]
    assert (reports / "report.json").read_text(encoding="utf-8").lstrip().startswith("{")
    _assert_untouched(sandbox, before, allowed_cache=sandbox["cache"])


def _config_has_cache() -> bool:
    from copydesk.config import Config

    return "cache" in {f.name for f in dataclasses.fields(Config)}


@pytest.mark.skipif(not _config_has_cache(), reason="config 'cache' not in this build yet")
def test_configured_cache_folder_is_the_only_place_written(sandbox):
    """A project config names its cache folder: writes go there, nowhere else
    (not $COPYDESK_CACHE_DIR, not the XDG cache, not next to the drafts)."""
    project = sandbox["tmp"] / "project"
    project.mkdir()
    shutil.move(str(sandbox["drafts"]), project / "drafts")
    sandbox["drafts"] = project / "drafts"
    (project / "copydesk.toml").write_text('cache = "../project-cache"\n', encoding="utf-8")
    project_cache = sandbox["tmp"] / "project-cache"
    before = _snapshot(project)
    proc = _run(sandbox, "check", str(project / "drafts"))
    assert proc.returncode == 1, proc.stderr
    assert _snapshot(project) == before
    _assert_untouched(sandbox, _snapshot(sandbox["drafts"]), allowed_cache=None)
    assert not any(sandbox["cache"].iterdir()), "COPYDESK_CACHE_DIR used despite the config"
    # The corpus index went where the config said.
    assert project_cache.is_dir() and any(project_cache.iterdir())
