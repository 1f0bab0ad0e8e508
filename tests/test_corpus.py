"""The corpus index: sources, re-indexing, HTML and front matter, search, fallbacks."""
import os
import shutil
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS
from copydesk.config import load_config
from copydesk.corpus import CorpusIndex, index as index_mod, ingest as ingest_mod, open_corpus
from copydesk.corpus.sources import read_article, sentences

SEED_004 = "004_1ed8f723cc3f719b.txt"


def lexicons():
    from copydesk.engine import load_ruleset
    from copydesk.config import Config

    return load_ruleset(Config()).lexicons


@pytest.fixture
def corpus_dir(tmp_path):
    d = tmp_path / "corpus"
    d.mkdir()
    for p in SEEDS.glob("*.txt"):
        shutil.copy(p, d / p.name)
    return d


def figures_of(index, group, *terms):
    found = index.figures_in_context(group, terms, min_shared=1)
    return index.figures([fid for fid, _ in found])


def test_added_changed_and_deleted_files_are_reflected_after_reindexing(corpus_dir, tmp_path):
    idx = CorpusIndex([str(corpus_dir)], lexicons(), cache=tmp_path / "cache")
    assert idx.refresh() == {"added": 5, "changed": 0, "removed": 0, "unchanged": 0}
    v1 = idx.version
    assert idx.refresh() == {"added": 0, "changed": 0, "removed": 0, "unchanged": 5}
    assert idx.version == v1

    new = corpus_dir / "005_new.md"
    new.write_text("Rebels captured 14 villages near Manbij on Tuesday, the Observatory said.\n", encoding="utf-8")
    (corpus_dir / SEED_004).write_text(
        (corpus_dir / SEED_004).read_text(encoding="utf-8").replace("over 412 deaths", "over 450 deaths"),
        encoding="utf-8")
    (corpus_dir / "000_1942a9bef7a5cedc.txt").unlink()
    assert idx.refresh() == {"added": 1, "changed": 1, "removed": 1, "unchanged": 3}
    assert idx.version != v1
    assert [f.text for f in figures_of(idx, "towns", "Manbij")] == ["14 villages"]
    texts = {f.text for f in figures_of(idx, "deaths", "Observatory")}
    assert "over 450 deaths" in texts and "over 412 deaths" not in texts
    assert not any("000_" in h.path for h in idx.search("Soleimani"))
    assert idx.search("Manbij")[0].line == 1

    # A reopened index (another process) sees the same state without re-reading.
    again = CorpusIndex([str(corpus_dir)], lexicons(), cache=tmp_path / "cache")
    assert again.refresh()["unchanged"] == 5


def test_unchanged_files_are_not_reread_and_touched_files_are_only_hashed(corpus_dir, tmp_path, monkeypatch):
    idx = CorpusIndex([str(corpus_dir)], lexicons(), cache=tmp_path / "cache")
    idx.refresh()

    def boom(*a, **k):
        raise AssertionError("re-parsed an unchanged file")

    monkeypatch.setattr(ingest_mod, "parse_document", boom)
    os.utime(corpus_dir / SEED_004, ns=(1, 1))  # new mtime, same content
    assert idx.refresh()["unchanged"] == 5
    assert idx.refresh()["unchanged"] == 5  # the new stat was stored


def test_html_articles_drop_tags_scripts_and_keep_line_numbers(tmp_path):
    html = ("<!doctype html>\n<html><head><title>Aleppo falls</title>\n"
            "<meta property=\"og:site_name\" content=\"Levant Daily\">\n"
            "<script>var deaths = 999;</script><style>p{}</style></head>\n<body>\n"
            "<h1>Aleppo</h1><p>The fighting has left at least 44 civilians dead in &ldquo;Hama&rdquo;,"
            " the Observatory said.</p>\n</body></html>\n")
    art = read_article(str(tmp_path / "a.html"), html.encode())
    assert art.meta == {"outlet": "Levant Daily", "title": "Aleppo falls"}
    sents = [" ".join(art.mask[a:b].replace("\u200b", "").split()) for a, b in sentences(art)]
    assert any(s.startswith("The fighting has left at least 44 civilians dead in “Hama”") for s in sents)
    assert not any("999" in s or "var" in s for s in sents)
    start = art.mask.index("The fighting")
    assert art.line_col(start) == (6, html.splitlines()[5].index("The fighting") + 1)
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "a.html").write_text(html, encoding="utf-8")
    idx = CorpusIndex([str(tmp_path / "c")], lexicons(), cache=tmp_path / "cache")
    [f] = figures_of(idx, "civilians", "Hama", "fighting")
    assert (f.line, f.meta["outlet"]) == (6, "Levant Daily")


def test_config_corpus_globs_and_cache_are_relative_to_the_config_file(tmp_path):
    proj = tmp_path / "proj"
    (proj / "wires" / "2024").mkdir(parents=True)
    shutil.copy(SEEDS / SEED_004, proj / "wires" / "2024" / "a.txt")
    (proj / "wires" / "2024" / "skip.txt").write_text("Rebels took 99 villages near Idlib.", encoding="utf-8")
    (proj / "copydesk.toml").write_text('corpus = ["wires/**/a.txt"]\ncache = ".cache/copydesk"\n', encoding="utf-8")
    cfg = load_config(proj / "copydesk.toml")
    idx = open_corpus(cfg, lexicons())
    assert Path(idx.path).parent == proj / ".cache" / "copydesk"
    assert idx.stats()["files"] == 1


