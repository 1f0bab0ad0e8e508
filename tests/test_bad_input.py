"""Hostile and broken input: a clear message naming the file, the other files
still linted, exit 2, never a traceback (issues 2 and 6, "CLI input")."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from conftest import run_cli, run_json

GOOD = "The regime’s forces — and Ḥalab’s 🔥 — fell back.\n"


def assert_no_traceback(proc):
    assert "Traceback" not in proc.stderr_text and "Traceback" not in proc.stdout_text


def good_linted(data, path="good.md"):
    return [f["path"] for f in data["findings"]] == [path]


def test_missing_path_and_unmatched_glob(tmp_path):
    (tmp_path / "good.md").write_text(GOOD, encoding="utf-8")
    proc = run_cli("check", "-f", "json", "missing.md", "good.md", "nothing/*.md", cwd=tmp_path)
    assert proc.returncode == 2
    assert "copydesk: missing.md: no such file or directory" in proc.stderr_text
    assert "copydesk: nothing/*.md: no files match this pattern" in proc.stderr_text
    import json
    assert good_linted(json.loads(proc.stdout_text))
    assert_no_traceback(proc)


def test_directory_of_binaries(tmp_path):
    bins = tmp_path / "bins"
    bins.mkdir()
    for i in range(5):
        (bins / f"photo{i}.jpg").write_bytes(os.urandom(2048))
    (bins / "scan.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + os.urandom(512))  # binary with a draft name
    (tmp_path / "good.md").write_text(GOOD, encoding="utf-8")
    code, data = run_json("bins", "good.md", cwd=tmp_path)
    assert code == 2 and good_linted(data)
    errors = {f["path"]: f["error"] for f in data["files"] if f["error"]}
    assert errors == {"bins/scan.txt": "binary file (contains NUL bytes), not a text draft"}
    only_images = tmp_path / "images"
    only_images.mkdir()
    (only_images / "a.png").write_bytes(os.urandom(100))
    proc = run_cli("check", "images", "good.md", cwd=tmp_path)
    assert proc.returncode == 2
    assert "copydesk: images: no drafts found in this folder (looked for *.md, *.markdown, *.txt, *.html, *.htm)" in proc.stderr_text
    assert "good.md:1:5: warning [loaded-term/regime]" in proc.stdout_text
    assert_no_traceback(proc)


def test_invalid_utf8_reports_the_byte_offset(tmp_path):
    text = "Line one — fine.\nThe régime’s "  # multi-byte characters before the bad byte
    data = text.encode("utf-8") + b"\xff\xfe army\n"
    (tmp_path / "bad.md").write_bytes(data)
    (tmp_path / "good.md").write_text(GOOD, encoding="utf-8")
    proc = run_cli("check", "bad.md", "good.md", cwd=tmp_path)
    assert proc.returncode == 2
    offset = len(text.encode("utf-8"))
    assert f"copydesk: bad.md: invalid UTF-8 at byte offset {offset} (line 2): b'\\xff'" in proc.stderr_text
    assert "good.md:1:5:" in proc.stdout_text
    assert_no_traceback(proc)


def test_utf8_bom_and_crlf_are_fine(tmp_path):
    (tmp_path / "bom.md").write_bytes("\ufeffThe regime fell.\r\nNext line.\r\n".encode("utf-8"))
    code, data = run_json("bom.md", cwd=tmp_path)
    assert code == 1 and [(f["line"], f["column"]) for f in data["findings"]] == [(1, 5)]


def test_empty_and_blank_files_are_clean(tmp_path):
    (tmp_path / "empty.md").write_bytes(b"")
    (tmp_path / "blank.txt").write_text("\n\n   \n", encoding="utf-8")
    code, data = run_json("empty.md", "blank.txt", cwd=tmp_path)
    assert code == 0 and data["findings"] == [] and all(f["error"] is None for f in data["files"])


def test_fifty_megabyte_file(tmp_path):
    big = tmp_path / "big.md"
    with open(big, "wb") as fh:
        line = ("The army said it held the town. " * 4 + "\n").encode()
        fh.write(line * (50 * 1024 * 1024 // len(line) + 1))
    (tmp_path / "good.md").write_text(GOOD, encoding="utf-8")
    try:
        proc = run_cli("check", "big.md", "good.md", cwd=tmp_path)
    finally:
        big.unlink()
    assert proc.returncode == 2
    assert "copydesk: big.md: file is 50.0 MB, over the 10 MB limit (raise it with --max-file-size)" in proc.stderr_text
    assert "good.md:1:5:" in proc.stdout_text
    assert_no_traceback(proc)


def test_symlink_loops(tmp_path):
    (tmp_path / "good.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "a.md").symlink_to("b.md")
    (tmp_path / "b.md").symlink_to("a.md")
    (tmp_path / "dangling.md").symlink_to("gone.md")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "up").symlink_to("..", target_is_directory=True)  # a folder loop: not followed
    (sub / "self").symlink_to("self")
    code, data = run_json(".", cwd=tmp_path)
    assert code == 2 and good_linted(data)
    errors = {f["path"]: f["error"] for f in data["files"] if f["error"]}
    assert errors == {
        "a.md": "symbolic link loop (too many levels of symbolic links)",
        "b.md": "symbolic link loop (too many levels of symbolic links)",
        "dangling.md": "broken symbolic link (points to gone.md, which does not exist)",
    }
    code, data = run_json("a.md", "good.md", cwd=tmp_path)
    assert code == 2 and good_linted(data)


def test_fifo_is_not_read(tmp_path):
    os.mkfifo(tmp_path / "pipe.md")
    (tmp_path / "good.md").write_text(GOOD, encoding="utf-8")
    proc = run_cli("check", "pipe.md", "good.md", cwd=tmp_path, timeout=30)
    assert proc.returncode == 2
    assert "copydesk: pipe.md: not a regular file" in proc.stderr_text
    assert "good.md:1:5:" in proc.stdout_text


def _unprivileged(tmp_path):
    """A command prefix under which file permission bits apply.

    Tests run as root, and root ignores permission bits; dropping the two
    capabilities that let it do so makes root's reads obey the owner bits
    (the interpreter and this checkout stay readable, unlike running as
    'nobody' when Python lives under /root)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if not setpriv:
        pytest.skip("setpriv (util-linux) is missing: cannot drop root's permission override")
    prefix = [setpriv, "--bounding-set=-dac_override,-dac_read_search"]
    probe = tmp_path / "probe"
    probe.write_text("x")
    probe.chmod(0)
    ok = subprocess.run(prefix + ["cat", str(probe)], capture_output=True)
    probe.unlink()
    if ok.returncode == 0:
        pytest.skip("cannot make root obey permission bits here (setpriv did not drop CAP_DAC_OVERRIDE)")
    return prefix


