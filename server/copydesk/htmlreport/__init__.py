"""``copydesk report``'s page: one self-contained HTML file for a standards editor.

The page holds no analysis of its own. Its data is the run's ``Report``, in
the very dicts ``--format json`` writes (``formats.json.finding_dict`` and the
same ``files`` / ``summary``), plus each draft's text and front matter so the
findings can be shown in place. Everything is inline: the stylesheet, the
page's script, the chart libraries (Vega and Vega-Lite, vendored unchanged
from npm: ``vendor/vendor.json`` lists versions, licences and sha256), and
the data as gzip-compressed JSON (base64) in a ``<script>`` element. The
per-draft sections are rendered by the page's script when opened, so a
report of a thousand drafts stays a small DOM.
"""
from __future__ import annotations

import base64
import gzip
import json
import re
from collections import Counter
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from .. import __version__
from ..formats.json import finding_dict
from ..report import Report
from ..rules.model import SEVERITIES
from ..text.frontmatter import front_matter

HERE = Path(__file__).resolve().parent
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
VENDOR = HERE / "vendor"


@lru_cache(maxsize=1)
def vendored() -> list[dict]:
    """The chart libraries' manifest (file, package, version, licence, sha256)."""
    return json.loads((VENDOR / "vendor.json").read_text(encoding="utf-8"))["files"]


def _asset(name: str) -> str:
    return (HERE / name).read_text(encoding="utf-8")


def _script_safe(js: str, name: str) -> str:
    # An inline script ends at the first "</script"; none of ours may hold one.
    if "</script" in js.lower() or "<!--" in js:
        raise ValueError(f"{name} cannot be inlined in a <script> element")
    return js


def pack(value) -> str:
    """JSON, gzip-compressed (fixed mtime: the same report gives the same
    bytes), in base64 lines: nothing in it can end its <script> element."""
    raw = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.encodebytes(gzip.compress(raw, compresslevel=6, mtime=0)).decode("ascii")


def unpack(packed: str):
    """The data of a page, back from ``pack`` (for tests and tools)."""
    return json.loads(gzip.decompress(base64.b64decode(packed)).decode("utf-8"))


def _meta(text: str | None) -> dict:
    """A draft's title, date, outlet and author from its front matter."""
    fm = front_matter(text) if text else None
    data = fm.data() if fm else {}
    return {k: str(data[k]) for k in ("title", "date", "outlet", "author") if data.get(k) is not None}


def _ledger(fr, quote_rules: set[str]) -> dict | None:
    """A draft's source ledger for the page: its attributions and sources as
    ``copydesk sources --format json`` gives them (spans as offsets), and
    its quotations without a speaker (the unattributed-quote findings,
    whose check reads the same ledger)."""
    if fr.sources is None:
        return None
    sources = fr.sources["sources"]
    return {
        "attributions": [{"kind": a["kind"], "named": a["named"], "speaker": a["speaker"],
                          "source": a["source"]["text"] if a["source"] else None,
                          "cue": a["cue"]["text"], "line": fr.span(a["cue"]["start"], a["cue"]["end"])["line"],
                          "content": _short(a["content"]["text"]) if a["content"] else None}
                         for a in fr.sources["attributions"]],
        "sources": sources,
        "named": sum(1 for s in sources if s["named"]),
        "anonymous": sum(1 for s in sources if not s["named"]),
        "unattributed_quotes": [i for i, f in enumerate(fr.findings) if f.rule_id in quote_rules],
    }


def _short(s: str, n: int = 160) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[:n - 1] + "…"


