"""The one inflector: singular and plural of nouns, and a suggestion made to
agree in number and capital with the word it replaces.

English uses the inflection rules of Pattern as shipped in TextBlob
(``textblob/en/inflect.py``, BSD licence), imported on first use and
memoised: a word is inflected once per process, not once per finding (the
loaded-terms check offers the same few suggestions thousands of times).
"""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=None)
def _inflect_module():
    from .pattern_en import pattern_en  # textblob.en without NLTK

    return pattern_en().inflect


@lru_cache(maxsize=None)
def _pos_lexicon():
    """The Pattern tagger's word -> tag lexicon shipped with TextBlob (offline)."""
    from .pattern_en import pattern_en  # textblob.en without NLTK

    return pattern_en().lexicon


@lru_cache(maxsize=8192)
def singular(word: str) -> str:
    return _inflect_module().singularize(word)


@lru_cache(maxsize=8192)
def plural(word: str) -> str:
    return _inflect_module().pluralize(word)


@lru_cache(maxsize=8192)
def is_plural(word: str) -> bool:
    """"men", "authorities", "attackers" are plural already: pluralising
    them again would give "mens"."""
    if word.endswith(("ss", "us", "is")):
        return False
    single = singular(word)
    return single != word and plural(single) == word


@lru_cache(maxsize=8192)
def is_noun(word: str) -> bool:
    """Only nouns take a plural: "armed", "dead", "advancing" stay.  The
    tagger's lexicon gives one tag per word, so words that are adjectives
    and nouns alike ("militant", "offensive", "radical") count as nouns."""
    low = word.lower()
    if low.endswith(("ed", "ing")):
        return False
    lexicon = _pos_lexicon()
    tag = lexicon.get(word) or lexicon.get(low)
    return not (tag and tag.startswith("JJ") and not low.endswith(("ant", "ist", "ive", "al")))


class Inflector:
    """What a check asks of a language's morphology."""

    singular = staticmethod(singular)
    plural = staticmethod(plural)
    is_plural = staticmethod(is_plural)
    is_noun = staticmethod(is_noun)

    @staticmethod
    @lru_cache(maxsize=8192)
    def agree(suggestion: str, matched: str) -> str:
        """Carry the plural and the capital of the matched word to a
        suggestion ("Regimes" -> "Governments")."""
        out = suggestion
        last_matched = matched.lower().rstrip("'’").rsplit(" ", 1)[-1].rsplit("-", 1)[-1]
        if is_plural(last_matched):
            head, _, last = out.rpartition(" ")
            if is_noun(last) and not is_plural(last):
                out = (head + " " if head else "") + plural(last)
        if matched[:1].isupper() and out[:1].islower():
            out = out[0].upper() + out[1:]
        return out
