"""The VS Code extension in real VS Code: code-server on 127.0.0.1 with the
built .vsix installed, driven through headless Chromium by playwright-core
(tests/e2e/vscode_driver.cjs). What the Problems panel lists must be what
``copydesk check`` reports; a quick fix picked from the Ctrl+. menu must change
the text and make its finding go away. Screenshots: test-artifacts/.

Needs code-server, playwright-core (.ci/setup.d/30-code-server.sh) and
Chromium; skips without them unless COPYDESK_REQUIRE_TOOLS=1.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import run_cli, run_json

# Starts a real editor, browser or packager: slow; `pytest -m "not e2e"` skips it.
pytestmark = pytest.mark.e2e
from vscode_build import ARTIFACTS, PREFIX, missing, start_group, stop_group, vsix_path

CODE_SERVER = PREFIX / "bin" / "code-server"
PLAYWRIGHT = PREFIX / "playwright" / "node_modules" / "playwright-core"
DRIVER = Path(__file__).parent / "e2e" / "vscode_driver.cjs"

DRAFT = """\
# Shelling resumes on the northern front

The regime shelled the suburbs of Idlib on Tuesday, residents said, a day after
talks in Geneva stalled.

“We have nowhere left to go,” said Amal Haddad, a teacher who fled with her
three children — the second time this year.

Officials in Damascus called the fighters “terrorists” and promised to retake the town.
"""

WIRE = "Critics called the advance a blitzkrieg, and the regime vowed to respond.\n"

# One sentence with an unattributed claim (a toll with no source: its trigger is
# the figure, found without a parse) and a loaded term at another word.
TOLL = "The thugs killed 40 civilians in the strike on Tuesday.\n"

# A house pack (README: copydesk.toml `rules = [...]`) with a mistake in it, for
# the drafts of house/ only: rules explain must report it, not explain the bundled rule.
HOUSE_CONFIG = 'rules = ["newsroom-rules/"]\n'
HOUSE_PACK = """\
rules:
  - id: loaded-term/regime
    check: loaded-term
    severity: warnng
    terms: [regime]
    message: "Say government"
