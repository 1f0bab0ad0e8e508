"""Tolls and their parts (wave 5 of issue 14): a toll as the object of a
toll verb, the event's own place against a part's, "respectively" lists,
"victims" by their verb, lower bounds against counts, and the whole count
of a group that nothing narrows.  The corpus and drafts are written for
these tests: fictional events (2031) in real places."""
import json

import pytest

from figures_helpers import cited, corpus_engine, figure_findings, write_corpus

DAY = "2031-05-06"

BRIDGE = f"""---
title: Porto bridge collapse toll climbs
outlet: Wire Desk
date: {DAY}
---

Portuguese authorities have raised the death toll in the Porto bridge collapse to 45.

The bridge over the Douro fell during the evening rush hour, sending cars and a bus into the river. Sixteen people were injured.

The collapse came a week after engineers warned about rust on the span.
"""

QUAKE = f"""---
title: Earthquake shakes northern Portugal
outlet: Other Paper
date: {DAY}
---

The earthquake killed 60 people across northern Portugal, civil protection officials said.

The earthquake's toll in Coimbra and Leiria stood at 12 and 7, respectively, civil protection officials said.
"""

ATTACK = f"""---
title: Stadium attack in Lyon
outlet: Third Paper
date: {DAY}
---

Police said 22 people died and 59 were injured in the stadium attack in Lyon.

The gunmen fled in a van. Five foreigners were among the dead, police said.

Investigators said the van carried 2.5 tonnes of fertiliser.

Doctors in Lyon said 59 people were treated for injuries, including 14 in critical condition.
"""


ARTICLES = {"bridge.md": BRIDGE, "quake.md": QUAKE, "attack.md": ATTACK}


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return corpus_engine(tmp_path_factory, ARTICLES)


def figures(engine, body: str, title: str = "News"):
    return figure_findings(engine, body, DAY, title)


def test_a_toll_raised_by_authorities_is_the_event_total_of_its_own_place(engine):
    # The corpus toll is the object of "raised" ("raised the death toll in
    # the Porto bridge collapse to 45"); the draft's toll "in Porto" is the
    # event's own place (the corpus count names Porto and Portugal around
    # it), not a part of it.
    body = "Rescuers searched the river all night as the death toll from the bridge collapse in Porto rose to {n}."
    text, [f] = figures(engine, body.format(n=83))
    assert text[f.start:f.end] == "83" and f.rule_id == "figures/figure-mismatch"
    assert cited(f) == {"Portuguese authorities have raised the death toll in the Porto bridge collapse to 45."}
    assert figures(engine, body.format(n=45))[1] == []


def test_a_citys_toll_is_a_part_of_the_regions_total(engine):
    # Braga is in Portugal: its 30 dead are a part of the 60 across the
    # north, never a contradiction; a total for the same area is compared.
    assert figures(engine, "The earthquake killed 30 people in Braga, civil protection officials said.")[1] == []
    text, [f] = figures(engine, "The earthquake killed 90 people across northern Portugal, civil protection "
                                "officials said.")
    assert text[f.start:f.end] == "90 people" and "“60 people”" in f.message


def test_respectively_pairs_each_count_with_its_place(engine):
    body = "The earthquake killed {n} people in Leiria, civil protection officials said."
    assert figures(engine, body.format(n="seven"))[1] == []
    text, [f] = figures(engine, body.format(n="nine"))
    assert text[f.start:f.end] == "nine people"
    assert "“7”" in f.message and "12" not in f.message
    assert figures(engine, "The earthquake killed 12 people in Coimbra, civil protection officials said.")[1] == []


def test_victims_are_the_dead_or_the_injured_by_their_verb(engine):
    dead = "Police said the 25 victims who died in the stadium attack in Lyon were mostly fans."
    text, [f] = figures(engine, dead)
    assert text[f.start:f.end] == "25 victims" and f.data["group"] == "deaths" and "“22 people”" in f.message
    assert figures(engine, dead.replace("25", "22"))[1] == []
    hurt = "Police said 70 victims were injured in the stadium attack in Lyon."
    text, [f] = figures(engine, hurt)
    assert f.data["group"] == "injured" and "“59 were injured”" in f.message and "22" not in f.message
    assert figures(engine, hurt.replace("70", "59"))[1] == []


def test_a_lower_bound_is_no_contradiction_of_a_larger_count(engine):
    body = "At least {n} people died in the Porto bridge collapse, Portuguese authorities said."
    # "at least 40" is a cautious count of the 45 dead, not another count.
    assert figures(engine, body.format(n=40))[1] == []
    text, [f] = figures(engine, body.format(n=20))
    assert text[f.start:f.end] == "At least 20 people" and "“45”" in f.message


