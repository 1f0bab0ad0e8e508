"""Find the prose in a draft.

The result is a *mask*: a string as long as the document in which everything
that is not prose (code, front matter, URLs, link targets, HTML comments,
Markdown punctuation) is replaced by spaces, newlines kept.  Offsets into the
mask are offsets into the document, so no position bookkeeping is needed
downstream.  Markdown structure comes from markdown-it-py; plain text is split
into blocks by blank lines and line shape.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from .document import Document

DIRECTIVE_RE = re.compile(r"<!--\s*(copydesk-[a-z-]+)\b([^>]*?)-->")


@dataclass(frozen=True)
class Block:
    """A run of prose the engine analyses as one paragraph (or heading)."""

    start: int
    end: int
    kind: str  # "paragraph" | "heading" | "item" | "quote" | "cell"


@dataclass(frozen=True)
class Directive:
    name: str  # e.g. "copydesk-disable-next-line"
    rules: tuple[str, ...]
    start: int
    end: int


@dataclass
class Prose:
    mask: str
    blocks: list[Block]
    directives: list[Directive]


# Everything linkify-it's own pretest can match (a scheme's ':' or '//', an
# '@', 'www.', 'localhost', a '.' before a TLD or IP digits) contains one of
# these; most prose tokens contain none, and linkify's pretest regex is slow.
_MAYBE_LINK = re.compile(r"[:@/]|\.[0-9a-z]|localhost|www\.", re.I)


class _QuickLinkify:
    """linkify-it behind a cheap pre-check: same answers, less time."""

    def __init__(self, inner):
        self._inner = inner

    def pretest(self, text: str) -> bool:
        return bool(_MAYBE_LINK.search(text)) and self._inner.pretest(text)

    def test(self, text: str) -> bool:
        return bool(_MAYBE_LINK.search(text)) and self._inner.test(text)

    def __getattr__(self, name):
        return getattr(self._inner, name)


@lru_cache(maxsize=1)
def _markdown():
    # Imported on first use: a draft without Markdown markup (below) never
    # loads the parser, a third of a one-line draft's start-up.
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    md = MarkdownIt("commonmark", {"linkify": True})
    md.enable(["linkify", "table", "strikethrough"])
    md.use(front_matter_plugin)
    md.linkify = _QuickLinkify(md.linkify)
    return md


def _blank(chars: list[str], start: int, end: int) -> None:
    for i in range(start, end):
        if chars[i] not in "\r\n":
            chars[i] = " "


def _directives_in(text: str, start: int, end: int) -> list[Directive]:
    found = []
    for m in DIRECTIVE_RE.finditer(text, start, end):
        rules = tuple(r for r in re.split(r"[\s,]+", m.group(2).strip()) if r)
        found.append(Directive(m.group(1), rules, m.start(), m.end()))
    return found


_URL_RE = re.compile(r"\b(?:https?://|www\.)[^\s<>\"“”]+[^\s<>\"“”.,;:!?)\]’']")


def extract(doc: Document) -> Prose:
    if doc.language == "markdown":
        if _INCREMENTAL.capacity and doc.path is not None:
            return _INCREMENTAL.extract(doc)
        return _extract_markdown(doc)
    if doc.language == "html":
        from .html import extract_html

        return extract_html(doc)
    return _extract_plain(doc)


def keep_incremental_state(documents: int) -> None:
    """Remember the Markdown structure of the last ``documents`` documents
    (by path), so that re-extracting an edited one re-parses only the
    top-level blocks around the edit.  The language server turns this on;
    a CLI run, where every document is new, does not."""
    _INCREMENTAL.capacity = max(0, documents)
    _INCREMENTAL.states.clear()


# ---------------------------------------------------------------- plain text

_TERMINAL = tuple(".!?:;…\"”’')»")


def _extract_plain(doc: Document) -> Prose:
    text = doc.text
    chars = list(text)
    directives = _directives_in(text, 0, len(text))
    for d in directives:
        _blank(chars, d.start, d.end)
    for m in re.finditer(r"<!--.*?-->", text, re.S):
        _blank(chars, m.start(), m.end())
    for m in _URL_RE.finditer(text):
        _blank(chars, m.start(), m.end())
    mask = "".join(chars)

    # Lines, with their offsets, grouped by blank lines.
    lines = []
    for n, start in enumerate(doc.line_starts):
        end = doc.line_starts[n + 1] if n + 1 < len(doc.line_starts) else len(text)
        body = mask[start:end].rstrip("\r\n")
        lines.append((start, start + len(body), body))
    widths = [len(b.rstrip()) for _, _, b in lines if b.strip()]
    # Hard-wrapped text (every line short) joins lines into paragraphs; text
    # with one paragraph per line (the wire-copy norm) treats each line as one.
    wrapped = bool(widths) and max(widths) <= 100 and len(widths) > 1

    blocks: list[Block] = []
    group: list[tuple[int, int, str]] = []

    def flush():
        if group:
            blocks.append(Block(group[0][0], group[-1][1], "paragraph"))
            group.clear()

    for start, end, body in lines:
        stripped = body.strip()
        if not stripped:
            flush()
            continue
        lead = len(body) - len(body.lstrip())
        start += lead
        end = start + len(stripped)
        if not wrapped:
            flush()
            group.append((start, end, body))
            flush()
            continue
        # In wrapped text a short unpunctuated line followed by a capital is
        # a heading or dateline of its own.
        if (
            len(group) == 1
            and _looks_like_heading(group[0][2].strip())
            and not stripped[0].islower()
        ):
            flush()
        group.append((start, end, body))
    flush()
    blocks = [
        Block(b.start, b.end, "heading") if _looks_like_heading(mask[b.start:b.end]) else b
        for b in blocks
    ]
    return Prose(mask, blocks, directives)


def _looks_like_heading(line: str) -> bool:
    line = line.strip()
    if not line or line.endswith(_TERMINAL) or "\n" in line:
        return False
    words = line.split()
    return len(words) <= 12 and (line[0].isupper() or line[0] in "‘“\"'")


# ------------------------------------------------------------------ markdown

_PROSE_BLOCKS = {
    "paragraph_open": "paragraph",
    "heading_open": "heading",
}


def _extract_markdown(doc: Document) -> Prose:
    return _extract_markdown_state(doc)[0]


# A Markdown draft that is nothing but paragraphs of plain words parses to
# exactly what the code below computes without a parser (tests/test_prose.py
# compares the two on real and generated text).  "Plain" is decided from the
# text alone and is conservative: no character that starts any inline
# construct (or a link linkify could find, _MAYBE_LINK), no whitespace but
# spaces and "\n", none at a line's start or end, and every line starts
# with a letter, a digit (not a list item's "1." / "1)") or an opening quote
# or parenthesis, so no line can open or end a block other than a paragraph.
_NOT_PLAIN = re.compile(
    r"[`*_\[\]<>&\\~|{}$#=:@/\x00]|[^\S \n]|\.[0-9a-z]|localhost|www\."
    r"| \n| $|(?:^|\n)(?:[^\n\w\"'(“‘]|\d+[.)])",
    re.I)


def _plain_markdown(doc: Document):
    """``_extract_markdown_state``'s result for a plain draft, or None."""
    text = doc.text
    if _NOT_PLAIN.search(text):
        return None
    blocks = []
    tops = []
    starts = doc.line_starts
    n = len(starts)
    line = 0
    while line < n:
        start = starts[line]
        end = starts[line + 1] - 1 if line + 1 < n else len(text)
        if start == end:  # a blank line
            line += 1
            continue
        tops.append(line)
        while line + 1 < n and starts[line + 1] < len(text) and text[starts[line + 1]] != "\n":
            line += 1
        end = starts[line + 1] - 1 if line + 1 < n else len(text)
        blocks.append(Block(start, end, "paragraph"))
        line += 1
    return Prose(text, blocks, []), tops, False, None


