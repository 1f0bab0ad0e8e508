"""Quotation spans: straight and curly, nested, possibly unclosed."""
from __future__ import annotations

import re
from dataclasses import dataclass

_DOUBLE_APOSTROPHE = re.compile("''")


@dataclass
class Quote:
    start: int  # offset of the opening mark
    end: int  # offset just after the closing mark (or block end if unclosed)
    depth: int  # 0 for outer quotes, 1 for a quote inside a quote
    closed: bool = True
    attributed: bool = False  # a speaker in its own sentence(s)
    attributed_nearby: bool = False  # ... or in the sentence before/after

    @property
    def inner(self) -> tuple[int, int]:
        return self.start + 1, (self.end - 1 if self.closed else self.end)

    def contains(self, start: int, end: int) -> bool:
        a, b = self.inner
        return a <= start and end <= b


def _is_wordchar(ch: str) -> bool:
    return ch.isalnum()


def find_quotes(text: str, start: int, end: int) -> list[Quote]:
    """Quotes inside text[start:end] (one block: quotes do not cross blocks).

    Two apostrophes stand for a double quotation mark (''…'', the
    convention of wire and newspaper archives that lost their curly quotes).
    """
    seg = text[start:end]
    if "''" in seg:
        # one apostrophe of the pair is the mark (the second before a word,
        # the first after one), the other is no mark (offsets stay the text's)
        found = find_quotes(_DOUBLE_APOSTROPHE.sub(
            lambda m: "\x00\"" if m.end() < len(seg) and seg[m.end()].isalnum() else "\"\x00", seg), 0, len(seg))
        for q in found:
            q.start += start
            q.end += start
        return found
    quotes: list[Quote] = []
    stack: list[tuple[str, int]] = []  # (closing mark expected, offset)

    def open_(close: str, i: int):
        stack.append((close, i))

    def close_(i: int) -> None:
        close, at = stack.pop()
        quotes.append(Quote(at, i + 1, len(stack)))

    for i in range(start, end):
        ch = text[i]
        if ch not in "“”‘’\"«»'":
            continue
        prev = text[i - 1] if i > start else " "
        nxt = text[i + 1] if i + 1 < end else " "
        if ch == "“" or ch == "«":
            open_("”" if ch == "“" else "»", i)
        elif ch == "”" or ch == "»":
            # Close the nearest matching opener; drop unmatched inner singles.
            while stack and stack[-1][0] not in (ch,):
                if stack[-1][0] == "’":
                    stack.pop()
                else:
                    break
            if stack and stack[-1][0] == ch:
                close_(i)
            elif ch == "”" and stack and stack[-1][0] == '"':
                close_(i)  # a straight opener closed by a curly mark (mixed marks in one quote)
        elif ch == "‘":
            open_("’", i)
        elif ch == "’":
            # An apostrophe inside a word (Syria’s, Kata’ib) or an elision.
            if _is_wordchar(prev) and _is_wordchar(nxt):
                continue
            if stack and stack[-1][0] == "’" and not _is_wordchar(nxt):
                close_(i)
        elif ch == '"':
            if stack and stack[-1][0] == "”" and not prev.isspace() and not _is_wordchar(nxt):
                close_(i)  # “…," the group wrote: a curly opener closed by a straight mark
            elif stack and stack[-1][0] == '"' and (not _is_wordchar(nxt) or _is_wordchar(prev)):
                close_(i)
            elif not _is_wordchar(prev):
                open_('"', i)
            elif stack and stack[-1][0] == '"':
                close_(i)
        elif ch == "'":
            if _is_wordchar(prev) and _is_wordchar(nxt):
                continue  # apostrophe
            if stack and stack[-1][0] == "'" and not _is_wordchar(nxt):
                close_(i)
            elif not _is_wordchar(prev) and _is_wordchar(nxt) and any(
                stack_close in "”\"»" for stack_close, _ in stack
            ):
                open_("'", i)  # straight single quotes only nest inside a quote
    # Unclosed double quotes run to the end of the block (a quote that goes
    # on into the next paragraph); unclosed singles were apostrophes.
    for close, at in stack:
        if close in "”\"»":
            quotes.append(Quote(at, end, 0, closed=False))
    quotes.sort(key=lambda q: (q.start, -q.end))
    # Recompute depth from containment (stack depth is wrong after recovery).
    # A sweep, not all pairs (a pasted one-line file has thousands of quotes):
    # a quote that ended before q starts cannot contain q or any later one.
    open_quotes: list[Quote] = []
    for q in quotes:
        while open_quotes and open_quotes[-1].end <= q.start:
            open_quotes.pop()
        q.depth = sum(1 for o in open_quotes if o.start < q.start and q.end <= o.end)
        open_quotes.append(q)
    return quotes
