"""Fixes know how far they can be trusted: `copydesk check --fix` writes the
safe ones (whatever the rule's id), leaves the rest, reports what is left
and still fails while findings remain; JSON and SARIF carry every fix with
its applicability, the attribution check's placeholder included."""
from __future__ import annotations

import json

from conftest import run_cli

HOUSE = """rules:
  - id: house-style/onslaught
    check: loaded-term
    terms: [onslaught]
    suggestions: [offensive]
    message: "“{match}”: use {suggestions}."
"""


def test_check_fix_writes_safe_fixes_and_reports_what_is_left(tmp_path):
    (tmp_path / "house.yml").write_text(HOUSE, encoding="utf-8")
    draft = tmp_path / "d.md"
    original = ("# Aleppo\n\nThe onslaught 🙂 began; so-called moderates joined the regime’s “Onslaught”.\n\n"
                "The fighting has left over 500 deaths.\n")
    draft.write_bytes(b"\xef\xbb\xbf" + original.encode("utf-8"))
    proc = run_cli("check", "--fix", "--rules", str(tmp_path / "house.yml"), "--format", "json", str(draft))
    assert proc.returncode == 1, proc.stderr_text  # findings remain
    fixed = draft.read_bytes()
    assert fixed.startswith(b"\xef\xbb\xbf")  # the byte-order mark is kept
    assert fixed[3:].decode("utf-8") == (
        "# Aleppo\n\nThe offensive 🙂 began; self-styled moderates joined the regime’s “Offensive”.\n\n"
        "The fighting has left over 500 deaths.\n")
    assert "applied 3 safe fix(es) in 1 file(s); 3 finding(s) remain" in proc.stderr_text
    left = json.loads(proc.stdout_text)["findings"]
    assert sorted(f["rule_id"] for f in left) == [
        "attribution/unattributed-claim", "figures/figure-mismatch", "loaded-term/regime"]
    # What is left has no safe fix: a choice of words, a placeholder to fill.
    assert {x["applicability"] for f in left for x in f["fixes"]} == {"needs-review", "display-only"}
    # Nothing left to fix: a second run changes nothing and still fails.
    again = run_cli("check", "--fix", "--rules", str(tmp_path / "house.yml"), str(draft))
    assert again.returncode == 1 and draft.read_bytes() == fixed
    assert "applied 0 safe fix(es) in 0 file(s); 3 finding(s) remain" in again.stderr_text


def test_check_fix_exits_zero_once_everything_is_fixed(tmp_path):
    draft = tmp_path / "d.md"
    draft.write_text("So-called moderate groups joined the talks.\n", encoding="utf-8")
    proc = run_cli("check", "--fix", str(draft))
    assert proc.returncode == 0, proc.stdout_text + proc.stderr_text
    assert draft.read_text(encoding="utf-8") == "Self-styled moderate groups joined the talks.\n"


def test_check_fix_through_a_symlink_rewrites_the_target(tmp_path):
    (tmp_path / "real.md").write_text("So-called rebels held the town.\n", encoding="utf-8")
    (tmp_path / "link.md").symlink_to("real.md")
    proc = run_cli("check", "--fix", str(tmp_path / "link.md"))
    assert proc.returncode == 0, proc.stderr_text
    assert (tmp_path / "link.md").is_symlink()
    assert (tmp_path / "real.md").read_text(encoding="utf-8") == "Self-styled rebels held the town.\n"


def test_check_fix_refuses_stdin():
    proc = run_cli("check", "--fix", "-", input="So-called moderates.\n")
    assert proc.returncode == 2 and "cannot fix stdin" in proc.stderr_text


def test_json_and_sarif_carry_the_placeholder_and_applicability(tmp_path):
    draft = "The fighting has left over 500 deaths. So-called moderates joined.\n"
    proc = run_cli("check", "--format", "json", "-", "--stdin-filename", "d.md", input=draft)
    findings = {f["rule_id"]: f for f in json.loads(proc.stdout_text)["findings"]}
    (placeholder,) = findings["attribution/unattributed-claim"]["fixes"]
    assert placeholder["applicability"] == "display-only"
    assert placeholder["edits"][0]["new_text"] == ", according to [SOURCE]"
    assert [x["applicability"] for x in findings["loaded-term/so-called"]["fixes"]] == ["safe"]
    proc = run_cli("check", "--format", "sarif", "-", "--stdin-filename", "d.md", input=draft)
    results = json.loads(proc.stdout_text)["runs"][0]["results"]
    apps = {r["ruleId"]: [x["properties"]["applicability"] for x in r.get("fixes", [])] for r in results}
    assert apps["attribution/unattributed-claim"] == ["display-only"]
    assert apps["loaded-term/so-called"] == ["safe"]
