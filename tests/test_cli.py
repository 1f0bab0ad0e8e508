"""The ``copydesk check`` command as CI and a reporter at a terminal use it."""
from __future__ import annotations

import os
import pty
import select
import subprocess
import sys

import pytest

from conftest import run_cli, run_json

REGIME = "The regime’s army — 🔥 — fell back.\n"  # warning
CRUSHING = "It was a crushing blow for Дамаск.\n"  # info
CLEAN = "The army said it held the town.\n"


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "drafts" / "world").mkdir(parents=True)
    (tmp_path / "drafts" / "a.md").write_text(REGIME, encoding="utf-8")
    (tmp_path / "drafts" / "world" / "b.txt").write_text(CRUSHING, encoding="utf-8")
    (tmp_path / "drafts" / "world" / "c.markdown").write_text(CLEAN, encoding="utf-8")
    (tmp_path / "drafts" / "notes.rst").write_text(REGIME, encoding="utf-8")  # not a draft extension
    return tmp_path


def paths(data):
    return sorted({f["path"] for f in data["findings"]})


def test_folders_are_searched_by_extension(tree):
    code, data = run_json("drafts", cwd=tree)
    assert code == 1
    assert [f["path"] for f in data["files"]] == ["drafts/a.md", "drafts/world/b.txt", "drafts/world/c.markdown"]
    assert paths(data) == ["drafts/a.md", "drafts/world/b.txt"]


def test_exit_codes_and_fail_on(tree):
    assert run_cli("check", "drafts/world/c.markdown", cwd=tree).returncode == 0
    assert run_cli("check", "drafts", cwd=tree).returncode == 1
    # Only an info finding: below the default --fail-on warning.
    assert run_cli("check", "drafts/world/b.txt", cwd=tree).returncode == 0
    assert run_cli("check", "--fail-on", "info", "drafts/world/b.txt", cwd=tree).returncode == 1
    assert run_cli("check", "--fail-on", "error", "drafts", cwd=tree).returncode == 0
    assert run_cli("check", "--fail-on", "never", "drafts", cwd=tree).returncode == 0
    # Usage errors exit 2, never a traceback.
    for args in (["check"], ["check", "--format", "xml", "drafts"], ["check", "--fail-on", "loud", "drafts"],
                 ["check", "--max-file-size", "huge", "drafts"], ["nonsense"]):
        proc = run_cli(*args, cwd=tree)
        assert proc.returncode == 2, args
        assert "Traceback" not in proc.stderr_text


def test_min_severity_filters_what_is_reported(tree):
    code, data = run_json("--min-severity", "warning", "drafts", cwd=tree)
    assert code == 1 and paths(data) == ["drafts/a.md"]
    code, data = run_json("--min-severity", "error", "drafts", cwd=tree)
    assert code == 0 and data["findings"] == []


def test_globs_and_explicit_files(tree):
    code, data = run_json("drafts/**/*.txt", cwd=tree)
    assert paths(data) == ["drafts/world/b.txt"]
    # A file named on the command line is linted whatever its extension.
    code, data = run_json("drafts/notes.rst", cwd=tree)
    assert code == 1 and paths(data) == ["drafts/notes.rst"]
    # The same file twice (directly and through its folder) is linted once.
    code, data = run_json("drafts/a.md", "drafts", cwd=tree)
    assert [f["path"] for f in data["files"]].count("drafts/a.md") == 1


def test_stdin_with_a_filename(tree):
    md = "Text with `the regime` in code and the regime outside.\n"
    code, data = run_json("--stdin-filename", "story.md", "-", input=md, cwd=tree)
    assert code == 1
    assert [(f["path"], f["column"]) for f in data["findings"]] == [("story.md", md.rindex("regime") + 1)]
    # Without a name stdin is Markdown; as .txt the code span is prose.
    code, data = run_json("--stdin-filename", "story.txt", "-", input=md, cwd=tree)
    assert len(data["findings"]) == 2
    code, data = run_json("-", input=b"caf\xe9 regime", cwd=tree)
    assert code == 2
    assert data["files"] == [{"path": "stdin.md", "error": "invalid UTF-8 at byte offset 3 (line 1): b'\\xe9'",
                              "findings": 0}]


