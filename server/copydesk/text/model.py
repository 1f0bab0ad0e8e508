"""The text model every check reads: blocks, sentences, quotes.

Built once per document; sentences and quotes are computed lazily per block so
that a check which only needs regex matches (loaded terms) stays fast.
"""
from __future__ import annotations

import bisect
import weakref
from dataclasses import dataclass, field
from functools import cached_property

from ..lang import Language, default_language
from .document import Document
from .prose import Directive, extract
from .quotes import Quote, find_quotes
from .sentences import Sentence, split


class ModelText:
    """What a paragraph reads of the model it belongs to: the document, its
    prose mask, the language.  It holds no paragraphs, so a model and its
    paragraphs form no reference cycle and a dropped model is freed at once
    by reference counting.  (With ``Paragraph.model`` pointing back at the
    model, every keystroke left the whole last analysis of the draft (text,
    mask, sentences: ~2 MB for a 400 KB paragraph) to the cyclic collector,
    whose full collections the language server makes rare: its memory grew
    with every keystroke.)"""

    __slots__ = ("doc", "language", "cues", "mask", "_owner")

    def __init__(self, doc: Document, language: Language, mask: str, owner: "TextModel") -> None:
        self.doc = doc
        self.language = language
        self.cues = language.cues
        self.mask = mask
        # The whole model, for checks that read a paragraph's neighbours: a
        # weak reference, so still no cycle.  A paragraph is only read while
        # its model is in use.
        self._owner = weakref.ref(owner)

    @property
    def owner(self) -> "TextModel":
        """The model this paragraph belongs to (its paragraphs, ``paragraph_before``)."""
        model = self._owner()
        if model is None:
            raise RuntimeError("a paragraph outlived its text model")
        return model

    @property
    def text(self) -> str:
        return self.doc.text

    def attribute_quotes(self, par: "Paragraph", quotes: list[Quote]) -> None:
        _attribute_quotes(self.cues, par, quotes)


@dataclass
class Paragraph:
    model: ModelText = field(repr=False)
    start: int
    end: int
    kind: str

    @property
    def text(self) -> str:
        """The prose of this block (masked: non-prose replaced by spaces)."""
        return self.model.mask[self.start:self.end]

    @cached_property
    def sentences(self) -> list[Sentence]:
        return split(self.model.mask, self.start, self.end, self.model.language.sentences)

    @cached_property
    def quotes(self) -> list[Quote]:
        quotes = find_quotes(self.model.mask, self.start, self.end)
        self.model.attribute_quotes(self, quotes)
        return quotes

    @cached_property
    def _sentence_starts(self) -> list[int]:
        return [s.start for s in self.sentences]

    def sentence_index(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self._sentence_starts, offset) - 1)

    @cached_property
    def _quotes_by_start(self) -> tuple[list[Quote], list[int]]:
        ordered = sorted(self.quotes, key=lambda q: q.start)
        return ordered, [q.start for q in ordered]

    def quote_at(self, start: int, end: int) -> Quote | None:
        """The innermost quote containing [start, end)."""
        # Outer quotes do not overlap, so only quotes opening after the last
        # outer quote before `start` can contain it: walk back to that one
        # (a bisect, not a scan: a huge paragraph has thousands of quotes).
        ordered, starts = self._quotes_by_start
        best = None
        for i in range(bisect.bisect_left(starts, start) - 1, -1, -1):
            q = ordered[i]
            if q.contains(start, end) and (best is None or q.depth >= best.depth):
                best = q
            if q.depth == 0:
                break
        return best

    def outside_quotes(self, start: int, end: int) -> str:
        """Text in [start, end) with quoted material blanked."""
        chars = list(self.model.mask[start:end])
        for q in self.quotes:
            if q.depth:
                continue
            a, b = max(q.start, start), min(q.end, end)
            for i in range(a - start, b - start):
                chars[i] = " "
        return "".join(chars)


class TextModel:
    def __init__(self, doc: Document, language: Language | None = None):
        self.doc = doc
        self.language = language or default_language()
        self.cues = self.language.cues
        prose = extract(doc)
        self.mask: str = prose.mask
        self.directives: list[Directive] = prose.directives
        text = ModelText(doc, self.language, self.mask, self)  # what the paragraphs see: no cycle back to self
        self.paragraphs = [Paragraph(text, b.start, b.end, b.kind) for b in prose.blocks]
        self._starts = [p.start for p in self.paragraphs]

    @property
    def text(self) -> str:
        return self.doc.text

    def paragraph_at(self, offset: int) -> Paragraph | None:
        i = bisect.bisect_right(self._starts, offset) - 1
        if i >= 0 and offset < self.paragraphs[i].end:
            return self.paragraphs[i]
        return None

    def index_of(self, par: Paragraph) -> int:
        """Where ``par`` stands among the model's paragraphs."""
        return bisect.bisect_left(self._starts, par.start)

    def paragraph_before(self, par: Paragraph) -> Paragraph | None:
        """The block just before ``par`` (None for the first)."""
        i = self.index_of(par) - 1
        return self.paragraphs[i] if i >= 0 else None

    def attribute_quotes(self, par: Paragraph, quotes: list[Quote]) -> None:
        _attribute_quotes(self.cues, par, quotes)


def _attribute_quotes(cues, par: Paragraph, quotes: list[Quote]) -> None:
    """A quote is attributed when the unquoted text of a sentence it
    touches names a speaker; "nearby" also accepts the sentence before or
    after (the “…” / He said so. pattern)."""
    sents = par.sentences
    if not sents:
        return
    outside = {}

    def cue_in(i: int) -> bool:
        if i not in outside:
            s = sents[i]
            outside[i] = cues.present(_strip_quotes(s.text, s.start, quotes))
        return outside[i]

    outer = sorted((q for q in quotes if not q.depth), key=lambda q: q.start)
    outer_starts = [q.start for q in outer]

    def _strip_quotes(text: str, offset: int, _unused) -> str:
        # Only the outer quotes that reach into this sentence (bisect:
        # a scan of every quote per sentence is quadratic).
        chars = list(text)
        i = max(bisect.bisect_right(outer_starts, offset) - 1, 0)
        while i < len(outer) and outer[i].start < offset + len(chars):
            q = outer[i]
            a, b = max(q.start - offset, 0), min(q.end - offset, len(chars))
            for k in range(a, b):
                chars[k] = " "
            i += 1
        return "".join(chars)

    def introduced(q: Quote, first: int) -> bool:
        """“The minister was blunt: “…”: a colon after a clause naming the speaker."""
        s = sents[first]
        before = _strip_quotes(s.text[:max(0, q.start - s.start)], s.start, quotes).rstrip()
        return before.endswith(":") and cues.introduces(before[:-1])

    for q in quotes:
        first = par.sentence_index(q.start)
        last = par.sentence_index(max(q.start, q.end - 1))
        q.attributed = any(cue_in(i) for i in range(first, last + 1)) or introduced(q, first)
        q.attributed_nearby = q.attributed or any(
            cue_in(i) for i in (first - 1, last + 1) if 0 <= i < len(sents)
        )
    # A quote nested in an attributed quote speaks with its speaker.
    for q in quotes:
        if q.depth and not q.attributed:
            for o in quotes:
                if o.depth < q.depth and o.start < q.start and q.end <= o.end and o.attributed:
                    q.attributed = q.attributed_nearby = True
                    break

