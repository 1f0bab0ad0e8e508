"""Places within places (the gazetteer), asides, parts and increments, and
dates for articles that name none.  The corpus and drafts are written for
these tests about a fictional earthquake in real places."""
import datetime
import os

import pytest

from copydesk.config import Config
from copydesk.engine import Engine
from copydesk.lang.places import default_gazetteer
from copydesk.text.document import Document

WIRE = """---
title: Earthquake shakes Afghanistan
outlet: Wire Desk
date: 2031-05-02
---

The earthquake killed 33 people in Afghanistan on Monday, officials said.

Fighting near the army base killed 30 soldiers on Monday, the army said.

Rescuers pulled 40 bodies from the rubble of the market in Kunduz on Monday.
"""

UNDATED = """The landslide killed 14 people in the village of Sarband, the governor said.
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("wire")
    (folder / "quake.md").write_text(WIRE, encoding="utf-8")
    (folder / "undated.md").write_text(UNDATED, encoding="utf-8")
    day = datetime.datetime(2031, 5, 2, 12, tzinfo=datetime.timezone.utc).timestamp()
    os.utime(folder / "undated.md", (day, day))
    return folder


@pytest.fixture
def engine(corpus, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(datetime.datetime(
        2031, 6, 30, tzinfo=datetime.timezone.utc).timestamp())))
    return Engine(Config(corpus=(str(corpus),), cache=str(tmp_path / "cache")))


def figures(engine, body: str, date: str | None = "2031-05-02"):
    head = f"---\ntitle: Quake\ndate: {date}\n---\n\n" if date else ""
    text = head + body + "\n"
    result = engine.lint(Document(text, path="draft.md"))
    return text, [f for f in result.findings if f.rule_id.startswith("figures/")]


def test_the_gazetteer_knows_what_lies_within_what():
    places = default_gazetteer("en")
    assert places.contains("Afghanistan", "Taloqan") and places.contains("Takhar", "Taloqan")
    assert places.contains("China", "Yunnan") and not places.contains("Pakistan", "Taloqan")
    assert places.most_specific(frozenset({"Taloqan", "Afghanistan"})) == {"Taloqan"}
    assert places.most_specific(frozenset({"Nepal", "India"})) == {"Nepal", "India"}


def test_a_country_toll_is_checked_but_a_city_in_it_is_not_the_country(engine):
    text, [f] = figures(engine, "The earthquake killed 20 people in Afghanistan on Monday, officials said.")
    assert text[f.start:f.end] == "20 people" and "“33 people”" in f.message
    # Taloqan lies within Afghanistan: its count is a part of the country's.
    assert figures(engine, "The earthquake killed 12 people on Monday in Taloqan, Afghanistan, officials said.")[1] == []


def test_an_aside_between_dashes_does_not_take_the_figure_s_place(engine):
    text, [f] = figures(engine, "In Afghanistan -- where the quake's epicentre lay in the mountains of "
                                "Badakhshan -- at least 15 had been reported killed on Monday, officials said.")
    assert text[f.start:f.end].startswith("at least 15") and "“33 people”" in f.message


def test_part_of_the_soldiers_and_more_bodies_are_not_totals(engine):
    # The whole, changed, is caught; a part of it and an increment are not.
    text, [f] = figures(engine, "Fighting near the army base killed 50 soldiers on Monday, the army said.")
    assert "“30 soldiers”" in f.message
    assert figures(engine, "Two of the soldiers were killed near the army base on Monday, the army said.")[1] == []
    assert figures(engine, "Rescuers pulled five more bodies from the rubble of the market in Kunduz.")[1] == []


def test_a_vague_quantity_is_never_newer_than_an_exact_toll(engine):
    assert figures(engine, "The earthquake killed hundreds of people in Afghanistan, officials said.",
                   date="2031-05-03")[1] == []


def test_an_undated_corpus_article_is_dated_by_its_file(engine):
    text, [f] = figures(engine, "The landslide killed 41 people in the village of Sarband, the governor said.")
    assert "“14 people”" in f.message and "same day" in f.message
    [ev] = f.related
    assert "2031-05-02 (file date)" in ev.message
    # Seven weeks later the same file date is outside the window.
    assert figures(engine, "The landslide killed 41 people in the village of Sarband, the governor said.",
                   date="2031-06-20")[1] == []


def test_an_undated_draft_is_dated_source_date_epoch(engine, monkeypatch):
    body = "The earthquake killed 20 people in Afghanistan on Monday, officials said."
    assert figures(engine, body, date=None)[1] == []  # "now" is 2031-06-30, eight weeks on
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(datetime.datetime(
        2031, 5, 3, tzinfo=datetime.timezone.utc).timestamp())))
    _, [f] = figures(engine, body, date=None)
    assert "“33 people”" in f.message and "1 day earlier" in f.message
