"""The loaded-terms check, read as an editor would: on the seed articles and
on drafts with curly quotes, em dashes, emoji and non-Latin names."""
from __future__ import annotations

import pytest

from conftest import lint, run_cli, run_json


def found(text: str, path: str = "draft.md", **config) -> list[tuple[str, str]]:
    result = lint(text, path, **config)
    return [(f.rule_id, text[f.start:f.end]) for f in result.findings]


def cli_findings(text: str, *args: str, name: str = "draft.md") -> list[dict]:
    code, data = run_json("--stdin-filename", name, *args, "-", input=text)
    assert code in (0, 1), data
    return data["findings"]


# ------------------------------------------------------------------ seeds


def test_seed_001_jihadists_in_the_writers_voice_is_flagged(seeds):
    code, data = run_json(str(seeds["001"]))
    assert code == 1
    text = seeds["001"].read_text(encoding="utf-8")
    jihadists = [f for f in data["findings"] if f["rule_id"] == "loaded-term/jihadist"]
    assert [f["text"] for f in jihadists] == ["jihadists", "jihadists"]
    # "…fallen into the hands of jihadists, the Syrian Observatory … said": a
    # paraphrase, not a quote, so still the paper's word.
    first = jihadists[0]
    # (Lines 1-5 are the seed's front matter: its date, outlet and URL.)
    assert first["line"] == 6 and text.splitlines()[5][first["column"] - 1:].startswith("jihadists, the Syrian")
    assert jihadists[1]["line"] == 8 and jihadists[1]["column"] == 5  # "The jihadists of Hayat Tahrir al-Sham"
    assert first["data"]["context"] == "own-voice"
    assert [fix["edits"][0]["new_text"] for fix in first["fixes"]] == ["militants", "fighters", "armed groups"]


def test_seed_003_terrorist_elements_quoted_and_attributed_to_iran_is_not_flagged(seeds):
    text = seeds["003"].read_text(encoding="utf-8")
    assert "“terrorist elements”" in text
    code, data = run_json(str(seeds["003"]))
    assert not [f for f in data["findings"] if f["rule_id"] == "loaded-term/terrorist"]
    # The same words without the speaker are the paper's label again.
    bare = "Its consulate in Aleppo was under attack by terrorist elements.\n"
    assert [f["text"] for f in cli_findings(bare)] == ["terrorist"]


def test_seed_004_attributed_quote_and_compounds(seeds):
    code, data = run_json(str(seeds["004"]))
    texts = [f["text"] for f in data["findings"]]
    # Russia's military, quoted: “repelling terrorist aggression …”.
    assert "terrorist" not in texts
    assert "Islamist-dominated" in texts and "anti-regime" in texts and "anti-jihadist" in texts


def test_every_seed_lints_without_errors(seeds):
    proc = run_cli("check", "--fail-on", "never", *map(str, seeds.values()))
    assert proc.returncode == 0 and proc.stderr_text == ""


# ------------------------------------------------------------- matching


@pytest.mark.parametrize("text, expected", [
    ("The regime fell.", ["regime"]),
    ("The Regime fell. THE REGIME fell.", ["Regime", "REGIME"]),
    ("Two regimes fell.", ["regimes"]),
    ("The regime’s army and the regime's navy.", ["regime’s", "regime's"]),
    ("The jihadists’ flag.", ["jihadists’"]),
    ("An Islamist-dominated council.", ["Islamist-dominated"]),
    ("An anti-terrorist law.", ["anti-terrorist"]),
    ("Pro-regime militias and anti-regime protests.", ["Pro-regime", "anti-regime"]),
    ("Terrorism is a crime, the terrorists said.", ["Terrorism", "terrorists"]),
    ("A martyred fighter; martyrs.", ["martyred", "martyrs"]),
    ("They are freedom fighters.", ["freedom fighters"]),
    ("A so-called ceasefire.", ["so-called"]),
    ("It was a crushing  blow.", ["crushing  blow"]),
    ("The regimental band played.", []),  # part of a longer word
    ("Regimes2 and xregime.", []),
    ("A sanctions regime was agreed.", []),  # an except phrase
    ("Calls for regime change grew; the non-proliferation regime held.", []),  # regimes that are not governments
    ("The Terrorism Act applies.", []),
])
def test_whole_words_inflections_possessives_compounds(text, expected):
    assert [m for _, m in found(text)] == expected


