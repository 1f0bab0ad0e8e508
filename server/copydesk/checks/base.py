"""The interface every check implements.

A check is one module in this package that defines a subclass of ``Check``.
It handles one or more rule kinds (the ``check:`` field of a rule), declares a
JSON Schema for each kind's own fields, and reports ``Finding``s.  Checks are
paragraph-local by default so the engine can cache their results per
paragraph (a keystroke re-runs only the paragraph it touched).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Iterable

from ..findings import Finding
from ..lang import Language, default_language
from ..rules.model import Rule
from ..text.model import Paragraph, TextModel


@dataclass
class CheckContext:
    """What a check may need beyond its rules."""

    # The run's language: every word list, by name (``language.words("months")``),
    # the tokenizer, phrase matcher and inflector.  See copydesk.lang.
    language: Language = field(default_factory=default_language)
    corpus: Any = None  # a corpus index, when one is configured
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def lexicons(self) -> dict[str, list[str]]:
        """Every lexicon as written (the language's, with the packs' edits)."""
        return self.language.lexicons


class Check:
    kinds: ClassVar[tuple[str, ...]] = ()
    # Lexicons of the language this check reads: loading a rule of its kinds
    # without them is a located error (rules/loader.py), never an empty list.
    lexicons: ClassVar[tuple[str, ...]] = ()
    # kind -> {"properties": {...}, "required": [...]} for the kind's own fields
    schemas: ClassVar[dict[str, dict]] = {}
    # False for checks that need the whole document at once.
    paragraph_local: ClassVar[bool] = True
    # How many paragraphs before a paragraph its findings may depend on (a
    # quotation whose speaker is named in the paragraph before): their text
    # is part of the engine's per-paragraph cache key (``paragraph_key``).
    context_before: ClassVar[int] = 0

    def __init__(self, rules: list[Rule], context: CheckContext):
        self.rules = rules
        self.context = context

    @classmethod
    def validate_rule(cls, rule: Rule) -> Iterable[tuple[tuple, str]]:
        """Semantic problems JSON Schema cannot see: (field path, message)."""
        return ()

    def check_paragraph(self, par: Paragraph) -> Iterable[Finding]:
        return ()

    def check_document(self, model: TextModel) -> Iterable[Finding]:
        for par in model.paragraphs:
            yield from self.check_paragraph(par)

    def hover(self, model: TextModel, offset: int) -> str | None:
        """Markdown shown when hovering at offset (e.g. the corpus evidence
        for a figure), whether or not there is a finding there."""
        return None

    def cache_key(self) -> Any:
        """Extra state (besides rules and paragraph text) results depend on."""
        return None

    def paragraph_key(self, par: Paragraph) -> Any:
        """What one paragraph's findings depend on beyond its own text (for
        a check that reads the paragraphs before it, as attribution's
        carry-over does); part of the engine's per-paragraph cache key.
        By default the text of the ``context_before`` paragraphs before it."""
        if not self.context_before:
            return None
        model = par.model.owner
        i = model.index_of(par)
        return tuple(p.text for p in model.paragraphs[max(0, i - self.context_before):i])
