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

from conftest import ROOT

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