def test_unreadable_file_and_folder(tmp_path):
    prefix = _unprivileged(tmp_path)
    (tmp_path / "good.md").write_text(GOOD, encoding="utf-8")
    secret = tmp_path / "secret.md"
    secret.write_text(GOOD, encoding="utf-8")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "inside.md").write_text(GOOD, encoding="utf-8")
    secret.chmod(0)
    locked.chmod(0)
    try:
        proc = subprocess.run(prefix + [sys.executable, "-m", "copydesk", "check", "."], cwd=tmp_path,
                              capture_output=True, text=True, timeout=60)
    finally:
        secret.chmod(0o644)
        locked.chmod(0o755)
    assert proc.returncode == 2, proc.stderr
    assert "copydesk: secret.md: permission denied: cannot read this file" in proc.stderr
    assert "copydesk: locked: cannot read folder: Permission denied" in proc.stderr
    assert "good.md:1:5: warning [loaded-term/regime]" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_file_vanishing_mid_run(tmp_path, monkeypatch):
    """A draft deleted after discovery (an editor's temp file) is reported and
    the run goes on."""
    from click.testing import CliRunner

    import copydesk.runner as runner
    from copydesk.cli import main

    for name in ("a.md", "b.md", "c.md"):
        (tmp_path / name).write_text(GOOD, encoding="utf-8")
    real_lint_target = runner.lint_target
    calls = []

    def lint_then_delete(target, *args, **kw):
        calls.append(target.display)
        if target.display == "a.md":
            (tmp_path / "b.md").unlink()  # b vanishes while a is being linted
        return real_lint_target(target, *args, **kw)

    # (In this process: the patch must see every draft, so no worker processes.)
    monkeypatch.setattr("copydesk.runner.lint_target", lint_then_delete)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "--jobs", "1", "."])
    assert calls == ["a.md", "b.md", "c.md"]
    assert result.exit_code == 2, result.output
    assert "copydesk: b.md: no such file (it may have been removed while linting)" in result.stderr
    assert "a.md:1:5:" in result.stdout and "c.md:1:5:" in result.stdout


def test_a_crashing_check_is_reported_not_raised(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from copydesk.checks.loaded_term import LoadedTerms
    from copydesk.cli import main

    def boom(self, par):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(LoadedTerms, "check_paragraph", boom)
    (tmp_path / "a.md").write_text(GOOD, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "a.md"])
    assert result.exit_code == 2
    assert "copydesk: a.md: check LoadedTerms failed: RuntimeError: kaboom" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


