"""Style packs through the CLI: every rule's own examples, optional packs
chosen in copydesk.toml, `rules packs`, `rules test`, and suggestions that fit
the sense of the matched word."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, run_cli, run_json

PACKS = {"loaded-term": ROOT / "rules" / "loaded-term.yml",
         **{p.stem: p for p in sorted((ROOT / "rules" / "packs").glob("*.yml"))}}


def _rules(path: Path) -> list[dict]:
    return [r for r in yaml.safe_load(path.read_text(encoding="utf-8"))["rules"] if r["check"] == "loaded-term"]


def test_every_loaded_term_rule_has_examples_and_a_link():
    for name, path in PACKS.items():
        for rule in _rules(path):
            ex = rule.get("examples") or {}
            assert ex.get("flag") and ex.get("pass"), f"{name}: {rule['id']} needs examples: {{flag, pass}}"
            assert rule.get("rationale") and rule.get("link"), f"{name}: {rule['id']} must cite its authority"


@pytest.mark.parametrize("pack", sorted(set(PACKS) - {"loaded-term"}))
def test_each_optional_pack_rule_flags_and_passes_its_examples(tmp_path, pack):
    """One draft per example sentence, linted with the pack chosen in
    copydesk.toml: the rule flags its `flag` sentences and leaves its `pass`
    sentences alone (the default packs: tests/test_rule_examples.py)."""
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    expect = {}
    for i, rule in enumerate(_rules(PACKS[pack])):
        for kind in ("flag", "pass"):
            for j, sentence in enumerate(rule["examples"][kind]):
                name = f"{i:02d}-{kind}-{j}.md"
                (drafts / name).write_text(sentence + "\n", encoding="utf-8")
                expect[name] = (rule["id"], kind, sentence)
    (tmp_path / "copydesk.toml").write_text(f'packs = ["{pack}"]\n', encoding="utf-8")
    code, report = run_json("--fail-on", "never", "--no-progress", str(drafts), cwd=tmp_path)
    assert code == 0, report
    hits = {}
    for f in report["findings"]:
        hits.setdefault(Path(f["path"]).name, set()).add(f["rule_id"])
    wrong = []
    for name, (rule_id, kind, sentence) in sorted(expect.items()):
        flagged = rule_id in hits.get(name, set())
        if flagged != (kind == "flag"):
            wrong.append(f"{rule_id} should {'flag' if kind == 'flag' else 'pass'}: {sentence}")
    assert not wrong, "\n".join(wrong)


def test_optional_packs_are_off_until_chosen(tmp_path):
    draft = tmp_path / "d.md"
    draft.write_text("Troops liberated the town on Tuesday.\n", encoding="utf-8")
    _, off = run_json("--fail-on", "never", str(draft), cwd=tmp_path)
    assert not [f for f in off["findings"] if f["rule_id"].startswith("loaded-term/bbc-")]
    (tmp_path / "copydesk.toml").write_text('packs = ["bbc"]\n', encoding="utf-8")
    _, on = run_json("--fail-on", "never", str(draft), cwd=tmp_path)
    found = [f for f in on["findings"] if f["rule_id"] == "loaded-term/bbc-liberate"]
    assert [f["text"] for f in found] == ["liberated"]
    assert found[0]["fixes"][0]["edits"][0]["new_text"] == "took control of" or \
        [e for fx in found[0]["fixes"] for e in fx["edits"]][0]


def test_an_unknown_pack_is_a_located_config_error(tmp_path):
    (tmp_path / "copydesk.toml").write_text('packs = ["bbc", "nyt"]\n', encoding="utf-8")
    draft = tmp_path / "d.md"
    draft.write_text("Hello.\n", encoding="utf-8")
    proc = run_cli("check", str(draft), cwd=tmp_path)
    assert proc.returncode == 2
    assert "copydesk.toml:1:1: unknown pack 'nyt' (available: ap, bbc, extra, reuters" in proc.stderr_text


def test_rules_packs_lists_default_and_optional_packs(tmp_path):
    (tmp_path / "copydesk.toml").write_text('packs = ["ap"]\n', encoding="utf-8")
    proc = run_cli("rules", "packs", "--json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr_text
    rows = {r["name"]: r for r in json.loads(proc.stdout_text)}
    assert rows["loaded-term"]["kind"] == "default" and rows["loaded-term"]["enabled"]
    assert rows["ap"]["kind"] == "optional" and rows["ap"]["enabled"]
    assert rows["bbc"]["enabled"] is False
    assert "loaded-term/ap-committed-suicide" in rows["ap"]["rules"]
    text = run_cli("rules", "packs", cwd=tmp_path).stdout_text
    assert "bbc" in text and "optional" in text


def test_rules_test_reports_hits_articles_and_sample_sentences(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "a.md").write_text("The singer committed suicide in 1994.\n\nHe had committed suicide, they wrote.\n",
                                  encoding="utf-8")
    (archive / "b.md").write_text("Police detained an undocumented immigrant on Monday. Nothing else happened.\n",
                                  encoding="utf-8")
    (archive / "c.md").write_text("A quiet day at the council.\n", encoding="utf-8")
    proc = run_cli("rules", "test", "ap", "--against", str(archive), "--format", "json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr_text
    out = json.loads(proc.stdout_text)
    assert out["files"] == 3
    rows = {r["rule"]: r for r in out["rules"]}
    assert set(rows) == {"loaded-term/ap-illegal-immigrant", "loaded-term/ap-committed-suicide",
                         "loaded-term/ap-phobia", "loaded-term/ap-hamas-soldiers"}
    assert (rows["loaded-term/ap-committed-suicide"]["hits"], rows["loaded-term/ap-committed-suicide"]["articles"]) == (2, 1)
    assert rows["loaded-term/ap-illegal-immigrant"]["samples"][0]["sentence"] == \
        "Police detained an undocumented immigrant on Monday."
    assert rows["loaded-term/ap-phobia"]["hits"] == 0
    # One rule, text output.
    proc = run_cli("rules", "test", "loaded-term/ap-committed-suicide", "--against", str(archive), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr_text
    assert "loaded-term/ap-committed-suicide      2 hits in 1 article(s)" in proc.stdout_text
    assert "a.md:1: The singer committed suicide in 1994." in proc.stdout_text
    bad = run_cli("rules", "test", "loaded-term/nope", "--against", str(archive), cwd=tmp_path)
    assert bad.returncode == 2 and "no pack, rule file or rule 'loaded-term/nope'" in bad.stderr_text


@pytest.mark.parametrize("sentence,match,fix", [
    ("Terrorism must be defeated.", "Terrorism", "Violence"),          # the act: no person-word
    ("A terror attack hit the market.", "terror attack", "attack"),
    ("A terrorist was arrested.", "terrorist", "militant"),              # number agrees
    ("Terrorists were arrested.", "Terrorists", "Militants"),
    ("Three men were murdered.", "murdered", "killed"),
    ("The murders shocked the town.", "murders", "killings"),
    ("Border agents detained an illegal alien.", "illegal alien", "migrant"),
])
def test_suggestions_fit_the_sense_and_number(tmp_path, sentence, match, fix):
    draft = tmp_path / "d.md"
    draft.write_text(sentence + "\n", encoding="utf-8")
    _, report = run_json("--fail-on", "never", str(draft))
    found = [f for f in report["findings"] if f["rule_id"].startswith("loaded-term/") and f["text"] == match]
    assert found, report["findings"]
    assert found[0]["fixes"][0]["edits"][0]["new_text"] == fix


@pytest.mark.parametrize("sentence", [
    "The terrorism case was dismissed.",
    "He was held under the Prevention of Terrorism Act.",
    "Counter-terrorism police arrested two men.",
    "He faces terrorism charges.",
])
def test_names_and_the_law_are_not_labels(tmp_path, sentence):
    draft = tmp_path / "d.md"
    draft.write_text(sentence + "\n", encoding="utf-8")
    _, report = run_json("--fail-on", "never", str(draft))
    assert not [f for f in report["findings"] if f["rule_id"] == "loaded-term/terrorist"]


def test_a_pattern_group_named_term_is_the_finding(tmp_path):
    pack = tmp_path / "p.yml"
    pack.write_text(
        "rules:\n  - id: loaded-term/crowds-at\n    check: loaded-term\n    message: m\n"
        "    patterns: ['(?P<term>crowds) (?:at|on) the gates?']\n", encoding="utf-8")
    draft = tmp_path / "d.md"
    draft.write_text("Crowds at the gate waited.\n", encoding="utf-8")
    _, report = run_json("--fail-on", "never", "--rules", str(pack), str(draft))
    found = [f for f in report["findings"] if f["rule_id"] == "loaded-term/crowds-at"]
    assert [(f["text"], f["column"]) for f in found] == [("Crowds", 1)]
