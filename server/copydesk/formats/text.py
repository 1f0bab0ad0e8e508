"""``path:line:col: severity [rule-id] message``, one finding a line."""
from __future__ import annotations

from ..report import Report

NAME = "text"

_COLORS = {"error": "\x1b[31m", "warning": "\x1b[33m", "info": "\x1b[36m", "hint": "\x1b[2m"}
_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_DIM = "\x1b[2m"


class Stream:
    """Each draft's lines as it comes; the totals line at the end."""

    def __init__(self, out, *, color: bool = False, options: dict | None = None, rules=None, errors=None):
        self.out, self.color = out, color
        self.summary = (options or {}).get("summary", color)
        self.counts: dict[str, int] = {}
        self.n_files = 0

    def add(self, fr) -> None:
        if fr.error:
            return  # input errors go to stderr from the CLI
        self.n_files += 1
        out, color, counts = self.out, self.color, self.counts
        for f in fr.findings:
            counts[f.severity] = counts.get(f.severity, 0) + 1
            loc = fr.location(f)
            where = f"{fr.path}:{loc['line']}:{loc['column']}:"
            sev = f.severity
            if color:
                where = f"{_BOLD}{where}{_RESET}"
                sev = f"{_COLORS.get(sev, '')}{sev}{_RESET}"
                rule = f"{_DIM}[{f.rule_id}]{_RESET}"
            else:
                rule = f"[{f.rule_id}]"
            out.write(f"{where} {sev} {rule} {f.message}\n")

    def close(self) -> None:
        if not self.summary:
            return
        out, color, counts, n_files = self.out, self.color, self.counts, self.n_files
        bold, reset = (_BOLD, _RESET) if color else ("", "")
        total = sum(counts.values())
        if total:
            parts = ", ".join(f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}" for s in ("error", "warning", "info", "hint") if s in counts)
            out.write(f"\n{bold}{total} finding{'s' if total != 1 else ''}{reset} ({parts}) in {n_files} file{'s' if n_files != 1 else ''}\n")
        else:
            out.write(f"\n{bold}No findings{reset} in {n_files} file{'s' if n_files != 1 else ''}\n")


def render(report: Report, out, *, color: bool = False, options: dict | None = None) -> None:
    stream = Stream(out, color=color, options=options)
    for fr in report.files:
        stream.add(fr)
    stream.close()
