"""The language layer: everything copydesk knows about a language.

* ``Language`` (language.py): the lexicons of a language pack
  (``rules/language/<code>.yml``) with the edits of the rule packs, read by
  name; built once per rule set and given to the text model and the checks
  (``CheckContext.language``).
* phrases.py: the one tokenizer (``WORD_RE``) and phrase matcher.
* inflect.py: the one inflector (singular/plural, memoised).
* cues.py: does a clause name who is speaking (quotations' speakers).
* pack.py: finding, reading and validating language packs.

This layer imports nothing above it (no text model, checks, engine or
front-end).
"""
from .language import Language, LanguageError, SentenceRules
from .pack import DEFAULT, bundled_languages, default_language, language_path, load_language_pack
from .phrases import WORD_RE, PhraseIndex, PhraseMatcher, phrase_matcher, tokens, words

__all__ = [
    "DEFAULT", "WORD_RE", "Language", "LanguageError", "PhraseIndex", "PhraseMatcher", "SentenceRules",
    "bundled_languages", "default_language", "language_path", "load_language_pack", "phrase_matcher",
    "tokens", "words",
]