def test_one_finding_per_occurrence_with_exact_positions():
    text = "# Ḥalab 🔥\n\nThe regime — the regime’s army — and Дамаск’s regime.\n"
    findings = cli_findings(text)
    assert [f["text"] for f in findings] == ["regime", "regime’s", "regime"]
    line = text.splitlines()[2]
    cols = [i + 1 for i in range(len(line)) if line.startswith("regime", i)]
    assert [(f["line"], f["column"]) for f in findings] == [(3, c) for c in cols]
    heading = cli_findings("# The regime 🔥 falls\n")
    assert heading[0]["range"]["start"] == {"line": 0, "character": 6}


def test_utf16_range_after_emoji():
    text = "🔥🔥 Ḥalab: the regime fell.\n"
    [f] = cli_findings(text)
    chars = text.index("regime")
    assert f["column"] == chars + 1
    assert f["range"]["start"]["character"] == chars + 2  # two surrogate pairs
    assert f["range"]["end"]["character"] == chars + 2 + 6


# --------------------------------------------------------------- quotes


def test_attributed_quote_is_the_speakers_word():
    assert found("Iran said its consulate was attacked by “terrorist elements”.") == []
    assert found("“The regime is finished,” Дмитрий Песков said.") == []
    assert found("According to the ministry, “the regime must go”.") == []
    assert found('"The regime will fall," he said.') == []


def test_scare_quotes_are_flagged():
    result = lint("The rebels have cornered the “regime” in Damascus.")
    [f] = result.findings
    assert f.rule_id == "loaded-term/regime" and f.data["context"] == "unattributed-quote"
    assert "scare quotes" in f.message


def test_allow_in_attributed_quotes_false(tmp_path):
    rules = tmp_path / "strict.yml"
    rules.write_text(
        "rules:\n"
        "  - id: loaded-term/regime\n"
        "    check: loaded-term\n"
        "    severity: error\n"
        "    terms: [regime]\n"
        "    suggestions: [government]\n"
        "    allow_in_attributed_quotes: false\n"
        "    message: \"“{match}”: use {suggestions} even in quotes.\"\n"
        "    rationale: House style is stricter than the BBC's.\n",
        encoding="utf-8",
    )
    text = "“The regime is finished,” the minister said.\n"
    assert cli_findings(text) == []
    [f] = cli_findings(text, "--rules", str(rules))
    assert f["rule_id"] == "loaded-term/regime" and f["severity"] == "error"
    assert f["message"] == "“regime”: use “government” even in quotes."


def test_suggestions_keep_plural_and_capital():
    result = lint("Jihadists attacked.")
    [f] = result.findings
    assert [fix.edits[0].new_text for fix in f.fixes] == ["Militants", "Fighters", "Armed groups"]
    assert f.fixes[0].preferred


@pytest.mark.parametrize("text, term, fixes", [
    # Irregular and already-plural suggestions are not pluralised again ("mens").
    ("Thugs looted the shops.", "Thugs", ["Attackers", "Men", "Assailants"]),
    ("The thug fled.", "thug", ["attacker", "man", "assailant"]),
    ("Two regimes fell.", "regimes", ["governments", "authorities", "administrations"]),
    # Adjectives take no plural; nouns that are adjectives too do.
    ("Islamists hold the north.", "Islamists", ["Militants", "Armed", "Rebels"]),
    ("The crushing blows continued.", "crushing blows", ["major setbacks", "significant losses", "defeats"]),
])
def test_suggestions_agree_with_the_matched_word(text, term, fixes):
    [f] = [f for f in lint(text).findings if f.rule_id.startswith("loaded-term/")]
    assert text[f.start:f.end] == term
    assert [fix.edits[0].new_text for fix in f.fixes] == fixes


