"""Configuration found upward, inline directives, and rule files: through
the CLI, on drafts with curly quotes and non-Latin names."""
from __future__ import annotations

import json

import pytest

from conftest import run_cli, run_json

DRAFT = (
    "The regime’s “blitzkrieg” — 🔥 — left Ḥalab.\n"  # regime (own voice), blitzkrieg (scare quotes)
    "It was a crushing blow for the thugs.\n"  # info, warning
)


def rule_ids(data):
    return [f["rule_id"] for f in data["findings"]]


@pytest.fixture
def project(tmp_path):
    deep = tmp_path / "newsroom" / "desk" / "world"
    deep.mkdir(parents=True)
    (deep / "story.md").write_text(DRAFT, encoding="utf-8")
    return tmp_path


# ---------------------------------------------------------------- config


def test_no_config_uses_bundled_rules(project):
    code, data = run_json("newsroom", cwd=project)
    assert rule_ids(data) == ["loaded-term/regime", "loaded-term/blitzkrieg", "loaded-term/crushing-blow",
                              "loaded-term/thug"]


def test_copydesk_toml_found_upward(project):
    (project / "newsroom" / "copydesk.toml").write_text(
        'disable = ["loaded-term/regime", "loaded-term/crushing-blow"]\n'
        '[severity]\n"loaded-term/thug" = "error"\n', encoding="utf-8")
    code, data = run_json("newsroom/desk/world/story.md", cwd=project)
    assert rule_ids(data) == ["loaded-term/blitzkrieg", "loaded-term/thug"]
    assert [f["severity"] for f in data["findings"]] == ["warning", "error"]
    # --fail-on error now fails on the thug finding alone.
    assert run_cli("check", "--fail-on", "error", "newsroom", cwd=project).returncode == 1


def test_pyproject_tool_section(project):
    (project / "newsroom" / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.copydesk]\ndisable = ["loaded-term"]\nenable = ["loaded-term/thug"]\n',
        encoding="utf-8")
    code, data = run_json("newsroom", cwd=project)
    assert rule_ids(data) == ["loaded-term/thug"]