def _extract_markdown_state(doc: Document) -> tuple[Prose, list[int], bool, int | None]:
    """The prose, the lines where top-level blocks start, whether the
    document defines link references (which reach across blocks), and the
    line after its front matter (None: it has none)."""
    plain = _plain_markdown(doc)
    return plain if plain is not None else _parsed_markdown_state(doc)


def _parsed_markdown_state(doc: Document) -> tuple[Prose, list[int], bool, int | None]:
    """``_extract_markdown_state`` by markdown-it's parse."""
    text = doc.text
    line_starts = doc.line_starts
    n_lines = len(line_starts)

    def line_offset(line: int) -> int:
        return line_starts[line] if line < n_lines else len(text)

    # Everything starts masked; prose text runs are copied back in.
    out = [c if c in "\r\n" else " " for c in text]
    blocks: list[Block] = []
    directives: list[Directive] = []
    # CommonMark replaces NUL with U+FFFD, so inline text no longer matches
    # the source and the paragraph was lost; one code point for one keeps
    # every offset, and the source text (with its NUL) is what is checked.
    source = text.replace("\x00", "\ufffd") if "\x00" in text else text
    env: dict = {}
    tokens = _markdown().parse(source, env)
    tops = [tok.map[0] for tok in tokens if tok.level == 0 and tok.nesting >= 0 and tok.map]
    context: list[str] = []
    cursors: dict[tuple[int, int], int] = {}
    pending_kind = "paragraph"
    for tok in tokens:
        t = tok.type
        if t in ("blockquote_open", "list_item_open", "td_open", "th_open"):
            context.append(t)
        elif t in ("blockquote_close", "list_item_close", "td_close", "th_close"):
            if context:
                context.pop()
        if t in _PROSE_BLOCKS:
            pending_kind = _PROSE_BLOCKS[t]
            if pending_kind == "paragraph" and context:
                pending_kind = {
                    "blockquote_open": "quote",
                    "list_item_open": "item",
                    "td_open": "cell",
                    "th_open": "cell",
                }[context[-1]]
            continue
        if t in ("html_block",) and tok.map:
            a, b = line_offset(tok.map[0]), line_offset(tok.map[1])
            directives.extend(_directives_in(text, a, b))
            continue
        if t != "inline" or not tok.map:
            continue
        kind = pending_kind if not (context and context[-1] in ("td_open", "th_open")) else "cell"
        a, b = line_offset(tok.map[0]), line_offset(tok.map[1])
        key = (a, b)
        cursor = cursors.get(key, a)
        first = last = None
        in_auto_link = False
        for child in tok.children or []:
            ct = child.type
            if ct == "link_open":
                in_auto_link = child.markup in ("linkify", "autolink")
                continue
            if ct == "link_close":
                in_auto_link = False
                continue
            if ct == "html_inline":
                # Inline directives are collected by the scan below.
                pos = source.find(child.content, cursor, b)
                if pos >= 0:
                    cursor = pos + len(child.content)
                continue
            if ct in ("code_inline", "image"):
                # Skip past the code so later text searches start after it.
                pos = source.find(child.content, cursor, b) if child.content else -1
                if pos >= 0:
                    cursor = pos + len(child.content)
                continue
            if ct in ("softbreak", "hardbreak"):
                continue
            if ct != "text" or not child.content:
                continue
            pos = source.find(child.content, cursor, b)
            if pos < 0:
                continue  # entity or escape: leave masked, stay conservative
            cursor = pos + len(child.content)
            if in_auto_link:
                continue
            out[pos:cursor] = text[pos:cursor]
            first = pos if first is None else first
            last = cursor
        cursors[key] = cursor
        if first is not None:
            blocks.append(Block(first, last, kind))
    mask = "".join(out)
    # Markdown inline directives (rare) are found by scanning HTML-free text.
    seen = {(d.start, d.end) for d in directives}
    for d in _directives_in(text, 0, len(text)):
        if (d.start, d.end) not in seen and _inside_html(tokens, doc, d):
            directives.append(d)
    directives.sort(key=lambda d: d.start)
    fm_end = next((tok.map[1] for tok in tokens[:1] if tok.type == "front_matter" and tok.map), None)
    return Prose(mask, blocks, directives), sorted(set(tops)), bool(env.get("references")), fm_end


