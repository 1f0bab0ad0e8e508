"""Every output format, through the CLI, on text with curly quotes, em
dashes, emoji and non-Latin names."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from conftest import run_cli, run_json

SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"

# Line 3 has an emoji (two UTF-16 units) and a combining-free non-Latin name
# before the loaded term, so character and UTF-16 columns differ.
DRAFT = (
    "# Aleppo — the day after\n"
    "\n"
    "Ḥalab 🔥 — the regime’s forces left, and the jihadists’ flag went up.\n"
    "\n"
    "Дмитрий Песков said Moscow was “concerned”.\n"
)


@pytest.fixture
def draft(tmp_path):
    p = tmp_path / "drafts" / "ḥalab 1.md"
    p.parent.mkdir()
    p.write_text(DRAFT, encoding="utf-8")
    return p


def sarif_validator():
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    assert schema["id"].endswith("/sarif-schema-2.1.0.json")  # the official OASIS schema
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def test_json_positions_count_utf16_units(draft, tmp_path):
    code, data = run_json("drafts", cwd=tmp_path)
    assert code == 1
    by_text = {f["text"]: f for f in data["findings"]}
    assert set(by_text) == {"regime’s", "jihadists’"}
    line = DRAFT.splitlines()[2]
    f = by_text["regime’s"]
    chars = line.index("regime")
    assert f["path"] == "drafts/ḥalab 1.md"
    assert (f["line"], f["column"]) == (3, chars + 1)  # humans: characters, 1-based
    assert f["range"]["start"] == {"line": 2, "character": chars + 1}  # LSP: UTF-16, the emoji counts 2
    assert f["range"]["end"] == {"line": 2, "character": chars + 1 + len("regime’s")}
    assert f["fixes"][0]["edits"][0]["new_text"] == "government"


def test_sarif_is_valid_against_the_official_schema(draft, tmp_path):
    proc = run_cli("check", "--format", "sarif", "drafts", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr_text
    log = json.loads(proc.stdout_text)
    errors = sorted(sarif_validator().iter_errors(log), key=str)
    assert not errors, [e.message for e in errors]

    run = log["runs"][0]
    assert log["version"] == "2.1.0"
    assert run["columnKind"] == "utf16CodeUnits"
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    regime = rules["loaded-term/regime"]
    assert regime["defaultConfiguration"]["level"] == "warning"
    assert regime["helpUri"].startswith("https://")
    assert "BBC" in regime["fullDescription"]["text"]
    assert regime["shortDescription"]["text"]
    assert regime["name"] == "LoadedTermRegime"

    results = {r["locations"][0]["physicalLocation"]["region"]["snippet"]["text"]: r for r in run["results"]}
    r = results["regime’s"]
    assert r["ruleId"] == "loaded-term/regime" and r["level"] == "warning"
    assert run["tool"]["driver"]["rules"][r["ruleIndex"]]["id"] == "loaded-term/regime"
    loc = r["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "drafts/%E1%B8%A5alab%201.md", "uriBaseId": "%SRCROOT%"}
    col16 = len(DRAFT.splitlines()[2][: DRAFT.splitlines()[2].index("regime")].encode("utf-16-le")) // 2
    assert loc["region"] == {
        "startLine": 3, "startColumn": col16 + 1, "endLine": 3, "endColumn": col16 + 1 + len("regime’s"),
        "snippet": {"text": "regime’s"},
    }
    fix = r["fixes"][0]
    replacement = fix["artifactChanges"][0]["replacements"][0]
    assert replacement["insertedContent"]["text"] == "government"
    assert replacement["deletedRegion"]["startColumn"] == col16 + 1
    assert replacement["deletedRegion"]["endColumn"] == col16 + 1 + len("regime")
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")
    assert run["invocations"][0]["executionSuccessful"] is True


def test_sarif_related_locations_and_notifications_are_valid(tmp_path):
    """Evidence (as the figures check reports it) and unreadable files still
    give a valid log."""
    from copydesk.findings import Evidence, Finding
    from copydesk.formats import formats
    from copydesk.report import FileReport, Report
    from copydesk.text.document import Document
    import io

    corpus = tmp_path / "seed.txt"
    corpus.write_text("Title\n🔥 Ḥalab: over 412 deaths.\n", encoding="utf-8")
    doc = Document("Over 500 deaths 🔥 in Aleppo.\n", path="d.md")
    f = Finding("figures/figure-mismatch", "warning", "500 vs 412", 5, 8,
                related=(Evidence("seeds/000.txt", 4, 12, "over 412 deaths", "the corpus says 412"),
                         Evidence("/abs/seeds/001.txt", 9, 1, "", ""),
                         Evidence(str(corpus), 2, 10, "over 412 deaths", "", end_column=25)))
    report = Report(files=[FileReport("d.md", doc, [f]).compact(), FileReport("bad.md", None, error="binary file")])
    out = io.StringIO()
    formats()["sarif"].render(report, out, color=False, options={})
    log = json.loads(out.getvalue())
    assert not list(sarif_validator().iter_errors(log))
    result = log["runs"][0]["results"][0]
    assert "ruleIndex" not in result  # the rule is not in this report's rule set
    related = result["relatedLocations"]
    assert related[0]["physicalLocation"]["artifactLocation"]["uri"] == "seeds/000.txt"
    # A file that cannot be read: the line only (its column unit is unknown).
    assert related[0]["physicalLocation"]["region"] == {"startLine": 4, "snippet": {"text": "over 412 deaths"}}
    # A readable one: character columns become UTF-16 columns (the emoji counts 2).
    assert related[2]["physicalLocation"]["region"] == {"startLine": 2, "startColumn": 11, "endColumn": 26,
                                                         "snippet": {"text": "over 412 deaths"}}
    assert related[0]["message"]["text"] == "the corpus says 412"
    assert related[1]["physicalLocation"]["artifactLocation"]["uri"] == "file:///abs/seeds/001.txt"
    inv = log["runs"][0]["invocations"][0]
    assert inv["executionSuccessful"] is False
    assert "bad.md: binary file" in inv["toolExecutionNotifications"][0]["message"]["text"]


def test_github_workflow_commands(draft, tmp_path):
    proc = run_cli("check", "--format", "github", "drafts", cwd=tmp_path)
    assert proc.returncode == 1
    lines = proc.stdout_text.splitlines()
    assert len(lines) == 2
    line = DRAFT.splitlines()[2]
    col16 = len(line[: line.index("regime")].encode("utf-16-le")) // 2 + 1
    assert lines[0] == (
        f"::warning file=drafts/ḥalab 1.md,line=3,col={col16},endLine=3,endColumn={col16 + 8},"
        "title=copydesk loaded-term/regime::“regime’s” for a government takes a side; use “government”, "
        "“authorities”, “administration”, or attribute the word."
    )


def test_github_escaping_and_severity_mapping():
    from copydesk.formats.github import COMMANDS, command

    assert command("warning", "50% done\r\nnext", file="a,b:c.md", line=1, title="x: y, z") == (
        "::warning file=a%2Cb%3Ac.md,line=1,title=x%3A y%2C z::50%25 done%0D%0Anext"
    )
    assert COMMANDS == {"error": "error", "warning": "warning", "info": "notice", "hint": "notice"}


def test_github_reports_unreadable_files(tmp_path):
    (tmp_path / "bad.md").write_bytes(b"caf\xe9")
    proc = run_cli("check", "--format", "github", "bad.md", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout_text.startswith("::error file=bad.md,title=copydesk input error::")
    assert "invalid UTF-8 at byte offset 3" in proc.stdout_text


def test_junit_suites_per_file(draft, tmp_path):
    (tmp_path / "drafts" / "clean.txt").write_text("The army said it held the town.\n", encoding="utf-8")
    (tmp_path / "drafts" / "bad.md").write_bytes(b"\x00\x01\x02")
    proc = run_cli("check", "--format", "junit", "drafts", cwd=tmp_path)
    assert proc.returncode == 2  # an unreadable draft outranks findings
    root = ET.fromstring(proc.stdout)
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"drafts/ḥalab 1.md", "drafts/clean.txt", "drafts/bad.md"}
    findings = suites["drafts/ḥalab 1.md"]
    assert findings.get("tests") == "2" and findings.get("failures") == "2"
    messages = [c.find("failure").get("message") for c in findings.findall("testcase")]
    assert any(m.startswith("“regime’s”") for m in messages)
    clean = suites["drafts/clean.txt"]
    assert clean.get("failures") == "0" and clean.get("tests") == "1"
    assert clean.find("testcase").find("failure") is None
    bad = suites["drafts/bad.md"]
    assert bad.get("errors") == "1" and "binary" in bad.find("testcase/error").get("message")
    assert root.get("tests") == "4" and root.get("failures") == "2" and root.get("errors") == "1"


def test_junit_survives_control_characters(tmp_path):
    (tmp_path / "c.md").write_text("The regime\x0b fell \x1b[31m.\n", encoding="utf-8")
    proc = run_cli("check", "--format", "junit", "c.md", cwd=tmp_path)
    assert proc.returncode == 1
    ET.fromstring(proc.stdout)  # still well-formed XML


def test_text_format_plain_when_piped_and_coloured_on_request(draft, tmp_path):
    proc = run_cli("check", "drafts", cwd=tmp_path)
    assert proc.returncode == 1
    line = DRAFT.splitlines()[2]
    assert proc.stdout_text.splitlines()[0] == (
        f"drafts/ḥalab 1.md:3:{line.index('regime') + 1}: warning [loaded-term/regime] "
        "“regime’s” for a government takes a side; use “government”, “authorities”, “administration”, "
        "or attribute the word."
    )
    assert "\x1b[" not in proc.stdout_text and "finding" not in proc.stdout_text.splitlines()[-1]
    coloured = run_cli("check", "--color", "drafts", cwd=tmp_path)
    assert "\x1b[33mwarning\x1b[0m" in coloured.stdout_text


def test_output_file(draft, tmp_path):
    proc = run_cli("check", "-f", "json", "-o", "out/report.json", "drafts", cwd=tmp_path)
    assert proc.returncode == 2 and "cannot write the report" in proc.stderr_text  # no such folder
    (tmp_path / "out").mkdir()
    proc = run_cli("check", "-f", "json", "-o", "out/report.json", "drafts", cwd=tmp_path)
    assert proc.returncode == 1 and proc.stdout_text == ""
    assert len(json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))["findings"]) == 2


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit"])
def test_streamed_reports_hold_every_draft_and_the_totals(tmp_path, fmt):
    """JSON, SARIF and JUnit are written as the drafts come (findings spooled,
    totals at the end): still one valid document, drafts in order, totals
    that add up, with a clean draft, an unreadable one and a path that
    matched nothing in the run."""
    folder = tmp_path / "drafts"
    folder.mkdir()
    names = []
    for i in range(12):
        name = f"d{i:02d}.md"
        body = DRAFT if i % 3 else "The army said it held the town.\n"
        (folder / name).write_text(body.replace("Aleppo", f"Aleppo {i}"), encoding="utf-8")
        names.append(f"drafts/{name}")
    (folder / "z-bad.md").write_bytes(b"\x00\x01\x02")
    names.append("drafts/z-bad.md")
    proc = run_cli("check", "--format", fmt, "drafts", "missing/*.md", cwd=tmp_path)
    assert proc.returncode == 2
    if fmt == "json":
        doc = json.loads(proc.stdout)
        assert [f["path"] for f in doc["files"]] == names
        per_file = {}
        for f in doc["findings"]:
            per_file[f["path"]] = per_file.get(f["path"], 0) + 1
        assert {f["path"]: f["findings"] for f in doc["files"] if f["findings"]} == per_file
        assert sum(doc["summary"].values()) == len(doc["findings"]) == 8 * 2
        assert [f["error"] is not None for f in doc["files"]].count(True) == 1
        # The layout stays: one finding a line.
        lines = proc.stdout_text.splitlines()
        assert sum(1 for line in lines if line.startswith('    {"path": "drafts/d') and '"rule_id"' in line) == len(doc["findings"])
    elif fmt == "sarif":
        doc = json.loads(proc.stdout)
        sarif_validator().validate(doc)
        run = doc["runs"][0]
        paths = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]]
        assert paths == sorted(paths) and len(paths) == 16
        notes = [n["message"]["text"] for n in run["invocations"][0]["toolExecutionNotifications"]]
        assert notes[0].startswith("drafts/z-bad.md: ") and "missing/*.md" in notes[-1]
        assert run["invocations"][0]["executionSuccessful"] is False
    else:
        root = ET.fromstring(proc.stdout)
        suites = root.findall("testsuite")
        assert [s.get("name") for s in suites] == names + ["copydesk inputs"]
        for key in ("tests", "failures", "errors"):
            assert int(root.get(key)) == sum(int(s.get(key)) for s in suites)
        assert root.get("failures") == "16" and root.get("errors") == "2"


def test_junit_of_a_run_with_nothing_in_it():
    """No draft and no error (a report nothing was added to): an empty root."""
    import io

    from copydesk.formats import formats
    from copydesk.report import Report

    out = io.StringIO()
    formats()["junit"].render(Report(), out)
    assert out.getvalue() == ('<?xml version="1.0" encoding="UTF-8"?>\n'
                              '<testsuites name="copydesk" tests="0" failures="0" errors="0" skipped="0" />\n')


def test_every_format_is_named_after_its_module(tmp_path):
    # `copydesk check` imports only the format it writes, found by module
    # name; the help lists them by name without importing any.
    from copydesk.formats import format_module, format_names, formats

    assert format_names() == sorted(formats()) and len(format_names()) >= 6
    for name in format_names():
        assert format_module(name) is formats()[name]
    out = run_cli("check", "--help", cwd=tmp_path).stdout_text
    assert "[" + "|".join(format_names()) + "]" in out.replace("\n", "").replace(" ", "")