def test_pyproject_without_the_section_is_skipped(project):
    (project / "newsroom" / "desk" / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    (project / "newsroom" / "copydesk.toml").write_text('disable = ["loaded-term/thug"]\n', encoding="utf-8")
    code, data = run_json("newsroom", cwd=project)
    assert "loaded-term/thug" not in rule_ids(data) and "loaded-term/regime" in rule_ids(data)


def test_nearest_config_wins_per_folder(project):
    (project / "newsroom" / "copydesk.toml").write_text('disable = ["loaded-term/regime"]\n', encoding="utf-8")
    other = project / "newsroom" / "other"
    other.mkdir()
    (other / "copydesk.toml").write_text('disable = ["loaded-term/thug"]\n', encoding="utf-8")
    (other / "b.md").write_text(DRAFT, encoding="utf-8")
    code, data = run_json("newsroom", cwd=project)
    by_path = {}
    for f in data["findings"]:
        by_path.setdefault(f["path"], []).append(f["rule_id"])
    assert "loaded-term/regime" not in by_path["newsroom/desk/world/story.md"]
    assert "loaded-term/thug" in by_path["newsroom/desk/world/story.md"]
    assert "loaded-term/regime" in by_path["newsroom/other/b.md"]
    assert "loaded-term/thug" not in by_path["newsroom/other/b.md"]


def test_include_exclude_relative_to_the_config(project):
    (project / "newsroom" / "copydesk.toml").write_text(
        'include = ["*.md", "*.draft"]\nexclude = ["desk/world/**"]\n', encoding="utf-8")
    (project / "newsroom" / "desk" / "x.draft").write_text(DRAFT, encoding="utf-8")
    code, data = run_json("newsroom", cwd=project)
    assert [f["path"] for f in data["files"]] == ["newsroom/desk/x.draft"]


def test_extra_rule_pack_from_config(project):
    (project / "newsroom" / "house.yml").write_text(
        "rules:\n"
        "  - id: loaded-term/halab\n"
        "    check: loaded-term\n"
        "    severity: info\n"
        "    terms: [Ḥalab]\n"
        "    suggestions: [Aleppo]\n"
        "    message: Use the English name, {suggestions}.\n"
        "    rationale: House style.\n", encoding="utf-8")
    (project / "newsroom" / "copydesk.toml").write_text('rules = ["house.yml"]\n', encoding="utf-8")
    code, data = run_json("newsroom", cwd=project)
    halab = [f for f in data["findings"] if f["rule_id"] == "loaded-term/halab"]
    assert [f["text"] for f in halab] == ["Ḥalab"]
    line = DRAFT.splitlines()[0]
    assert halab[0]["column"] == line.index("Ḥalab") + 1
    assert halab[0]["range"]["start"]["character"] == line.index("Ḥalab") + 1  # after the emoji


def test_config_errors_are_located_and_exit_2(project):
    cfg = project / "newsroom" / "copydesk.toml"
    cfg.write_text('disable = "loaded-term/regime"\nwhatever = 1\n[severity]\n"loaded-term/thug" = "loud"\n',
                   encoding="utf-8")
    proc = run_cli("check", "newsroom", cwd=project)
    assert proc.returncode == 2 and proc.stdout_text == ""
    err = proc.stderr_text
    assert f"{cfg}:1:1: 'disable' must be a list of strings" in err
    assert f"{cfg}:2:1: unknown setting 'whatever'" in err
    assert "severity for 'loaded-term/thug' must be one of error, warning, info, hint" in err
    cfg.write_text('disable = [\n', encoding="utf-8")
    proc = run_cli("check", "newsroom", cwd=project)
    assert proc.returncode == 2 and f"{cfg}:" in proc.stderr_text and "TOML syntax error" in proc.stderr_text
    assert "Traceback" not in proc.stderr_text


def test_explicit_config_file(project):
    (project / "strict.toml").write_text('disable = ["loaded-term"]\n', encoding="utf-8")
    code, data = run_json("--config", "strict.toml", "newsroom", cwd=project)
    assert code == 0 and data["findings"] == []
    proc = run_cli("check", "--config", "nope.toml", "newsroom", cwd=project)
    assert proc.returncode == 2 and "nope.toml: no such config file" in proc.stderr_text


# ------------------------------------------------------------ directives


def lint_md(text, tmp_path):
    (tmp_path / "d.md").write_text(text, encoding="utf-8")
    code, data = run_json("d.md", cwd=tmp_path)
    return [(f["line"], f["rule_id"]) for f in data["findings"]]


def test_disable_enable_block_for_one_rule(tmp_path):
    text = ("The regime — one.\n\n"
            "<!-- copydesk-disable loaded-term/regime -->\n\n"
            "The regime’s thugs — two.\n\n"
            "<!-- copydesk-enable loaded-term/regime -->\n\n"
            "The regime — three.\n")
    assert lint_md(text, tmp_path) == [(1, "loaded-term/regime"), (5, "loaded-term/thug"),
                                       (9, "loaded-term/regime")]


def test_disable_without_rule_silences_everything_until_enable(tmp_path):
    text = ("<!-- copydesk-disable -->\n\nThe regime’s thugs.\n\n<!-- copydesk-enable -->\n\n"
            "The regime’s thugs.\n")
    assert lint_md(text, tmp_path) == [(7, "loaded-term/regime"), (7, "loaded-term/thug")]


def test_disable_without_enable_runs_to_the_end(tmp_path):
    text = "The regime.\n\n<!-- copydesk-disable loaded-term -->\n\nThe regime.\n\nThe thugs.\n"
    assert lint_md(text, tmp_path) == [(1, "loaded-term/regime")]


def test_disable_next_line_with_and_without_rule(tmp_path):
    text = ("<!-- copydesk-disable-next-line loaded-term/regime -->\n"
            "The regime’s thugs — Дамаск.\n\n"
            "<!-- copydesk-disable-next-line -->\n"
            "The regime’s thugs.\n\n"
            "The regime’s thugs.\n")
    assert lint_md(text, tmp_path) == [(2, "loaded-term/thug"), (7, "loaded-term/regime"),
                                       (7, "loaded-term/thug")]


def test_directives_inside_code_do_nothing(tmp_path):
    text = "```\n<!-- copydesk-disable -->\n```\n\nThe regime.\n"
    assert lint_md(text, tmp_path) == [(5, "loaded-term/regime")]


# ------------------------------------------------------------ rule files


GOOD_RULE = """\
rules:
  - id: loaded-term/house
    check: loaded-term
    severity: warning
    terms: [junta]
    suggestions: [military government]
    message: "“{match}”: use {suggestions}."
    rationale: House style.
"""


def validate(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    proc = run_cli("rules", "validate", str(p), cwd=tmp_path)
    assert "Traceback" not in proc.stderr_text + proc.stdout_text
    return proc, str(p)


def test_validate_good_file_and_bundled_packs(tmp_path):
    proc, path = validate(tmp_path, "good.yml", GOOD_RULE)
    assert proc.returncode == 0 and "1 rules in 1 file(s): OK" in proc.stdout_text
    proc = run_cli("rules", "validate")
    assert proc.returncode == 0, proc.stdout_text + proc.stderr_text


def test_validate_yaml_syntax_error(tmp_path):
    proc, path = validate(tmp_path, "syntax.yml", "rules:\n  - id: x\n    terms: [a, b\n    message: hi\n")
    assert proc.returncode == 2
    line = proc.stdout_text.splitlines()[0]
    assert line.startswith(f"{path}:") and "YAML syntax error" in line
    _, ln, col, _ = line.split(":", 3)[0:1] + line[len(path) + 1:].split(":", 2)
    assert int(ln) >= 3 and int(col) >= 1


def test_validate_schema_violation(tmp_path):
    text = GOOD_RULE.replace("severity: warning", "severity: loud").replace("    rationale: House style.\n",
                                                                           "    rationale: x\n    colour: red\n")
    proc, path = validate(tmp_path, "schema.yml", text)
    assert proc.returncode == 2
    out = proc.stdout_text
    assert f"{path}:4:15: rules[0].severity: 'loud' is not one of" in out
    assert f"{path}:9:5: unknown field 'colour'" in out or f"{path}:4:15:" in out


def test_validate_unknown_check_kind(tmp_path):
    proc, path = validate(tmp_path, "kind.yml", GOOD_RULE.replace("check: loaded-term", "check: vibes"))
    assert proc.returncode == 2
    assert f"{path}:3:12: unknown check kind 'vibes' (known: " in proc.stdout_text


def test_validate_bad_regex(tmp_path):
    text = GOOD_RULE.replace("    terms: [junta]\n", "    patterns: ['junta(']\n")
    proc, path = validate(tmp_path, "regex.yml", text)
    assert proc.returncode == 2
    assert proc.stdout_text.startswith(f"{path}:5:16: loaded-term/house: ")


def test_validate_duplicate_id(tmp_path):
    proc, path = validate(tmp_path, "dup.yml", GOOD_RULE + GOOD_RULE.split("rules:\n", 1)[1])
    assert proc.returncode == 2
    assert f"{path}:9:5: duplicate rule id 'loaded-term/house' (first at line 2)" in proc.stdout_text


def test_validate_missing_file(tmp_path):
    proc = run_cli("rules", "validate", "nope.yml", cwd=tmp_path)
    assert proc.returncode == 2 and "nope.yml:1:1: no such file or directory" in proc.stderr_text


def test_check_with_a_broken_rule_file_lints_nothing(tmp_path):
    (tmp_path / "bad.yml").write_text(GOOD_RULE.replace("check: loaded-term", "check: vibes"), encoding="utf-8")
    (tmp_path / "d.md").write_text(DRAFT, encoding="utf-8")
    proc = run_cli("check", "--rules", "bad.yml", "d.md", cwd=tmp_path)
    assert proc.returncode == 2 and proc.stdout_text == ""
    assert "bad.yml:3:12: unknown check kind 'vibes'" in proc.stderr_text
    assert "nothing was linted" in proc.stderr_text


def test_yaml_cannot_construct_objects(tmp_path):
    text = "rules: !!python/object/apply:os.system ['touch pwned']\n"
    proc, path = validate(tmp_path, "evil.yml", text)
    assert proc.returncode == 2 and not (tmp_path / "pwned").exists()
    assert f"{path}:1:8: YAML syntax error" in proc.stdout_text


def test_rules_list_and_explain(tmp_path):
    proc = run_cli("rules", "list", cwd=tmp_path)
    assert proc.returncode == 0
    ids = [line.split()[0] for line in proc.stdout_text.splitlines()]
    assert "loaded-term/regime" in ids and "loaded-term/jihadist" in ids
    proc = run_cli("rules", "list", "--json", "--disable", "loaded-term/regime", cwd=tmp_path)
    rows = {r["id"]: r for r in json.loads(proc.stdout_text)}
    assert rows["loaded-term/regime"]["enabled"] is False and rows["loaded-term/thug"]["enabled"] is True
    proc = run_cli("rules", "explain", "loaded-term/regime", cwd=tmp_path)
    assert proc.returncode == 0
    assert "BBC" in proc.stdout_text and "suggestions: government" in proc.stdout_text
    proc = run_cli("rules", "explain", "loaded-term/regim", cwd=tmp_path)
    assert proc.returncode == 2 and "did you mean loaded-term/regime" in proc.stderr_text
    proc = run_cli("rules", "schema", cwd=tmp_path)
    assert proc.returncode == 0 and "loaded-term" in json.dumps(json.loads(proc.stdout_text))
