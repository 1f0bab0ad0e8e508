"""``copydesk report``: through the CLI, then the page in headless Chromium
(playwright-core, as the VS Code e2e test drives it) on the example draft and
on generated bench drafts. The page's numbers must be ``copydesk check
--format json``'s for the same drafts; the page must make no request but for
itself. Screenshots and the printed PDF go to the test's tmp dir.

The browser tests need Chromium, playwright-core and axe-core (.ci/setup.d/40-report-browser.sh);
they skip without them unless COPYDESK_REQUIRE_TOOLS=1.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ROOT, run_cli, run_json
from copydesk.htmlreport import VENDOR, unpack, vendored
from vscode_build import PREFIX, missing, start_group, stop_group

PLAYWRIGHT = PREFIX / "playwright" / "node_modules" / "playwright-core"
AXE = PREFIX / "playwright" / "node_modules" / "axe-core"
DRIVER = Path(__file__).parent / "e2e" / "report_driver.cjs"
EXAMPLES = ROOT / "examples"
SEVERITIES = ("error", "warning", "info", "hint")


class _Page(HTMLParser):
    """What an HTML file would load: external resources, and the data."""

    def __init__(self):
        super().__init__()
        self.external: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False
        self._attrs: dict = {}
        self.data_text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("src", "srcset", "data", "poster"):
            if attrs.get(key):
                self.external.append(f"<{tag} {key}={attrs[key]}>")
        if tag == "link" and attrs.get("href"):
            self.external.append(f"<link href={attrs['href']}>")
        if tag == "script":
            self._in_script, self._attrs = True, attrs
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False
            if self._attrs.get("id") == "copydesk-data":
                self.data_text = self.scripts.pop()

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def read_page(path: Path) -> tuple[_Page, dict]:
    html = path.read_text(encoding="utf-8")
    parser = _Page()
    parser.feed(html)
    return parser, unpack(parser.data_text)


def write_report(*args, cwd) -> subprocess.CompletedProcess:
    proc = run_cli("report", *args, cwd=cwd, timeout=600)
    return proc


@pytest.fixture
def example_report(tmp_path):
    out = tmp_path / "report.html"
    proc = write_report(str(EXAMPLES), "-o", str(out), cwd=ROOT)
    assert proc.returncode == 0, proc.stderr_text
    assert "wrote" in proc.stderr_text
    return out


def test_page_is_self_contained_and_holds_the_json_reports_findings(example_report):
    page, data = read_page(example_report)
    assert page.external == []  # no script, stylesheet, image or frame from anywhere
    html = example_report.read_text(encoding="utf-8")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?https?:""", html, re.IGNORECASE)
    assert not re.search(r"@import|url\(\s*['\"]?https?:", html, re.IGNORECASE)
    # The same model as --format json: the same files, summary and finding dicts.
    code, report = run_json(str(EXAMPLES), cwd=ROOT)
    assert code == 1
    assert data["files"] == report["files"]
    assert data["summary"] == report["summary"]
    assert data["total"] == len(report["findings"]) > 0
    page_findings = [f for d in data["drafts"] for f in d["findings"]]
    assert page_findings == report["findings"]
    # Per rule and per draft, counts of those same findings.
    assert {r: v["count"] for r, v in data["rules"].items()} == Counter(f["rule_id"] for f in report["findings"])
    (draft,) = data["drafts"]
    assert draft["text"] == (EXAMPLES / "aleppo-draft.md").read_text(encoding="utf-8")
    assert draft["meta"] == {"title": "Rebels take Aleppo", "date": "2024-12-02"}  # from its front matter
    # Its date puts it on the timeline: one day, one draft.
    assert [(d["date"], d["drafts"]) for d in data["timeline"]] == [("2024-12-02", 1)] and data["undated"] == 0
    # Figure checks: the JSON report's counts, and the contradicted ones are its mismatch findings.
    assert data["figures"] == report["figures"]
    assert report["figures"]["contradicting"] == sum(
        1 for f in report["findings"] if f["rule_id"] == "figures/figure-mismatch" and not f["data"].get("newer"))
    # Agreeing figures are those the figures check found in the corpus: no finding, a note
    # with the corpus line that supports each.
    assert report["figures"]["agreeing"] == len(draft["agreeing"]) >= 1
    mismatched = {(f["line"], f["column"]) for f in report["findings"] if f["rule_id"].startswith("figures/")}
    for a in draft["agreeing"]:
        assert (a["line"], a["column"]) not in mismatched and a["corpus"]
        assert draft["text"].splitlines()[a["line"] - 1][a["column"] - 1:].startswith(a["figure"].split()[0])
    # The source ledger: `copydesk sources --format json`'s, and its quotations without a speaker
    # are the unattributed-quote findings.
    sources = sources_json(str(EXAMPLES), cwd=ROOT)
    (ledger,) = sources["files"]
    assert draft["ledger"]["sources"] == ledger["sources"] and ledger["sources"]
    assert [(a["speaker"], a["kind"], a["cue"]) for a in draft["ledger"]["attributions"]] == \
        [(a["speaker"], a["kind"], a["cue"]["text"]) for a in ledger["attributions"]]
    quotes = [i for i, f in enumerate(draft["findings"]) if f["rule_id"] == "attribution/unattributed-quote"]
    assert draft["ledger"]["unattributed_quotes"] == quotes
    assert data["ledger"] == ledger_totals(sources, report)


