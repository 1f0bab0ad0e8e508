"""``path:line:col: severity [rule-id] message``, one finding a line."""
from __future__ import annotations

from ..report import Report

NAME = "text"

_COLORS = {"error": "\x1b[31m", "warning": "\x1b[33m", "info": "\x1b[36m", "hint": "\x1b[2m"}
_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_DIM = "\x1b[2m"


def render(report: Report, out, *, color: bool = False, options: dict | None = None) -> None:
    for fr in report.files:
        if fr.error:
            continue  # input errors go to stderr from the CLI
        for f in fr.findings:
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
    if (options or {}).get("summary", color):
        bold, reset = (_BOLD, _RESET) if color else ("", "")
        counts = report.counts_by_severity()
        n_files = sum(1 for fr in report.files if not fr.error)
        total = sum(counts.values())
        if total:
            parts = ", ".join(f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}" for s in ("error", "warning", "info", "hint") if s in counts)
            out.write(f"\n{bold}{total} finding{'s' if total != 1 else ''}{reset} ({parts}) in {n_files} file{'s' if n_files != 1 else ''}\n")
        else:
            out.write(f"\n{bold}No findings{reset} in {n_files} file{'s' if n_files != 1 else ''}\n")