def page_data(report: Report, texts: dict[str, str | None] | None = None, *, title: str,
              generated: str | None = None, sources: bool = False) -> dict:
    """Everything the page shows, from the report model (no second analysis).
    ``texts``: drafts' texts by path where the reports do not carry them;
    ``sources``: the run read each draft's source ledger."""
    by_rule: Counter = Counter()
    rule_severity: Counter = Counter()
    quote_rules = {rid for rid, r in report.rules.items() if r.check == "unattributed-quote"}
    drafts = []
    ledger_totals = {"drafts": 0, "attributions": 0, "named": 0, "anonymous": 0,
                     "named_attributions": 0, "anonymous_attributions": 0, "unattributed_quotes": 0}
    for fr in report.files:
        findings = [finding_dict(fr, f) for f in fr.findings]
        by_rule.update(f.rule_id for f in fr.findings)
        rule_severity.update((f.rule_id, f.severity) for f in fr.findings)
        severities = Counter(f.severity for f in fr.findings)
        text = fr.draft_text if fr.draft_text is not None else (texts or {}).get(fr.path)
        ledger = _ledger(fr, quote_rules) if sources else None
        if ledger is not None:
            ledger_totals["drafts"] += 1
            ledger_totals["attributions"] += len(ledger["attributions"])
            ledger_totals["named"] += ledger["named"]
            ledger_totals["anonymous"] += ledger["anonymous"]
            for s in ledger["sources"]:
                ledger_totals["named_attributions" if s["named"] else "anonymous_attributions"] += s["attributions"]
            ledger_totals["unattributed_quotes"] += len(ledger["unattributed_quotes"])
        drafts.append({
            "path": fr.path,
            "error": fr.error,
            "failures": [{"check": c.check, "error": c.error} for c in fr.failures],
            "meta": _meta(text),
            "counts": {s: severities.get(s, 0) for s in SEVERITIES},
            "total": len(findings),
            "text": text,
            "findings": findings,
            "agreeing": [{**fr.span(n.start, n.end), "figure": n.data.get("figure"), "corpus": n.data.get("corpus", [])}
                         for n in fr.notes if n.kind == "figure-agrees"],
            "ledger": ledger,
        })
    rules = {}
    for rule_id, n in by_rule.items():
        rule = report.rules.get(rule_id)
        # A --severity override may split a rule; the page shows its usual one.
        severity = max(SEVERITIES, key=lambda s: rule_severity.get((rule_id, s), 0))
        rules[rule_id] = {
            "count": n,
            "severity": severity,
            "title": (rule.title if rule else None) or "",
            "link": rule.link if rule else None,
            "check": rule.check if rule else rule_id.split("/")[0],
        }
    timeline: dict[str, dict] = {}
    undated = 0
    for d in drafts:
        date = (d["meta"].get("date") or "")[:10]
        if d["error"] is None and not _ISO_DAY.match(date):
            undated += 1
        if _ISO_DAY.match(date):
            day = timeline.setdefault(date, {"date": date, "drafts": 0, **{s: 0 for s in SEVERITIES}})
            day["drafts"] += 1
            for s in SEVERITIES:
                day[s] += d["counts"][s]
    return {
        "title": title,
        "tool": {"name": "copydesk", "version": __version__},
        "generated": generated or datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        # The same three fields as --format json.
        "files": [{"path": fr.path, "error": fr.error, "findings": len(fr.findings)} for fr in report.files],
        "summary": report.counts_by_severity(),
        "total": sum(len(fr.findings) for fr in report.files),
        "errors": list(report.errors),
        "rules": rules,
        # The same numbers as --format json's "figures" (None: the figures check did not run).
        "figures": report.figure_counts(),
        # Totals of the drafts' source ledgers (None: the run read no ledger).
        "ledger": ledger_totals if sources else None,
        "quote_rule": bool(quote_rules),
        "timeline": sorted(timeline.values(), key=lambda d: d["date"]),
        "undated": undated,  # readable drafts without a YYYY-MM-DD front-matter date
        "drafts": drafts,
    }


def render(report: Report, out, *, texts: dict[str, str | None] | None = None, title: str = "copydesk report",
           generated: str | None = None, sources: bool = False) -> None:
    """Write the whole page to the text stream ``out``."""
    data = page_data(report, texts, title=title, generated=generated, sources=sources)
    libs = "\n".join(
        f"<script>/* {v['package']} {v['version']} ({v['license']}) */\n"
        f"{_script_safe((VENDOR / v['file']).read_text(encoding='utf-8'), v['file'])}\n</script>"
        for v in vendored())
    credits = ", ".join(f"{v['package']} {v['version']} ({v['license']})" for v in vendored())
    template = _asset("page.html")
    parts = {
        "{{TITLE}}": _escape(title),
        "{{STYLE}}": _asset("page.css"),
        "{{LIBS}}": libs,
        "{{CREDITS}}": _escape(credits),
        "{{VERSION}}": _escape(__version__),
        "{{DATA}}": pack(data),
        "{{SCRIPT}}": _script_safe(_asset("page.js"), "page.js"),
    }
    # Placeholders are replaced in one pass, in template order, so text in
    # the data can never be taken for a placeholder.
    pos = 0
    while True:
        nxt = min(((template.find(k, pos), k) for k in parts if template.find(k, pos) >= 0), default=None)
        if nxt is None:
            out.write(template[pos:])
            break
        at, key = nxt
        out.write(template[pos:at])
        out.write(parts[key])
        pos = at + len(key)


def _escape(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
