"""Counted groups beyond people (homes destroyed or damaged, the displaced
"forced from their homes"), a short sentence read with the one before it, another outlet's wording of the same count,
and possessive past anchors.  The corpus and drafts are written for
these tests about a fictional flood in real places."""
import pytest

from copydesk.config import Config
from copydesk.engine import Engine
from copydesk.text.document import Document

WIRE = """---
title: Floods hit Peru
outlet: Wire Desk
date: 2031-03-10
---

Torrential rains unleashed mudslides that buried riverside hamlets, swept away bridges and toppled power pylons in Piura, Peru, killing 138 people, hospital and police officials said.

The floods destroyed 5,700 houses in Piura on Sunday, officials said.

About 73,000 homes were damaged in Piura on Sunday, officials said.

The floods forced 120,000 people from their homes in Piura, officials said.

At least 15 people were still missing in Piura, the mayor said.

Six people were rescued from a collapsed hotel in Paita on Sunday, officials said.

The tremor killed four people at the mine, the company said.

Officials called it the worst disaster to strike the northern coast in seven decades. Some 2,500 people were injured.
"""

OTHER = """---
title: Peru flood toll climbs
outlet: Other Paper
date: 2031-03-10
---

At least 156 people have been confirmed dead in Piura by the Peruvian government after the floods.
"""

# The wire lead, retold: its rarest words are the wire's own, not the other
# outlet's; only the names are shared.
LEAD = ("Torrential rains unleashed mudslides that buried riverside hamlets, swept away bridges and toppled power "
        "pylons in Piura, Peru, killing {n} people, hospital and police officials said.")


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    folder = tmp_path_factory.mktemp("wire")
    (folder / "wire.md").write_text(WIRE, encoding="utf-8")
    (folder / "other.md").write_text(OTHER, encoding="utf-8")
    return Engine(Config(corpus=(str(folder),), cache=str(tmp_path_factory.mktemp("cache"))))


def figures(engine, body: str, date: str = "2031-03-10"):
    text = f"---\ntitle: Floods\ndate: {date}\n---\n\n{body}\n"
    result = engine.lint(Document(text, path="draft.md"))
    return text, [f for f in result.findings if f.rule_id.startswith("figures/")]


def test_another_outlets_count_is_found_by_its_names(engine):
    # 156 is the other outlet's count ("the Peruvian government"): it agrees,
    # though the sentence shares only its names with the draft.
    assert figures(engine, LEAD.format(n="at least 156"))[1] == []
    text, [f] = figures(engine, LEAD.format(n="400"))
    assert text[f.start:f.end] == "400 people"
    cited = {ev.path.rsplit("/", 1)[-1] for ev in f.related}
    assert cited == {"wire.md", "other.md"} and "“At least 156 people”" in f.message


def test_homes_destroyed_and_homes_damaged_are_different_counts(engine):
    text, [f] = figures(engine, "The floods destroyed 7,500 homes in Piura on Sunday, officials said.")
    assert text[f.start:f.end] == "7,500 homes" and f.data["group"] == "homes"
    assert "“5,700 houses”" in f.message and "73,000" not in f.message
    assert figures(engine, "About 73,000 homes were damaged in Piura on Sunday, officials said.")[1] == []
    assert figures(engine, "The floods destroyed 5,700 homes in Piura on Sunday, officials said.")[1] == []
    # People are not houses.
    assert figures(engine, "The floods stranded 5,000 people in Piura on Sunday, officials said.")[1] == []


def test_people_forced_from_their_homes_are_the_displaced(engine):
    text, [f] = figures(engine, "About 210,000 people were forced from their homes in Piura, officials said.")
    assert f.data["group"] == "displaced" and "“120,000 people”" in f.message
    assert figures(engine, "Some 120,000 people were driven from their homes in Piura, officials said.")[1] == []


def test_a_possessive_past_anchor_is_another_event(engine):
    # "last year's mudslide" is last year's, as "last year" is.
    assert figures(engine, "Five houses were destroyed in last year's mudslide in Piura, officials said.")[1] == []
    text, [f] = figures(engine, "Five houses were destroyed in the mudslide in Piura on Sunday, officials said.")
    assert "“5,700 houses”" in f.message


def test_a_sentence_without_context_of_its_own_continues_the_one_before(engine):
    said = "The president said it was the worst disaster to strike the northern coast in seven decades."
    text, [f] = figures(engine, f"{said} About 5,200 people were injured.")
    assert text[f.start:f.end] == "About 5,200 people" and "“Some 2,500 people”" in f.message
    assert figures(engine, f"{said} Some 2,500 people were injured.")[1] == []
    # Another paragraph is not a continuation.
    assert figures(engine, f"{said}\n\nAbout 5,200 people were injured.")[1] == []


def test_a_toll_noun_ties_a_count_across_a_copula():
    from copydesk.lang.figures import Extractor, default_language

    ex = Extractor(default_language())
    text = "The provisional death toll in Sunday's floods in Piura is 278, the governor said."
    [f] = ex.extract(text)
    assert (f.text, f.group, f.value) == ("278", "deaths", 278)
    # A copula after another subject is no count: an age, a share.
    assert ex.extract("His son, who was killed in the floods, is 12.") == []
    assert [g.group for g in ex.extract("The number of people killed was 40.")] == []


def test_the_day_a_count_was_given_is_the_weekday_its_sentence_names(engine):
    # The missing are found: only counts of the same day compare.  A draft
    # of the day after gives the mayor's count of Monday, the corpus's day.
    missing = "At least 51 people were still missing in Piura, the mayor said"
    text, [f] = figures(engine, f"{missing} on Monday.", date="2031-03-11")
    assert text[f.start:f.end] == "At least 51 people" and "“At least 15 people”" in f.message
    assert "same day" in f.message
    assert figures(engine, f"{missing}.", date="2031-03-11")[1] == []
    assert figures(engine, "At least 15 people were still missing in Piura, the mayor said Monday.",
                   date="2031-03-11")[1] == []


def test_an_aside_of_parts_does_not_cut_a_count_from_its_predicate(engine):
    rescued = ", including two girls, one of them an infant, were rescued from the ruins of a hotel near the port of Paita."
    text, [f] = figures(engine, "Sixteen people" + rescued)
    assert text[f.start:f.end] == "Sixteen people" and "“Six people”" in f.message
    assert figures(engine, "Six people" + rescued)[1] == []


def test_outlets_words_for_one_event_are_one_context_term(engine):
    # "quake" and "tremor" both read as "earthquake".
    text, [f] = figures(engine, "The quake killed nine people at the mine, the owners said.")
    assert text[f.start:f.end] == "nine people" and "“four people”" in f.message
    assert figures(engine, "The quake killed four people at the mine, the owners said.")[1] == []
