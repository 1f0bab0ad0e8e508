"""The text model every check reads: blocks, sentences, quotes.

Built once per document; sentences and quotes are computed lazily per block so
that a check which only needs regex matches (loaded terms) stays fast.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from functools import cached_property

from .cues import AttributionCues
from .document import Document
from .prose import Block, Directive, extract
from .quotes import Quote, find_quotes
from .sentences import Sentence, split


@dataclass
class Paragraph:
    model: "TextModel" = field(repr=False)
    start: int
    end: int
    kind: str

    @property
    def text(self) -> str:
        """The prose of this block (masked: non-prose replaced by spaces)."""
        return self.model.mask[self.start:self.end]

    @cached_property
    def sentences(self) -> list[Sentence]:
        return split(self.model.mask, self.start, self.end)

    @cached_property
    def quotes(self) -> list[Quote]:
        quotes = find_quotes(self.model.mask, self.start, self.end)
        self.model.attribute_quotes(self, quotes)
        return quotes

    def sentence_index(self, offset: int) -> int:
        starts = [s.start for s in self.sentences]
        return max(0, bisect.bisect_right(starts, offset) - 1)

    def quote_at(self, start: int, end: int) -> Quote | None:
        """The innermost quote containing [start, end)."""
        best = None
        for q in self.quotes:
            if q.contains(start, end) and (best is None or q.depth >= best.depth):
                best = q
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
    def __init__(self, doc: Document, cues: AttributionCues | None = None):
        self.doc = doc
        self.cues = cues or AttributionCues()
        prose = extract(doc)
        self.mask: str = prose.mask
        self.directives: list[Directive] = prose.directives
        self.paragraphs = [Paragraph(self, b.start, b.end, b.kind) for b in prose.blocks]
        self._starts = [p.start for p in self.paragraphs]

    @property
    def text(self) -> str:
        return self.doc.text

    def paragraph_at(self, offset: int) -> Paragraph | None:
        i = bisect.bisect_right(self._starts, offset) - 1
        if i >= 0 and offset < self.paragraphs[i].end:
            return self.paragraphs[i]
        return None

    def attribute_quotes(self, par: Paragraph, quotes: list[Quote]) -> None:
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
                outside[i] = self.cues.present(_strip_quotes(s.text, s.start, quotes))
            return outside[i]

        for q in quotes:
            first = par.sentence_index(q.start)
            last = par.sentence_index(max(q.start, q.end - 1))
            q.attributed = any(cue_in(i) for i in range(first, last + 1))
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


def _strip_quotes(text: str, offset: int, quotes: list[Quote]) -> str:
    chars = list(text)
    for q in quotes:
        if q.depth:
            continue
        a, b = max(q.start - offset, 0), min(q.end - offset, len(chars))
        for i in range(a, b):
            chars[i] = " "
    return "".join(chars)
