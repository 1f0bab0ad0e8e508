"""Files that would hang or exhaust a naive reader: FIFOs, devices, files
bigger than they say.  Every run here is bounded in time (subprocess
timeout) and memory (an address-space limit on the child)."""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys

import pytest

DRAFT = "The regime fell on Friday.\n"
MEMORY_CAP = 3 * 1024**3  # the /dev/zero bug read 3.75 GB in 15 s


def _capped():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def run(*args, cwd, timeout=60):
    proc = subprocess.run([sys.executable, "-m", "copydesk", *args], cwd=cwd, capture_output=True,
                          timeout=timeout, preexec_fn=_capped, stdin=subprocess.DEVNULL)
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")


@pytest.fixture
def draft(tmp_path):
    d = tmp_path / "d.md"
    d.write_text(DRAFT, encoding="utf-8")
    return d


def test_a_rule_file_that_is_a_fifo_is_refused_not_waited_on(tmp_path, draft):
    os.mkfifo(tmp_path / "f.yml")
    code, out, err = run("check", "--rules", "f.yml", "d.md", cwd=tmp_path)
    assert code == 2
    assert "f.yml:1:1: cannot read rule file: not a regular file (a pipe, socket or device)" in err


def test_dev_zero_as_a_rule_file_is_refused_not_read_to_exhaustion(tmp_path, draft):
    code, out, err = run("check", "--rules", "/dev/zero", "d.md", cwd=tmp_path)
    assert code == 2
    assert "/dev/zero:1:1: cannot read rule file: not a regular file" in err


def test_a_rule_folder_holding_a_fifo_reports_it(tmp_path, draft):
    packs = tmp_path / "packs"
    packs.mkdir()
    os.mkfifo(packs / "broken.yml")
    code, out, err = run("check", "--rules", "packs", "d.md", cwd=tmp_path)
    # rglob's is_file() already skips a FIFO in a folder: nothing blocks.
    assert code in (1, 2), err


def test_a_config_file_that_is_a_fifo_or_a_device(tmp_path, draft):
    os.mkfifo(tmp_path / "copydesk.toml")
    code, out, err = run("check", "d.md", cwd=tmp_path)
    # copydesk.toml is looked up with is_file(): a FIFO there is not a config.
    assert code == 1, err
    code, out, err = run("check", "--config", "copydesk.toml", "d.md", cwd=tmp_path)
    assert code == 2
    assert "cannot read config file: not a regular file" in err
    code, out, err = run("check", "--config", "/dev/zero", "d.md", cwd=tmp_path)
    assert code == 2
    assert "cannot read config file: not a regular file" in err


def test_an_oversized_config_file_is_refused(tmp_path, draft):
    (tmp_path / "big.toml").write_text("# padding\n" * 200_000)
    code, out, err = run("check", "--config", "big.toml", "d.md", cwd=tmp_path)
    assert code == 2
    assert "cannot read config file: file is over the 1 MB limit" in err


def test_corpus_entries_that_are_fifos_or_devices_are_skipped_with_a_warning(tmp_path, draft):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("At least 40 people were killed in the strike on Idlib, the ministry said.\n")
    os.mkfifo(corpus / "pipe.txt")
    (corpus / "zero.txt").symlink_to("/dev/zero")
    (tmp_path / "copydesk.toml").write_text(
        'corpus = ["corpus/", "/dev/zero"]\ncache = ".cache"\n', encoding="utf-8")
    code, out, err = run("corpus", "index", cwd=tmp_path)
    assert code == 0, err
    assert "pipe.txt: skipped (not a regular file" in err
    assert "zero.txt: skipped (not a regular file" in err
    assert "/dev/zero: skipped (not a regular file" in err
    code, out, err = run("corpus", "stats", "--json", cwd=tmp_path)
    assert code == 0, err
    assert json.loads(out)["files"] == 1


def test_a_corpus_article_over_the_limit_is_skipped(tmp_path, draft):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    with open(corpus / "huge.txt", "wb") as fh:
        fh.truncate(11 * 1024 * 1024)  # sparse: 11 MB reported, nothing written
    (tmp_path / "copydesk.toml").write_text('corpus = ["corpus/"]\ncache = ".cache"\n', encoding="utf-8")
    code, out, err = run("corpus", "index", cwd=tmp_path)
    assert code == 0, err
    assert "huge.txt: skipped (over the 10 MB limit for an article)" in err


