"""The figures check compares the same count of the same event, or says
nothing: dates, places, parts, increments, sources.  Corpus and drafts are
written for these tests (a fictional flood in a fictional province)."""
from pathlib import Path

import pytest

from conftest import SEEDS, lint, run_json
from copydesk.config import Config
from copydesk.engine import Engine
from copydesk.text.document import Document

WIRE = """---
title: Floods kill dozens in Varna province
outlet: Wire Desk
date: 2031-03-10
---

Floods swept through Varna province on Monday, killing at least 40 people, the interior ministry said.

At least 12 people were killed in the town of Orsk, where the river burst its banks.

Another 15 bodies were recovered on Tuesday, rescuers said.

The dead included 9 children, officials said.

About 3,000 people have been displaced, and 25 people are still missing.

In 2019, floods in the province killed 112 people.
"""

LATER = """---
title: Varna flood toll rises
outlet: Evening Post
date: 2031-03-12
---

The death toll from the floods in Varna province has risen to 55, the interior ministry said.

Rescue teams are still searching the valley north of the dam for survivors.

Schools across the province remain closed until further notice.
"""

OTHER_EVENT = """---
title: Storm hits Kelmar
outlet: Wire Desk
date: 2031-03-11
---

A storm struck the city of Kelmar on Tuesday, killing 7 people, the interior ministry said.

Roofs were torn off and power lines brought down across the city.

The ministry said repairs would take weeks.
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("wire")
    (corpus / "floods.md").write_text(WIRE, encoding="utf-8")
    (corpus / "later.md").write_text(LATER, encoding="utf-8")
    (corpus / "storm.md").write_text(OTHER_EVENT, encoding="utf-8")
    return Engine(Config(corpus=(str(corpus),), cache=str(tmp_path_factory.mktemp("cache"))))


def figures(engine, body: str, date: str | None = "2031-03-10"):
    head = f"---\ntitle: Floods in Varna\ndate: {date}\n---\n\n" if date else ""
    text = head + body + "\n"
    result = engine.lint(Document(text, path="draft.md"))
    return text, [f for f in result.findings if f.rule_id.startswith("figures/")]


def test_a_changed_toll_is_caught_with_its_corpus_sentence_and_date(engine):
    text, [f] = figures(engine, "Floods swept through Varna province on Monday, killing at least 14 people, "
                                "the interior ministry said.")
    assert f.rule_id == "figures/figure-mismatch"
    assert text[f.start:f.end] == "at least 14 people"
    assert "“at least 40 people”" in f.message and "floods.md:7" in f.message and "same day" in f.message
    [ev] = f.related
    assert Path(ev.path).name == "floods.md" and ev.line == 7 and "2031-03-10" in ev.message


def test_the_same_toll_is_no_finding(engine):
    _, found = figures(engine, "Floods swept through Varna province on Monday, killing at least 40 people, "
                               "the interior ministry said.")
    assert found == []


def test_a_larger_toll_than_older_reports_is_newer_not_a_contradiction(engine):
    # Two days after the wire (40) and the evening paper (55): the toll rose.
    text, [f] = figures(engine, "The death toll from the floods in Varna province has risen to 70, the "
                                "interior ministry said.", date="2031-03-14")
    assert f.rule_id == "figures/figure-mismatch" and f.severity == "info" and f.data["newer"]
    assert text[f.start:f.end] == "70"
    assert "newer than the corpus" in f.message and "2 days earlier" in f.message and "“55”" in f.message
    # A lower toll than an older report is a contradiction: tolls do not fall.
    text, [f] = figures(engine, "The death toll from the floods in Varna province has risen to 30, the "
                                "interior ministry said.", date="2031-03-14")
    assert f.rule_id == "figures/figure-mismatch" and "“55”" in f.message


def test_newer_findings_have_their_own_severity(engine, tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "floods.md").write_text(WIRE, encoding="utf-8")
    pack = tmp_path / "house.yml"
    text = ("---\ndate: 2031-03-12\n---\n\nFloods swept through Varna province on Monday, killing at least 60 "
            "people, the interior ministry said.\n")
    for severity, expected in (("warning", ["warning"]), ('"off"', [])):
        bundled = (Path(__file__).resolve().parents[1] / "rules" / "figures.yml").read_text(encoding="utf-8")
        pack.write_text(bundled.replace("newer_severity: info", f"newer_severity: {severity}"), encoding="utf-8")
        strict = Engine(Config(corpus=(str(corpus),), cache=str(tmp_path / "cache"), rules=(str(pack),)))
        found = [f for f in strict.lint(Document(text, path="d.md")).findings if f.rule_id.startswith("figures/")]
        assert [f.severity for f in found] == expected


def test_outside_the_date_window_nothing_is_compared(engine):
    _, found = figures(engine, "Floods swept through Varna province, killing at least 14 people, the interior "
                               "ministry said.", date="2031-05-01")
    assert found == []
    # A draft without a date is today: years after the corpus.
    _, found = figures(engine, "Floods swept through Varna province, killing at least 14 people, the interior "
                               "ministry said.", date=None)
    assert found == []


def test_a_part_never_contradicts_the_total(engine):
    # Orsk's 12 is a part of the province's 40; "9 children" a part of the dead.
    _, found = figures(engine, "Floods swept through Varna province on Monday, killing at least 40 people. "
                               "At least 20 people were killed in the town of Orsk, where the river burst its "
                               "banks.")
    [f] = found  # Orsk against Orsk only
    assert "“At least 12 people”" in f.message and "“at least 40 people”" not in f.message
    _, found = figures(engine, "The floods killed at least 40 people in Varna province, the interior ministry "
                               "said, including 9 children.")
    assert found == []


def test_an_increment_is_not_a_toll(engine):
    _, found = figures(engine, "Floods swept through Varna province on Monday, the interior ministry said. "
                               "A further 18 bodies were recovered on Tuesday, rescuers said.")
    assert found == []


def test_a_figure_anchored_in_another_year_is_another_event(engine):
    _, found = figures(engine, "Floods in Varna province killed 40 people on Monday; in 2019, floods in the "
                               "province killed 112 people.")
    assert found == []
    _, found = figures(engine, "In 2019, floods in the province killed 80 people.")
    [f] = found
    assert "“112 people”" in f.message


def test_a_shared_source_is_not_a_shared_event(engine):
    # The interior ministry counted the Kelmar storm and the Varna floods.
    _, found = figures(engine, "A storm struck the city of Kelmar on Tuesday, killing 7 people, the interior "
                               "ministry said.", date="2031-03-11")
    assert found == []
    _, found = figures(engine, "A storm struck the city of Kelmar on Tuesday, killing 40 people, the interior "
                               "ministry said.", date="2031-03-11")
    [f] = found
    assert "storm.md" in f.message and "floods.md" not in f.message


def test_groups_missing_and_displaced_are_their_own_counts(engine):
    text, found = figures(engine, "About 3,000 people have been displaced, and 52 people are still missing.")
    [f] = found
    assert text[f.start:f.end] == "52 people" and "“25 people”" in f.message
    # The missing are found as days pass: a count from another day is no contradiction.
    _, found = figures(engine, "About 3,000 people have been displaced, and 12 people are still missing.",
                       date="2031-03-11")
    assert found == []


def test_the_known_false_alarm_28_civilians_is_gone():
    # Seed 001 line 8 says 28 civilians; seed 004 says at least 61 in another sentence.
    assert "28 civilians" in (SEEDS / "001_f2b34387c5484f8c.txt").read_text(encoding="utf-8").splitlines()[7]
    draft = ("The offensive has killed 28 civilians in Aleppo, the Syrian Observatory for Human Rights said.\n\n"
             "The fighting left more than 300 dead, including around a hundred government forces and their allies, "
             "but also 28 civilians, according to the OSDH.\n")
    assert [f for f in lint(draft).findings if f.rule_id.startswith("figures/")] == []


def test_the_cli_reports_newer_findings_as_info(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "floods.md").write_text(WIRE, encoding="utf-8")
    (tmp_path / "copydesk.toml").write_text(f'corpus = ["corpus"]\ncache = "{tmp_path / "cache"}"\n',
                                            encoding="utf-8")
    draft = tmp_path / "draft.md"
    draft.write_text("---\ndate: 2031-03-12\n---\n\nFloods swept through Varna province on Monday, killing at "
                     "least 60 people, the interior ministry said.\n", encoding="utf-8")
    code, report = run_json(str(draft), cwd=tmp_path)
    found = [f for f in report["findings"] if f["rule_id"].startswith("figures/")]
    assert [f["rule_id"] for f in found] == ["figures/figure-mismatch"]
    assert found[0]["severity"] == "info" and "newer than the corpus" in found[0]["message"]
    assert "2 days earlier" in found[0]["message"]