def test_an_unwritable_cache_folder_falls_back_to_memory_with_a_warning(corpus_dir, tmp_path, caplog):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    idx = CorpusIndex([str(corpus_dir)], lexicons(), cache=blocker / "cache")
    assert idx.path == ":memory:"
    assert idx.warnings and "in memory" in idx.warnings[0]
    assert idx.stats()["files"] == 5


def test_a_corrupt_index_file_is_rebuilt(corpus_dir, tmp_path):
    idx = CorpusIndex([str(corpus_dir)], lexicons(), cache=tmp_path / "cache")
    idx.refresh()
    path = idx.path
    idx.close()
    for suffix in ("-wal", "-shm"):
        Path(path + suffix).unlink(missing_ok=True)
    Path(path).write_bytes(b"garbage" * 1000)
    again = CorpusIndex([str(corpus_dir)], lexicons(), cache=tmp_path / "cache")
    assert again.stats()["files"] == 5


def test_search_ranks_sentences_and_works_without_fts5(corpus_dir, tmp_path, monkeypatch):
    idx = CorpusIndex([str(corpus_dir)], lexicons(), cache=tmp_path / "a")
    hits = idx.search("civilians Idlib")
    assert hits and Path(hits[0].path).name == SEED_004 and hits[0].line == 28
    monkeypatch.setattr(index_mod, "has_fts5", lambda: False)
    plain = CorpusIndex([str(corpus_dir)], lexicons(), cache=tmp_path / "b")
    assert not plain.fts
    hits = plain.search("civilians Idlib")
    assert hits and Path(hits[0].path).name == SEED_004 and hits[0].line == 28


def test_the_corpus_benchmark_runs_at_a_tiny_size(tmp_path):
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import bench_corpus
    finally:
        sys.path.pop(0)
    r = bench_corpus.main(["-n", "30", "--lookups", "20", "--dir", str(tmp_path / "b"), "--json"])
    assert r["files"] == 30 and r["figures"] > 30
    assert r["lookups"] == 20 and sum(r["verdicts"].values()) == 20
    assert r["touch_counts"]["unchanged"] == 30
    assert r["change_counts"]["changed"] == 1


def test_a_second_process_sees_the_new_version_after_another_reindexes(corpus_dir, tmp_path):
    lsp = CorpusIndex([str(corpus_dir)], lexicons(), cache=tmp_path / "cache")
    lsp.ensure()
    v = lsp.version
    cli = CorpusIndex([str(corpus_dir)], lexicons(), cache=tmp_path / "cache")
    (corpus_dir / "extra.txt").write_text("Strikes killed 33 civilians in Saraqib, the Observatory said.\n",
                                          encoding="utf-8")
    assert cli.refresh()["added"] == 1
    assert lsp.refresh()["added"] == 0  # already indexed by the other one…
    assert lsp.version != v  # …but the version moved, so cached results are dropped
    assert [f.text for f in figures_of(lsp, "civilians", "Saraqib")] == ["33 civilians"]


def test_a_missing_corpus_folder_is_a_warning_not_a_crash(tmp_path):
    idx = CorpusIndex([str(tmp_path / "nowhere")], lexicons(), cache=tmp_path / "cache")
    assert idx.refresh()["added"] == 0
    assert idx.warnings == [f"corpus source {tmp_path / 'nowhere'} does not exist"]
    assert idx.figures_in_context("deaths", ["aleppo", "fighting"]) == []


# --- the ingest job's parsing pool does not run ahead of a slow writer ---------------

def _square(x: int) -> int:
    return x * x


def test_bounded_imap_keeps_at_most_a_window_of_results_waiting():
    import multiprocessing
    import threading

    from copydesk.corpus.ingest import bounded_imap

    taken = 0
    lock = threading.Lock()

    def jobs():
        nonlocal taken
        for i in range(400):
            with lock:
                taken += 1
            yield i

    seen = []
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        for consumed, result in enumerate(bounded_imap(pool, _square, jobs(), window=16, chunksize=4), 1):
            with lock:
                # Jobs handed to the pool but not yet consumed: never more than the window.
                assert taken - consumed <= 16
            seen.append(result)
    assert seen == [i * i for i in range(400)]


def test_bounded_imap_stopped_early_lets_the_pool_end():
    import multiprocessing

    from copydesk.corpus.ingest import bounded_imap

    # A writer that fails after a few results closes the generator: the pool's
    # feeder thread must end, or terminating the pool (which joins it) would hang.
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        results = bounded_imap(pool, _square, iter(range(10_000)), window=8, chunksize=2)
        assert [next(results) for _ in range(3)] == [0, 1, 4]
        results.close()
    assert pool._state == "TERMINATE"
