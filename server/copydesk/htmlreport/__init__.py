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

# Rule namespaces of the figures check, counted in the overview.
FIGURE_VERDICTS = {"figures/figure-mismatch": "contradicting", "figures/figure-unverified": "unverified"}


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


def page_data(report: Report, texts: dict[str, str | None], *, title: str,
              generated: str | None = None) -> dict:
    """Everything the page shows, from the report model (no second analysis)."""
    by_rule: Counter = Counter()
    rule_severity: Counter = Counter()
    drafts = []
    for fr in report.files:
        findings = [finding_dict(fr, f) for f in fr.findings]
        by_rule.update(f.rule_id for f in fr.findings)
        rule_severity.update((f.rule_id, f.severity) for f in fr.findings)
        severities = Counter(f.severity for f in fr.findings)
        text = texts.get(fr.path)
        drafts.append({
            "path": fr.path,
            "error": fr.error,
            "failures": [{"check": c.check, "error": c.error} for c in fr.failures],
            "meta": _meta(text),
            "counts": {s: severities.get(s, 0) for s in SEVERITIES},
            "total": len(findings),
            "text": text,
            "findings": findings,
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
    figures = {verdict: by_rule.get(rule_id, 0) for rule_id, verdict in FIGURE_VERDICTS.items()}
    figures_enabled = {verdict: rule_id in report.rules and report.rules[rule_id].enabled
                       for rule_id, verdict in FIGURE_VERDICTS.items()}
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
        "figures": {"counts": figures, "enabled": figures_enabled},
        "timeline": sorted(timeline.values(), key=lambda d: d["date"]),
        "undated": undated,  # readable drafts without a YYYY-MM-DD front-matter date
        "drafts": drafts,
    }


def render(report: Report, out, *, texts: dict[str, str | None], title: str = "copydesk report",
           generated: str | None = None) -> None:
    """Write the whole page to the text stream ``out``."""
    data = page_data(report, texts, title=title, generated=generated)
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