def sources_json(*args, cwd) -> dict:
    proc = run_cli("sources", "--format", "json", *args, cwd=cwd, timeout=600)
    assert proc.returncode == 0, proc.stderr_text
    return json.loads(proc.stdout_text)


def ledger_totals(sources: dict, report: dict) -> dict:
    """The overview's source numbers, counted from `copydesk sources` and `copydesk check` JSON."""
    srcs = [s for f in sources["files"] for s in f["sources"]]
    return {"drafts": len(sources["files"]),
            "attributions": sum(len(f["attributions"]) for f in sources["files"]),
            "named": sum(1 for s in srcs if s["named"]), "anonymous": sum(1 for s in srcs if not s["named"]),
            "named_attributions": sum(s["attributions"] for s in srcs if s["named"]),
            "anonymous_attributions": sum(s["attributions"] for s in srcs if not s["named"]),
            "unattributed_quotes": sum(1 for f in report["findings"] if f["rule_id"] == "attribution/unattributed-quote")}


def test_jobs_give_the_same_page(tmp_path):
    """--jobs 2 lints (and reads the ledgers) in worker processes: the page's data is --jobs 1's."""
    drafts = tmp_path / "drafts"
    gen = subprocess.run([sys.executable, str(ROOT / "bench" / "gen_drafts.py"), str(drafts), "--count", "12",
                          "--dated"], capture_output=True, text=True, check=False)
    assert gen.returncode == 0, gen.stderr
    shutil.copy(EXAMPLES / "aleppo-draft.md", drafts / "aleppo-draft.md")
    pages = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"r{jobs}.html"
        proc = write_report("drafts", "-o", str(out), "--jobs", jobs, "--enable", "figures/figure-unverified", cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr_text
        page, data = read_page(out)
        data.pop("generated")  # the minute it was written
        pages[jobs] = (page.scripts, data)
    assert pages["1"] == pages["2"]
    data = pages["2"][1]
    assert len(data["drafts"]) == 13 and data["total"] > 0 and data["ledger"]["attributions"] > 0
    _code, report = run_json("drafts", "--jobs", "2", "--enable", "figures/figure-unverified", cwd=tmp_path)
    assert data["figures"] == report["figures"]
    assert data["figures"]["agreeing"] > 0 and "unverified" in data["figures"]  # counted: the rule is on


def test_no_sources_and_no_figures(tmp_path):
    out = tmp_path / "r.html"
    proc = write_report(str(EXAMPLES), "-o", str(out), "--no-sources", "--disable", "figures", cwd=ROOT)
    assert proc.returncode == 0, proc.stderr_text
    _page, data = read_page(out)
    assert data["ledger"] is None and all(d["ledger"] is None for d in data["drafts"])
    assert data["total"] > 0
    # No figures rule ran: no counts, in the page as in the JSON report.
    _code, report = run_json(str(EXAMPLES), "--disable", "figures", cwd=ROOT)
    assert data["figures"] is None and "figures" not in report
    assert all(d["agreeing"] == [] for d in data["drafts"])


def test_chart_libraries_are_the_vendored_npm_files(example_report):
    html = example_report.read_text(encoding="utf-8")
    names = set()
    for lib in vendored():
        file = VENDOR / lib["file"]
        body = file.read_bytes()
        assert hashlib.sha256(body).hexdigest() == lib["sha256"], lib["file"]  # unchanged since fetched
        assert len(body) == lib["bytes"]
        assert lib["license"] == "BSD-3-Clause"
        licence = (VENDOR / lib["license_file"]).read_text(encoding="utf-8")
        assert "Redistribution and use in source and binary forms" in licence
        assert body.decode("utf-8") in html  # inlined byte for byte
        names.add(lib["package"])
    assert names == {"vega", "vega-lite"}


def test_unreadable_draft_is_listed_and_exit_2(tmp_path):
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    (drafts / "ok.md").write_text("The regime’s forces left Aleppo.\n", encoding="utf-8")
    (drafts / "bad.md").write_bytes(b"binary\x00data")
    out = tmp_path / "r.html"
    proc = write_report("drafts", "-o", str(out), cwd=tmp_path)
    assert proc.returncode == 2
    assert "drafts/bad.md: binary file" in proc.stderr_text
    _page, data = read_page(out)
    by_path = {d["path"]: d for d in data["drafts"]}
    assert by_path["drafts/bad.md"]["error"].startswith("binary file")
    assert by_path["drafts/bad.md"]["text"] is None
    assert [f["rule_id"] for f in by_path["drafts/ok.md"]["findings"]] == ["loaded-term/regime"]


def test_usage_and_rule_file_errors(tmp_path):
    proc = run_cli("report", "-o", str(tmp_path / "r.html"), cwd=tmp_path)
    assert proc.returncode == 2 and "no paths given" in proc.stderr_text
    proc = run_cli("report", str(EXAMPLES), cwd=tmp_path)
    assert proc.returncode == 2 and "--output" in proc.stderr_text
    bad = tmp_path / "bad.yml"
    bad.write_text("rules:\n  - id: x\n", encoding="utf-8")
    proc = run_cli("report", str(EXAMPLES), "--rules", str(bad), "-o", str(tmp_path / "r.html"), cwd=tmp_path)
    assert proc.returncode == 2 and "nothing was linted" in proc.stderr_text
    assert not (tmp_path / "r.html").exists()


def test_same_options_as_check(tmp_path):
    """--disable / --severity / --min-severity change the page as they change check's JSON."""
    out = tmp_path / "r.html"
    args = ("--disable", "attribution", "--severity", "loaded-term/regime=error", "--min-severity", "warning")
    proc = write_report(str(EXAMPLES), "-o", str(out), *args, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr_text
    _page, data = read_page(out)
    _code, report = run_json(str(EXAMPLES), *args, cwd=ROOT)
    assert [f for d in data["drafts"] for f in d["findings"]] == report["findings"]
    assert data["summary"] == report["summary"] and report["summary"].get("error") == 2
    assert not any(r.startswith("attribution/") for r in data["rules"])
    assert data["rules"]["loaded-term/regime"]["severity"] == "error"


# ---- in a browser -------------------------------------------------------------------------

def _browser() -> dict:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    node = shutil.which("node")
    for what, ok in (("playwright-core", PLAYWRIGHT.is_dir()), ("axe-core", (AXE / "axe.min.js").is_file()),
                     ("chromium", chromium), ("node", node)):
        if not ok:
            missing(f"{what} is not installed")
    return {"chromium": chromium, "node": node}


def open_in_browser(report: Path, tmp_path: Path, name: str, open_draft: str = "") -> dict:
    tools = _browser()
    shots = tmp_path / "shots"
    shots.mkdir(exist_ok=True)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "REPORT_FILE": str(report), "REPORT_SHOTS": str(shots),
           "REPORT_NAME": name, "REPORT_PROFILE": str(tmp_path / f"profile-{name}"),
           "PLAYWRIGHT_CORE": str(PLAYWRIGHT), "AXE_CORE": str(AXE), "CHROMIUM": tools["chromium"],
           "REPORT_OPEN": open_draft}
    driver = start_group([tools["node"], str(DRIVER)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = driver.communicate(timeout=300)
    finally:
        stop_group(driver)
    lines = out.decode("utf-8", "replace").strip().splitlines()
    assert lines, err.decode("utf-8", "replace")
    seen = json.loads(lines[-1])
    (shots / f"{name}.json").write_text(json.dumps(seen, indent=1, ensure_ascii=False), encoding="utf-8")
    assert seen.get("ok"), f"{seen.get('error')}\nsteps: {seen.get('steps')}\n{err.decode('utf-8', 'replace')[-3000:]}"
    for what in ("overview", "charts", "full", "draft", "draft-finding", "filtered", "print"):
        assert (shots / f"{name}-{what}.png").stat().st_size > 10_000, what
    assert Path(seen["pdf"]).read_bytes().startswith(b"%PDF")
    return seen


def check_page_against_json(seen: dict, report: dict, drafts_linted: int, opened: str = "",
                            sources: dict | None = None) -> None:
    # Nothing went wrong, nothing was fetched.
    assert seen["pageErrors"] == []
    assert [m for m in seen["console"] if m["type"] in ("error", "warning")] == []
    assert len(seen["requests"]) == 1 and seen["requests"][0].startswith("file://")
    assert seen["ready"] == "1"

    findings = report["findings"]
    # Overview: the JSON summary.
    stats = seen["stats"]
    assert stats["drafts"] == drafts_linted
    assert stats["total"] == len(findings)
    for sev in SEVERITIES:
        assert stats[sev] == report["summary"].get(sev, 0), sev
    # Figure checks: the JSON report's agreeing / contradicting / unverified (and newer, when any).
    assert seen["figures"] == {k: v for k, v in report["figures"].items() if k != "newer" or v}
    # Sources: the totals of `copydesk sources --format json` over the same drafts.
    assert seen["sourcesShown"]
    assert seen["ledgerTotals"] == {k: v for k, v in ledger_totals(sources, report).items()
                                    if k in ("named", "anonymous", "attributions", "unattributed_quotes")}
    # Findings per rule: the table and the bar chart (one bar per rule, labelled with its count).
    by_rule = Counter(f["rule_id"] for f in findings)
    assert {r["rule"]: r["count"] for r in seen["rulesTable"]} == by_rule
    chart = seen["charts"]["rules"]
    assert chart["bars"] == len(by_rule)
    assert sorted(int(x.replace(",", "")) for x in chart["values"]) == sorted(by_rule.values())
    for rule in by_rule:
        assert any(label.endswith(rule) for label in chart["axisLabels"]), rule
    assert chart["role"] == "graphics-document" and "findings per rule" in chart["ariaLabel"].lower()
    # Every draft's row: its counts per severity.
    per_file = {f["path"]: Counter() for f in report["files"] if not f["error"]}
    for f in findings:
        per_file[f["path"]][f["severity"]] += 1
    rows = {r["path"]: r for r in seen["tableRows"]}
    assert set(rows) == {f["path"] for f in report["files"]}
    for path, counts in per_file.items():
        row = rows[path]
        assert row["total"] == sum(counts.values()), path
        for sev in SEVERITIES:
            assert row[sev] == counts.get(sev, 0), (path, sev)
    assert seen["sortedByPath"] == sorted(per_file)[:50]
    assert seen["ariaSort"] == "ascending"

    # Keyboard: Tab from the top reaches every filter; a rule picked with the arrow keys filters the table.
    order = seen["tabOrder"]
    for control in ("sev-error", "sev-warning", "sev-info", "sev-hint", "rule-filter", "draft-search", "clear-filters"):
        assert control in order, (control, order)
    rule = seen["ruleFilter"]
    assert rule in by_rule
    with_rule = Counter(f["path"] for f in findings if f["rule_id"] == rule)
    # (still sorted by path: only drafts with that rule, counting only its findings)
    assert [(r["path"], r["total"]) for r in seen["filteredRows"]] == sorted(with_rule.items())[:50]
    # the longest bar (the rule with the most findings) clicked: the rule filter is set to it
    assert seen["barClickFilter"] == max(sorted(by_rule), key=lambda r: by_rule[r])
    assert f"Showing {len(with_rule):,} of" in seen["filterStatus"]
    assert f"{sum(with_rule.values()):,} finding" in seen["filterStatus"]

    # The draft opened (by name, or the one with the most findings from the overview):
    # its text, every finding marked in place.
    draft = seen["draft"]
    path = draft["heading"]
    mine = [f for f in findings if f["path"] == path]
    if opened:
        assert opened in path
    else:
        assert len(mine) == max(sum(c.values()) for c in per_file.values())
    assert seen["draft"]["focusedHeading"] == "draft-heading"
    assert draft["refs"] == len(mine) and draft["marks"] >= 1
    for n, f in enumerate(mine, 1):  # each finding's marks cover exactly its text
        assert draft["marked"].get(str(n), "") == f["text"], (n, f)
    listed = draft["findings"]
    assert [(x["rule"], x["severity"], x["where"], x["message"]) for x in listed] == \
        [(f["rule_id"], f["severity"], f"{path}:{f['line']}:{f['column']}", f["message"]) for f in mine]
    assert [x["fixes"] for x in listed] == [len(f["fixes"]) for f in mine]
    assert [x["evidence"] for x in listed] == [len(f["related"]) for f in mine]
    for x, f in zip(listed, mine):
        for ev in f["related"]:  # corpus evidence: file, line and sentence
            assert any(f"{ev['path']}:{ev['line']}" in t and ev["text"] in t for t in x["evidenceText"]), ev
    assert seen["afterRef"] == "#f-1"
    # Its source ledger: the sources and attributions of `copydesk sources`, the quotations
    # without a speaker linked to their findings.
    (ledger,) = [f for f in sources["files"] if f["path"] == path]
    shown = seen["ledger"]
    assert [(s["speaker"], s["named"], s["attributions"]) for s in shown["sources"]] == \
        [(s["speaker"], "named" if s["named"] else "anonymous", s["attributions"]) for s in ledger["sources"]]
    assert [(a["cue"], a["kind"]) for a in shown["attributions"]] == \
        [(a["cue"]["text"], a["kind"]) for a in ledger["attributions"]]
    assert shown["quoteLinks"] == [f"#f-{n}" for n, f in enumerate(mine, 1)
                                   if f["rule_id"] == "attribution/unattributed-quote"]
    # Accessibility: axe-core's WCAG 2.1 A/AA rules find nothing, with a draft open.
    assert seen["axe"]["violations"] == [] and seen["axe"]["passes"] > 20
    # Print: the controls are hidden by the print stylesheet.
    assert seen["printHidden"] == ["none", "none"]
    assert seen["printLedger"] not in (None, "none")  # the ledger is printed
    assert seen["printRows"] == len(report["files"])  # the whole table on paper
    assert seen["rowsAfterPrint"] == min(50, len(report["files"]))


def test_example_report_in_a_browser(example_report, tmp_path):
    seen = open_in_browser(example_report, tmp_path, "examples")
    _code, report = run_json(str(EXAMPLES), cwd=ROOT)
    check_page_against_json(seen, report, drafts_linted=1, sources=sources_json(str(EXAMPLES), cwd=ROOT))
    # The figures the corpus agrees with, listed under the draft.
    _page, data = read_page(example_report)
    assert seen["agreeing"] == [a["figure"] for a in data["drafts"][0]["agreeing"]] and seen["agreeing"]
    # One draft: its text is the file's, with the loaded terms and the contradicted figure marked.
    text = (EXAMPLES / "aleppo-draft.md").read_text(encoding="utf-8")
    assert seen["draft"]["text"] == text
    assert all(word in seen["draft"]["markText"] for word in ("regime", "jihadists", "over 500 deaths", "experts say"))
    assert seen["charts"]["timelineShown"]  # its front matter's date (the seeds' day) puts it on the timeline
    assert any("figure-mismatch" in f["rule"] for f in seen["draft"]["findings"])


# Markup in a draft is text: nothing in it may run, load or close the page's elements. The
# emoji and non-Latin letters put UTF-16 and code-point columns apart on the marked lines.
HOSTILE = """\
---
title: "<script>console.error('title ran')</script> Ḥalab 🔥"
date: 2024-11-30
---
# Aleppo 🔥 — </script><script>console.error("heading ran")</script>

Ḥalab 🔥🇸🇾 — the regime’s forces left, and the jihadists’ flag went up. <img src="https://example.com/p.png" onerror="console.error('img ran')">

<!-- </script><script>console.error("comment ran")</script> -->
Дмитрий Песков said Moscow was “concerned” about the regime, “a terrorist” </style> {{DATA}} army.
"""


def test_bench_drafts_report_in_a_browser(tmp_path):
    drafts = tmp_path / "drafts"
    gen = subprocess.run([sys.executable, str(ROOT / "bench" / "gen_drafts.py"), str(drafts), "--count", "120",
                          "--dated"], capture_output=True, text=True, check=False)
    assert gen.returncode == 0, gen.stderr
    (drafts / "hostile ḥalab.md").write_text(HOSTILE, encoding="utf-8")
    out = tmp_path / "bench.html"
    proc = write_report("drafts", "-o", str(out), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr_text
    seen = open_in_browser(out, tmp_path, "bench", open_draft="hostile")
    _code, report = run_json("drafts", cwd=tmp_path)
    check_page_against_json(seen, report, drafts_linted=121, opened="hostile", sources=sources_json("drafts", cwd=tmp_path))
    assert seen["draft"]["text"] == HOSTILE  # shown as text, every byte
    assert {f["rule_id"] for f in report["findings"] if "hostile" in f["path"]} >= {"loaded-term/regime",
                                                                                    "loaded-term/jihadist"}
    assert seen["pages"] == "paged" and len(seen["tableRows"]) == 121  # 50 rows a page, all reached
    # The timeline: one bar per day of the drafts' front-matter dates (two weeks).
    timeline = seen["charts"]["timeline"]
    assert seen["charts"]["timelineShown"] and timeline["bars"] == 14  # the hostile draft's day is one of them
    assert "25 Nov" in timeline["axisLabels"]
    # A small DOM: the drafts are rendered one at a time, the table a page at a time.
    assert seen["domNodes"] < 3000 and seen["domNodesWithDraft"] < 5000
