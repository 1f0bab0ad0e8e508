"""Inline directives in drafts.

    <!-- copydesk-disable RULE [RULE…] -->       off until enabled (or the end)
    <!-- copydesk-enable RULE [RULE…] -->        on again
    <!-- copydesk-disable-next-line RULE … -->   off for the next line only
    <!-- copydesk-disable-line RULE … -->        off for the directive's own line

With no RULE a directive applies to every rule.  RULE may be a full id
(``loaded-term/regime``), a check namespace (``loaded-term``) or a glob.
"""
from __future__ import annotations

from dataclasses import dataclass

from .config import _rule_matches
from .text.document import Document
from .text.prose import Directive

@dataclass
class _Range:
    rules: tuple[str, ...]  # empty: all rules
    first_line: int
    last_line: int | None  # inclusive; None: to the end


class Suppressions:
    def __init__(self, doc: Document, directives: list[Directive]):
        self.ranges: list[_Range] = []
        open_: list[_Range] = []
        for d in sorted(directives, key=lambda d: d.start):
            line = doc.line_of(d.start)
            if d.name == "copydesk-disable":
                r = _Range(d.rules, line, None)
                self.ranges.append(r)
                open_.append(r)
            elif d.name == "copydesk-enable":
                for r in open_:
                    if r.last_line is None and (not d.rules or set(r.rules) <= set(d.rules) and r.rules):
                        r.last_line = line
                    elif r.last_line is None and not r.rules and not d.rules:
                        r.last_line = line
                open_ = [r for r in open_ if r.last_line is None]
            elif d.name == "copydesk-disable-next-line":
                end_line = doc.line_of(d.end)
                self.ranges.append(_Range(d.rules, end_line + 1, end_line + 1))
            elif d.name == "copydesk-disable-line":
                self.ranges.append(_Range(d.rules, line, doc.line_of(d.end)))

    def suppressed(self, rule_id: str, line: int) -> bool:
        for r in self.ranges:
            if line < r.first_line or (r.last_line is not None and line > r.last_line):
                continue
            if not r.rules or any(_rule_matches(p, rule_id) for p in r.rules):
                return True
        return False
