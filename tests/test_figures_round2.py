"""Round 2 of wave 5 (issue 14): what makes two counts the same count.  A
distance's two end points, a running count after "a further", counts of
seats and hospitals, and the same day's toll of another agency.  The corpus
and drafts are written for these tests: fictional events (2031) in real
places."""
import pytest

from copydesk.lang.figures import Extractor, default_language
from figures_helpers import cited, corpus_engine, figure_findings

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

BOMB = f"""---
title: Concert bombing in Lyon
outlet: Paper Two
date: {DAY}
---

Police said 19 people died and 48 were injured in the bombing at the Lyon concert hall.

The injured are being treated at six hospitals around the city, police said.

Four members of the Haddad family were trapped under the collapsed balcony.
"""

ELECTION = f"""---
title: Election result in Malta
outlet: Paper Three
date: {DAY}
---

The Labour Party won 41 seats in the Maltese parliament, a majority of 15 seats, whilst the Nationalists won 26.
"""


ARTICLES = {"quake.md": QUAKE, "flood.md": FLOOD, "bomb.md": BOMB, "election.md": ELECTION}


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return corpus_engine(tmp_path_factory, ARTICLES)


def figures(engine, body: str, title: str = "News"):
    return figure_findings(engine, body, DAY, title)


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


def test_a_further_count_after_another_groups_count_is_a_whole_count(engine):
    body = ("Police said 19 people died in the bombing at the Lyon concert hall and a further 84 have been "
            "injured.")
    text, found = figures(engine, body, title="Lyon concert bombing")
    assert [text[f.start:f.end] for f in found] == ["84 have been injured"]
    assert any("48 were injured" in c for c in cited(found[0]))
    # More bodies of the dead stay an increment: nothing to compare.
    text, found = figures(engine, "Police said 19 people died in the bombing at the Lyon concert hall; "
                                  "a further 3 bodies were found on Thursday.", title="Lyon concert bombing")
    assert found == []


def test_hospitals_are_a_counted_group(engine):
    text, found = figures(engine, "Police said 19 people died and 48 were injured in the bombing at the Lyon "
                                  "concert hall.\n\nThe injured are being treated at nine hospitals around "
                                  "the city.", title="Lyon concert bombing")
    assert [text[f.start:f.end] for f in found] == ["nine hospitals"]


def test_a_majority_of_seats_is_a_majority_and_seats_are_not_checked(engine):
    # "a majority of 15 seats" counts a majority, not seats.
    ex = Extractor(default_language())
    [seats, majority] = ex.extract("Labour won 41 seats, a majority of 15 seats.")
    assert (seats.group, seats.value) == ("seats", 41)
    assert (majority.group, majority.value) == ("majority", 15)
    # A party's seats are its own: the default pack does not check seat
    # counts, so the Nationalists' 41 never meets Labour's 41 or 26.
    text, found = figures(engine, "The Nationalists won 41 seats in the Maltese parliament, a majority of 19.",
                          title="Election result in Malta")
    assert found == []


def test_a_familys_members_are_a_counted_group(engine):
    text, found = figures(engine, "Police said 19 people died in the Lyon concert hall bombing.\n\n"
                                  "Six members of the Haddad family were trapped under the collapsed balcony.",
                          title="Lyon concert bombing")
    assert [text[f.start:f.end] for f in found] == ["Six members"]
    assert any("Four members of the Haddad family" in c for c in cited(found[0]))
