"""The language layer: one language pack (rules/language/en.yml) that every
run loads, whatever rule packs it loads; packs that say which language they
need; rule packs that edit the language's lists.  Through the CLI, as a user
runs it."""
from __future__ import annotations

import json

import yaml

from conftest import ROOT, RULES, run_cli

QUOTED = "“The regime will fall soon enough,” the minister said.\n"
UNQUOTED = "“The regime will fall soon enough,” the crowd chanted on Friday.\n"


def _check(*args: str, draft: str, cwd=None):
    proc = run_cli("check", "--format", "json", *args, "-", "--stdin-filename", "d.md", input=draft, cwd=cwd)
    data = json.loads(proc.stdout_text) if proc.stdout_text.strip() else None
    return proc, data


def _ids(data) -> list[str]:
    return [f["rule_id"] for f in data["findings"]]


def test_a_pack_loaded_alone_reads_the_language_not_another_pack():
    """The loaded-term pack alone still knows that “said” gives the quote a
    speaker: the reporting verbs are the language's, not attribution.yml's."""
    only = ("--no-default-rules", "--rules", str(RULES / "loaded-term.yml"))
    proc, data = _check(*only, draft=QUOTED)
    assert proc.returncode == 0, proc.stdout_text + proc.stderr_text
    assert _ids(data) == []
    proc, data = _check(*only, draft=UNQUOTED)  # no reporting verb: the label is the writer's
    assert proc.returncode == 1
    assert _ids(data) == ["loaded-term/regime"]
    assert "no speaker" in data["findings"][0]["message"]


def test_a_rule_pack_edits_the_languages_lists(tmp_path):
    pack = tmp_path / "house.yml"
    pack.write_text("pack: house\nlexicons:\n  reporting_verbs: {remove: [said]}\nrules: []\n", encoding="utf-8")
    proc, data = _check("--rules", str(pack), "--disable", "attribution", draft=QUOTED)
    assert _ids(data) == ["loaded-term/regime"], proc.stderr_text
    pack.write_text("pack: house\nlexicons:\n  reporting_verbs: [chanted]\nrules: []\n", encoding="utf-8")
    proc, data = _check("--rules", str(pack), "--disable", "attribution", draft=UNQUOTED)
    assert proc.returncode == 0 and _ids(data) == [], proc.stdout_text


def test_a_pack_for_another_language_is_a_located_error(tmp_path):
    pack = tmp_path / "fr.yml"
    pack.write_text("pack: fr\nrequires:\n  language: fr\nrules:\n"
                    "  - id: loaded-term/regime-fr\n    check: loaded-term\n    message: m\n    terms: [régime]\n",
                    encoding="utf-8")
    proc, _ = _check("--rules", str(pack), draft=QUOTED)
    assert proc.returncode == 2
    assert f"{pack}:3:13: this pack is written for language 'fr', but the run's language is 'en'" \
        in proc.stderr_text, proc.stderr_text
    proc = run_cli("rules", "validate", str(pack))
    assert proc.returncode == 2 and "written for language 'fr'" in proc.stdout_text + proc.stderr_text


def test_a_pack_that_needs_a_missing_lexicon_says_so(tmp_path):
    pack = tmp_path / "needs.yml"
    pack.write_text("pack: needs\nrequires:\n  language: en\n  lexicons: [reporting_verbs, hedge_words]\nrules: []\n",
                    encoding="utf-8")
    proc, _ = _check("--rules", str(pack), draft=QUOTED)
    assert proc.returncode == 2
    assert f"{pack}:4:31: this pack needs lexicon 'hedge_words'" in proc.stderr_text, proc.stderr_text
    # Another pack may bring the lexicon.
    (tmp_path / "brings.yml").write_text("pack: brings\nlexicons:\n  hedge_words: [perhaps]\nrules: []\n",
                                         encoding="utf-8")
    proc, _ = _check("--rules", str(tmp_path / "brings.yml"), "--rules", str(pack), draft=QUOTED)
    assert proc.returncode == 0, proc.stderr_text


def _language_pack(tmp_path, drop: str | None = None, rename_code: str = "en") -> str:
    data = yaml.safe_load((RULES / "language" / "en.yml").read_text(encoding="utf-8"))
    data["language"] = rename_code
    if drop:
        del data["lexicons"][drop]
    path = tmp_path / "lang.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


def test_the_config_names_a_language_pack_and_its_gaps_are_errors(tmp_path):
    # A complete copy of English under another path behaves like English.
    (tmp_path / "copydesk.toml").write_text(f'language = "{_language_pack(tmp_path)}"\n', encoding="utf-8")
    proc, data = _check(draft=UNQUOTED, cwd=tmp_path)
    assert proc.returncode == 1 and "loaded-term/regime" in _ids(data), proc.stderr_text
    # Without a lexicon the text model reads: the schema says so, with its place.
    _language_pack(tmp_path, drop="speaker_words")
    proc, _ = _check(draft=UNQUOTED, cwd=tmp_path)
    assert proc.returncode == 2
    assert "lang.yml:" in proc.stderr_text and "'speaker_words' is required" in proc.stderr_text
    # Without a lexicon a check reads: the rules of that check say which.
    _language_pack(tmp_path, drop="labelling_verbs")
    proc, _ = _check(draft=UNQUOTED, cwd=tmp_path)
    assert proc.returncode == 2
    assert "check 'loaded-term' reads lexicon(s) 'labelling_verbs'" in proc.stderr_text
    assert f"{RULES / 'loaded-term.yml'}:" in proc.stderr_text
    # A language with no pack at all.
    (tmp_path / "copydesk.toml").write_text('language = "xx"\n', encoding="utf-8")
    proc, _ = _check(draft=UNQUOTED, cwd=tmp_path)
    assert proc.returncode == 2 and "no language pack for 'xx' (bundled: en" in proc.stderr_text


def test_the_bundled_packs_declare_their_language():
    for path in sorted(RULES.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert data.get("requires", {}).get("language") == "en", path


def test_the_wheel_ships_the_language_pack():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"rules" = "copydesk/_data/rules"' in text  # rules/language/ is inside it
    assert (RULES / "language" / "en.yml").is_file()


def test_a_second_language_runs_its_own_packs_not_the_english_ones(tmp_path):
    french = _language_pack(tmp_path, rename_code="fr")
    pack = tmp_path / "regles.yml"
    pack.write_text("pack: regles\nrequires:\n  language: fr\nrules:\n"
                    "  - id: terme/regime\n    check: loaded-term\n    message: « {match} » prend parti.\n"
                    "    terms: [régime]\n", encoding="utf-8")
    (tmp_path / "copydesk.toml").write_text(f'language = "{french}"\n', encoding="utf-8")
    proc, _ = _check(draft="Le régime est tombé.\n", cwd=tmp_path)
    assert proc.returncode == 2  # the bundled packs are English
    for pack_name in ("attribution.yml", "figures.yml", "loaded-term.yml"):
        assert any(line.startswith(str(RULES / pack_name)) and "this pack is written for language 'en', but the "
                   "run's language is 'fr'" in line for line in proc.stderr_text.splitlines()), proc.stderr_text
    (tmp_path / "copydesk.toml").write_text(f'language = "{french}"\ndefault_rules = false\nrules = ["regles.yml"]\n',
                                            encoding="utf-8")
    proc, data = _check(draft="Le régime est tombé.\n", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr_text
    assert _ids(data) == ["terme/regime"]
