"""Term matching is an automaton: linear in the text whatever the number of
terms, with explicit limits (issue 18, item 1), and the same matches as the
regex alternation it replaced."""
from __future__ import annotations

import re
import resource
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT

from copydesk.checks._termindex import MAX_TERM_CHARS, MAX_TERMS, PhraseIndex, TermIndex, core_regex

DRAFT = ROOT / "examples" / "aleppo-draft.md"


def _run_bounded(args, memory_mb=1024, timeout=900):
    """``copydesk ARGS`` in a process that cannot use more than memory_mb
    of address space nor run past the timeout (a hang fails the test)."""
    def limit():
        cap = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    proc = subprocess.run([sys.executable, "-m", "copydesk", *args], capture_output=True, timeout=timeout,
                          preexec_fn=limit)
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


def _many_terms_pack(path, count, word="w{:06d}x"):
    terms = ", ".join(word.format(i) for i in range(count))
    path.write_text("rules:\n  - id: loaded-term/many\n    check: loaded-term\n    message: m\n"
                    f"    terms: [{terms}]\n", encoding="utf-8")


def test_a_rule_with_150000_terms_lints_the_example_in_bounded_time_and_memory(tmp_path):
    """The issue's reproducer: it used to run for over 300 s at 566 MB."""
    pack = tmp_path / "p.yml"
    _many_terms_pack(pack, 150_000)
    draft = tmp_path / "d.md"
    draft.write_text(DRAFT.read_text(encoding="utf-8") + "\nThe w149999x and W000007Xs met.\n", encoding="utf-8")
    code, out, err = _run_bounded(["check", "--rules", str(pack), "--format", "json", str(draft)])
    assert code == 1, err
    import json

    found = [(f["rule_id"], f["text"]) for f in json.loads(out)["findings"] if f["rule_id"] == "loaded-term/many"]
    assert found == [("loaded-term/many", "w149999x"), ("loaded-term/many", "W000007Xs")]


def test_too_many_terms_is_a_clear_error(tmp_path):
    pack = tmp_path / "p.yml"
    # Over the per-rule limit but under the file's node limit.
    terms = ", ".join(f"w{i}" for i in range(MAX_TERMS + 1))
    pack.write_text("rules:\n  - id: loaded-term/many\n    check: loaded-term\n    message: m\n"
                    f"    terms: [{terms}]\n", encoding="utf-8")
    code, out, err = _run_bounded(["rules", "validate", str(pack)])
    assert code == 2
    assert f"{pack}:5:12: loaded-term/many: terms has {MAX_TERMS + 1:,} entries; a rule holds at most {MAX_TERMS:,}" in out, out


def test_overlong_and_empty_terms_are_located_errors(tmp_path):
    pack = tmp_path / "p.yml"
    long = "a" * (MAX_TERM_CHARS + 1)
    pack.write_text("rules:\n  - id: loaded-term/x\n    check: loaded-term\n    message: m\n"
                    f"    terms: [ok, {long}, '--']\n    except: [a-b-c-d-e-f]\n", encoding="utf-8")
    code, out, err = _run_bounded(["rules", "validate", str(pack)])
    assert code == 2
    assert f"terms[1] is {MAX_TERM_CHARS + 1:,} characters long; a term or phrase is at most {MAX_TERM_CHARS}" in out
    assert "terms[2] has no letter or digit" in out
    assert "except[0] has 5 hyphens; at most 4" in out


# ---------------------------------------------------------------- same matches

TERMS = ["terrorist", "terrorism", "terror group", "terror attack", "so-called", "regime", "thug",
         "freedom fighter", "Islamist", "crushing blow", "anti-war", "a-b-c", "man", "men", "go"]
PIECES = ["terror", "ist", "ism", " ", "  ", "\n", "-", "group", "attack", "so", "called", "regime", "s", "es",
          "REGIME", "Thug", "'", "’", "x", "freedom", "fighter", "a", "b", "c", "anti", "war", "man", "men",
          "go", "_", "İ", "\t", "1", "é", "\u00a0"]


def _alternation(terms):
    ordered = sorted(terms, key=len, reverse=True)
    firsts = "".join(sorted({re.escape(t[:1].lower()) for t in ordered}))
    rx = re.compile(rf"(?<![^\W_])(?=[{firsts}])(?:"
                    + "|".join(f"(?P<t{i}>{core_regex(t)})" for i, t in enumerate(ordered)) + ")", re.I)
    return ordered, rx


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_the_automaton_finds_what_the_alternation_found(pieces):
    text = "".join(pieces)
    ordered, rx = _alternation(TERMS)
    expected = [(int(m.lastgroup[1:]), m.start(), m.end()) for m in rx.finditer(text)]
    assert list(TermIndex(ordered).finditer(text)) == expected


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(["sanctions", " ", "  ", "\n", "regime", "change", "counter", "-", "terrorism",
                                 "X", "İ"]), max_size=30))
def test_except_phrases_cover_every_span_the_regex_found(pieces):
    text = "".join(pieces)
    phrases = ["sanctions regime", "counter-terrorism", "regime change"]
    rx = re.compile("|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases), re.I)
    assert {m.span() for m in rx.finditer(text)} <= set(PhraseIndex(phrases).spans(text))