class _IncrementalMarkdown:
    """Re-extract an edited Markdown document by re-parsing only the
    top-level blocks the edit touched.

    CommonMark's block structure is not local in general (a fence or an HTML
    block opened in one place swallows what follows; a list continues across
    blank lines; a link reference definition serves links anywhere), so the
    result is only used when it provably equals a full parse:

    - the window re-parsed starts one whole unchanged top-level block before
      the edit (the parser is in the same state there as in a full parse:
      the text before it is unchanged and a top-level block started there),
    - it ends one whole unchanged block after the edit, and that last block
      must come out of the window's parse exactly as it did in the full
      parse (same top-level starts, same prose mask, blocks, directives):
      the parser is back in step, and everything after it is unchanged text
      parsed from the same state;
    - neither version of the document defines link references, no HTML
      comment (directive) is in the window, and none crosses its edges;
    - a document that opens with ``---`` (front matter, whose closing line
      the parser looks for arbitrarily far ahead) had its front matter closed
      before the edit.

    Otherwise it falls back to a full parse.  ``tests/test_lsp_fuzz.py``
    compares the server's findings after random edits with a full lint.
    """

    def __init__(self) -> None:
        from collections import OrderedDict

        self.capacity = 0
        self.states: OrderedDict = OrderedDict()  # path -> (doc, prose, top-level starts, has refs, fm end)

    def extract(self, doc: Document) -> Prose:
        old = self.states.pop(doc.path, None)
        result = None
        if old is not None:
            if old[0].text == doc.text:
                result = old[1:]
            elif not old[3]:
                result = _splice(old, doc)
        if result is None:
            result = _extract_markdown_state(doc)
        self.states[doc.path] = (doc, *result)
        while len(self.states) > self.capacity:
            self.states.popitem(last=False)
        return result[0]


