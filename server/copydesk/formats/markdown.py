"""A Markdown summary: counts per rule and per draft, every finding, and
what could not be checked.  Written for GitHub's job summary
($GITHUB_STEP_SUMMARY), which shows everything where the annotations stop at
ten warnings per step; readable anywhere Markdown is.
"""
from __future__ import annotations

from ..report import Report
from ..rules.model import SEVERITIES

NAME = "markdown"

# GitHub refuses a step summary over 1 MiB: the table of findings stops well
# before that and says how many rows it left out (the counts stay complete).
MAX_FINDING_ROWS = 1000
MAX_CELL = 300


def cell(text: str) -> str:
    """One table cell: pipes escaped, line breaks and Markdown/HTML markup neutralised."""
    text = " ".join(str(text).split())
    if len(text) > MAX_CELL:
        text = text[: MAX_CELL - 1] + "…"
    for ch in "\\|`*_[]<>":
        text = text.replace(ch, "\\" + ch)
    return text


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def render(report: Report, out, *, color: bool = False, options: dict | None = None) -> None:
    w = out.write
    linted = [fr for fr in report.files if not fr.error]
    total = report.count()
    counts = report.counts_by_severity()
    w("## copydesk\n\n")
    if total:
        parts = ", ".join(f"{counts[s]} {s}" for s in SEVERITIES if s in counts)
        w(f"**{_plural(total, 'finding')}** ({parts}) in {_plural(len(linted), 'draft')}.\n\n")
    else:
        w(f"**No findings** in {_plural(len(linted), 'draft')}.\n\n")

    problems = [(fr.path, f"could not be linted: {fr.error}") for fr in report.files if fr.error]
    problems += [(fr.path, f"check {c.check} failed: {c.error}") for fr in report.files for c in fr.failures]
    problems += [("", e) for e in report.errors]
    if problems:
        w(f"### Not checked ({len(problems)})\n\n")
        for path, message in problems:
            w(f"- {cell(path) + ': ' if path else ''}{cell(message)}\n")
        w("\n")
    if not total:
        return

    by_rule: dict[str, dict] = {}
    for fr, f in report.findings():
        row = by_rule.setdefault(f.rule_id, {"severity": f.severity, "count": 0, "drafts": set()})
        row["count"] += 1
        row["drafts"].add(fr.path)
    w("### Findings per rule\n\n| rule | severity | findings | drafts |\n| --- | --- | ---: | ---: |\n")
    for rule_id, row in sorted(by_rule.items(), key=lambda kv: (-kv[1]["count"], kv[0])):
        w(f"| `{rule_id}` | {row['severity']} | {row['count']} | {len(row['drafts'])} |\n")

    w("\n### Findings per draft\n\n| draft | " + " | ".join(SEVERITIES) + " | total |\n| --- |"
      + " ---: |" * (len(SEVERITIES) + 1) + "\n")
    for fr in linted:
        if not fr.findings:
            continue
        per = {s: 0 for s in SEVERITIES}
        for f in fr.findings:
            per[f.severity] += 1
        w(f"| {cell(fr.path)} | " + " | ".join(str(per[s]) for s in SEVERITIES) + f" | {len(fr.findings)} |\n")
    clean = sum(1 for fr in linted if not fr.findings)
    if clean:
        w(f"\n{_plural(clean, 'draft')} without findings.\n")

    w("\n### Every finding\n\n| where | severity | rule | message |\n| --- | --- | --- | --- |\n")
    shown = 0
    for fr, f in report.findings():
        if shown == MAX_FINDING_ROWS:
            break
        loc = fr.location(f)
        w(f"| {cell(fr.path)}:{loc['line']}:{loc['column']} | {f.severity} | `{f.rule_id}` | {cell(f.message)} |\n")
        shown += 1
    if total > shown:
        w(f"\n{total - shown} more finding(s) not listed here: run `copydesk check` on the drafts for all of them.\n")
