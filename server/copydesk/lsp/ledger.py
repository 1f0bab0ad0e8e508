"""The source ledger in the editor: document symbols (the outline shows who
says what) and hover on a cue naming its source.  The analysis is
``copydesk.ledger``; this module only converts it to LSP."""
from __future__ import annotations

from lsprotocol import types

from .. import ledger
from ..lang import syntax
from .convert import lsp_range

_CACHE_ATTR = "_ledger"


def attributions(linted) -> list[ledger.Attribution] | None:
    """The ledger of a linted document, computed once per version (the
    parses themselves are cached per paragraph)."""
    hit = getattr(linted, _CACHE_ATTR, None)
    if hit is not None:
        return hit
    if linted.too_large or linted.result.model is None:
        return None
    atts = ledger.draft_ledger(linted.engine, linted.result.model)
    if atts is not None:
        setattr(linted, _CACHE_ATTR, atts)
    return atts


def _short(s: str, n: int = 60) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[:n - 1] + "…"


def document_symbols(linted, encoding: str) -> list[types.DocumentSymbol]:
    """One symbol per source (named or anonymous, with its count), holding
    one child per attribution: the cue and what is attributed."""
    atts = attributions(linted)
    if not atts:
        return []
    doc = linted.document
    text = doc.text
    groups: dict[tuple[str, bool], list[ledger.Attribution]] = {}
    for a in atts:
        who = a.speaker or (text[a.source[0]:a.source[1]] if a.source else "(no source)")
        groups.setdefault((who, a.named), []).append(a)
    out = []
    for (who, named), items in groups.items():
        children = []
        for a in items:
            lo = min(a.cue[0], *(s[0] for s in (a.source, a.content) if s))
            hi = max(a.cue[1], *(s[1] for s in (a.source, a.content) if s))
            what = _short(text[a.content[0]:a.content[1]]) if a.content else ""
            children.append(types.DocumentSymbol(
                name=f"{text[a.cue[0]:a.cue[1]]}: {what}" if what else text[a.cue[0]:a.cue[1]],
                detail=a.kind, kind=types.SymbolKind.String,
                range=lsp_range(doc, lo, hi, encoding), selection_range=lsp_range(doc, *a.cue, encoding)))
        first = min(items, key=lambda a: a.cue[0])
        start = min(x[0] for a in items for x in (a.cue, a.source, a.content) if x)
        end = max(x[1] for a in items for x in (a.cue, a.source, a.content) if x)
        out.append(types.DocumentSymbol(
            name=who, detail=f"{'named' if named else 'anonymous'} · {len(items)} attribution(s)",
            kind=types.SymbolKind.Object if named else types.SymbolKind.Key,
            range=lsp_range(doc, start, end, encoding), selection_range=lsp_range(doc, *first.cue, encoding),
            children=children))
    return out


def cue_hover(linted, offset: int) -> str | None:
    """Markdown naming the source of the cue under the cursor."""
    atts = attributions(linted)
    if not atts:
        return None
    text = linted.document.text
    for a in atts:
        if a.cue[0] <= offset < a.cue[1]:
            if a.speaker:
                who = f"**{a.speaker}**"
                if a.source and text[a.source[0]:a.source[1]] != a.speaker:
                    who += f" (“{_short(text[a.source[0]:a.source[1]], 40)}”)"
            elif a.source:
                who = f"“{_short(text[a.source[0]:a.source[1]], 40)}”"
            else:
                who = "no one named"
            kind = {"direct": "direct quotation", "indirect": "reported speech", "mixed": "partial quotation",
                    "according-to": "according to", "record": "a record"}.get(a.kind, a.kind)
            return (f"**Source:** {who}, {'named' if a.named else 'anonymous'} — {kind}"
                    + (f": “{_short(text[a.content[0]:a.content[1]])}”" if a.content else ""))
    return None


def missing_message() -> str | None:
    """Why there is no syntactic layer (waits for a background load)."""
    if syntax._loader is not None:
        syntax._loader.join()
    return syntax.status()


def load_syntax_in_background(ls, loop) -> None:
    """Start loading the model when the session starts, off the event loop,
    so the first draft that needs structure rarely waits for it."""
    syntax.load_in_background()
