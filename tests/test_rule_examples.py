"""Every rule of the bundled packs carries examples — sentences it must flag
and sentences it must pass — and they hold: each is linted on its own, as a
draft, through the CLI, with every rule enabled.  A rule added to any
bundled pack without examples fails here."""
from __future__ import annotations

import json

from conftest import run_cli


def _bundled_rules():
    from copydesk.resources import default_rule_files
    from copydesk.rules import load_rules

    # The packs loaded by default; the optional packs (rules/packs/) are
    # linted with their pack chosen in tests/test_style_packs.py.
    ruleset = load_rules(default_rule_files())
    assert not ruleset.errors, ruleset.errors
    return sorted(ruleset.rules.values(), key=lambda r: r.id)


def test_every_bundled_rule_has_examples_to_flag_and_to_pass():
    rules = _bundled_rules()
    assert len(rules) >= 18
    missing = [f"{r.id} ({r.source}:{r.line})" for r in rules
               if not r.examples.get("flag") or not r.examples.get("pass")]
    assert not missing, "rules without examples (add examples: {flag: [...], pass: [...]}):\n" + "\n".join(missing)


def test_every_example_is_flagged_or_passed_as_it_says(tmp_path):
    rules = _bundled_rules()
    cases = {}
    for r in rules:
        for want in ("flag", "pass"):
            for i, sentence in enumerate(r.examples.get(want, [])):
                name = f"{r.id.replace('/', '--')}--{want}-{i}.md"
                (tmp_path / name).write_text(sentence + "\n", encoding="utf-8")
                cases[name] = (r.id, want, sentence)
    assert cases
    enable = [arg for r in rules for arg in ("--enable", r.id)]
    proc = run_cli("check", "--format", "json", "--fail-on", "never", *enable, ".", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr_text
    found: dict[str, set[str]] = {}
    for f in json.loads(proc.stdout_text)["findings"]:
        found.setdefault(f["path"], set()).add(f["rule_id"])
    wrong = []
    for name, (rid, want, sentence) in sorted(cases.items()):
        flagged = rid in found.get(name, set())
        if flagged != (want == "flag"):
            wrong.append(f"{rid}: should {'flag' if want == 'flag' else 'pass'}: {sentence}")
    assert not wrong, "\n".join(wrong)


def test_explain_shows_every_field_of_the_kind_and_the_examples(tmp_path):
    proc = run_cli("rules", "explain", "attribution/loaded-attribution-verb", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr_text
    out = proc.stdout_text
    assert "  - forms: claim, claims, claimed, claiming; implies: it signals that the writer doubts" in out
    assert "replacement: say, says, said, saying" in out and "except: claimed responsibility" in out
    assert "flags:\n  The minister claimed that the army had withdrawn." in out
    assert "passes:\n  The minister said that the army had withdrawn." in out
    # Defaults come from the kind's schema when the rule does not set them.
    house = tmp_path / "house.yml"
    house.write_text("rules:\n  - id: house/regime\n    check: loaded-term\n    terms: [regime]\n    message: m\n",
                     encoding="utf-8")
    out = run_cli("rules", "explain", "house/regime", "--rules", str(house), cwd=tmp_path).stdout_text
    assert "terms: regime" in out and "allow_in_attributed_quotes (default): true" in out


def test_rules_docs_writes_a_markdown_reference_of_every_rule(tmp_path):
    target = tmp_path / "RULES.md"
    proc = run_cli("rules", "docs", "-o", str(target), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr_text
    doc = target.read_text(encoding="utf-8")
    for rule in _bundled_rules():
        assert f"### `{rule.id}`" in doc
        for sentence in rule.examples["flag"] + rule.examples["pass"]:
            assert f"- {sentence}" in doc
    assert "| `tolerance` | 0.0 |" in doc  # figures' own fields
    assert "Check `figures`, severity info, off by default." in doc  # figure-unverified
