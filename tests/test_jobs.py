"""``copydesk check --jobs``: drafts linted in worker processes give the same
report, byte for byte, as ``--jobs 1``: same order, same findings, same
messages for unreadable files, same exit status."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS, run_cli

FORMATS = ("text", "json", "sarif", "github", "junit")


@pytest.fixture
def drafts(tmp_path) -> Path:
    """Two dozen drafts cut from the seed articles and the example, in nested
    folders, plus files that cannot be linted, spread among them."""
    root = tmp_path / "drafts"
    n = 0
    for seed in sorted(SEEDS.glob("*.txt")):
        paras = [p for p in seed.read_text(encoding="utf-8").split("\n\n") if p.strip()]
        for i in range(0, len(paras), 4):
            folder = root / f"desk{n % 3}"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{seed.stem}-{i:02d}.md").write_text("\n\n".join(paras[i:i + 4]) + "\n", encoding="utf-8")
            n += 1
    (root / "desk1" / "aleppo.md").write_text((ROOT / "examples" / "aleppo-draft.md").read_text(encoding="utf-8"),
                                              encoding="utf-8")
    (root / "desk0" / "binary.md").write_bytes(b"The regime\x00fell.\n")
    (root / "desk1" / "latin1.txt").write_bytes("The régime fell.\n".encode("latin-1"))
    (root / "desk2" / "empty.md").write_text("", encoding="utf-8")
    (root / "desk2" / "broken.md").symlink_to(root / "nowhere.md")
    (root / "desk2" / "clean.md").write_text("The council met on Tuesday.\n", encoding="utf-8")
    assert n >= 12
    return root


def _run(*args, **kw):
    proc = run_cli("check", *args, **kw)
    assert "Traceback" not in proc.stderr_text, proc.stderr_text
    return proc


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_is_identical_whatever_the_number_of_jobs(drafts, fmt):
    serial = _run("--format", fmt, "--jobs", "1", str(drafts))
    assert serial.returncode == 2  # findings, and files that could not be read
    assert "binary file" in serial.stderr_text and "invalid UTF-8" in serial.stderr_text
    assert "broken symbolic link" in serial.stderr_text
    assert serial.stdout.strip()
    for jobs in ("2", "3"):
        parallel = _run("--format", fmt, "--jobs", jobs, str(drafts))
        assert (parallel.returncode, parallel.stdout, parallel.stderr) == (
            serial.returncode, serial.stdout, serial.stderr), f"--jobs {jobs}"
    default = _run("--format", fmt, str(drafts))
    assert (default.returncode, default.stdout, default.stderr) == (serial.returncode, serial.stdout, serial.stderr)


def test_exit_status_and_filters_are_the_same_in_parallel(drafts):
    readable = [str(p) for p in sorted(drafts.rglob("*.md")) if p.name not in ("binary.md", "broken.md")]
    for args in (("--fail-on", "error"), ("--fail-on", "never"), ("--min-severity", "error"), ()):
        serial = _run("--jobs", "1", *args, *readable)
        parallel = _run("--jobs", "2", *args, *readable)
        assert (parallel.returncode, parallel.stdout, parallel.stderr) == (
            serial.returncode, serial.stdout, serial.stderr), args
    clean = [str(drafts / "desk2" / "clean.md"), str(drafts / "desk2" / "empty.md")]
    extra = drafts / "more-clean"
    extra.mkdir()
    for i in range(6):
        (extra / f"c{i}.md").write_text(f"The council met on Tuesday for the {i + 2}nd time.\n", encoding="utf-8")
    proc = _run("--jobs", "2", *clean, str(extra))
    assert proc.returncode == 0, proc.stdout_text + proc.stderr_text
    assert proc.stdout_text == ""


def test_stdin_comes_first_then_the_files_in_order(drafts):
    text = (ROOT / "examples" / "aleppo-draft.md").read_text(encoding="utf-8")
    args = ("--format", "json", "--stdin-filename", "story.md", "-", str(drafts))
    serial = _run("--jobs", "1", *args, input=text)
    parallel = _run("--jobs", "2", *args, input=text)
    assert (parallel.returncode, parallel.stdout, parallel.stderr) == (serial.returncode, serial.stdout, serial.stderr)
    assert '"story.md"' in parallel.stdout_text


def test_jobs_must_be_a_positive_number(drafts):
    for bad in ("0", "-1", "two"):
        proc = run_cli("check", "--jobs", bad, str(drafts))
        assert proc.returncode == 2
        assert "--jobs" in proc.stderr_text or "-j" in proc.stderr_text


def _children(pid: int) -> set[int]:
    out = set()
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == pid:
                out.add(int(d.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and PR_SET_PDEATHSIG are Linux's")
def test_workers_die_with_the_parent(drafts, tmp_path):
    """A run killed with SIGKILL (no chance to clean up) leaves no worker behind."""
    many = tmp_path / "many"
    many.mkdir()
    text = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    for i in range(400):
        (many / f"d{i:03d}.md").write_text(text, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "copydesk", "check", "--jobs", "2", str(many)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    try:
        for _ in range(600):  # wait until both workers are running (polling, no timing asserted)
            workers = _children(proc.pid)
            if len(workers) >= 2 or proc.poll() is not None:
                break
            time.sleep(0.05)
        assert proc.poll() is None and len(workers) >= 2, "the run ended before its workers could be seen"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        for _ in range(600):
            if not any(_alive(w) for w in workers):
                break
            time.sleep(0.05)
        assert not any(_alive(w) for w in workers), "a worker outlived its parent"
    finally:
        if proc.poll() is None:
            proc.kill()
        for w in workers:
            if _alive(w):
                os.kill(w, signal.SIGKILL)
