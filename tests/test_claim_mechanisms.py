"""unattributed-claim, wave 4 mechanisms (issue 13): each on sentences written
here, through the CLI, one draft per test (paragraphs keep the sentences apart,
so no carry-over joins them)."""
from __future__ import annotations

import pytest

from conftest import run_json

CLAIM = "attribution/unattributed-claim"

pytestmark = pytest.mark.skipif(
    __import__("copydesk.lang.syntax", fromlist=["available"]).available() is False,
    reason="the syntactic layer (spaCy model) is not installed")


def flagged(tmp_path, sentences: list[str]) -> dict[str, list[dict]]:
    """Lint the sentences as one draft, a paragraph each; the claim findings on each."""
    path = tmp_path / "draft.md"
    path.write_text("\n\n".join(sentences) + "\n", encoding="utf-8")
    code, out = run_json(str(path))
    assert code in (0, 1), out
    found = [f for f in out["findings"] if f["rule_id"] == CLAIM]
    return {s: [f for f in found if f["line"] == 1 + 2 * i] for i, s in enumerate(sentences)}


def test_small_number_words_count_as_figures_only_when_they_open_the_sentence(tmp_path):
    opening = "Eight climbers were rescued from the ridge overnight."
    inside = "A farmer, Ruth Okafor, drove five neighbours to the school hall in her truck."
    got = flagged(tmp_path, [opening, inside])
    assert [f["data"]["kind"] for f in got[opening]] == ["figures"]
    assert got[inside] == []


def test_a_vague_source_covers_only_its_own_clause(tmp_path):
    main_claim = ("At least 40 homes were destroyed along the river, while two bridges are "
                  "reported to have collapsed further north.")
    whole = "It is believed that at least 40 homes were destroyed along the river."
    got = flagged(tmp_path, [main_claim, whole])
    assert len(got[main_claim]) == 1
    assert "covers only its own clause" in got[main_claim][0]["message"]
    assert got[whole] == []  # the vague words govern the sentence: vague-attribution's business


def test_a_reporting_word_after_a_number_is_a_noun(tmp_path):
    # "states" after "four" is the noun: the figure has no source.
    noun = "At least 30 people drowned across four states in the south."
    verb = "The ministry states that at least 30 people drowned in the south."
    got = flagged(tmp_path, [noun, verb])
    assert len(got[noun]) == 1
    assert got[verb] == []


def test_the_subject_of_a_forecast_verb_holds_the_figure(tmp_path):
    held = [
        "Brokers had expected the bakery chain to earn 14 cents a share.",
        "In March, finance director Amal Haddad forecast sales growth of 6 per cent for the year.",
        "Brokers have since turned gloomier, expecting a loss of 3 cents a share.",
    ]
    writer = "Sales are expected to reach 6 billion rand next year."  # agentless: nobody holds it
    got = flagged(tmp_path, held + [writer])
    assert all(got[s] == [] for s in held), got
    assert len(got[writer]) == 1


def test_a_named_subject_telling_someone_that_is_a_source(tmp_path):
    told = ("The Water Services Authority has reassured residents that supplies are safe "
            "for 90 per cent of homes.")
    plain = "The storm meant that supplies were cut to 90 per cent of homes."
    got = flagged(tmp_path, [told, plain])
    assert got[told] == []
    assert len(got[plain]) == 1


def test_a_closing_participle_comments_on_the_main_event_wherever_the_parse_hangs_it(tmp_path):
    rehung = ("The storm reached the coast hours after a curfew was announced by the governor, "
              "raising fears of looting in the empty towns.")
    sourced = "The storm reached the coast hours after a curfew was announced by the governor."
    got = flagged(tmp_path, [rehung, sourced])
    assert [f["data"]["kind"] for f in got[rehung]] == ["cause"]
    assert got[sourced] == []


def test_an_opening_phrase_naming_a_document_is_the_source(tmp_path):
    framed = "In the lawsuit, the tenants' union seeks to stop 40 evictions planned for March."
    not_a_document = "In the morning, the tenants' union sought to stop 40 evictions planned for March."
    got = flagged(tmp_path, [framed, not_a_document])
    assert got[framed] == []
    assert len(got[not_a_document]) == 1


def test_one_evaluative_adjective_is_enough_as_the_main_clauses_predicate(tmp_path):
    predicate = "The revised timetable is awful for commuters on the northern line."
    neutral = "The revised timetable is available for commuters on the northern line."
    modifier = "The awful timetable was published for commuters on the northern line."  # one word, not the claim
    got = flagged(tmp_path, [predicate, neutral, modifier])
    assert [f["data"]["kind"] for f in got[predicate]] == ["evaluation"]
    assert got[neutral] == [] and got[modifier] == []


def test_a_casualty_noun_after_the_or_a_possessive_refers_back_to_the_reported_event(tmp_path):
    back = "The shelling took place on the eastern edge of the town, near the old mill."
    new = "Shelling hit the eastern edge of the town, near the old mill."
    got = flagged(tmp_path, [back, new])
    assert got[back] == []
    assert [f["data"]["kind"] for f in got[new]] == ["casualties"]


def test_a_share_price_where_it_traded_is_the_exchanges_record(tmp_path):
    price = "Shares of the brewer were down 4 percent at $31.20 in extended trading."
    profit = "Profit at the brewer was down 4 percent at $31.2 million in the quarter."
    got = flagged(tmp_path, [price, profit])
    assert got[price] == []
    assert [f["data"]["kind"] for f in got[profit]] == ["figures"]


def test_a_situation_judged_to_be_getting_worse_is_the_writers_assessment(tmp_path):
    judged = "After a quiet week along the border, the situation deteriorated on Sunday."
    plain = "After a quiet week along the border, the weather changed on Sunday."
    got = flagged(tmp_path, [judged, plain])
    assert [f["data"]["kind"] for f in got[judged]] == ["evaluation"]
    assert got[plain] == []


def test_a_purpose_clause_after_a_comma_is_a_motive_the_writer_gives(tmp_path):
    motive = "Protesters blocked the ring road for six hours, to counter the council's parking plan."
    plain = "Protesters blocked the ring road for six hours on Monday."
    got = flagged(tmp_path, [motive, plain])
    assert [f["data"]["kind"] for f in got[motive]] == ["intent"]
    assert got[plain] == []


def test_a_participle_clause_around_a_main_cue_is_the_writers_comment(tmp_path):
    opening = "Ignoring a truce already in tatters, the envoy told both armies to hold their fire."
    closing = "The utility announced a price freeze on Monday, raising fears of power cuts in winter."
    sourced = "The envoy told both armies to hold their fire."
    got = flagged(tmp_path, [opening, closing, sourced])
    assert [f["data"]["kind"] for f in got[opening]] == ["evaluation"]
    assert [f["data"]["kind"] for f in got[closing]] == ["cause"]
    assert got[sourced] == []