def test_include_and_exclude_from_config(tree):
    (tree / "copydesk.toml").write_text(
        'include = ["*.md", "*.txt", "*.rst"]\nexclude = ["drafts/world/**"]\n', encoding="utf-8")
    code, data = run_json("drafts", cwd=tree)
    assert [f["path"] for f in data["files"]] == ["drafts/a.md", "drafts/notes.rst"]
    # Named explicitly, an excluded file is still linted.
    code, data = run_json("drafts/world/b.txt", "--fail-on", "info", cwd=tree)
    assert code == 1 and paths(data) == ["drafts/world/b.txt"]


def test_cli_disable_enable(tree):
    code, data = run_json("--disable", "loaded-term/regime", "drafts", cwd=tree)
    assert paths(data) == ["drafts/world/b.txt"]
    code, data = run_json("--disable", "loaded-term", "drafts", cwd=tree)
    assert code == 0 and data["findings"] == []
    code, data = run_json("--disable", "loaded-term", "--enable", "loaded-term/crushing-blow", "drafts", cwd=tree)
    assert paths(data) == ["drafts/world/b.txt"]


def test_cli_severity_overrides_change_the_exit_status_and_the_explanation(tree):
    # crushing-blow is info: not a failure at --fail-on warning until CI raises it.
    code, data = run_json("drafts/world/b.txt", cwd=tree)
    assert code == 0 and [f["severity"] for f in data["findings"]] == ["info"]
    code, data = run_json("--severity", "loaded-term/crushing-blow=error", "drafts/world/b.txt", cwd=tree)
    assert code == 1 and [f["severity"] for f in data["findings"]] == ["error"]
    code, data = run_json("--severity", "loaded-term=hint", "drafts", cwd=tree)  # a whole check
    assert {f["severity"] for f in data["findings"]} == {"hint"}
    out = run_cli("rules", "explain", "loaded-term/regime", "--severity", "loaded-term/regime=error", cwd=tree)
    assert out.returncode == 0 and "severity:  error" in out.stdout_text
    bad = run_cli("check", "--severity", "loaded-term/regime", "drafts", cwd=tree)
    assert bad.returncode == 2 and "RULE=LEVEL" in bad.stderr_text


def _run_in_terminal(args, cwd, timeout=60):
    """Run the CLI with stdout and stderr on a pseudo-terminal."""
    master, slave = pty.openpty()
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm"}
    env.pop("NO_COLOR", None)
    env.pop("CI", None)
    proc = subprocess.Popen([sys.executable, "-m", "copydesk", *args], cwd=cwd, stdin=subprocess.DEVNULL,
                            stdout=slave, stderr=slave, env=env)
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], timeout)
        if not ready:
            proc.kill()
            raise AssertionError("no output from the CLI")
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return proc.wait(timeout), b"".join(chunks).decode("utf-8", "replace")


def test_terminal_gets_colour_and_a_summary(tree):
    code, out = _run_in_terminal(["check", "drafts"], tree)
    assert code == 1
    assert "\x1b[33mwarning\x1b[0m" in out
    assert "2 findings" in out and "(1 warning, 1 info) in 3 files" in out
    code, out = _run_in_terminal(["check", "drafts/world/c.markdown"], tree)
    assert code == 0 and "No findings" in out and "in 1 file" in out


def test_progress_bar_on_a_terminal_for_many_files(tmp_path):
    for i in range(60):
        (tmp_path / f"d{i:02}.md").write_text(CLEAN, encoding="utf-8")
    code, out = _run_in_terminal(["check", "."], tmp_path)
    assert code == 0
    assert "Linting" in out and "/60" in out  # rich's bar, e.g. "60/60"
    # Not when the output is redirected (CI logs).
    proc = run_cli("check", ".", cwd=tmp_path)
    assert "Linting" not in proc.stderr_text


def test_never_modifies_drafts(tree):
    before = {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()}
    run_cli("check", "-f", "sarif", "drafts", cwd=tree)
    assert {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()} == before