def _corpus_project(tmp_path, n=400):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(n):
        (corpus / f"a{i:04d}.txt").write_text(
            f"At least {40 + i} people were killed in the strike on Idlib{i}, the ministry said on Friday. "
            + "Rescue teams searched the rubble of the market for survivors through the night. " * 20 + "\n",
            encoding="utf-8")
    (tmp_path / "copydesk.toml").write_text('corpus = ["corpus/"]\ncache = ".cache"\n', encoding="utf-8")
    return corpus


def _damage(db: "os.PathLike", offset: int, size: int = 64 * 1024) -> None:
    with open(db, "r+b") as fh:
        fh.seek(offset)
        fh.write(os.urandom(size))


@pytest.mark.parametrize("command", [("corpus", "index"), ("corpus", "stats"), ("corpus", "search", "Idlib7"), ("check", "d.md")])
def test_a_damaged_corpus_index_is_detected_moved_aside_and_rebuilt(tmp_path, draft, command):
    _corpus_project(tmp_path)
    code, out, err = run("corpus", "index", cwd=tmp_path)
    assert code == 0, err
    [db] = (tmp_path / ".cache").glob("corpus-*.sqlite")
    size = db.stat().st_size
    assert size > 1024 * 1024
    _damage(db, size // 2)
    code, out, err = run(*command, cwd=tmp_path)
    assert "internal error" not in err
    assert f"corpus index {db} is damaged" in err and "moved it to" in err and "rebuilding it" in err, err
    assert code in (0, 1), err
    assert list((tmp_path / ".cache").glob("corpus-*.sqlite.damaged-*"))
    # The rebuilt index is whole: later runs are quiet and see every article.
    code, out, err = run("corpus", "stats", "--json", cwd=tmp_path)
    assert code == 0 and "damaged" not in err, err
    assert json.loads(out)["files"] == 400


def test_a_file_that_is_not_a_database_is_replaced(tmp_path, draft):
    _corpus_project(tmp_path, n=3)
    code, out, err = run("corpus", "index", cwd=tmp_path)
    [db] = (tmp_path / ".cache").glob("corpus-*.sqlite")
    for extra in (tmp_path / ".cache").glob("corpus-*.sqlite-*"):
        extra.unlink()
    db.write_bytes(b"this is not a database\n" * 1000)
    code, out, err = run("corpus", "index", cwd=tmp_path)
    assert code == 0, err
    assert "is damaged" in err
    code, out, err = run("corpus", "stats", "--json", cwd=tmp_path)
    assert json.loads(out)["files"] == 3


def test_damage_found_only_when_a_query_touches_it_is_recovered(tmp_path, monkeypatch):
    """Past the size where the open-time quick_check runs, damage shows up
    as an error in a query: the index is rebuilt then and the query answered."""
    from copydesk.corpus import index as corpus_index
    from copydesk.engine import load_ruleset
    from copydesk.config import Config

    corpus = _corpus_project(tmp_path)
    lexicons = load_ruleset(Config()).lexicons
    first = corpus_index.CorpusIndex([str(corpus)], lexicons, cache=tmp_path / ".cache")
    first.refresh()
    first.close()
    [db] = (tmp_path / ".cache").glob("corpus-*.sqlite")
    _damage(db, 8192, db.stat().st_size - 8192)  # every page but the schema
    monkeypatch.setattr(corpus_index, "QUICK_CHECK_MAX_BYTES", 0)
    again = corpus_index.CorpusIndex([str(corpus)], lexicons, cache=tmp_path / ".cache")
    hits = again.search("Idlib7")
    assert any("Idlib7," in h.text for h in hits)
    assert any("is damaged" in w for w in again.warnings)
    assert again.stats()["files"] == 400


def _children(pid: int) -> set[int]:
    out = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.add(int(entry))
    return out


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG and /proc are Linux's")
def test_indexing_workers_die_with_a_killed_indexer_and_leave_nothing_in_dev_shm(tmp_path):
    import signal
    import time

    _corpus_project(tmp_path, n=1500)
    shm_before = set(os.listdir("/dev/shm"))
    proc = subprocess.Popen([sys.executable, "-m", "copydesk", "corpus", "index"], cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=_capped)
    workers: set[int] = set()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        # The resource tracker is a child too; workers are the others.
        workers = _children(proc.pid)
        if len(workers) >= 3:
            break
        time.sleep(0.05)
    assert proc.poll() is None and len(workers) >= 3, "indexing finished before the workers could be seen"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.05)
    assert not [w for w in workers if _alive(w)], "worker processes outlived the killed indexer"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and set(os.listdir("/dev/shm")) - shm_before:
        time.sleep(0.1)
    assert not (set(os.listdir("/dev/shm")) - shm_before)
