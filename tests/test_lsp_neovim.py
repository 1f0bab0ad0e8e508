"""A real editor: headless Neovim with the shipped editors/neovim/copydesk.lua.

Neovim starts ``copydesk serve`` (a ``copydesk`` shim on PATH that runs this
checkout), opens a draft, receives publishDiagnostics (with fastFirst, the
default, first the findings that need no parse, then the whole set, which the
server follows with copydesk/diagnosticsFinal); the final diagnostics must
match ``copydesk check --format json`` on the same file: same rule ids, same
ranges (UTF-16 on the wire, byte columns in Neovim).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SERVER, run_json

# Starts a real editor, browser or packager: slow; `pytest -m "not e2e"` skips it.
pytestmark = pytest.mark.e2e

NVIM = shutil.which("nvim")
SHIPPED = ROOT / "editors" / "neovim" / "copydesk.lua"
HARNESS = Path(__file__).parent / "nvim" / "init.lua"

DRAFT = """\
---
title: Aleppo 🙂
---
# Rebels 🚀 take Ḥalab

Rebel fighters took control of most of Aleppo on Saturday — the “biggest blow” 🙂 to the Syrian regime in years.

The jihadists swept through towns. Critics called it a blitzkrieg 🧨 and a “terrorist” assault.
"""


def _require_nvim():
    if NVIM is None:
        if os.environ.get("COPYDESK_REQUIRE_TOOLS") == "1":
            pytest.fail("nvim is required (COPYDESK_REQUIRE_TOOLS=1) but not installed: see .ci/setup.d/10-neovim.sh")
        pytest.skip("nvim not installed")


def _shim(folder: Path) -> Path:
    """A `copydesk` executable that runs this checkout's server."""
    bin_dir = folder / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "copydesk"
    shim.write_text(f'#!/bin/sh\nPYTHONPATH="{SERVER}" exec "{sys.executable}" -m copydesk "$@"\n')
    shim.chmod(0o755)
    return bin_dir


def _run_nvim(tmp_path: Path, draft: Path, **extra_env: str) -> dict:
    out = tmp_path / "diagnostics.json"
    env = dict(os.environ, **extra_env)
    env["PATH"] = f"{_shim(tmp_path)}{os.pathsep}{env.get('PATH', '')}"
    env["COPYDESK_NVIM_OUT"] = str(out)
    env["COPYDESK_NVIM_CONFIG"] = str(SHIPPED)
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        env[name] = str(tmp_path / name.lower())
    proc = subprocess.run(
        [NVIM, "--headless", "-n", "-i", "NONE", "-u", str(HARNESS), str(draft)],
        env=env, cwd=tmp_path, capture_output=True, timeout=60,
    )
    assert out.exists(), f"nvim wrote nothing: {proc.stdout!r} {proc.stderr!r}"
    result = json.loads(out.read_text(encoding="utf-8"))
    assert "error" not in result, result
    return result


def _byte_col(line: str, utf16: int) -> int:
    units, i = 0, 0
    while i < len(line) and units < utf16:
        units += 2 if ord(line[i]) > 0xFFFF else 1
        i += 1
    return len(line[:i].encode("utf-8"))


@pytest.mark.parametrize("name", ["draft.md", "wire.txt"])
def test_neovim_diagnostics_match_cli(tmp_path, name):
    _require_nvim()
    project = tmp_path / "project"
    project.mkdir()
    (project / "copydesk.toml").write_text("")
    draft = project / name
    draft.write_text(DRAFT if name.endswith(".md") else DRAFT.split("---\n", 2)[2], encoding="utf-8")

    got = _run_nvim(tmp_path, draft)
    code, report = run_json(str(draft))
    assert code == 1
    expected = sorted((f["rule_id"], f["range"]["start"]["line"], f["range"]["start"]["character"],
                       f["range"]["end"]["line"], f["range"]["end"]["character"]) for f in report["findings"])
    # A sentence-wide finding is underlined on its trigger word; the
    # sentence it covers travels as data.span.
    def where(d, key):
        r = (d.get("data") or {}).get("span") or d["range"] if key == "span" else d["range"]
        return (d["code"], r["start"]["line"], r["start"]["character"], r["end"]["line"], r["end"]["character"])

    wire = sorted(where(d, "span") for d in got["lsp"])
    assert expected and wire == expected
    assert got["final_version"] == 0 and got["published"] >= 1  # Neovim's first version of a buffer
    assert {"loaded-term/regime", "loaded-term/blitzkrieg"} <= {e[0] for e in expected}

    # Neovim itself shows them, converted to byte columns correctly.
    lines = draft.read_text(encoding="utf-8").split("\n")
    shown = sorted((d["code"], d["lnum"], d["col"], d["end_lnum"], d["end_col"]) for d in got["shown"])
    assert shown == sorted((rid, sl, _byte_col(lines[sl], sc), el, _byte_col(lines[el], ec))
                           for rid, sl, sc, el, ec in (where(d, "range") for d in got["lsp"]))
    assert all(d["source"] == "copydesk" for d in got["shown"])

    # Startup progress: Neovim 0.7 accepts server-initiated work-done progress,
    # but it opens the draft at once, so the draft is linted (the first engine
    # built) while the server's window/workDoneProgress/create is still out:
    # whatever Neovim receives is a finished begin…end before the findings,
    # and no "starting…" appears after them (it used to begin then and stay
    # on the statusline for 5 minutes).
    progress = got.get("progress") or []
    assert len(progress) == got["progress_at_diagnostics"], progress
    if progress:
        kinds = [p["kind"] for p in progress]
        assert kinds[0] == "begin" and kinds[-1] == "end" and kinds.count("end") == 1, progress
        assert {p["token"] for p in progress} == {"copydesk-start"}
        assert progress[0]["message"] == "starting…" and progress[-1]["message"] == "ready"
    statusline = got.get("statusline") or []
    assert not statusline or statusline[-1]["done"], statusline


def test_neovim_0_7_sees_a_config_edit_without_file_watching(tmp_path):
    """Neovim 0.7 offers no workspace/didChangeWatchedFiles: the server polls
    the rule and config files it uses itself (pollInterval) and re-publishes
    when one changes, with no restart (issue 19)."""
    _require_nvim()
    if not subprocess.run([NVIM, "--version"], capture_output=True, text=True).stdout.startswith("NVIM v0.7."):
        pytest.skip("this Neovim watches files for the server (0.7, Debian 12's, does not)")
    project = tmp_path / "project"
    project.mkdir()
    config = project / "copydesk.toml"
    config.write_text("")
    draft = project / "draft.md"
    draft.write_text(DRAFT, encoding="utf-8")
    got = _run_nvim(tmp_path, draft, COPYDESK_NVIM_THEN_WRITE=str(config),
                    COPYDESK_NVIM_THEN_TEXT='disable = ["loaded-term/regime"]\n', COPYDESK_NVIM_POLL="200")
    before = {d["code"] for d in got["before"]}
    after = {d["code"] for d in got["lsp"]}
    assert "loaded-term/regime" in before and "loaded-term/regime" not in after
    assert after == before - {"loaded-term/regime"}