def _scratch_dir(tmp_path):
    """A RAM-backed folder when there is one: creating and deleting 100,000
    files on a busy disk takes minutes, on tmpfs about a second."""
    import tempfile

    shm = "/dev/shm"
    if os.path.isdir(shm) and os.access(shm, os.W_OK) and shutil.disk_usage(shm).free > 512 * 1024 * 1024:
        return tempfile.TemporaryDirectory(prefix="copydesk-100k-", dir=shm)
    return tempfile.TemporaryDirectory(prefix="copydesk-100k-", dir=tmp_path)


_PEAK_WRAPPER = (
    "import resource, subprocess, sys\n"
    "r = subprocess.run(sys.argv[2:])\n"
    "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n"
    "sys.exit(r.returncode)\n"
)


def _run_cli_peak_rss(args, cwd):
    """Run the CLI and return it with the peak RSS of that one process.  A
    small wrapper process starts it and reads its own RUSAGE_CHILDREN: a child
    forked straight from pytest starts with pytest's own pages counted in its
    ru_maxrss (a session that loaded the spaCy model in-process would be
    charged to every later child)."""
    import tempfile
    fd, peak_file = tempfile.mkstemp(suffix=".rss")
    os.close(fd)
    try:
        proc = run_cli_argv([sys.executable, "-c", _PEAK_WRAPPER, peak_file, sys.executable, "-m", "copydesk", *args],
                            cwd=cwd)
        with open(peak_file) as fh:
            return proc, int(fh.read())
    finally:
        os.unlink(peak_file)


def run_cli_argv(argv, cwd):
    proc = subprocess.run(argv, capture_output=True, cwd=cwd, timeout=300)
    proc.stdout_text = proc.stdout.decode("utf-8", "replace")
    proc.stderr_text = proc.stderr.decode("utf-8", "replace")
    return proc


def test_hundred_thousand_files(tmp_path):
    """A tree of 100,000 files: every draft linted, findings where expected,
    memory bounded (no document or text model is kept per file)."""
    n_dirs, per_dir = 200, 500
    loaded = "The regime’s forces — 🔥 — fell back.\n".encode()
    clean = b"The army said it held the town.\n"
    with _scratch_dir(tmp_path) as scratch:
        root = os.path.join(scratch, "tree")
        for d in range(n_dirs):
            folder = os.path.join(root, f"desk{d:03}")
            os.makedirs(folder)
            fd = os.open(folder, os.O_RDONLY)
            try:
                for i in range(per_dir):
                    name = f"d{i:03}.txt" if i % 5 else f"d{i:03}.md"
                    f = os.open(name, os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
                    # Most drafts are empty (cheap to create); some have text.
                    if i == 0:
                        os.write(f, loaded)
                    elif i % 50 == 1:
                        os.write(f, clean)
                    os.close(f)
            finally:
                os.close(fd)
        with open(os.path.join(root, "desk000", "bad.md"), "wb") as fh:
            fh.write(b"\xff")
        proc, peak_kib = _run_cli_peak_rss(["check", "-f", "github", "tree"], cwd=scratch)
    assert proc.returncode == 2, proc.stderr_text[-2000:]
    assert proc.stderr_text.strip() == (
        "copydesk: tree/desk000/bad.md: invalid UTF-8 at byte offset 0 (line 1): b'\\xff'")
    lines = proc.stdout_text.splitlines()
    findings = [l for l in lines if "loaded-term/regime" in l]
    assert len(findings) == n_dirs
    assert findings[0].startswith("::warning file=tree/desk000/d000.md,line=1,col=5,")
    # Everything a 100,000-file report holds fits well inside 250 MB; keeping
    # every document and text model would not.
    assert peak_kib < 250 * 1024, f"peak RSS {peak_kib / 1024:.0f} MB"
    print(f"100,000 files: peak RSS {peak_kib / 1024:.0f} MB")


def test_one_huge_line(tmp_path):
    """A 2 MB single-line draft (pasted data): linted, exact column at the end."""
    line = "The army said it held the town — 🔥 Ḥalab. " * 48_000 + "The regime fell."
    (tmp_path / "long.txt").write_text(line + "\n", encoding="utf-8")
    code, data = run_json("long.txt", cwd=tmp_path)
    assert code == 1
    [f] = data["findings"]
    assert f["column"] == line.index("regime") + 1
    assert f["range"]["start"]["character"] == line.index("regime") + 48_000  # 0-based; one extra unit per emoji
