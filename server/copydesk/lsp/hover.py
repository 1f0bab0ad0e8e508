"""A finding as hover Markdown: what is wrong here, what to do, the
evidence, then the rule's background."""
from __future__ import annotations

from pathlib import Path

MAX_EVIDENCE = 5


def finding_hover(f, rule) -> str:
    lines = [f"**{f.message}**"]
    offered = [fix.title for fix in f.fixes]
    if offered:
        lines += ["", "Fix: " + "; ".join(offered)]
    if f.related:
        lines += [""]
        for ev in f.related[:MAX_EVIDENCE]:
            meta = ", ".join(v for _, v in ev.meta)
            where = f"{Path(ev.path).name}:{ev.line}" + (f", {meta}" if meta else "")
            lines.append(f"- {ev.message or ev.text} ({where})")
        if len(f.related) > MAX_EVIDENCE:
            lines.append(f"- … {len(f.related) - MAX_EVIDENCE} more")
    title = rule.title if rule is not None and rule.title else None
    about = f"`{f.rule_id}` ({f.severity})" + (f" — {title}" if title else "")
    lines += ["", about]
    if rule is not None and rule.rationale:
        lines += ["", rule.rationale.strip()]
    if rule is not None and rule.link:
        lines += ["", f"[More: {rule.link}]({rule.link})"]
    return "\n".join(lines)
