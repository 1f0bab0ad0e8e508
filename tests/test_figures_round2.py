"""Round 2 of wave 5 (issue 14): what makes two counts the same count.  A
distance's two end points, a running count after "a further", counts of
seats and hospitals, and the same day's toll of another agency.  The corpus
and drafts are written for these tests: fictional events (2031) in real
places."""
import pytest

from copydesk.config import Config
from copydesk.engine import Engine
from copydesk.text.document import Document

DAY = "2031-09-10"

QUAKE = f"""---
title: Earthquake shakes North Macedonia
outlet: Wire Desk
date: {DAY}
---

A strong earthquake killed 14 people in North Macedonia on Tuesday, officials said.

The earthquake, centred 40 km (25 miles) west of the capital Skopje, was felt across the Balkans.

A bridge over the Vardar collapsed, sending two lorries plunging 45 metres into the river.
"""

FLOOD = f"""---
title: Bitola flood toll rises to 40
outlet: Agency One
date: {DAY}
---

The death toll from the worst flood to hit Bitola in decades rose to 40 on Wednesday after more bodies were pulled from the mud overnight.

Rescuers searched collapsed homes along the Dragor river.
"""


def _write_corpus(folder):
    for name, text in (("quake.md", QUAKE), ("flood.md", FLOOD)):
        (folder / name).write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    _write_corpus(folder)
    return Engine(Config(corpus=(str(folder),), cache=str(tmp_path_factory.mktemp("cache"))))


def figures(engine, body: str, title: str = "News"):
    text = f"---\ntitle: {title}\ndate: {DAY}\n---\n\n{body}\n"
    result = engine.lint(Document(text, path="draft.md"))
    return text, [f for f in result.findings if f.rule_id.startswith("figures/")]


def cited(f) -> set[str]:
    return {" ".join(ev.text.split()) for ev in f.related}


def test_a_distance_from_the_same_point_is_compared(engine):
    text, found = figures(engine, "A strong earthquake killed 14 people in North Macedonia on Tuesday.\n\n"
                                  "The earthquake was centred 60 km west of Skopje, the capital.")
    assert [text[f.start:f.end] for f in found] == ["60 km"]
    assert any("centred 40 km (25 miles) west of the capital Skopje" in c for c in cited(found[0]))


def test_a_distance_of_another_place_from_the_same_point_is_not(engine):
    # Tetovo's distance from Skopje is not the epicentre's.
    text, found = figures(engine, "A strong earthquake killed 14 people in North Macedonia on Tuesday.\n\n"
                                  "Rescuers reached the town of Tetovo, 30 miles (48 kilometres) west of the "
                                  "capital, Skopje, where the earthquake destroyed homes.")
    assert found == []


def test_a_fall_is_no_distance_from_anything(engine):
    # "plunging 45 metres" measures a fall: no end point to compare.
    text, found = figures(engine, "A strong earthquake killed 14 people in North Macedonia on Tuesday.\n\n"
                                  "A bridge over the Vardar collapsed, sending two lorries plunging as much "
                                  "as 30 metres into the river.")
    assert found == []


def test_the_same_days_toll_of_another_agency_is_found_whatever_its_words(engine):
    # The two toll sentences share no word but the story's: "put the death
    # toll at 49" (the prime minister reports it) against "rose to 40".
    body = ("Hopes faded on Wednesday of finding survivors of the flood in Bitola.\n\n"
            "Prime Minister Ana Petrova put the death toll at 49 after rescuers recovered six more "
            "bodies from the village of Kukurečani.")
    text, found = figures(engine, body, title="Bitola flood toll at 49")
    assert [text[f.start:f.end] for f in found] == ["49"]
    assert any("rose to 40 on Wednesday" in c for c in cited(found[0]))
    text, found = figures(engine, body.replace("at 49", "at 40"), title="Bitola flood toll at 40")
    assert found == []