"""
HOUSE_STORY = "The regime fell.\n"


def _tools() -> dict:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    node = shutil.which("node")
    for what, ok in (("code-server", CODE_SERVER.exists()), ("playwright-core", PLAYWRIGHT.is_dir()),
                     ("chromium", chromium), ("node", node)):
        if not ok:
            missing(f"{what} is not installed")
    return {"chromium": chromium, "node": node}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _bare_python() -> str:
    """A Python >= 3.10 without copydesk's libraries, to prove the bundle is
    all a user needs; the test interpreter when there is none."""
    for cand in ("/usr/bin/python3", shutil.which("python3")):
        if not cand or not os.path.exists(cand):
            continue
        probe = subprocess.run([cand, "-c", "import sys; assert sys.version_info >= (3, 10); import pygls"],
                               capture_output=True, env={"PATH": os.environ.get("PATH", "")})
        if probe.returncode == 1 and b"AssertionError" not in probe.stderr:
            return cand
    import sys

    return sys.executable


def _isolated_env(tmp: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VSCODE_", "XDG_"))}
    for name in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_RUNTIME_DIR"):
        path = tmp / name.lower()
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        env[name] = str(path)
    return env


@pytest.fixture
def code_server(tmp_path):
    """code-server with the .vsix installed, serving a workspace holding the draft."""
    yield from _code_server(tmp_path, trusted=True)


def _code_server(tmp_path, trusted: bool, workspace_settings: dict | None = None):
    tools = _tools()
    vsix = vsix_path()
    env = _isolated_env(tmp_path / "state")
    user_data, extensions = tmp_path / "user-data", tmp_path / "extensions"
    workspace = tmp_path / "newsroom"
    workspace.mkdir()
    (workspace / "draft.md").write_text(DRAFT, encoding="utf-8")
    (workspace / "wire").mkdir()
    (workspace / "wire" / "wire.txt").write_text(WIRE, encoding="utf-8")
    (workspace / "toll.md").write_text(TOLL, encoding="utf-8")
    house = workspace / "house"
    (house / "newsroom-rules").mkdir(parents=True)
    (house / "copydesk.toml").write_text(HOUSE_CONFIG, encoding="utf-8")
    (house / "newsroom-rules" / "house.yml").write_text(HOUSE_PACK, encoding="utf-8")
    (house / "story.md").write_text(HOUSE_STORY, encoding="utf-8")
    if workspace_settings:
        (workspace / ".vscode").mkdir()
        (workspace / ".vscode" / "settings.json").write_text(json.dumps(workspace_settings), encoding="utf-8")
    python = _bare_python()
    settings = user_data / "User" / "settings.json"
    settings.parent.mkdir(parents=True)
    settings.write_text(json.dumps({
        "workbench.startupEditor": "none",
        "workbench.tips.enabled": False,
        # An untrusted folder opens in Restricted Mode without the startup prompt.
        "security.workspace.trust.enabled": not trusted,
        "security.workspace.trust.startupPrompt": "never",
        "extensions.autoCheckUpdates": False,
        "telemetry.telemetryLevel": "off",
        # the driver types settings.json as one line: no editor help with brackets/quotes
        "files.autoSave": "off",  # onSave mode is checked while the draft is unsaved
        "editor.autoClosingBrackets": "never", "editor.autoClosingQuotes": "never", "editor.autoIndent": "none",
        "copydesk.interpreter": python,
        "copydesk.trace.server": "messages",
    }), encoding="utf-8")
    flags = [str(CODE_SERVER), "--user-data-dir", str(user_data), "--extensions-dir", str(extensions),
             "--disable-telemetry", "--disable-update-check"] + (["--disable-workspace-trust"] if trusted else [])
    install = subprocess.run(flags + ["--install-extension", str(vsix)], env=env, capture_output=True, text=True,
                             timeout=180, start_new_session=True)
    assert install.returncode == 0, install.stdout + install.stderr
    assert any(p.name.startswith("copydesk.copydesk-") for p in extensions.iterdir()), install.stdout
    port = _free_port()
    log = open(tmp_path / "code-server.log", "wb")
    proc = start_group(flags + ["--auth", "none", "--bind-addr", f"127.0.0.1:{port}", str(workspace)],
                       env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("code-server did not start:\n"
                                         + (tmp_path / "code-server.log").read_text(errors="replace"))
                time.sleep(0.3)
        yield {"url": f"http://127.0.0.1:{port}/?folder={workspace}", "workspace": workspace, "env": env,
               "tools": tools, "python": python, "tmp": tmp_path, "settings": settings}
    finally:
        stop_group(proc)
        log.close()


def _drive(code_server: dict, env: dict) -> tuple[dict, bytes]:
    """Run the Chromium driver; what it saw (its last JSON line) and its stderr."""
    driver = start_group([code_server["tools"]["node"], str(DRIVER)], env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    try:
        out, err = driver.communicate(timeout=240)
    finally:
        stop_group(driver)
    lines = out.decode("utf-8", "replace").strip().splitlines()
    assert lines, err.decode("utf-8", "replace")
    return json.loads(lines[-1]), err


def _findings(report: dict) -> list[dict]:
    """The CLI's findings, placed as VS Code shows them (1-based line, UTF-16 column).
    A sentence-wide finding with a trigger word is underlined on that word.
    ``length``: UTF-16 units of a one-line range (None when it spans lines)."""
    out = []
    for f in report["findings"]:
        line, col = f["range"]["start"]["line"], f["range"]["start"]["character"]
        end = f["range"]["end"]
        length = end["character"] - col if end["line"] == line else None
        trigger = (f.get("data") or {}).get("trigger")
        if isinstance(trigger, str) and trigger.strip() and trigger in f["text"] and len(f["text"]) > len(trigger):
            before = f["text"][: f["text"].index(trigger)]
            if "\n" in before:
                line, col = line + before.count("\n"), 0
                before = before.rsplit("\n", 1)[1]
            col += len(before.encode("utf-16-le")) // 2
            length = len(trigger.encode("utf-16-le")) // 2
        out.append({"rule_id": f["rule_id"], "message": f["message"], "line": line + 1, "column": col + 1,
                    "length": length, "fixes": [x["title"] for x in f["fixes"]]})
    return out


@pytest.fixture(autouse=True)
def _cli_as_the_bundled_server(monkeypatch):
    """The .vsix does not carry the syntactic layer (spaCy, see
    editors/vscode/README.md), so its server reads attribution from the word
    lists alone: the CLI findings it is compared with are computed the same way."""
    monkeypatch.setenv("COPYDESK_SPACY_MODEL", "off")


def test_problems_panel_matches_cli_and_quick_fix_applies(code_server):
    workspace = code_server["workspace"]
    draft = workspace / "draft.md"
    _code, report = run_json(str(draft))
    expected = _findings(report)
    _code, wire_report = run_json(str(workspace / "wire" / "wire.txt"))
    wire = _findings(wire_report)
    assert wire
    assert any(f["rule_id"] == "loaded-term/regime" for f in expected), expected
    to_fix = next(f for f in expected if f["rule_id"] == "loaded-term/regime")

    # The toll sentence: an unattributed claim (its trigger, the figure) and a
    # loaded term at another word, both found without a parse.
    _code, toll_report = run_json(str(workspace / "toll.md"))
    toll = _findings(toll_report)
    claim = next(f for f in toll if f["rule_id"] == "attribution/unattributed-claim")
    term = next(f for f in toll if f["rule_id"].startswith("loaded-term/"))
    assert claim["line"] == term["line"] == 1 and claim["column"] != term["column"], toll
    toll_spans = [{"rule_id": f["rule_id"], "start": f["column"] - 1, "end": f["column"] - 1 + f["length"]}
                  for f in (claim, term)]
    # The house draft: the CLI refuses to explain the rule from there (exit 2, the pack's error).
    house = workspace / "house"
    refused = run_cli("rules", "explain", "loaded-term/regime", cwd=house)
    assert refused.returncode == 2 and "house.yml" in refused.stderr_text, refused.stderr_text
    pack_error = next(line for line in refused.stderr_text.splitlines() if "house.yml" in line)

    shots = ARTIFACTS
    shots.mkdir(exist_ok=True)
    env = dict(code_server["env"])
    env.update(E2E_URL=code_server["url"], E2E_FILE="draft.md", E2E_EXPECTED=json.dumps(expected),
               E2E_FIX_TITLE=to_fix["fixes"][0], E2E_FIX_RULE=to_fix["rule_id"],
               E2E_SETTINGS=str(code_server["settings"]), E2E_OTHER_FILE="wire.txt", E2E_OTHER_EXPECTED=json.dumps(wire), E2E_FIX_LINE=str(to_fix["line"]), E2E_SHOTS=str(shots),
               E2E_HOVER=json.dumps({k: to_fix[k] for k in ("line", "column", "message")}),
               E2E_PROFILE=str(code_server["tmp"] / "chromium-profile"), PLAYWRIGHT_CORE=str(PLAYWRIGHT),
               E2E_TOLL=json.dumps({"file": "toll.md", "line": claim["line"], "text": TOLL.rstrip("\n"),
                                    "expected": toll, "spans": toll_spans}),
               E2E_HOUSE=json.dumps({"folder": "house", "file": "story.md", "rule_id": "loaded-term/regime",
                                     "line": 1, "column": HOUSE_STORY.index("regime") + 1}),
               CHROMIUM=code_server["tools"]["chromium"])
    started = time.monotonic()
    seen, err = _drive(code_server, env)
    elapsed = time.monotonic() - started
    (shots / "vscode-e2e.json").write_text(json.dumps({"seconds": round(elapsed, 1), **seen}, indent=2,
                                                      ensure_ascii=False), encoding="utf-8")
    assert seen.get("ok"), f"{seen.get('error')}\nsteps: {seen.get('steps')}\n{err.decode('utf-8', 'replace')[-3000:]}"

    # The Problems panel lists exactly the CLI's findings: same rule, message, place.
    listed = []
    for row in seen["problems"]:
        text = row["text"]
        m = re.search(r"\[Ln (\d+), Col (\d+)\]", text)
        if m and "copydesk" in text:
            listed.append((int(m[1]), int(m[2]), text))
    assert len(listed) == len(expected), (listed, expected)
    for f in expected:
        assert any(line == f["line"] and col == f["column"] and f["rule_id"] in text and f["message"] in text
                   for line, col, text in listed), (f, listed)
    assert seen["squiggles"] >= 1
    # The status bar counts the active draft's findings.
    assert any(s.strip().endswith(f"copydesk: {len(expected)}") for s in seen["status"]), seen["status"]
    # ... and said "starting…" before the first squiggle was drawn (issue 19: no
    # sign of life for 19-40 s), then changed.
    history, at_squiggle = seen["statusHistory"], seen["statusAtFirstSquiggle"]
    assert at_squiggle is not None, history
    assert any("copydesk: starting…" in s for s in history[:at_squiggle]), (history, at_squiggle)
    assert "starting…" not in history[-1] and re.search(r"copydesk: \d+", history[-1]), history
    assert not any("copydesk: stopped" in s for s in history), history  # no red flash at activation
    # The hover on the finding: its own message first, then its fix, then the
    # rule's background (issue 19: the evidence was at the bottom of a long stack).
    hover = seen["hover"].replace("\xa0", " ")
    assert hover.lstrip().startswith(to_fix["message"]), hover
    assert hover.index(to_fix["message"]) < hover.index(f"Fix: {to_fix['fixes'][0]}") \
        < hover.index(f"{to_fix['rule_id']} ("), hover
    assert any(to_fix["fixes"][0] in item for item in seen["quickFixMenu"]), seen["quickFixMenu"]

    # The fix changed the text (saved from the editor) and its finding went away.
    text = draft.read_text(encoding="utf-8")
    assert "The government shelled the suburbs" in text
    assert "The regime shelled" not in text
    assert "“We have nowhere left to go,”" in text  # the rest untouched, curly quotes intact
    after = [r["text"] for r in seen["problemsAfter"] if "copydesk" in r["text"]]
    assert not any("loaded-term/regime" in t and f"[Ln {to_fix['line']}," in t for t in after), after
    fixed = code_server["tmp"] / "fixed" / "draft.md"  # the text as it was after the fix, before typing
    fixed.parent.mkdir()
    fixed.write_text(text.replace("The regime fell.", ""), encoding="utf-8")
    _code, again = run_json(str(fixed))
    assert len(after) == len(again["findings"])
    assert any(s.strip().endswith(f"copydesk: {len(after)}") for s in seen["statusAfter"]), seen["statusAfter"]

    # A setting changed in settings.json applied without a reload (severity override).
    assert seen["afterSeverityOverride"] and all(a.startswith("Error:") for a in seen["afterSeverityOverride"])
    # copydesk.run = onSave: nothing while typing, the finding once saved.
    assert not [t for t in seen["whileTyping"] if "[Ln 10," in t], seen["whileTyping"]
    assert any(to_fix["rule_id"] in t and "[Ln 10, Col 5]" in t for t in seen["afterSave"]), seen["afterSave"]
    assert "The regime fell." in draft.read_text(encoding="utf-8")
    # Explain Rule at Cursor showed the rule under the cursor.
    explain = seen["explain"].replace("\xa0", " ")  # the editor renders spaces as no-break spaces
    assert explain.startswith(f"{to_fix['rule_id']} —")
    assert "severity:  error" in explain  # the settings' override, as the Problems panel shows it
    # Lint Workspace listed the draft that was never opened, with the CLI's findings.
    rows = [r["text"] for r in seen["workspaceProblems"]]
    for f in wire:
        assert any(f["rule_id"] in t and f"[Ln {f['line']}, Col {f['column']}]" in t and f["message"] in t
                   for t in rows), (f, rows)
    # The toll sentence in VS Code: the Problems panel places the claim on its
    # trigger, and the editor draws each squiggle on its own word: the loaded
    # term's is not hidden under a sentence-wide one (issue 19).
    toll_rows = [r["text"] for r in seen["tollProblems"]]
    for f in toll:
        assert any(f["rule_id"] in t and f"[Ln {f['line']}, Col {f['column']}]" in t and f["message"] in t
                   for t in toll_rows), (f, toll_rows)
    geo = seen["tollSquiggles"]
    assert "error" not in geo, geo
    words, squiggles = geo["words"], geo["squiggles"]
    line_left, line_right = geo["sentence"]["left"], geo["sentence"]["right"]

    def drawn_on(word):
        return [s for s in squiggles if abs(s["left"] - word["left"]) <= 2 and abs(s["right"] - word["right"]) <= 2]

    for word in words:  # one squiggle exactly under each finding's word
        assert drawn_on(word), (word, squiggles)
    # ... and no other squiggle on the line: nothing sentence-wide over the loaded term.
    assert len(squiggles) == len(words), (words, squiggles)
    claim_word = next(w for w in words if w["rule_id"] == claim["rule_id"])
    term_word = next(w for w in words if w["rule_id"] == term["rule_id"])
    assert claim_word["right"] - claim_word["left"] < (line_right - line_left) / 4, (claim_word, geo["sentence"])
    assert all(s["right"] <= term_word["left"] + 1 or s["left"] >= term_word["right"] - 1
               for s in drawn_on(claim_word)), (claim_word, term_word, squiggles)

    # Explain Rule at Cursor in a folder whose house pack is broken shows the
    # pack's error, as `copydesk rules explain` there does: not the bundled rule.
    shown = seen["houseExplain"].replace("\xa0", " ")
    assert "copydesk rules explain loaded-term/regime failed" in shown, shown
    assert pack_error in shown, (pack_error, shown)
    assert "loaded-term/regime —" not in shown and "check:     loaded-term" not in shown, shown

    # With no usable Python the message names the setting, and the status bar says so.
    assert "copydesk.interpreter" in seen["noPythonMessage"] and "/nonexistent/python3" in seen["noPythonMessage"]
    assert any("no Python" in s for s in seen["noPythonStatus"]), seen["noPythonStatus"]


def test_an_untrusted_folder_cannot_choose_the_program_the_extension_runs(tmp_path):
    """A folder's .vscode/settings.json names an "interpreter" that would run
    a program of the folder's: in Restricted Mode the extension ignores it,
    runs the user's Python and still lints the draft."""
    marker = tmp_path / "workspace-program-ran"
    evil = tmp_path / "folder-python"
    evil.write_text(f"#!/bin/sh\ntouch '{marker}'\nexec '{sys.executable}' \"$@\"\n")
    evil.chmod(0o755)
    server = _code_server(tmp_path, trusted=False, workspace_settings={"copydesk.interpreter": str(evil),
                                                                      "copydesk.importStrategy": "fromEnvironment"})
    code_server = next(server)
    try:
        _code, report = run_json(str(code_server["workspace"] / "draft.md"))
        expected = _findings(report)
        env = dict(code_server["env"])
        env.update(E2E_URL=code_server["url"], E2E_FILE="draft.md", E2E_EXPECTED=json.dumps(expected),
                   E2E_ONLY_PROBLEMS="1", E2E_SHOTS=str(tmp_path), E2E_PROFILE=str(tmp_path / "chromium-profile"),
                   PLAYWRIGHT_CORE=str(PLAYWRIGHT), CHROMIUM=code_server["tools"]["chromium"])
        seen, _err = _drive(code_server, env)
        assert seen.get("ok"), f"{seen.get('error')}\nsteps: {seen.get('steps')}"
        assert seen["restrictedMode"], "the folder did not open in Restricted Mode"
        listed = [r for r in seen["problems"] if "copydesk" in r["text"]]
        assert len(listed) == len(expected) > 0
        assert not marker.exists(), "the workspace's interpreter setting was executed in Restricted Mode"
    finally:
        server.close()