@pytest.mark.parametrize("text, flagged", [
    # The sentence says who applies the label (BBC style): not the writer's word.
    ("Hamas, which Israel and the US designate a terrorist organisation, said the talks had failed.", []),
    ("The group, designated a terrorist organisation by the EU, denied the charge.", []),
    ("The government has long branded the rebels terrorists.", []),
    ("Moscow calls the fighters “jihadists” and the opposition calls them rebels.", []),
    ("He called it a crushing blow.", []),
    # The writer's own noun next to a labelling verb is still the writer's.
    ("The UN called on the regime to allow aid in.", ["regime"]),
    ("She described the regime’s actions as brutal.", ["regime’s"]),
    ("The group was branded a terrorist organisation in 2019.", ["terrorist"]),
    ("The regime called the rebels traitors.", ["regime"]),
    ("Critics called it a blitzkrieg.", ["blitzkrieg"]),  # a vague labeller owns nothing
])
def test_a_label_the_sentence_attributes_is_not_the_writers(text, flagged):
    assert [t for rule, t in found(text) if rule.startswith("loaded-term/")] == flagged


def test_labelled_terms_can_be_flagged_by_policy(tmp_path):
    rules = tmp_path / "strict.yml"
    rules.write_text(
        "rules:\n"
        "  - id: loaded-term/terrorist\n    check: loaded-term\n    message: \"{match}\"\n"
        "    terms: [terrorist]\n    allow_when_labelled: false\n",
        encoding="utf-8")
    text = "Hamas, which Israel and the US designate a terrorist organisation, said so.\n"
    found_ids = [f["rule_id"] for f in cli_findings(text, "--rules", str(rules))]
    assert [r for r in found_ids if r.startswith("loaded-term/")] == ["loaded-term/terrorist"]


def test_code_and_links_are_not_prose():
    text = "Use `regime` in code.\n\n```\nthe regime\n```\n\nSee [the story](https://x.org/regime).\n"
    assert found(text) == []
    assert found("<!-- the regime -->\n") == []


# ------------------------------------------- who owns the label (issue 15)


def test_a_paragraph_continuing_a_quote_speaks_with_the_speaker_before():
    text = ("“Daraya is being targeted because it revolted first,” said Jouejati, a spokeswoman.\n\n"
            "“I believe the regime thinks that the only way to end the revolution is to kill.”\n")
    assert [f["text"] for f in cli_findings(text, "--disable", "attribution")] == []
    # A scare-quoted word in a paragraph of the writer's own is still the writer's.
    scare = "The “regime” shelled the suburbs again on Monday.\n"
    assert [f["text"] for f in cli_findings(scare, "--disable", "attribution")] == ["regime"]


@pytest.mark.parametrize("sentence", [
    "Hezbollah drew a connection to what it perceives as U.S. support for both Zionist terrorism and aggression.",
    "Moscow launched what it calls a special military operation against the terrorist regime in Kyiv.",
    "The group accused Israel of genocide in Gaza.",
    "Prosecutors charged the men with terrorism on Friday.",
])
def test_labels_owned_by_a_named_labeller_are_spared(sentence):
    assert [f["rule_id"] for f in cli_findings(sentence + "\n")] == []


@pytest.mark.parametrize("sentence, word", [
    ("Critics see what critics call terrorism everywhere, and the terrorism went on.", "terrorism"),
    ("The terrorists attacked what was left of the U.S. base.", "terrorists"),
    ("He was accused by many of genocide.", "genocide"),
])
def test_labels_without_a_named_owner_stay_flagged(sentence, word):
    assert word in [f["text"] for f in cli_findings(sentence + "\n")]


def test_a_quoted_sentence_takes_its_speaker_from_the_ledger_across_paragraphs():
    """The source ledger carries a speaker to a later quotation with no cue
    of its own, in the paragraph or the one after; the same engine (as in the
    language server) re-reads the paragraph when the one before changes."""
    later = "The shelling went on all night. “Nothing will save the regime now, nothing at all.”\n"
    spoken = "“We will win,” said Ahmed, a commander.\n\n" + later
    silent = "The rain fell all night in the city.\n\n" + later
    assert [t for r, t in found(spoken) if r == "loaded-term/regime"] == []
    assert [t for r, t in found(silent) if r == "loaded-term/regime"] == ["regime"]
    assert [t for r, t in found(spoken) if r == "loaded-term/regime"] == []
    same_paragraph = ("“We will win,” said Ahmed, a commander. He had driven from Idlib. The shelling went on. "
                      "“Nothing will save the regime now, nothing at all.”\n")
    assert [t for r, t in found(same_paragraph) if r == "loaded-term/regime"] == []


def test_scare_quotes_stay_the_writers_whoever_spoke_before():
    text = ("“We will win,” said Ahmed, a commander.\n\n"
            "The island lives under a wave of “green terror” and the “final solution” of the regime.\n")
    assert [t for r, t in found(text) if r.startswith("loaded-term/")] == ["green terror", "final solution", "regime"]