def test_a_count_nothing_narrows_is_the_events_whole_count(engine):
    # "Sixty people were injured." names no place and no actor: in a story
    # about the Porto collapse it is the collapse's injured, as the
    # corpus's "Sixteen people were injured." is.
    lead = "The bridge over the Douro in Porto fell during the evening rush hour. {n} people were injured."
    title = "Porto bridge collapse"
    text, [f] = figures(engine, lead.format(n="Sixty"), title=title)
    assert text[f.start:f.end] == "Sixty people" and "“Sixteen people”" in f.message
    assert figures(engine, lead.format(n="Sixteen"), title=title)[1] == []


def test_the_cli_reports_a_changed_toll_with_its_corpus_sentence(tmp_path, cli):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_corpus(corpus, ARTICLES)
    (tmp_path / "copydesk.toml").write_text('corpus = ["corpus/"]\ncache = ".cache"\n', encoding="utf-8")
    (tmp_path / "draft.md").write_text(
        f"---\ntitle: Bridge\ndate: {DAY}\n---\n\n"
        "Rescuers searched the river all night as the death toll from the bridge collapse in Porto rose to 83.\n\n"
        "The earthquake killed 30 people in Braga, civil protection officials said.\n", encoding="utf-8")
    proc = cli("check", "--format", "json", "draft.md", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr_text
    found = [f for f in json.loads(proc.stdout_text)["findings"] if f["rule_id"].startswith("figures/")]
    assert [(f["text"], f["line"]) for f in found] == [("83", 6)]
    assert found[0]["related"][0]["text"].startswith("Portuguese authorities have raised the death toll")
    assert found[0]["fixes"][0]["edits"][0]["new_text"] == "45"


def test_a_group_counted_with_only_the_storys_names_is_the_events_whole_count(engine):
    # "Five foreigners were among the dead" names nothing but what the
    # story's lead names: in a story about the same attack it is that
    # attack's count of foreigners killed.
    body = "Gunmen attacked the stadium during the match. {n} foreigners were among the dead, police said."
    title = "Stadium attack in Lyon"
    text, [f] = figures(engine, body.format(n="Eight"), title=title)
    assert text[f.start:f.end] == "Eight foreigners" and "“Five foreigners”" in f.message
    assert figures(engine, body.format(n="Five"), title=title)[1] == []


def test_one_days_count_is_not_the_whole_count(engine):
    # The sentence shares only the story's names with the corpus's
    # "Sixteen people were injured.": "Six people were injured on Sunday"
    # counts one day's injured, not the collapse's; without the day it is
    # the whole count, and differs.
    lead = "Rescuers searched the Douro near Porto.\n\nSix people were injured{day}, police said."
    title = "Porto bridge collapse"
    assert figures(engine, lead.format(day=" on Sunday"), title=title)[1] == []
    text, [f] = figures(engine, lead.format(day=""), title=title)
    assert text[f.start:f.end] == "Six people" and "“Sixteen people”" in f.message


def test_tonnes_are_compared(engine):
    body = "Investigators in Lyon said the van carried {n} tonnes of fertiliser."
    assert figures(engine, body.format(n="2.5"))[1] == []
    text, [f] = figures(engine, body.format(n="5.2"))
    assert text[f.start:f.end] == "5.2 tonnes" and "“2.5 tonnes”" in f.message


def test_a_bare_number_after_including_is_a_part_of_the_count_before(engine):
    body = "Doctors in Lyon said 59 people were treated for injuries, including {n} in critical condition."
    assert figures(engine, body.format(n=14))[1] == []
    text, [f] = figures(engine, body.format(n=41))
    assert text[f.start:f.end] == "41" and f.data["group"] == "injured" and "“14”" in f.message


def test_a_count_a_toll_verb_moved_is_the_running_toll(engine):
    # "The number of dead rose to 52 on Sunday" is the collapse's running
    # toll as of Sunday, as the corpus's "raised the death toll … to 45"
    # is, though the two sentences share nothing beyond the stories' names.
    body = "Rescuers searched the Douro.\n\nThe number of dead rose to {n} on Sunday, officials said."
    title = "Porto collapse in Portugal"
    text, [f] = figures(engine, body.format(n=52), title=title)
    assert text[f.start:f.end] == "52" and "“45”" in f.message
    assert figures(engine, body.format(n=45), title=title)[1] == []
