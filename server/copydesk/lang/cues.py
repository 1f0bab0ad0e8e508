"""Attribution cues: does a stretch of text name who is speaking?

The text model uses this to decide whether a quotation has a speaker (a
loaded term inside an attributed quote is the speaker's word); the lists are
the language's ``reporting_verbs``, ``attribution_phrases``, ``speaker_words``
and ``opening_words``.
"""
from __future__ import annotations

from .language import Language
from .phrases import WORD_RE, PhraseMatcher, tokens


class AttributionCues:
    def __init__(self, reporting_verbs: frozenset[str] = frozenset(), phrases: PhraseMatcher | None = None,
                 speakers: frozenset[str] = frozenset(), opening_words: frozenset[str] = frozenset()):
        self.reporting_verbs = reporting_verbs
        self.phrases = phrases
        self.speakers = speakers  # words that make a clause someone's
        self.opening_words = opening_words  # capitalised only because they open the sentence

    @classmethod
    def for_language(cls, language: Language) -> "AttributionCues":
        return cls(
            language.words("reporting_verbs"), language.phrases("attribution_phrases"),
            language.words("speaker_words"), language.words("opening_words"),
        )

    def introduces(self, clause: str) -> bool:
        """Whether a clause that ends in a colon before a quotation names who
        speaks: "The minister was blunt: “…”", "Her message was simple:
        “…”", "Smith put it this way: “…”".  It must hold a person: a
        pronoun or speaker noun from ``speaker_words``, or a name (a
        capitalised word other than a sentence-opening article)."""
        for i, w in enumerate(WORD_RE.findall(clause)):
            low = w.lower()
            if low in self.speakers:
                return True
            if w[:1].isupper() and not (i == 0 and low in self.opening_words):
                return True
        return False

    def present(self, text: str) -> bool:
        """Whether the text has a reporting verb or an attribution phrase."""
        offs, low = tokens(text)
        if any(w in self.reporting_verbs for w in low):
            return True
        return self.phrases is not None and bool(self.phrases.index.run(offs, low).get(self.phrases.ident))
