"""Broken rule files: every kind of mistake is reported as
``file:line:col: message`` at the right place; ``copydesk rules validate``
and ``copydesk check`` exit 2 without a traceback, and check lints nothing.

Hostile files (huge, nested thousands deep, alias bombs) are refused with a
message too, quickly and without exhausting memory.
"""
from __future__ import annotations

import pytest

from conftest import run_cli

RULE = "  - id: loaded-term/x\n    check: loaded-term\n    message: m\n    terms: [regime]\n"


def _alias_bomb() -> str:
    # "Billion laughs": 9 levels of 9 aliases each = 9**9 nodes once expanded.
    lines = ['l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\nrules: []\n"


# name -> (file content, line, column, words the message must contain)
CASES: dict[str, tuple[str | bytes, int, int, str]] = {
    "yaml-syntax": ("rules:\n  - id: loaded-term/x\n    message: [unclosed\n", 4, 1, "YAML syntax error"),
    "yaml-tab-indent": ("rules:\n\t- id: loaded-term/x\n", 2, 1, "YAML syntax error"),
    "yaml-two-documents": ("rules: []\n---\nrules: []\n", 2, 1, "YAML syntax error"),
    "yaml-undefined-alias": ("rules: *nowhere\n", 1, 8, "undefined alias"),
    "schema-missing-field": ("rules:\n  - id: loaded-term/x\n    check: loaded-term\n    terms: [regime]\n",
                             2, 5, "'message' is required"),
    "schema-unknown-field": ("rules:\n" + RULE + "    sugestions: [government]\n", 6, 5,
                             "unknown field 'sugestions'"),
    "schema-bad-severity": ("rules:\n" + RULE + "    severity: fatal\n", 6, 15, "'fatal' is not one of"),
    "schema-bad-id": ("rules:\n  - id: Regime\n    check: loaded-term\n    message: m\n    terms: [x]\n",
                      2, 9, "does not match"),
    "schema-no-terms-or-patterns": ("rules:\n  - id: loaded-term/x\n    check: loaded-term\n    message: m\n",
                                    2, 5, "needs at least one of 'terms', 'patterns'"),
    "schema-rules-not-a-list": ("rules: loaded-term/x\n", 1, 8, "rules: expected a list, got a string"),
    "schema-rules-a-mapping": ("rules:\n  id: loaded-term/x\n", 2, 3, "rules: expected a list, got a mapping"),
    "schema-rule-not-a-mapping": ("rules:\n  - loaded-term/x\n", 2, 5, "rules[0]: expected a mapping"),
    "schema-non-string-items": ("rules:\n  - id: loaded-term/x\n    check: loaded-term\n    message: m\n"
                                "    terms: [regime, 42]\n", 5, 21, "terms[1]: expected a string, got an integer"),
    "schema-top-level-list": ("- id: loaded-term/x\n", 1, 1, "expected a mapping, got a list"),
    "schema-bad-lexicon": ("lexicons:\n  reporting_verbs: said\nrules: []\n", 2, 20, "a lexicon is a list of words"),
    "blank-term": ("rules:\n" + RULE.replace("[regime]", "[regime, '  ']"), 5, 21, "terms[1] is blank"),
    "unknown-check-kind": ("rules:\n  - id: bias/x\n    check: bias\n    message: m\n", 3, 12,
                           "unknown check kind 'bias'"),
    "bad-regex": ("rules:\n  - id: loaded-term/x\n    check: loaded-term\n    message: m\n"
                  "    patterns: ['(?<!not )regime']\n", 5, 16, "invalid regular expression"),
    "duplicate-id": ("rules:\n" + RULE + RULE.replace("[regime]", "[junta]"), 6, 5,
                     "duplicate rule id 'loaded-term/x' (first at line 2)"),
    "duplicate-key": ("rules:\n" + RULE + "    message: again\n", 6, 5, "duplicate key 'message' (first at line 4)"),
    "empty-file": ("", 1, 1, "empty rule file"),
    "comments-only": ("# TODO: rules\n", 1, 1, "empty rule file"),
    "not-utf8": ("rules:\n  - id: loaded-term/x\n    message: caf".encode() + b"\xe9\n", 3, 17,
                 "invalid UTF-8 at byte offset 45"),
    "huge-file": ("rules: []\n" + "# padding padding padding padding padding\n" * 110_000, 1, 1, "over 4 MB"),
    "deep-nesting": ("rules: " + "[" * 5000 + "]" * 5000 + "\n", 1, 71, "nested more than 64 levels"),
    "alias-bomb": (_alias_bomb(), 6, 15, "expands to more than"),
    "recursive-alias": ("rules: &loop\n  - *loop\n", 2, 5, "refers to a node that contains it"),
    "python-tag": ("rules: !!python/object/apply:os.getcwd []\n", 1, 8, "is not allowed"),
}


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bad-rules")
    paths = {}
    for name, (content, *_rest) in CASES.items():
        p = folder / f"{name}.yml"
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")
        paths[name] = p
    return folder, paths


@pytest.fixture(scope="module")
def validate_run(bad_files):
    folder, _ = bad_files
    # A generous timeout: only a hang (alias bomb, deep nesting) could trip it.
    return run_cli("rules", "validate", str(folder), timeout=120)


@pytest.fixture(scope="module")
def check_run(bad_files, tmp_path_factory):
    folder, paths = bad_files
    draft = tmp_path_factory.mktemp("draft") / "draft.md"
    draft.write_text("The regime fell on Sunday.\n", encoding="utf-8")
    args = []
    for p in paths.values():
        args += ["--rules", str(p)]
    return run_cli("check", *args, str(draft), timeout=120)


def test_validate_exits_2_without_traceback(validate_run):
    assert validate_run.returncode == 2
    assert "Traceback" not in validate_run.stdout_text + validate_run.stderr_text
    assert f"{len(CASES)} problem(s)" in validate_run.stderr_text or "problem(s)" in validate_run.stderr_text


def test_check_exits_2_and_lints_nothing(check_run):
    assert check_run.returncode == 2
    assert "Traceback" not in check_run.stdout_text + check_run.stderr_text
    assert "nothing was linted" in check_run.stderr_text
    assert "loaded-term/regime" not in check_run.stdout_text


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_error_is_located(name, bad_files, validate_run, check_run):
    _, paths = bad_files
    _, line, col, words = CASES[name]
    prefix = f"{paths[name]}:{line}:{col}: "
    for where, out in (("rules validate", validate_run.stdout_text), ("check", check_run.stderr_text)):
        mine = [l for l in out.splitlines() if l.startswith(f"{paths[name]}:")]
        assert mine, f"{where}: no error for {name}:\n{out}"
        assert any(l.startswith(prefix) and words in l for l in mine), f"{where}: {mine}"
        assert all(len(l) < 600 for l in mine), "messages must stay short"


def test_one_file_per_error_class_validated_alone(bad_files):
    """Each file on its own also fails (no error hides behind another)."""
    _, paths = bad_files
    proc = run_cli("rules", "validate", str(paths["duplicate-id"]))
    assert proc.returncode == 2
    assert proc.stdout_text.count("duplicate rule id") == 1


def test_good_rules_in_a_bad_file_still_load():
    """The engine keeps the valid rules of a file with a broken one (a
    language server can keep linting while the user fixes the file)."""
    from copydesk.rules import load_pack

    text = "rules:\n" + RULE + "  - id: loaded-term/y\n    check: loaded-term\n    message: m\n    terms: 5\n"
    rules, _, errors = load_pack("pack.yml", text)
    assert [r.id for r in rules] == ["loaded-term/x"]
    assert [str(e) for e in errors] == ["pack.yml:9:12: terms: expected a list, got an integer 5"]
