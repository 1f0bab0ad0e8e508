"""GitHub Actions workflow commands: one annotation per finding.

    ::warning file=drafts/a.md,line=3,col=5,endLine=3,endColumn=11,title=loaded-term/regime::message

Columns are 1-based UTF-16 code units, as the web page that shows them counts.
"""
from __future__ import annotations

from ..report import Report

NAME = "github"

COMMANDS = {"error": "error", "warning": "warning", "info": "notice", "hint": "notice"}


def escape_data(value: str) -> str:
    """The message part: %, CR and LF are escaped (actions/toolkit escapeData)."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """A property value: as data, plus ':' and ',' which delimit properties."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **props) -> str:
    body = ",".join(f"{k}={escape_property(str(v))}" for k, v in props.items() if v is not None)
    return f"::{name} {body}::{escape_data(message)}" if body else f"::{name}::{escape_data(message)}"


class Stream:
    """Annotations as drafts come; the errors (inputs, failed checks) after them."""

    def __init__(self, out, *, color: bool = False, options: dict | None = None, rules=None, errors=None):
        self.out = out
        self.errors = list(errors or [])
        self.problems: list[str] = []

    def add(self, fr) -> None:
        for f in fr.findings:
            r = fr.location(f)["range"]
            self.out.write(command(
                COMMANDS.get(f.severity, "warning"), f.message,
                file=fr.path,
                line=r["start"]["line"] + 1,
                col=r["start"]["character"] + 1,
                endLine=r["end"]["line"] + 1,
                endColumn=r["end"]["character"] + 1,
                title=f"copydesk {f.rule_id}",
            ) + "\n")
        if fr.error:
            self.problems.append(command("error", f"copydesk could not lint this file: {fr.error}", file=fr.path,
                                         title="copydesk input error") + "\n")
        for c in fr.failures:
            self.problems.append(command("error", f"check {c.check} failed: {c.error}", file=fr.path,
                                         title="copydesk check failure") + "\n")

    def close(self) -> None:
        for line in self.problems:
            self.out.write(line)
        for e in self.errors:
            self.out.write(command("error", e, title="copydesk") + "\n")


def render(report: Report, out, *, color: bool = False, options: dict | None = None) -> None:
    stream = Stream(out, errors=report.errors)
    for fr in report.files:
        stream.add(fr)
    stream.close()
