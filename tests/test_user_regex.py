"""User regexes (a loaded-term rule's ``patterns``) run on RE2: linear time,
so catastrophic backtracking patterns cannot hang a lint, and syntax RE2 does
not support is a located error rather than a silent fallback."""
from __future__ import annotations

import json

import pytest
import yaml

from conftest import run_cli

# Each of these takes Python's backtracking ``re`` hours or more on the line
# below; RE2 answers in linear time.
CATASTROPHIC = [r"(a+)+$", r"(a|a)*$", r"(a|aa)+$", r"(a*)*b", r"(.*a){20}", r"(\w+\s?)+$", r"^(a+)+x"]
LONG_LINE = "a" * 60_000 + "!"
# Only a hang could trip this: a run takes well under a second.
HANG_GUARD_SECONDS = 120


def _pack(tmp_path, patterns):
    pack = tmp_path / "patterns.yml"
    pack.write_text(yaml.safe_dump({"rules": [
        {"id": "loaded-term/catastrophic", "check": "loaded-term", "message": "pattern hit: {match}",
         "patterns": patterns},
        {"id": "loaded-term/regime-pattern", "check": "loaded-term", "message": "pattern hit: {match}",
         "patterns": [r"\bregimes?\b"]},
    ]}), encoding="utf-8")
    return pack


def test_catastrophic_patterns_do_not_hang_the_cli(tmp_path):
    pack = _pack(tmp_path, CATASTROPHIC)
    draft = tmp_path / "draft.md"
    draft.write_text(f"{LONG_LINE}\n\nThe regime fell on Sunday.\n\n{LONG_LINE[:-1]}\n", encoding="utf-8")
    proc = run_cli("check", "--no-default-rules", "--rules", str(pack), "--format", "json",
                   str(draft), timeout=HANG_GUARD_SECONDS)
    assert proc.returncode == 1, proc.stderr_text
    findings = json.loads(proc.stdout_text)["findings"]
    # The patterns still work: the plain one finds "regime", and on the last
    # paragraph (all a's) the catastrophic ones match the whole line.
    assert [(f["rule_id"], f["line"]) for f in findings if f["text"] == "regime"] == [
        ("loaded-term/regime-pattern", 3)]
    tail = [f for f in findings if f["line"] == 5]
    assert tail and tail[0]["rule_id"] == "loaded-term/catastrophic"
    assert not [f for f in findings if f["line"] == 1 and f["rule_id"] == "loaded-term/regime-pattern"]


def test_catastrophic_patterns_on_stdin_with_many_lines(tmp_path):
    pack = _pack(tmp_path, CATASTROPHIC)
    text = "\n".join(["a" * 2000 + "!"] * 200) + "\n"  # one 400 kB paragraph
    proc = run_cli("check", "--no-default-rules", "--rules", str(pack), "-", "--stdin-filename", "d.txt",
                   input=text, timeout=HANG_GUARD_SECONDS)
    assert proc.returncode in (0, 1), proc.stderr_text
    assert "Traceback" not in proc.stderr_text


def test_user_regexes_compile_with_re2():
    from copydesk.userregex import compile_user_regex

    rx = compile_user_regex(r"(a+)+$")
    assert type(rx).__module__.startswith("re2")
    assert rx.search(LONG_LINE) is None


@pytest.mark.parametrize("pattern,reason", [
    (r"(a)\1", "backreferences"),
    (r"(?<=a)b", "lookaround"),
    (r"(?<!a)b", "lookaround"),
    (r"a(?=b)", "lookaround"),
    (r"a(?!b)", "lookaround"),
    (r"(?P<x>a)(?P=x)", "invalid"),
    (r"[z-a]", "invalid character class range"),
    (r"(unclosed", "missing )"),
    (r"a{2000}{2000}", "invalid"),
])
def test_unsupported_or_broken_regex_is_a_located_error(tmp_path, pattern, reason):
    pack = tmp_path / "bad.yml"
    pack.write_text(
        "rules:\n"
        "  - id: loaded-term/bad\n"
        "    check: loaded-term\n"
        "    message: m\n"
        "    patterns:\n"
        "      - ok\n"
        f"      - {json.dumps(pattern)}\n",
        encoding="utf-8",
    )
    for proc, out in ((p := run_cli("rules", "validate", str(pack)), p.stdout_text),
                      (q := run_cli("check", "--rules", str(pack), "-", input="x\n"), q.stderr_text)):
        assert proc.returncode == 2
        assert "Traceback" not in proc.stderr_text
        assert f"{pack}:7:9: loaded-term/bad: invalid regular expression" in out, out
        assert reason in out, out
