"""unattributed-claim, wave 5 mechanisms (issue 13): each on sentences written
here, through the CLI, one draft per test (paragraphs keep the sentences apart,
so no carry-over joins them unless a test puts them in one paragraph)."""
from __future__ import annotations

import pytest

from conftest import run_json

CLAIM = "attribution/unattributed-claim"

pytestmark = pytest.mark.skipif(
    __import__("copydesk.lang.syntax", fromlist=["available"]).available() is False,
    reason="the syntactic layer (spaCy model) is not installed")


def flagged(tmp_path, paragraphs: list[str]) -> dict[str, list[dict]]:
    """Lint the paragraphs as one draft; the claim findings on each paragraph."""
    path = tmp_path / "draft.md"
    path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    code, out = run_json(str(path))
    assert code in (0, 1), out
    found = [f for f in out["findings"] if f["rule_id"] == CLAIM]
    return {p: [f for f in found if f["line"] == 1 + 2 * i] for i, p in enumerate(paragraphs)}


def test_a_predicted_amount_of_money_or_share_is_a_forecast_even_after_a_source(tmp_path):
    # The figure alone would continue the museum's report; the amount the clause
    # predicts ("will be about $12m") is the writer's forecast.
    forecast = ("The museum announced on Monday that two galleries would close. "
                "Its running costs will be about $12m a year after the change.")
    share = ("The city said on Monday that concert tickets would carry a levy. "
             "The levy will be 4 per cent of each ticket from April.")
    got = flagged(tmp_path, [forecast, share])
    assert [f["data"]["kind"] for f in got[forecast]] == ["forecast"]
    assert "a forecast in the writer's voice (“will be about $12" in got[forecast][0]["message"]
    assert [f["data"]["kind"] for f in got[share]] == ["forecast"]


def test_a_word_of_change_describing_a_noun_is_not_a_forecast(tmp_path):
    # "remaining" describes the exhibits; nothing here predicts a change or an amount.
    plain = "The remaining exhibits will be moved to the north wing after the holidays."
    dated = "The council will vote on the plan on 12 March at 10 am."
    got = flagged(tmp_path, [plain, dated])
    assert got[plain] == []
    assert "forecast" not in [f["data"]["kind"] for f in got[dated]]  # a date is no amount


def test_an_unquoted_statement_after_said_colon_runs_on_while_it_speaks_in_the_first_person(tmp_path):
    intro = "Trade Minister Ana Ruiz said:"
    first = "This is wonderful news for the country's farmers."
    ours = "The region is the largest exporter of olive oil in the world, and we want to see even more growers selling abroad."
    got = flagged(tmp_path, [intro, first, ours])
    assert got[first] == [] and got[ours] == []
    # Not in the first person: the writer's own claim again.
    plain = "The region is the largest exporter of olive oil in the world."
    got = flagged(tmp_path, [intro, first, plain])
    assert [f["data"]["kind"] for f in got[plain]] == ["superlative"]
    # A paragraph that names a source of its own ends the statement.
    other = "The growers' union said prices had fallen by a third."
    got = flagged(tmp_path, [intro, first, other, ours])
    assert [f["data"]["kind"] for f in got[ours]] == ["superlative"]


def test_trigger_words_inside_what_a_cue_reports_are_the_sources(tmp_path):
    # The figure and the forecast are what the shop owners warn; the main clause is plain.
    reported = "The bill drew opposition from shop owners, who warn that it could cost the town 200 jobs."
    own = "The bill could cost the town 200 jobs."
    # "claiming 12 lives" reports nothing: a report is a clause.
    toll = "The blast tore through the crowded market, claiming at least 12 lives."
    got = flagged(tmp_path, [reported, own, toll])
    assert got[reported] == []
    assert [f["data"]["kind"] for f in got[own]] == ["figures"]
    assert [f["data"]["kind"] for f in got[toll]] == ["figures"]


def test_a_record_named_with_its_publisher_is_the_source_of_its_figures(tmp_path):
    polled = "Ms Ruiz held a 12-point lead among older voters in a Channel Nine poll."
    unnamed = "Ms Ruiz has dropped 12 points in the national polls since March."
    got = flagged(tmp_path, [polled, unnamed])
    assert got[polled] == []
    assert [f["data"]["kind"] for f in got[unnamed]] == ["figures"]


def test_a_reporting_participle_describing_a_noun_names_no_source(tmp_path):
    adjective = "Rescuers searched through the night as the latest confirmed toll from the storm reached 212."
    agent = "The toll confirmed by the ministry on Sunday reached 212."
    got = flagged(tmp_path, [adjective, agent])
    assert [f["data"]["kind"] for f in got[adjective]] == ["figures"]
    assert got[agent] == []
