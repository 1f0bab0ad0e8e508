"""Attribution cues now live in the language layer (``copydesk.lang``);
this module keeps the old import path for the tokenizer and the cues."""
from __future__ import annotations

from ..lang.cues import AttributionCues
from ..lang.phrases import WORD_RE, words

__all__ = ["WORD_RE", "AttributionCues", "words"]
