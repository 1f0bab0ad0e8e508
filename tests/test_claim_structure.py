"""unattributed-claim from structure: why a sentence in the writer's voice
needs a source (intent, forecast, agentless accusation, cause, evaluation),
carry-over across paragraphs, and the main clause of a sentence whose source
sits in a subordinate clause — through the CLI, on sentences written here."""
from __future__ import annotations

import pytest

from conftest import lint, run_json

CLAIM = "attribution/unattributed-claim"

pytestmark = pytest.mark.skipif(
    __import__("copydesk.lang.syntax", fromlist=["available"]).available() is False,
    reason="the syntactic layer (spaCy model) is not installed")


def claims(tmp_path, text: str, name: str = "draft.md") -> list[dict]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    code, out = run_json(str(path))
    assert code in (0, 1), out
    return [f for f in out["findings"] if f["rule_id"] == CLAIM]


def on(found: list[dict], sentence: str) -> list[dict]:
    return [f for f in found if sentence.startswith(f["text"]) or f["text"] in sentence]


STRUCTURE = [
    ("The militia aims to reach the port before winter.", "intent",
     "a motive or plan attributed to “The militia” with no source (“aims to reach”)"),
    ("Prices will keep climbing into the spring.", "forecast", "a forecast in the writer's voice"),
    ("The agency has been accused of hiding the figures.", "accusation",
     "an agentless accusation or judgement (“accused of hiding the figures”)"),
    ("The governor is widely seen as the favourite for the nomination.", "accusation",
     "an agentless accusation or judgement (“widely seen as the favourite for the nomination”)"),
    ("The collapse of the bridge followed years of neglect by the council.", "cause",
     "a cause or consequence in the writer's voice (“followed years”)"),
    ("The slip in sales underscored the problems facing the chain.", "cause",
     "a cause or consequence in the writer's voice (“underscored the problems”)"),
    ("Choosing the old stadium was a baffling choice for the organisers.", "evaluation",
     "an evaluation in the writer's voice (“baffling”)"),
]


@pytest.mark.parametrize("sentence, kind, why", STRUCTURE)
def test_check_worthy_by_structure_says_why_and_carries_the_kind(tmp_path, sentence, kind, why):
    found = claims(tmp_path, sentence + "\n")
    assert len(found) == 1, found
    f = found[0]
    assert f["data"]["kind"] == kind
    assert why in f["message"], f["message"]
    assert f["message"].startswith("Unattributed claim — ")


@pytest.mark.parametrize("sentence", [
    "The militia said it aims to seize the port before winter.",  # the militia's own words
    "The council will meet again on Tuesday to discuss the budget.",  # a schedule, no change forecast
    "The suspect was seen on Monday near the station.",  # a sighting, not a judgement
    "Officials have accused the agency of hiding the figures.",  # the accusers are named
    "We aim to finish the bridge before the winter.",  # the writer's own plan
    "The new terminal was planned as a cargo hub for the region.",  # a passive plan: the aim of a thing
])
def test_structure_leaves_attributed_and_plain_sentences_alone(tmp_path, sentence):
    assert claims(tmp_path, sentence + "\n") == []


def test_trigger_reasons_carry_their_kind_too(tmp_path):
    found = claims(tmp_path, "The fighting has left over 500 people dead in the city.\n")
    assert [f["data"]["kind"] for f in found] == ["figures"]


def test_a_figure_continues_the_report_that_ends_the_paragraph_before(tmp_path):
    text = ("The company said profit fell sharply in the third quarter.\n\n"
            "Revenue rose 1 per cent to $3.2 billion.\n")
    assert claims(tmp_path, text) == []
    # Without the sourced paragraph before it, the same figure is the writer's.
    assert len(claims(tmp_path, "Revenue rose 1 per cent to $3.2 billion.\n", "alone.md")) == 1
    # Only figures carry across a paragraph: violence, control, judgements do not.
    text = ("The company said profit fell sharply in the third quarter.\n\n"
            "Rebels seized two of its warehouses near the port.\n")
    assert len(claims(tmp_path, text, "other.md")) == 1


def test_a_forecast_in_a_carried_sentence_is_still_the_writers(tmp_path):
    text = ("The ministry said 40 people died in the floods on Sunday. "
            "The toll will keep rising as the water recedes, with 300 people still missing.\n")
    found = claims(tmp_path, text)
    assert [f["data"]["kind"] for f in found] == ["forecast"]


def test_the_words_after_a_colon_paragraph_are_the_speakers(tmp_path):
    text = ("Minister for Exports Jane Doe said:\n\n"
            "This is fantastic news and the best result for our exporters in a decade.\n")
    assert claims(tmp_path, text) == []
    text = "This is fantastic news and the best result for our exporters in a decade.\n"
    assert len(claims(tmp_path, text, "bare.md")) == 1
    # A colon that opens a quotation inside the paragraph hands nothing on.
    text = ("The analyst remarked: “It appears that the city is beyond the army’s grasp.”\n\n"
            "This is fantastic news and the best result for our exporters in a decade.\n")
    assert len(claims(tmp_path, text, "quoted.md")) == 1


def test_a_source_in_a_subordinate_clause_leaves_the_main_clause_to_the_writer(tmp_path):
    s = "Nearly 50 people were killed on Friday, the last day of a truce announced by the army."
    found = claims(tmp_path, s + "\n")
    assert len(found) == 1
    assert "covers only the clause its cue governs" in found[0]["message"]
    assert found[0]["data"]["clause"] is True
    for attributed in ("As the agency reported, nearly 50 people were killed on Friday.",
                       "Nearly 50 people were killed on Friday, the army said."):
        assert claims(tmp_path, attributed + "\n", "ok.md") == [], attributed


def test_a_paragraph_is_linted_again_when_the_one_before_changes_its_source():
    # The engine caches findings per paragraph; a paragraph that continues the
    # report of the one before is keyed by it too.
    sourced = "The company said profit fell sharply.\n\nRevenue rose 1 per cent to $3.2 billion.\n"
    bare = "Profit fell sharply in the quarter.\n\nRevenue rose 1 per cent to $3.2 billion.\n"
    second = "Revenue rose 1 per cent to $3.2 billion."
    for _ in range(2):
        a = [sourced[f.start:f.end] for f in lint(sourced).findings if f.rule_id == CLAIM]
        b = [bare[f.start:f.end] for f in lint(bare).findings if f.rule_id == CLAIM]
        assert second not in a
        assert second in b
