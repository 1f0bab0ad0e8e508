"""The typed ``Language``: every word list a check or the text model reads,
from one language pack (``rules/language/<code>.yml``) plus the edits rule
packs make with ``lexicons:``.

Built once per rule set (``RuleSet.language``) and handed to the text model
and, through ``CheckContext.language``, to every check.  Lists are read by
name: ``words(name)`` (a lower-cased set), ``phrases(name)`` (a
``PhraseMatcher``), ``list(name)`` (as written); each is built once.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Mapping

from .inflect import Inflector
from .phrases import PhraseMatcher, alternation, phrase_matcher


class LanguageError(LookupError):
    """A lexicon the language does not have (the loader reports missing
    lexicons as located errors first; this is the last line)."""


@dataclass(frozen=True)
class SentenceRules:
    """What the sentence splitter needs to know about full stops."""

    abbreviations: frozenset[str]  # never end a sentence ("Mr.", "Nov.")
    ambiguous: frozenset[str]  # end one only before a usual opener ("U.S.", "etc.")
    before_number: frozenset[str]  # stand before a number ("No. 10")
    openers: frozenset[str]  # words that usually open a sentence


class Language:
    def __init__(self, code: str, lexicons: Mapping[str, list[str]], name: str = "", source: str = ""):
        self.code = code
        self.name = name or code
        self.source = source  # the language pack's path
        self.lexicons: dict[str, list[str]] = {k: list(v) for k, v in lexicons.items()}
        self._words: dict[str, frozenset[str]] = {}
        self._phrases: dict[str, PhraseMatcher | None] = {}

    def __repr__(self) -> str:
        return f"Language({self.code!r}, {len(self.lexicons)} lexicons, source={self.source!r})"

    def has(self, name: str) -> bool:
        return name in self.lexicons

    def list(self, name: str) -> list[str]:
        """A lexicon as written (order kept: some lists are patterns)."""
        try:
            return self.lexicons[name]
        except KeyError:
            raise LanguageError(f"language '{self.code}' has no lexicon '{name}'") from None

    def words(self, name: str) -> frozenset[str]:
        """A lexicon as a set of lower-cased words."""
        hit = self._words.get(name)
        if hit is None:
            hit = self._words[name] = frozenset(str(w).lower() for w in self.list(name))
        return hit

    def phrases(self, name: str) -> PhraseMatcher | None:
        """A lexicon as a phrase matcher (whole words, any case)."""
        if name not in self._phrases:
            self._phrases[name] = phrase_matcher(self.list(name))
        return self._phrases[name]

    def alternation(self, name: str) -> str:
        """A lexicon as a regex alternation, to build a larger pattern."""
        return alternation(self.list(name))

    @cached_property
    def sentences(self) -> SentenceRules:
        return SentenceRules(
            self.words("abbreviations"), self.words("ambiguous_abbreviations"),
            self.words("number_abbreviations"), self.words("sentence_openers"),
        )

    @cached_property
    def cues(self):
        """Whether a clause names who is speaking (``lang.cues``)."""
        from .cues import AttributionCues

        return AttributionCues.for_language(self)

    @cached_property
    def inflector(self) -> Inflector:
        return Inflector()