_INCREMENTAL = _IncrementalMarkdown()


def _common_prefix(a: str, b: str) -> int:
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:  # longest equal prefix by halving (slice compares run at C speed)
        mid = (lo + hi + 1) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix(a: str, b: str, limit: int) -> int:
    lo, hi = 0, limit
    la, lb = len(a), len(b)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[la - mid:la - lo] == b[lb - mid:lb - lo]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _splice(old, doc: Document):
    old_doc, old_prose, old_tops, _refs, fm_end = old
    a_text, b_text = old_doc.text, doc.text
    p = _common_prefix(a_text, b_text)
    s = _common_suffix(a_text, b_text, min(len(a_text), len(b_text)) - p)
    delta = len(b_text) - len(a_text)
    old_starts = old_doc.line_starts
    n_old = len(old_starts)
    first = old_doc.line_of(p)
    last = old_doc.line_of(max(p, len(a_text) - s))
    if (a_text.startswith("---") or b_text.startswith("---")) and (fm_end is None or first < fm_end + 1):
        return None  # front matter: its end is found by looking ahead, not block by block
    bounds = [t for t in old_tops if 0 < t < n_old]
    # Window start: the top-level block before the one holding the edit.
    i = bisect.bisect_right(bounds, first) - 1  # the block holding the edit
    a_line = bounds[i - 1] if i >= 1 else 0
    # Window end: the block after the edit, plus one more to check convergence.
    j = bisect.bisect_right(bounds, last)
    b_line = bounds[j] if j < len(bounds) else None
    c_line = bounds[j + 1] if j + 1 < len(bounds) else None
    a = old_starts[a_line]
    if b_line is None:
        b_old = c_old = len(a_text)
    else:
        b_old = old_starts[b_line]
        c_old = old_starts[c_line] if c_line is not None else len(a_text)
    if b_old < len(a_text) - s:
        return None  # (cannot happen: the edit is before b) stay safe
    b_new, c_new = b_old + delta, c_old + delta
    # A directive comment may run over several blocks: none may cross the window's edges.
    # (A match holds no ">", so one that crosses ``a`` starts after the last ">" before it.)
    for m in DIRECTIVE_RE.finditer(b_text, b_text.rfind(">", 0, a) + 1):
        if m.start() >= c_new:
            break
        if m.start() < a < m.end() or m.start() < b_new < m.end():
            return None
    if "<!--" in b_text[a:c_new] or "<!--" in a_text[a:c_old]:
        return None  # HTML comments (directives) near the edit: rare, and their scan is not block-local
    if a > 0 and b_text.startswith("---", a):
        return None  # the window's parse would read a thematic break there as front matter
    window = Document(b_text[a:c_new], path=doc.path, language="markdown")
    w_prose, w_tops, w_refs, _fm = _extract_markdown_state(window)
    if w_refs:
        return None
    b_rel = b_new - a
    w_starts = window.line_starts
    b_rel_line = window.line_of(b_rel) if b_line is not None else None
    if b_line is not None:
        if w_starts[b_rel_line] != b_rel or b_rel_line not in w_tops:
            return None  # the edit changed where the block after it starts
        # The check block parses exactly as before.
        if w_prose.mask[b_rel:] != old_prose.mask[b_old:c_old]:
            return None
        tail_blocks = [(x.start - b_rel, x.end - b_rel, x.kind) for x in w_prose.blocks if x.start >= b_rel]
        old_tail = [(x.start - b_old, x.end - b_old, x.kind) for x in old_prose.blocks if b_old <= x.start < c_old]
        if tail_blocks != old_tail:
            return None
        tail_dirs = [(d.name, d.rules, d.start - b_rel, d.end - b_rel) for d in w_prose.directives if d.start >= b_rel]
        old_dirs = [(d.name, d.rules, d.start - b_old, d.end - b_old) for d in old_prose.directives
                    if b_old <= d.start < c_old]
        if tail_dirs != old_dirs:
            return None
        tail_tops = [t - b_rel_line for t in w_tops if t >= b_rel_line]
        old_tail_tops = [t - b_line for t in old_tops if b_line <= t < (c_line if c_line is not None else n_old)]
        if tail_tops != old_tail_tops:
            return None
    end_rel = b_rel if b_line is not None else len(window.text)
    mask = old_prose.mask[:a] + w_prose.mask[:end_rel] + (old_prose.mask[b_old:] if b_line is not None else "")
    blocks = ([x for x in old_prose.blocks if x.start < a]
              + [Block(x.start + a, x.end + a, x.kind) for x in w_prose.blocks if x.start < end_rel]
              + ([Block(x.start + delta, x.end + delta, x.kind) for x in old_prose.blocks if x.start >= b_old]
                 if b_line is not None else []))
    directives = ([d for d in old_prose.directives if d.start < a]
                  + [Directive(d.name, d.rules, d.start + a, d.end + a) for d in w_prose.directives if d.start < end_rel]
                  + ([Directive(d.name, d.rules, d.start + delta, d.end + delta) for d in old_prose.directives
                      if d.start >= b_old] if b_line is not None else []))
    line_delta = len(doc.line_starts) - n_old
    tops = ([t for t in old_tops if t < a_line]
            + [t + a_line for t in w_tops if b_rel_line is None or t < b_rel_line]
            + ([t + line_delta for t in old_tops if t >= b_line] if b_line is not None else []))
    return Prose(mask, blocks, directives), tops, False, fm_end


def _inside_html(tokens, doc: Document, d: Directive) -> bool:
    """A directive inside an inline HTML token (not inside code)."""
    line = doc.line_of(d.start)
    for tok in tokens:
        if tok.type == "inline" and tok.map and tok.map[0] <= line < tok.map[1]:
            return any(
                c.type == "html_inline" and "copydesk-" in c.content for c in tok.children or []
            )
    return False