def _loaded(text: str) -> list[str]:
    return [f["text"] for f in cli_findings(text, "--disable", "attribution") if f["rule_id"].startswith("loaded-term/")]


@pytest.mark.parametrize("sentence", [
    # a quoted label someone applies, however long the object before it
    "The governor called the night-time drone strike on the power station in his province “a barbaric act”.",
    "The US State Department considers the group a “terrorist organisation”.",
    "The ministry described the raids on the border villages as “terrorism”.",
    # a statement after a speaker, a reporting verb and a colon
    "The movement stated: the regime will pay for every village it bombs.",
    "She told reporters on Monday: the regime has lost the war.",
    # a headline or transcript line headed by a speaker's name
    "Opposition leader Ana Ruiz: The regime stole the election",
])
def test_attributed_constructions_are_the_speakers(sentence):
    assert _loaded(sentence + "\n") == []


@pytest.mark.parametrize("sentence, word", [
    ("Kharkiv: The regime shelled the suburbs again", "regime"),          # a place heads it: a topic, not a speaker
    ("Analysis: the regime is running out of money.", "regime"),         # a section label
    ("BREAKING NEWS: The regime shelled the suburbs.", "regime"),        # a kicker in capitals
    ("The summary: the regime fell on Monday.", "regime"),               # not a name
    ("The shelling stopped: the regime had run out of shells.", "regime"),  # no reporting verb before the colon
    ("The regime fell. The minister said: nothing.", "regime"),          # the colon is in another sentence
])
def test_the_writers_voice_around_colons_and_quotes_stays_flagged(sentence, word):
    assert word in _loaded(sentence + "\n")


@pytest.mark.parametrize("text", [
    # an unquoted statement after "<speaker> <reporting verb>:" runs to the end of its paragraph
    "The movement stated: the occupiers bombed three villages. The regime will pay for every one of them.\n",
    "Rodong Sinmun says in a commentary in this regard: the summit was a farce. The puppet regime begged for it.\n",
    # a paragraph that ends "<speaker> <reporting verb>:" hands the next one to the speaker (a block quotation)
    "State television reported on Sunday:\n\nThe regime in Kiev shelled the city overnight, killing four.\n",
])
def test_a_statement_after_a_speakers_colon_is_the_speakers_to_its_end(text):
    assert _loaded(text) == []


@pytest.mark.parametrize("text, word", [
    # a quoted statement ends with its quotation: the sentence after is the writer's again
    ("The ministry said: “We will respond.” The regime had shelled the port.\n", "regime"),
    # the paragraph after the block quotation is the writer's again
    ("State television reported on Sunday:\n\nThe army shelled the city.\n\nThe regime denied it.\n", "regime"),
    # no reporting verb with a subject before the colon
    ("The shelling stopped at dawn: the gunners were tired.\n\nThe regime denied it.\n", "regime"),
    # "state" is a noun here, and too far from the colon: not a statement
    ("It isn’t on state lawmakers’ agenda but should top the list: banning the regime’s ads.\n", "regime’s"),
])
def test_the_writers_voice_resumes_after_a_statement(text, word):
    assert word in _loaded(text)


def test_a_house_pack_term_wins_over_a_longer_bundled_term_at_the_same_place(tmp_path):
    """A newsroom's "goon" rule reports "Goons", though the bundled pack's
    longer "goons" (loaded-term/thug) starts at the same place; without the
    house pack the bundled rule reports it."""
    house = tmp_path / "house.yml"
    house.write_text(
        "pack: house\nversion: 1\nrules:\n"
        "  - id: house/hooligan\n    check: loaded-term\n    severity: info\n"
        "    terms: [hooligan, goon]\n    suggestions: [fan]\n    message: \"House style: not {match}.\"\n",
        encoding="utf-8")
    text = "Goons smashed the windows of the bar.\n"
    assert [(f["rule_id"], f["text"]) for f in cli_findings(text, "--disable", "attribution")] == \
        [("loaded-term/thug", "Goons")]
    both = cli_findings(text, "--disable", "attribution", "--rules", str(house))
    assert [(f["rule_id"], f["text"]) for f in both] == [("house/hooligan", "Goons")]
