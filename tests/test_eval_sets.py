"""The real-article evaluation sets in tests/data (issues 13 and 15): their
shape, the promises tests/data/README.md makes about them (outlets, topics,
licences, split by article, no held-out text in the repository), and that the
bench scripts score the sentences the repository ships."""
from __future__ import annotations

import hashlib
import importlib.util
from collections import Counter

import pytest
import yaml

from conftest import ROOT

DATA = ROOT / "tests" / "data"
OPEN = ("public domain", "cc by", "open government licence")


def _load(name):
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))["articles"]


def _bench(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _common_shape(articles):
    ids = [a["id"] for a in articles]
    assert len(ids) == len(set(ids))
    for art in articles:
        assert art["split"] in ("dev", "heldout")
        assert art["url"].startswith("http") and art["outlet"] and art["licence"]
        inline = art["text_committed"]
        # text only for dev articles under an open licence; never for held-out ones
        assert inline == (art["split"] == "dev" and art["licence"].lower().startswith(OPEN))
        paras = [s["para"] for s in art["sentences"]]
        assert paras == sorted(paras) and paras[0] == 0
        for s in art["sentences"]:
            if inline:
                assert s["text"].strip() and "sha1" not in s
            else:
                assert "text" not in s and len(s["sha1"]) == 40


def test_claims_set_shape_and_coverage():
    articles = _load("claims_real.yaml")
    _common_shape(articles)
    sentences = [s for a in articles for s in a["sentences"]]
    assert len(sentences) >= 300
    assert len({a["outlet"] for a in articles}) >= 8
    assert {a["topic"] for a in articles} == {"conflict", "disaster", "politics", "business", "crime"}
    labels = Counter(s["label"] for s in sentences)
    assert set(labels) == {"attributed", "unattributed", "vague", "plain"}
    for art in articles:
        for s in art["sentences"]:
            if art["split"] == "dev" and s["label"] in ("unattributed", "vague"):
                assert s["reason"].strip()
            if art["split"] == "heldout":
                assert "reason" not in s
    dev = sum(len(a["sentences"]) for a in articles if a["split"] == "dev")
    assert 0.5 <= dev / len(sentences) <= 0.7
    for split in ("dev", "heldout"):  # every topic on both sides of the split
        assert {a["topic"] for a in articles if a["split"] == split} == {
            "conflict", "disaster", "politics", "business", "crime"}


def test_claims_bench_scores_the_committed_sentences(tmp_path):
    bench = _bench("claims_real")
    articles = _load("claims_real.yaml")
    res = bench.evaluate(texts=[tmp_path])  # no outside texts: only what the repo ships
    inline = [a for a in articles if a["text_committed"]]
    assert inline
    assert len(res["rows"]) == sum(len(a["sentences"]) for a in inline)
    assert sorted(res["missing"]) == sorted(a["id"] for a in articles if not a["text_committed"])
    # a copy whose sentence differs from the committed sha1 is refused
    held = next(a for a in articles if not a["text_committed"])
    lines = ["changed sentence"] * len(held["sentences"])
    (tmp_path / f"{held['id']}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="sha1"):
        bench.evaluate(texts=[tmp_path])


def test_sha1_is_of_the_sentence_text():
    # the builder's hash is the plain sha1 of the UTF-8 sentence, so anyone with
    # the article can check a label against it
    build = _bench("labels_build")
    s = "Nearly 50 people were killed in fighting Friday in Syria."
    assert build.sha1(s) == hashlib.sha1(s.encode("utf-8")).hexdigest()
    text, spans, spared = build.strip_marks("Troops shelled the {{so-called|scare}} "
                                            "safe zone, which ((terrorists)) held.")
    assert text == "Troops shelled the so-called safe zone, which terrorists held."
    assert [(text[x["start"]:x["end"]], x["class"]) for x in spans] == [("so-called", "scare")]
    assert [text[x["start"]:x["end"]] for x in spared] == ["terrorists"]


def test_loaded_set_shape_and_coverage():
    articles = _load("loaded_terms_real.yaml")
    _common_shape(articles)
    sentences = [s for a in articles for s in a["sentences"]]
    assert len(sentences) >= 300
    assert len({a["outlet"] for a in articles}) >= 8
    leans = " ".join(a["lean"] for a in articles)
    assert "partisan" in leans and "state" in leans
    gold = 0
    for art in articles:
        for s in art["sentences"]:
            if art["split"] == "dev":
                for x in s["spans"] + s["spared"]:
                    assert 0 <= x["start"] < x["end"]
                gold += len(s["spans"])
                assert not any(a["start"] < b["end"] and b["start"] < a["end"]
                               for a in s["spans"] for b in s["spared"])
            else:
                assert "spans" not in s and "spared" not in s
                gold += s["n_spans"]
    assert gold >= 100
    classes = {x["class"] for a in articles if a["split"] == "dev" for s in a["sentences"]
               for x in s["spans"]}
    assert {"terrorist", "regime", "dehumanising", "prejudge", "intensifier", "political-pejorative",
            "immigration-pejorative", "sectarian"} <= classes


def test_loaded_bench_refuses_a_changed_copy(tmp_path):
    bench = _bench("loaded_terms_real")
    articles = _load("loaded_terms_real.yaml")
    res = bench.evaluate(texts=[tmp_path])  # no outside texts: only what the repo ships
    dev = [a for a in articles if a["split"] == "dev"]
    assert res["articles"] == sum(a["text_committed"] for a in dev) > 0
    assert sorted(res["missing"]) == sorted(a["id"] for a in dev if not a["text_committed"])
    art = next(a for a in dev if not a["text_committed"])
    (tmp_path / f"{art['id']}.txt").write_text("x\n" * len(art["sentences"]), encoding="utf-8")
    with pytest.raises(SystemExit, match="sha1"):
        bench.evaluate(texts=[tmp_path])


def test_loaded_bench_scores_spans_and_spared_words(tmp_path):
    # an article written for this test, through the same builder and bench as the real set
    build = _bench("labels_build")
    bench = _bench("loaded_terms_real")
    src = tmp_path / "src"
    src.mkdir()
    (src / "own-article.txt").write_text(
        "outlet: Test\nurl: https://example.org/a\nlicence: written for the test\n"
        "lean: none\nsplit: dev\n---\n"
        "- | The {{regime|regime}} shelled the town overnight, killing four people.\n"
        "- | “The ((terrorists)) will pay,” the governor said.\n\n"
        "- | Residents described a {{horrific|intensifier}} night.\n", encoding="utf-8")
    labels = tmp_path / "labels.yaml"
    build.build("loaded", src, labels, tmp_path / "dev", tmp_path / "held")
    res = bench.evaluate(labels, texts=[tmp_path / "dev"])
    s = bench.summarise(res)
    assert s["gold_spans"] == 2 and s["spared_spans"] == 1
    assert s["per_class"]["regime"]["found"] == 1          # the built-in rule finds "regime"
    assert s["spared_hit"] == 0                           # … and spares the attributed quote
    assert s["per_class"]["intensifier"]["gold"] == 1
    assert s["precision"] == 1.0
