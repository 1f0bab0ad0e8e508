"""The shipped Emacs config (editors/emacs/copydesk-eglot.el) in real Emacs,
in batch mode: eglot starts `copydesk serve` by itself when a draft is opened,
and flymake shows what `copydesk check` reports, at the same places (curly
quotes, em dash, non-Latin names and an emoji before the findings)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path


import pytest

from conftest import underlined, ROOT, run_json
from vscode_build import missing, start_group, stop_group

# Starts a real editor, browser or packager: slow; `pytest -m "not e2e"` skips it.
pytestmark = pytest.mark.e2e

CONFIG = ROOT / "editors" / "emacs" / "copydesk-eglot.el"
DRIVER = Path(__file__).parent / "e2e" / "emacs_driver.el"

DRAFT = """\
# Strikes on Khan Younis

Witnesses in Khan Younis — إبراهيم الأغا among them 🙏 — said the regime’s jets
struck twice before dawn.

“They came at night,” said Ibrahim al-Agha. The blitzkrieg lasted an hour.
"""


def _emacs() -> str:
    emacs = shutil.which("emacs")
    if emacs is None:
        missing("emacs is not installed")
    probe = subprocess.run([emacs, "--batch", "--eval", "(require 'eglot)"],
                           capture_output=True, timeout=60, env=_env(Path("/nonexistent")))
    if probe.returncode != 0:
        missing("eglot is not installed (apt: elpa-eglot)")
    return emacs


def _env(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env["HOME"] = str(home)
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        env[name] = str(home / name.lower())
    return env


def test_eglot_config_shows_the_cli_findings(tmp_path):
    emacs = _emacs()
    draft = tmp_path / "draft.md"
    draft.write_text(DRAFT, encoding="utf-8")
    out = tmp_path / "diagnostics.json"
    home = tmp_path / "home"
    home.mkdir()
    env = _env(home)
    env.update(COPYDESK_SERVER="\t".join([sys.executable, "-m", "copydesk", "serve"]),
               COPYDESK_DRAFT=str(draft), COPYDESK_OUT=str(out))
    proc = start_group([emacs, "--batch", "-l", str(CONFIG),
                        "-l", str(DRIVER)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    try:
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        stop_group(proc)
    assert out.exists(), stderr.decode("utf-8", "replace")[-3000:]
    seen = json.loads(out.read_text(encoding="utf-8"))
    assert seen["mode"] == "copydesk-markdown-mode"  # .md without markdown-mode still lints as Markdown
    assert seen["server"] and seen["published"] >= 1
    # What flymake shows was read after the server's copydesk/diagnosticsFinal
    # for the draft: the whole set (fastFirst publishes the quick part first).
    final_uri, _version, published_before = seen["final"]
    assert final_uri == draft.resolve().as_uri() and published_before >= 1

    _code, report = run_json(str(draft))
    expected = sorted((*underlined(f), f["rule_id"]) for f in report["findings"])
    assert expected, report
    assert any(f[3] == "loaded-term/regime" for f in expected)
    got = sorted((d["line"], d["column"], d["text"]) for d in seen["diagnostics"])
    assert got == [e[:3] for e in expected], (got, expected)
    for f in report["findings"]:
        assert any(f["message"] in d["message"] for d in seen["diagnostics"]), f["message"]

    # Startup progress: eglot 1.9 (Emacs 28, Debian 12) does not offer
    # window.workDoneProgress (its eglot-client-capabilities has no :window),
    # so the server sends it none (no window/workDoneProgress/create, no
    # $/progress): the mode line shows nothing until the findings arrive.
    assert seen["progress"] == 0
