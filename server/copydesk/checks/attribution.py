"""Attribution: who says so?

Four rule kinds share one reading of each paragraph:

* ``unattributed-claim``  a check-worthy sentence (figure, casualties, control,
  first/superlative, motive, judgement or forecast) in the writer's voice with
  no source;
* ``unattributed-quote``  a direct quotation with no speaker in its sentence or
  the next one;
* ``vague-attribution``   "experts say", "it is believed", "reportedly" …;
* ``loaded-attribution-verb``  "claimed", "admitted" … used as reporting verbs.

The grammar of attribution (the language's lexicons, ``rules/language/en.yml``): a
reporting verb or phrase counts when it is used as one (not a noun, "the
report"; not an infinitive, "declined to comment"; not an agentless passive,
"it was reported") and has a source: the word before it (a name, title,
organisation, document or pronoun: "the ministry later said", "She notes"),
or, after a quotation or a comma, the words after it ("…,” said Mariam
Haddad", "…,” stated a document issued by …").  "according to X", "as
reported by X", "citing X" name X.  A source that names no one ("experts",
"sources", "critics") makes the attribution vague, which is not attribution.
Words inside quotation marks belong to the speaker and are ignored.

Carry-over (documented in the rule's rationale and the README): inside one
paragraph a sentence with a named source opens a report; later sentences that
only add facts of the kinds in the rule's ``carry_over`` list are that report,
until a sentence names another source or a vague one, or opens with a turn
("However", "But" …).  Judgements, forecasts, motives and superlatives never
carry over.  Headings and block quotations are not checked for claims.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

from ..findings import Applicability, Edit, Finding, Fix
from ..lang import Language
from ..lang.phrases import WORD_RE, PhraseIndex, PhraseMatcher
from ..lang.phrases import tokens as _tokens
from ..rules.model import Rule
from ..text.model import Paragraph
from ..userregex import PatternError, compile_user_regex
from .base import Check, CheckContext
from .worthiness import STRUCTURE_SCHEMA, Structure, _forms

_STRINGS = {"type": "array", "items": {"type": "string", "minLength": 1}}

TRIGGER_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "minLength": 1, "description": "Category name (figures, casualties …)"},
        "reason": {"type": "string", "description": "How the message names the category"},
        "words": {**_STRINGS, "description": "Words or phrases (whole words, case-insensitive)"},
        "patterns": {**_STRINGS, "description": "RE2 regular expressions (case-insensitive)"},
        "except": {**_STRINGS, "description": "Phrases in which a trigger does not count"},
        "not_after": {**_STRINGS, "description": "Words right before a trigger that make it a reference to an event "
                                                 "already reported (\"the violence\", \"their dead\")"},
        "opening_words": {**_STRINGS, "description": "Words that count only when they open the sentence "
                                                     "(style guides spell out small numbers, and any number that opens a sentence)"},
    },
}

CLAIM_SCHEMA = {
    "properties": {
        "triggers": {"type": "array", "items": TRIGGER_SCHEMA, "minItems": 1,
                     "description": "What makes a sentence check-worthy"},
        "subjectivity_threshold": {"type": "number", "minimum": 0, "maximum": 1,
                                   "description": "TextBlob (Pattern) subjectivity above which a sentence is a judgement; omit to turn off"},
        "subjectivity_min_words": {"type": "integer", "minimum": 1, "default": 2,
                                   "description": "Subjective words a sentence needs before its score counts (one adjective is weak evidence)"},
        "min_words": {"type": "integer", "minimum": 1, "default": 4,
                      "description": "Shorter sentences (outside quotes) are not checked"},
        "ignore_years": {"type": "boolean", "default": True,
                         "description": "Years, days of the month and numbers in names are not figures"},
        "carry_over": {**_STRINGS, "description": "Trigger names a preceding sourced sentence of the paragraph covers"},
        "carry_over_paragraphs": {**_STRINGS, "description": "Trigger names a paragraph's closing sourced sentence covers in the next paragraph"},
        "structure": STRUCTURE_SCHEMA,
        "record_frames": {
            "type": "object", "additionalProperties": False,
            "description": "An opening phrase that names a document frames the sentence as its content "
                           "(\"In the complaint, …\", \"In a letter to the council, …\")",
            "properties": {
                "prepositions": {**_STRINGS, "description": "Words that open the phrase (in, under)"},
                "nouns": {**_STRINGS, "description": "Documents (complaint, indictment, letter, report)"},
                "reach": {"type": "integer", "minimum": 1, "maximum": 20, "default": 10,
                          "description": "Words from the preposition to the comma that closes the phrase"},
            },
        },
        "market_records": {
            "type": "object", "additionalProperties": False,
            "description": "A price of a traded security, in a sentence that names the market it traded on, is the "
                           "exchange's public record, not a claim (\"shares fell 7% in after-hours trading\")",
            "properties": {
                "subjects": {**_STRINGS, "description": "What is traded (shares, stock)"},
                "contexts": {**_STRINGS, "description": "Where or when it traded (in extended trading, closed at)"},
                "kinds": {**_STRINGS, "description": "Trigger names such a sentence does not count (figures)"},
            },
        },
        "forecast_verbs": {**_STRINGS, "description": "Lemmas (and irregular forms) of verbs whose active subject "
                                                      "holds the forecast or estimate that follows (expect, forecast)"},
    },
    "required": ["triggers"],
}

# The placeholder fix: a sentence names no source, so offer the words that
# would name one, with a slot for the writer to fill.  Display-only: it
# leaves the text unfinished, so it is never applied in bulk.
PLACEHOLDER_FIELDS = {
    "source_placeholder": {"type": "string", "minLength": 1,
                           "description": "Inserted before a sentence's final stop: 'according to [SOURCE]'"},
    "speaker_placeholder": {"type": "string", "minLength": 1,
                            "description": "Inserted after a quotation that ends a sentence: '[SOURCE] said'"},
}
CLAIM_SCHEMA["properties"].update(PLACEHOLDER_FIELDS)

QUOTE_SCHEMA = {
    "properties": {
        **PLACEHOLDER_FIELDS,
        "min_words": {"type": "integer", "minimum": 1, "default": 4,
                      "description": "Shorter quotations are scare quotes or terms, not statements"},
    },
}

VAGUE_SCHEMA = {
    "properties": {
        **PLACEHOLDER_FIELDS,
        "sources": {**_STRINGS, "description": "Nouns that name no one when they are the source (experts, critics)"},
        "phrases": {**_STRINGS, "description": "Phrases that attribute to no one (it is believed, reportedly)"},
        "patterns": {**_STRINGS, "description": "RE2 regular expressions for more such phrases"},
    },
    "anyOf": [{"required": ["sources"]}, {"required": ["phrases"]}, {"required": ["patterns"]}],
}

ANONYMOUS_SCHEMA = {
    "properties": {
        "sources": {**_STRINGS, "description": "Head nouns of an anonymous source (officials, an aide, residents)"},
        "reasons": {**_STRINGS, "description": "Phrases that give the reason for anonymity (on condition of anonymity)"},
        "opinion_words": {**_STRINGS, "description": "Words that make what an anonymous source says an opinion or an attack"},
    },
    "required": ["sources", "reasons"],
}

VERB_SCHEMA = {
    "properties": {
        "verbs": {
            "type": "array", "minItems": 1,
            "items": {
                "type": "object", "additionalProperties": False, "required": ["forms", "implies"],
                "properties": {
                    "forms": {**_STRINGS, "minItems": 1, "maxItems": 4,
                              "description": "base, -s, past, -ing forms (in that order)"},
                    "implies": {"type": "string", "minLength": 1, "description": "What the verb implies"},
                    "replacement": {**_STRINGS, "minItems": 1, "maxItems": 4,
                                    "description": "Neutral forms in the same order (default: the rule's)"},
                },
            },
        },
        "replacement": {**_STRINGS, "minItems": 1, "maxItems": 4,
                        "description": "Neutral verb: base, -s, past, -ing forms"},
        "except": {**_STRINGS, "description": "Phrases in which the verb is not a reporting verb"},
    },
    "required": ["verbs"],
}

_NUMBER_RE = re.compile(r"\d[\d,.]*")
EVIDENCE_REACH = 7  # words between a record and its verb ("figures from the health ministry show")


def _lower_set(items) -> frozenset[str]:
    return frozenset(str(w).lower() for w in items or ())


def _user_regexes(patterns) -> list:
    return [compile_user_regex(p) for p in patterns or ()]


def _spans(regex, text: str) -> list[tuple[int, int]]:
    if regex is None:
        return []
    if isinstance(regex, PhraseMatcher):
        return regex.spans(text)
    return [(m.start(), m.end()) for m in regex.finditer(text) if m.end() > m.start()]


def _inside(spans, a: int, b: int) -> bool:
    return any(x <= a and b <= y for x, y in spans)


class _Para:
    """A paragraph's text (quotes blanked), its sentences, and the matches of
    every phrase list and RE2 pattern, each computed once and handed to the
    sentences by position."""

    def __init__(self, text: str, bounds: list[tuple[int, int]], index: PhraseIndex | None):
        self.text = text
        self.bounds = bounds  # sentence (start, end) relative to the paragraph
        self.starts = [a for a, _ in bounds]
        self.offs, self.low = _tokens(text)
        self.index = index
        self._phrases: dict[int, list[tuple[int, int]]] | None = None
        self._cache: dict[int, list[list[tuple[int, int]]]] = {}
        self._words: list[list[tuple[int, int, str, str]]] | None = None

    def _bucket(self, spans) -> list[list[tuple[int, int]]]:
        buckets: list[list[tuple[int, int]]] = [[] for _ in self.bounds]
        for a, b in spans:
            i = bisect.bisect_right(self.starts, a) - 1
            if i >= 0:
                o, e = self.bounds[i]
                if b <= e:
                    buckets[i].append((a - o, b - o))
        return buckets

    def spans(self, regex, i: int) -> list[tuple[int, int]]:
        key = id(regex)
        hit = self._cache.get(key)
        if hit is None:
            if isinstance(regex, PhraseMatcher) and regex.index is self.index:
                if self._phrases is None:
                    self._phrases = self.index.run(self.offs, self.low)
                found = self._phrases.get(regex.ident, [])
            else:
                found = sorted(_spans(regex, self.text))
            hit = self._cache[key] = self._bucket(found)
        return hit[i]

    def words(self, i: int) -> list[tuple[int, int, str, str]]:
        if self._words is None:
            self._words = [[] for _ in self.bounds]
            for (a, b), w in zip(self.offs, self.low):
                j = bisect.bisect_right(self.starts, a) - 1
                if j >= 0:
                    o, e = self.bounds[j]
                    if b <= e:
                        self._words[j].append((a - o, b - o, self.text[a:b], w))
        return self._words[i]


class _View:
    """One sentence of a paragraph: its text and its share of the matches."""

    def __init__(self, text: str, para: _Para | None = None, index: int = 0):
        self.text = text
        self.para = para
        self.index = index

    def tokens(self) -> list[tuple[int, int, str, str]]:
        """(start, end, word as written, lower-cased word) of the sentence."""
        if self.para is None:
            return [(m.start(), m.end(), m.group(0), m.group(0).lower()) for m in WORD_RE.finditer(self.text)]
        return self.para.words(self.index)

    def spans(self, regex) -> list[tuple[int, int]]:
        if regex is None:
            return []
        if self.para is None:
            return _spans(regex, self.text)
        return self.para.spans(regex, self.index)


@dataclass
class Reading:
    """What a sentence says about its source."""

    status: str  # "named" | "vague" | "none"
    vague: list[tuple[int, int]] = field(default_factory=list)  # spans in the sentence text
    verbs: list[tuple[int, int, str]] = field(default_factory=list)  # reporting verbs in use
    by_verbs_only: bool = False  # named by reporting verbs alone (no phrase, no record)


_NAMED = "named"  # the word attributes: a source is named
_STATEMENT = 6  # paragraphs an unquoted "X said:" statement runs on over
_NOT_A_CUE = "not a cue"  # the word is not a reporting verb in use here


class _Cue:
    """One reporting word of a sentence, as the predicates of
    ``Grammar.CUE_RULES`` see it: the word, its neighbours, and the word
    before it once adverbs and auxiliaries are skipped ("later said")."""

    def __init__(self, text, words, low, i, blocked, vague, adverbs):
        self.text, self.words, self.low, self.i = text, words, low, i
        self.w = low[i]
        self.a, self.b = words[i][0], words[i][1]
        self.blocked, self.vague = blocked, vague
        j = i
        while j > 0 and self.joined(j) and low[j - 1] in adverbs:
            j -= 1
        self.j = j
        self.prev = low[j - 1] if j > 0 and self.joined(j) else None

    def joined(self, i: int) -> bool:
        """Words i-1 and i are separated by spaces only."""
        return i > 0 and not self.text[self.words[i - 1][1]:self.words[i][0]].strip()


class Grammar:
    """The attribution grammar, from the lexicons and the vague-attribution rules."""

    def __init__(self, language: Language, vague_sources, vague_phrases, vague_patterns,
                 index: PhraseIndex | None = None):
        index = index or PhraseIndex()
        lang = language
        self.verbs = lang.words("reporting_verbs")
        self.phrases = index.matcher(lang.list("attribution_phrases"))
        self.pronouns = lang.words("source_pronouns")
        self.noun_markers = lang.words("noun_markers")
        self.noun_modifiers = lang.words("noun_modifiers")
        self.passive = lang.words("passive_markers")
        self.adverbs = lang.words("verb_adverbs")
        self.relative = lang.words("relative_pronouns")
        self.evidence_nouns = lang.words("evidence_nouns")
        self.evidence_verbs = lang.words("evidence_verbs")
        self.subject_openers = lang.words("subject_openers")
        self.irregular_past = lang.words("irregular_past")
        self.breakers = lang.phrases("carry_over_breakers")
        good = []
        for p in lang.list("non_attribution_patterns"):
            try:
                compile_user_regex(p)
                good.append(p)
            except PatternError:
                pass  # a bad lexicon pattern must not disable the check
        # One RE2 pass per paragraph instead of one per pattern and sentence.
        self.non_attribution = compile_user_regex("|".join(f"(?:{p})" for p in good)) if good else None
        self.vague_sources = _lower_set(vague_sources)
        self.vague_phrases = index.matcher(vague_phrases)
        self.vague_patterns = list(vague_patterns)

    # -- helpers -------------------------------------------------------
    def _is_base_or_s(self, w: str) -> bool:
        if w.endswith("ed") or w.endswith("ing") or w in self.irregular_past:
            return False
        return True

    # -- reading a sentence ----------------------------------------------
    # What counts as attribution is the table ``CUE_RULES`` below: for each
    # reporting word of a sentence its predicates are asked in order, and the
    # first that decides wins.  A predicate returns None (not mine: ask the
    # next), ``_NOT_A_CUE``, ``_NAMED`` (the word attributes: a source is
    # named) or ``("vague", start, end)`` (a source that names no one).  The
    # table reads like README's list ("Attributed means …" / "Not
    # attributions: …"); the phrases ("according to X") and the records
    # ("figures from the ministry show") are read beside it.

    def _nonreporting_sense(self, c: "_Cue"):
        """Inside a non-reporting sense ("claimed responsibility", "Islamic
        State") or a vague phrase ("it was reported")."""
        if _inside(c.blocked, c.a, c.b) or _inside(c.vague, c.a, c.b):
            return _NOT_A_CUE
        return None

    def _noun_or_infinitive(self, c: "_Cue"):
        """A noun or an infinitive: "the report", "to comment", "in comments"."""
        return _NOT_A_CUE if c.prev is not None and c.prev in self.noun_markers else None

    def _noun_after_modifier(self, c: "_Cue"):
        """A noun after a modifier or a number: "media reports", "new claims",
        "across three states", "25 reports"."""
        if c.prev is not None and (c.prev in self.noun_modifiers or c.prev[:1].isdigit()) and self._is_base_or_s(c.w):
            return _NOT_A_CUE
        return None

    def _relative_clause(self, c: "_Cue"):
        """"…, who say they …, captured": the relative clause only."""
        return _NOT_A_CUE if c.prev is not None and c.prev in self.relative else None

    def _passive(self, c: "_Cue"):
        """A passive names a source only with its agent: "was reported by
        AFP", "was quoted as saying"; otherwise no one ("it was reported")."""
        if c.prev is None or c.prev not in self.passive:
            return None
        nxt = c.low[c.i + 1:c.i + 3]
        return _NAMED if (nxt[:2] == ["as", "saying"]) or (nxt[:1] == ["by"]) else _NOT_A_CUE

    def _noun_subject(self, c: "_Cue"):
        """"Reports said": a noun, the subject of the next reporting verb."""
        low, i = c.low, c.i
        if i + 1 < len(low) and c.joined(i + 1) and (low[i + 1] in self.verbs and low[i + 1] != c.w):
            return _NOT_A_CUE
        return None

    def _opening_or_after_boundary(self, c: "_Cue"):
        """No subject before the verb: at the start of a sentence only a past
        or -ing form is a verb ("Reports said" is a noun); after a quote or a
        comma the source follows the verb (“…,” said Mariam Haddad), or a
        participle takes the main clause's subject (", adding that")."""
        if c.prev is not None:
            return None
        w, low, i = c.w, c.low, c.i
        boundary = c.j > 0
        if not boundary and self._is_base_or_s(w):
            return _NOT_A_CUE
        if w.endswith("ing") or not boundary:
            return _NAMED  # participle: the main clause's subject speaks
        nxt = low[i + 1] if i + 1 < len(low) else None
        if nxt is None:
            return _NOT_A_CUE
        # Inverted "…,” says the general": the next word must open a subject
        # ("claims and counterclaims" is a noun).
        if self._is_base_or_s(w) and not (
            nxt in self.subject_openers or nxt in self.pronouns or c.words[i + 1][2][:1].isupper()
        ):
            return _NOT_A_CUE
        if nxt in self.vague_sources:
            return ("vague", c.a, c.words[i + 1][1])
        return _NAMED

    def _vague_subject(self, c: "_Cue"):
        """A subject that names no one: "experts say", "sources said"."""
        if c.prev in self.vague_sources:
            return ("vague", c.words[c.j - 1][0], c.b)
        return None

    def _subject_before(self, c: "_Cue"):
        """A verb with its subject before it: "the ministry later said", "She
        notes", "Iran's foreign minister stressed"."""
        return _NAMED

    CUE_RULES = (
        _nonreporting_sense,
        _noun_or_infinitive,
        _noun_after_modifier,
        _relative_clause,
        _passive,
        _noun_subject,
        _opening_or_after_boundary,
        _vague_subject,
        _subject_before,
    )

    def reads(self, text: str, view: "_View | None" = None) -> Reading:
        """Read one sentence (quoted material already blanked).  ``view``
        gives regex matches computed once for the whole paragraph."""
        view = view or _View(text)
        words = view.tokens()
        low = [t[3] for t in words]
        blocked = view.spans(self.non_attribution)
        vague = view.spans(self.vague_phrases)
        for rx in self.vague_patterns:
            vague.extend(view.spans(rx))
        named = record = False
        verbs: list[tuple[int, int, str]] = []
        for i, w in enumerate(low):
            if w in self.evidence_verbs and self._evidence_before(low, words, text, i):
                named = record = True  # a record as the subject of a verb of showing
                continue
            if w not in self.verbs:
                continue
            c = _Cue(text, words, low, i, blocked, vague, self.adverbs)
            for rule in self.CUE_RULES:
                verdict = rule(self, c)
                if verdict is None:
                    continue
                if verdict is _NAMED:
                    named = True
                    verbs.append((c.a, c.b, w))
                elif verdict is not _NOT_A_CUE:
                    vague.append(verdict[1:])
                break
        phrase = self._phrase_sources(text, view, blocked, vague)
        status = "named" if named or phrase else ("vague" if vague else "none")
        return Reading(status, vague, verbs, by_verbs_only=bool(verbs) and not phrase and not record)

    def _phrase_sources(self, text: str, view: "_View", blocked, vague) -> bool:
        """A phrase names its source: "according to X", "as reported by X",
        "in a statement"; "according to military sources" is vague (its span
        goes to ``vague``)."""
        if self.phrases is None:
            return False
        named = False
        for ms, me in view.spans(self.phrases):
            if _inside(blocked, ms, me) or _inside(vague, ms, me):
                continue
            tail = text[me:me + 60]
            head = re.split(r"[,;:.()—–]", tail, maxsplit=1)[0]
            hw = [x.lower() for x in WORD_RE.findall(head)][:5]
            if hw and any(x in self.vague_sources for x in hw) and not any(
                c[:1].isupper() for c in WORD_RE.findall(head)[:5]
            ):
                vague.append((ms, me + len(head.rstrip())))
                continue
            named = True
        return named

    def _evidence_before(self, low: list[str], words, text: str, i: int) -> bool:
        """A record speaks for the claim when it is the subject of a verb of
        showing: "data showed", "figures from the ministry show", "satellite
        images reviewed by Reuters show".  Looks back over a short subject
        phrase, not across punctuation."""
        for j in range(i - 1, max(-1, i - 1 - EVIDENCE_REACH), -1):
            if text[words[j][1]:words[j + 1][0]].strip():
                return False
            if low[j] in self.evidence_nouns:
                return True
        return False

    def breaks(self, text: str) -> bool:
        """Whether a sentence opens with a turn ("However", "But" …)."""
        if self.breakers is None:
            return False
        return self.breakers.starts(text.lstrip(" “\"‘'(«"))


@lru_cache(maxsize=20000)
def subjectivity(text: str) -> tuple[float, int, str, tuple[str, ...]]:
    """(Pattern subjectivity, number of subjective words, the most subjective
    word, every subjective word) of a sentence; cached: the same sentence is
    often linted again."""
    from ..lang.pattern_en import pattern_en  # Pattern lexicon; works offline, no NLTK

    score = pattern_en().sentiment(text)
    best, top, count, found = "", -1.0, 0, []
    for words, _polarity, subj, _ in score.assessments:
        if subj > 0:
            count += 1
            found.extend(words)
            if subj > top:
                best, top = " ".join(words), subj
    return float(score[1]), count, best, tuple(found)


@dataclass
class _Trigger:
    name: str
    reason: str
    words: "PhraseMatcher | None"
    patterns: list
    excepts: "PhraseMatcher | None"
    opening: frozenset = frozenset()
    not_after: frozenset = frozenset()


class Attribution(Check):
    kinds = ("unattributed-claim", "unattributed-quote", "vague-attribution", "loaded-attribution-verb",
             "anonymous-source")
    lexicons = (
        "reporting_verbs", "attribution_phrases", "source_pronouns", "noun_markers", "noun_modifiers",
        "passive_markers", "verb_adverbs", "relative_pronouns", "evidence_nouns", "evidence_verbs",
        "subject_openers", "irregular_past", "carry_over_breakers", "non_attribution_patterns",
        "months", "number_qualifiers", "duration_units", "clock_words",
        # the source ledger (structure): ledger.py
        "cue_verbs", "cue_state_verbs", "cue_verb_forms", "clause_joiners", "source_phrases",
        "non_reporting_particles", "honorifics", "anonymous_sources", "impersonal_pronouns",
        "definite_determiners", "cue_stance_verbs", "cue_nouns", "cue_adverbs", "cue_adjectives",
        "cue_topic_prepositions", "cue_predicate_prepositions",
        "cue_verb_topic_prepositions", "cue_raising_verbs", "time_nouns",
    )
    schemas = {
        "unattributed-claim": CLAIM_SCHEMA,
        "unattributed-quote": QUOTE_SCHEMA,
        "vague-attribution": VAGUE_SCHEMA,
        "loaded-attribution-verb": VERB_SCHEMA,
        "anonymous-source": ANONYMOUS_SCHEMA,
    }

    @classmethod
    def validate_rule(cls, rule: Rule):
        for i, t in enumerate(rule.option("triggers", [])):
            for k, p in enumerate(t.get("patterns", [])):
                try:
                    compile_user_regex(p)
                except PatternError as e:
                    yield ("triggers", i, "patterns", k), str(e)
        for k, p in enumerate(rule.option("patterns", [])):
            try:
                compile_user_regex(p)
            except PatternError as e:
                yield ("patterns", k), str(e)
        if rule.check == "loaded-attribution-verb":
            default = rule.option("replacement")
            for i, v in enumerate(rule.option("verbs", [])):
                rep = v.get("replacement", default)
                if not rep or len(rep) < len(v["forms"]):
                    yield ("verbs", i), "needs a replacement form for each of its forms"

    def __init__(self, rules: list[Rule], context: CheckContext):
        super().__init__(rules, context)
        self.phrase_index = PhraseIndex()
        self.structures: dict[str, Structure] = {}
        self.forecasters: dict[str, tuple[frozenset, frozenset]] = {}
        self.record_frames: dict[str, tuple[frozenset, frozenset, int]] = {}
        self.markets: dict[str, tuple] = {}
        self._contexts: dict[tuple[str, str], tuple[str, str] | None] = {}  # paragraph -> the report it hands on
        by_kind: dict[str, list[Rule]] = {}
        for r in rules:
            by_kind.setdefault(r.check, []).append(r)
        self.claim_rules = [self._claim_setup(r) for r in by_kind.get("unattributed-claim", [])]
        self.quote_rules = by_kind.get("unattributed-quote", [])
        self.vague_rules = [
            (r, self.phrase_index.matcher(r.option("phrases", [])), _user_regexes(r.option("patterns")), _lower_set(r.option("sources")))
            for r in by_kind.get("vague-attribution", [])
        ]
        self.verb_rules = [self._verb_setup(r) for r in by_kind.get("loaded-attribution-verb", [])]
        self.anonymous_rules = [_Anonymous(r, context.lexicons, self.phrase_index)
                                for r in by_kind.get("anonymous-source", [])]
        sources, phrases, patterns = set(), [], []
        for r, _, pats, srcs in self.vague_rules:
            sources |= srcs
            phrases.extend(r.option("phrases", []))
            patterns.extend(pats)
        self.grammar = Grammar(context.language, sources, phrases, patterns, self.phrase_index)
        self.numbers = _NumberWords(context.language)
        from ..ledger import Extractor, Lexicon

        self.extractor = Extractor(Lexicon.from_lexicons(context.lexicons, sources))
        self.joiner_words = _lower_set(context.lexicons.get("clause_joiners"))
        self.cue_forms = _lower_set(context.lexicons.get("cue_verb_forms"))
        self.first_person = _lower_set(context.lexicons.get("first_person"))
        self.clause_joiners = self.phrase_index.matcher(sorted(self.joiner_words))
        # A loaded verb a newsroom lists ("slammed") reports, whatever the lexicon says.
        self.grammar.verbs = self.grammar.verbs | {w for _, table, _ in self.verb_rules for w in table}

    # -- setup -----------------------------------------------------------
    def _claim_setup(self, rule: Rule):
        triggers = []
        for t in rule.option("triggers", []):
            triggers.append(_Trigger(
                t["name"], t.get("reason", t["name"]), self.phrase_index.matcher(t.get("words", [])),
                _user_regexes(t.get("patterns")), self.phrase_index.matcher(t.get("except", [])),
                _lower_set(t.get("opening_words")), _lower_set(t.get("not_after")),
            ))
        self.structures[rule.id] = Structure(rule.option("structure"))
        frames = rule.option("record_frames") or {}
        self.record_frames[rule.id] = (_lower_set(frames.get("prepositions")), _lower_set(frames.get("nouns")),
                                       frames.get("reach", 10))
        market = rule.option("market_records") or {}
        self.markets[rule.id] = (self.phrase_index.matcher(market.get("subjects", [])),
                                 self.phrase_index.matcher(market.get("contexts", [])),
                                 frozenset(market.get("kinds", [])))
        lemmas = _lower_set(rule.option("forecast_verbs"))
        self.forecasters[rule.id] = (lemmas, frozenset(f for w in lemmas for f in _forms(w)))
        return rule, triggers

    def _verb_setup(self, rule: Rule):
        default = rule.option("replacement", ["say", "says", "said", "saying"])
        table: dict[str, tuple[str, str]] = {}
        for v in rule.option("verbs", []):
            rep = v.get("replacement", default)
            for i, form in enumerate(v["forms"]):
                table[form.lower()] = (rep[min(i, len(rep) - 1)], v["implies"])
        return rule, table, self.phrase_index.matcher(rule.option("except", []))

    # -- the paragraph ---------------------------------------------------
    def check_paragraph(self, par: Paragraph) -> Iterable[Finding]:
        if par.kind == "heading" or (par.kind == "paragraph" and _title_like(par.text)):
            return  # headlines summarise the attributed story below them
        sents = par.sentences
        if not sents:
            return
        views, readings = self._read(par)
        if par.kind != "quote":
            context = self._context(par) or self._statement(par, views)
            if context and context[0] == "speaker" and not par.quotes:
                pass  # "Minister X said:" and then their words, unquoted
            else:
                for rule, triggers in self.claim_rules:
                    yield from self._claims(par, rule, triggers, sents, views, readings, context)
        for rule in self.quote_rules:
            yield from self._quotes(par, rule)
        for rule, phrases, pats, srcs in self.vague_rules:
            yield from self._vague(par, rule, phrases, pats, srcs, sents, views, readings)
        for rule, table, excepts in self.verb_rules:
            yield from self._verbs(rule, table, excepts, sents, views, readings)
        for anon in self.anonymous_rules:
            yield from anon.check(par)

    def paragraph_key(self, par: Paragraph):
        return self._context(par) or self._statement(par)

    def _statement(self, par: Paragraph, views=None) -> tuple[str, str] | None:
        """A statement introduced by "X said:" that runs on over several
        paragraphs without quotation marks (press releases): ("speaker",
        sentence) when this paragraph speaks in the first person (a word of
        ``first_person``: "we want", "our exporters") and every paragraph
        back to the "X said:" one is unquoted and names no source of its own.
        Up to ``_STATEMENT`` paragraphs."""
        if not self.first_person or par.quotes:
            return None
        if views is None:
            views, _ = self._read(par)
        if not any(t[3] in self.first_person for v in views for t in v.tokens()):
            return None
        prev = par.model.owner.paragraph_before(par)
        for _ in range(_STATEMENT):
            if prev is None or prev.kind != "paragraph" or prev.quotes:
                return None
            context = self._context(prev)
            if context is not None:
                return context if context[0] == "speaker" else None
            if any(r.status != "none" for r in self._read(prev)[1]):
                return None
            prev = prev.model.owner.paragraph_before(prev)
        return None

    def _context(self, par: Paragraph) -> tuple[str, str] | None:
        """The report a paragraph opens inside: ("carry", sentence) when the
        paragraph before it ends with a sentence that names a source (wire
        copy gives each sentence its own paragraph, so "The company said …"
        and the figures after it are one report), ("speaker", sentence) when
        that sentence introduces what follows with a colon ("Minister X
        said:"), else None.  Part of the engine's cache key: a paragraph is
        linted again when the one before it changes its source."""
        if not self.claim_rules:
            return None
        prev = par.model.owner.paragraph_before(par)
        if prev is None or prev.kind not in ("paragraph", "list") or par.kind == "heading":
            return None
        key = (prev.kind, prev.text)
        if key in self._contexts:
            return self._contexts[key]
        found = self._contexts[key] = self._context_of(prev)
        if len(self._contexts) > 4096:
            try:
                self._contexts.pop(next(iter(self._contexts)))
            except (KeyError, RuntimeError, StopIteration):
                pass  # another thread evicted it first
        return found

    def _context_of(self, prev: Paragraph) -> tuple[str, str] | None:
        if prev.kind == "paragraph" and _title_like(prev.text):
            return None
        sents = prev.sentences
        if not sents:
            return None
        last = sents[-1]
        text = prev.outside_quotes(last.start, last.end)
        if self.grammar.reads(text).status != "named":
            return None
        shown = " ".join(last.text.split())
        # The colon must end the paragraph itself ("X said:"), not open a quotation inside it.
        return ("speaker" if shown.endswith(":") else "carry", shown)

    def _read(self, par: Paragraph) -> tuple[list[_View], list[Reading]]:
        sents = par.sentences
        ptext = par.outside_quotes(par.start, par.end)
        bounds = [(s.start - par.start, s.end - par.start) for s in sents]
        whole = _Para(ptext, bounds, self.phrase_index)
        views = [_View(ptext[a:b], whole, i) for i, (a, b) in enumerate(bounds)]
        return views, [self.grammar.reads(v.text, v) for v in views]

    def cache_key(self):
        # Findings computed before the syntactic layer was loaded (the
        # language server loads it in the background) are not reused after.
        from ..lang import syntax

        return syntax.ready()

    def hover(self, model, offset: int) -> str | None:
        """Explain the one silent decision: a check-worthy sentence with no
        source of its own that is read as continuing an earlier sentence's
        report (carry-over).  Other sentences either have a finding with its
        own message or need no explanation, so hovering stays quiet."""
        if not self.claim_rules:
            return None
        par = model.paragraph_at(offset)
        if par is None or par.kind in ("heading", "quote") or (par.kind == "paragraph" and _title_like(par.text)):
            return None
        sents = par.sentences
        idx = next((i for i, s in enumerate(sents) if s.start <= offset < s.end), None)
        if idx is None:
            return None
        views, readings = self._read(par)
        if readings[idx].status != "none":
            return None
        context = self._context(par)
        if context and context[0] == "speaker" and not par.quotes:
            return None
        source = context[1] if context else None
        before = source is not None  # the report ending the paragraph before
        for i in range(idx + 1):
            if self.grammar.breaks(views[i].text):
                source = None
            if readings[i].status != "none":
                source = sents[i].text if readings[i].status == "named" else None
                before = False
        if source is None:
            return None
        rule, triggers = self.claim_rules[0]
        found = self._triggers(views[idx], triggers, rule.option("ignore_years", True))
        carry = set(rule.option("carry_over_paragraphs" if before else "carry_over", []))
        if not found or not all(name in carry for name, _, _ in found):
            return None
        shown = source if len(source) <= 90 else source[:89] + "…"
        return (f"**Attribution (carried over):** no source in this sentence; its "
                f"{', '.join(r for _, r, _ in found)} is read as continuing the report of “{shown}”.")

    # -- unattributed-claim ----------------------------------------------
    def _claims(self, par, rule, triggers, sents, views, readings, context=None):
        min_words = rule.option("min_words", 4)
        threshold = rule.option("subjectivity_threshold")
        min_subjective = rule.option("subjectivity_min_words", 2)
        carry = set(rule.option("carry_over", []))
        ignore_years = rule.option("ignore_years", True)
        frame = False  # a named source earlier in the paragraph
        # A report the paragraph before ended with covers the kinds of `carry_over_paragraphs`
        # (figures: "The company said …" / "Revenue rose 1 per cent.") until this paragraph names its own.
        across = set(rule.option("carry_over_paragraphs", [])) if context is not None else set()
        for s, view, reading in zip(sents, views, readings):
            text = view.text
            if self.grammar.breaks(text):
                frame = False
                across = set()
            if reading.status == "named" and self._modifier_cues(par, s, reading):
                reading = Reading("none")  # "the latest confirmed death toll": no one confirms
            if reading.status == "named":
                prior = (carry if frame else set()) | across
                frame = True
                main = list(self._main_clause(par, s, view, reading, rule, triggers, ignore_years, prior))
                yield from main or self._own_clause(par, s, view, rule, triggers, ignore_years)
                continue
            if reading.status == "vague":
                frame = False
                across = set()
                yield from self._vague_clause(par, s, view, reading, rule, triggers, ignore_years)
                continue
            if len(WORD_RE.findall(text)) < min_words:
                continue
            if self._record_frame(view, rule):
                frame = True
                continue  # "In the complaint, …": the document's content
            found = self._market(view, rule, self._triggers(view, triggers, ignore_years))
            if found:
                # Trigger words inside what a cue with a source reports are the source's
                # ("…, which businesses warn could harm commerce"): only the rest is the writer's.
                inner = self._contents(par, s, view)
                if inner:
                    found = self._market(view, rule, self._triggers(view, triggers, ignore_years, inner))
            if not found:
                found = self._structure(par, s, view, self.structures.get(rule.id))
            if not found and threshold is not None:
                score, count, word, words = subjectivity(" ".join(text.split()))
                structure = self.structures.get(rule.id)
                if score > threshold and count >= min_subjective and (
                        structure is None or structure.evaluative(words)):
                    found = [("evaluation", "a judgement", word)]
            if not found:
                continue
            if carry and all(name in carry for name, _, _ in found) and self._named_record(par, s, view, rule):
                frame = True
                continue  # "… a 24-point lead in a CNN poll": the poll is the source of its figures
            carried = ((frame and carry and all(name in carry for name, _, _ in found))
                       or (across and all(name in across for name, _, _ in found)))
            if carried:
                # A fact continues the report before it; a motive, forecast, accusation,
                # cause or evaluation in the same sentence is the writer's own.
                own = self._structure(par, s, view, self.structures.get(rule.id))
                if not own:
                    continue
                found = own + found
            if self._governed(par, s, view) or self._held(par, s, view, rule):
                frame = True
                continue  # the parse finds a source the word lists missed
            name, reason, trigger = found[0]
            reasons = ", ".join(f"{r} (“{t}”)" for _, r, t in found)
            yield Finding(
                rule.id, rule.severity,
                rule.render(reason=reason, trigger=trigger, reasons=reasons, categories=[f[0] for f in found]),
                s.start, s.end, fixes=_placeholder(par, s, rule),
                data={"triggers": [f[0] for f in found], "trigger": trigger, "kind": name},
            )

    def _structure(self, par, s, view, structure: Structure | None) -> list[tuple[str, str, str]]:
        """Why a sentence no trigger marks is check-worthy by its structure
        (``worthiness.py``): an intent, a forecast, an agentless accusation,
        a cause, an evaluation in the writer's voice.  Parsed only when the
        sentence holds one of the kinds' cue words; words inside quotation
        marks and inside an attribution (its cue and content) are not the
        writer's and are not read."""
        if structure is None or not structure.candidate([t[3] for t in view.tokens()], view.text):
            return []
        parsed = _parsed(par, s)
        if parsed is None:
            return []
        sent, parse = parsed.sent, parsed.parse
        text = view.text
        same = len(text) == len(sent)
        covered = []
        for a in self.extractor.parse(parse):
            if a.state or a.source is None or _dateline(sent, a):
                continue  # "X aims to …" stated by the writer, or a cue with no one behind it ("was accused")
            if _purpose_infinitive(parse, a.cue[0]):
                continue  # "…, to counter the advance": a purpose, not a report
            covered.append(a.cue)
            if a.content:
                covered.append(a.content)

        def skip(t) -> bool:
            if same and not text[t.start:t.end].strip():
                return True  # blanked: inside quotation marks
            return any(x <= t.start < y for x, y in covered)

        return [(w.kind, w.reason, w.trigger) for w in structure.reasons(parse, skip)]

    def _governed(self, par, s, view) -> bool:
        """Whether the main clause of a sentence the word lists read as
        sourceless is governed by a cue with a source the parse finds ("He
        thinks that…", "Exports Minister X has praised…", "as Y observed,").
        Parsed only when the sentence holds a form of a cue verb
        (`cue_verb_forms`); a vague or anonymous source does not count."""
        if not self.cue_forms or not any(t[3] in self.cue_forms for t in view.tokens()):
            return False
        parsed = _parsed(par, s)
        if parsed is None or not parsed.roots:
            return False
        sent, parse, root = parsed.sent, parsed.parse, parsed.roots[0]
        for a in self.extractor.parse(parse):
            if a.state or a.source is None or not (a.named or a.speaker is None and toks_is_pronoun(parse, a)):
                continue  # an intention or belief stated by the writer is the writer's claim
            if _dateline(sent, a):
                continue
            if a.cue[0] <= root.start < a.cue[1]:
                return True  # the cue is the main verb: "He thinks that …"
            if a.content and a.content[0] <= root.start < a.content[1]:
                return True  # the main clause is the content: "…, as Y observed"
        return False

    def _market(self, view, rule, found):
        """Drop the kinds of ``market_records`` from a sentence that prices a
        traded security where it traded ("Apple's stock was down 5.8 percent
        in after-hours trading", "shares closed at $17.65"): the exchange's
        public record.  Only when nothing else in it is check-worthy."""
        subjects, contexts, kinds = self.markets.get(rule.id, (None, None, frozenset()))
        if not found or not kinds or not all(name in kinds for name, _, _ in found):
            return found
        if view.spans(subjects) and view.spans(contexts):
            return []
        return found

    def _record_frame(self, view, rule) -> bool:
        """Whether the sentence opens with a phrase naming a document, closed
        by a comma: "In the complaint, the agency seeks …", "In a letter to
        the council on Monday, …", "Under the indictment, …".  What follows
        is the document's content: a record as the source."""
        preps, nouns, reach = self.record_frames.get(rule.id, (frozenset(), frozenset(), 10))
        words = view.tokens()
        if not preps or not words or words[0][3] not in preps:
            return False
        text = view.text
        noun = False
        for k in range(1, min(len(words), reach + 1)):
            gap = text[words[k - 1][1]:words[k][0]]
            if "," in gap:
                return noun
            if gap.strip():
                return False  # other punctuation: not a simple opening phrase
            noun = noun or (words[k][3] in nouns and k <= 4)
        return False

    def _modifier_cues(self, par, s, reading) -> bool:
        """Whether every reporting verb the word lists found is, in the
        parse, a participle describing a noun ("the latest confirmed death
        toll", "the announced cuts"): an adjective, naming no source.  Parsed
        only for a sentence named by reporting verbs alone."""
        if not reading.by_verbs_only or not reading.verbs:
            return False
        parsed = _parsed(par, s)
        if parsed is None:
            return False
        toks = parsed.parse.tokens
        for a, _b, _w in reading.verbs:
            cue = next((t for t in toks if t.start == a), None)
            if (cue is None or cue.dep != "amod" or cue.tag not in ("VBN", "VBD", "JJ")
                    or toks[cue.head].pos not in ("NOUN", "PROPN")):
                return False
            if cue.head < cue.i:
                return False  # after its noun: "the toll confirmed by the ministry" has an agent
        return True

    def _named_record(self, par, s, view, rule) -> bool:
        """Whether a prepositional phrase of the sentence names a record with
        its publisher: a noun of ``record_frames`` after one of its
        prepositions (or "by", "from") with a proper noun before it in its
        phrase ("in a CNN national poll", "in a Des Moines Register poll",
        "in the Labor Department's report").  The record is the source of the
        figures; "in the national polls" names no one.  Parsed only when the
        sentence holds one of the nouns (or its plural)."""
        preps, nouns, _reach = self.record_frames.get(rule.id, (frozenset(), frozenset(), 10))
        if not nouns or not any(t[3] in nouns or t[3].rstrip("s") in nouns for t in view.tokens()):
            return False
        parsed = _parsed(par, s)
        if parsed is None:
            return False
        parse = parsed.parse
        toks = parse.tokens
        for t in toks:
            if t.dep != "pobj" or (t.lower not in nouns and t.lemma not in nouns):
                continue
            if toks[t.head].lower not in preps | {"by", "from"}:
                continue
            if any(toks[k].pos == "PROPN" and k < t.i for k in parse.subtree(t.i)):
                return True
        return False

    def _held(self, par, s, view, rule) -> bool:
        """Whether the parse shows the main clause held by its subject,
        through a verb no reporting lexicon lists:

        * a forecast verb (``forecast_verbs``) in the active voice with a
          subject that is not the writer: "Analysts had expected earnings of
          $1.20 a share", "In May, Ms Ruiz forecast growth of 2 per cent" —
          the figure is their forecast;
        * a verb with a person as object and a "that" clause, the pattern of
          telling whatever the verb ("The regulator has reassured the public
          that …", "persuaded voters that …"), with a named subject.

        Parsed only when the sentence holds a form of a forecast verb or the
        word "that"."""
        lemmas, forms = self.forecasters.get(rule.id, (frozenset(), frozenset()))
        low = [t[3] for t in view.tokens()]
        if not any(w in forms for w in low) and "that" not in low:
            return False
        parsed = _parsed(par, s)
        root = parsed.root if parsed is not None else None
        if root is None or root.pos not in ("VERB", "AUX"):
            return False
        parse = parsed.parse
        toks = parse.tokens
        kids = parse.children[root.i]
        subj = [c for c in kids if toks[c].dep == "nsubj"]
        if not subj or toks[subj[0]].lower in ("i", "we", "you", "it", "there"):
            return False
        if root.lemma in lemmas or root.lower in lemmas:
            return True
        # A participle of a forecast verb on the main clause takes its subject
        # ("Analysts have had lower figures, expecting earnings of $9 a share").
        for c in kids:
            t = toks[c]
            if (t.dep in ("advcl", "xcomp", "conj") and t.tag == "VBG" and t.lemma in lemmas
                    and not any(toks[g].dep in ("nsubj", "nsubjpass", "auxpass") for g in parse.children[c])):
                return True
        objs = [c for c in kids if toks[c].dep in ("dobj", "dative")]
        # The "that" clause hangs on the verb, or (a parse of the same string) on its object.
        told = [c for c in list(kids) + [g for o in objs for g in parse.children[o] if toks[g].dep == "acl"]
                if toks[c].dep in ("ccomp", "acl")
                and any(toks[g].dep == "mark" and toks[g].lower == "that" for g in parse.children[c])]
        if told and objs:
            return any(toks[k].pos == "PROPN" for k in parse.subtree(subj[0]))
        return False

    def _main_clause(self, par, s, view, reading, rule, triggers, ignore_years, prior=frozenset()):
        """Clause level, the main clause: a source covers the clauses its
        cue governs, so when the cue sits in a subordinate clause or a
        phrase ("The despair came to a head after X announced cuts",
        "50 people were killed in a ceasefire announced by the army") the
        main clause is the writer's and is checked on its own.  Parsed only
        when the sentence has a trigger or a structural cue word; when the
        parse finds no attribution at all, the word lists' reading stands."""
        if not reading.by_verbs_only:
            return  # "according to X", "citing X", a record: the word lists' reading stands
        structure = self.structures.get(rule.id)
        if not (self._triggers(view, triggers, ignore_years)
                or (structure is not None and structure.candidate([t[3] for t in view.tokens()]))):
            return
        parsed = _parsed(par, s)
        if parsed is None:
            return
        sent, parse, roots = parsed.sent, parsed.parse, parsed.roots
        atts = [a for a in self.extractor.parse(parse) if not a.state]
        if not atts:
            return
        toks = parse.tokens
        covered = [a.cue for a in atts] + [a.content for a in atts if a.content] + [
            a.source for a in atts if a.source]

        def inside(t) -> bool:
            return any(x <= t.start < y for x, y in covered)

        if len(roots) == 1 and inside(roots[0]):
            # The cue is the main verb: a participle clause that opens or closes the sentence
            # outside every attribution is the writer's comment on it ("Seeming to ignore the
            # fighting, the envoy urged restraint", "X announced the cuts, raising fears of …").
            # Facts there continue the report (`carry_over`); judgements are the writer's.
            carry = frozenset(rule.option("carry_over", [])) | prior
            for c in parse.children[roots[0].i]:
                t = toks[c]
                if t.dep != "advcl" or t.tag not in ("VBG", "VBN"):
                    continue
                sub = parse.subtree(c)
                if any(inside(toks[k]) for k in sub):
                    continue
                opening = min(sub) == 0 and max(sub) + 1 < len(toks) and toks[max(sub) + 1].text == ","
                closing = min(sub) > 0 and toks[min(sub) - 1].text == "," and all(
                    toks[k].pos == "PUNCT" for k in range(max(sub) + 1, len(toks)))
                if opening or closing:
                    found = list(self._clause_claim(par, s, view, parse, sorted(sub), rule, triggers, ignore_years,
                                                    carry, "; the source in this sentence covers only the clause its cue governs"))
                    if found:
                        yield found[0]
                        return
            return
        if len(roots) != 1:
            return
        # Every reporting verb the word lists found must be a finite verb or past participle
        # inside a modifier of the main clause (an adverbial, relative or adnominal clause,
        # a prepositional phrase): "…, adding that", "with X reporting" and "…, X said" speak for it.
        root = roots[0].i
        for a, b, _w in reading.verbs:
            cue = next((t for t in toks if t.start == a), None)
            if cue is None or cue.tag == "VBG":
                return
            if any(toks[c].dep == "mark" and toks[c].lower in ("as", "like") for c in parse.children[cue.i]):
                return  # "As CBS News reported, …": the cue speaks for the main clause
            j, path = cue.i, []
            while j != root and toks[j].head != j and len(path) < 40:
                path.append(toks[j].dep)
                j = toks[j].head
            if j != root or not any(d in ("advcl", "acl", "relcl", "prep", "pobj", "pcomp") for d in path):
                return
        # The main clause: the root's subtree without the branches that hold an attribution,
        # and the participles that close the sentence wherever the parser hung them.
        keep, stack = [], [roots[0].i]
        while stack:
            j = stack.pop()
            if any(inside(toks[k]) for k in parse.subtree(j)) and j != roots[0].i:
                stack.extend(_trailing_participles(parse, j, inside))
                continue
            keep.append(j)
            stack.extend(parse.children[j])
        keep.sort()
        if len(keep) < rule.option("min_words", 4):
            return
        text = view.text
        same = len(text) == len(sent)
        clause = " ".join((text if same else sent)[toks[j].start:toks[j].end] for j in keep)
        found = self._triggers(_View(clause), triggers, ignore_years)
        if structure is not None:
            kept = set(keep)
            found = found + [(w.kind, w.reason, w.trigger) for w in structure.reasons(
                parse, lambda t: t.i not in kept or (same and not text[t.start:t.end].strip()))]
        if not found or all(name in prior for name, _, _ in found):
            return  # nothing to check, or a fact that continues the report before
        name, reason, trigger = found[0]
        reasons = ", ".join(f"{r} (“{tr}”)" for _, r, tr in found)
        reasons += "; the source in this sentence covers only the clause its cue governs"
        yield Finding(
            rule.id, rule.severity,
            rule.render(reason=reason, trigger=trigger, reasons=reasons, categories=[f[0] for f in found]),
            s.start, s.end, fixes=_placeholder(par, s, rule),
            data={"triggers": [f[0] for f in found], "trigger": trigger, "clause": True, "kind": name},
        )

    def _vague_clause(self, par, s, view, reading, rule, triggers, ignore_years):
        """Clause level for a vague source: "are believed", "have been
        reported", "residents said" cover the clause they sit in, not the
        sentence's main clause.  In "At least 70 people are dead in India,
        while 25 deaths have been reported in Bangladesh" the main clause is
        the writer's and is checked on its own.  Parsed only when the
        sentence has a trigger or a structural cue word; when the vague words
        belong to the root's own clause (its verb, auxiliaries or subject:
        "It is believed that …", "Officials say …") the sentence stays vague."""
        structure = self.structures.get(rule.id)
        if not reading.vague or not (
                self._triggers(view, triggers, ignore_years)
                or (structure is not None and structure.candidate([t[3] for t in view.tokens()]))):
            return
        parsed = _parsed(par, s)
        root = parsed.root if parsed is not None else None
        if root is None:
            return
        parse = parsed.parse
        toks = parse.tokens
        spans = reading.vague

        def held(t) -> bool:
            return any(a <= t.start < b or t.start <= a < t.end for a, b in spans)

        own = [root] + [toks[c] for c in parse.children[root.i] if toks[c].dep in (
            "aux", "auxpass", "neg", "nsubj", "nsubjpass", "expl", "csubj", "csubjpass", "advmod", "npadvmod")]
        if any(held(t) for t in own) or not any(held(t) for t in toks):
            return
        keep, stack = [], [root.i]
        while stack:
            j = stack.pop()
            if j != root.i and any(held(toks[k]) for k in parse.subtree(j)):
                continue
            keep.append(j)
            stack.extend(parse.children[j])
        keep.sort()
        yield from self._clause_claim(par, s, view, parse, keep, rule, triggers, ignore_years, frozenset(),
                                      "; the vague source in this sentence covers only its own clause")

    def _clause_claim(self, par, s, view, parse, keep, rule, triggers, ignore_years, prior, note):
        """A finding on sentence ``s`` when the clause made of the tokens
        ``keep`` is check-worthy on its own (triggers or structure)."""
        if len(keep) < rule.option("min_words", 4):
            return
        toks = parse.tokens
        sent = par.model.mask[s.start:s.end]
        text = view.text
        same = len(text) == len(sent)
        clause = " ".join((text if same else sent)[toks[j].start:toks[j].end] for j in keep)
        found = self._triggers(_View(clause), triggers, ignore_years)
        structure = self.structures.get(rule.id)
        if structure is not None:
            kept = set(keep)
            found = found + [(w.kind, w.reason, w.trigger) for w in structure.reasons(
                parse, lambda t: t.i not in kept or (same and not text[t.start:t.end].strip()))]
        if not found or all(name in prior for name, _, _ in found):
            return
        name, reason, trigger = found[0]
        reasons = ", ".join(f"{r} (“{tr}”)" for _, r, tr in found) + note
        yield Finding(
            rule.id, rule.severity,
            rule.render(reason=reason, trigger=trigger, reasons=reasons, categories=[f[0] for f in found]),
            s.start, s.end, fixes=_placeholder(par, s, rule),
            data={"triggers": [f[0] for f in found], "trigger": trigger, "clause": True, "kind": name},
        )

    def _own_clause(self, par, s, view, rule, triggers, ignore_years):
        """Clause level: a source covers the clauses its cue governs.  In
        "The ministry announced a ceasefire, but shelling resumed within
        hours" the second clause is the writer's.  Only a sentence with a
        source and a clause joiner (`clause_joiners`) is parsed; a clause outside every attribution's content that has a
        trigger of its own is reported."""
        joiners = self.clause_joiners
        if joiners is None:
            return
        text = view.text
        if not view.spans(joiners):
            return
        parsed = _parsed(par, s)
        if parsed is None:
            return
        sent, parse = parsed.sent, parsed.parse
        atts = self.extractor.parse(parse)
        if not atts:
            return
        toks = parse.tokens
        covered = [a.content for a in atts if a.content] + [a.cue for a in atts]
        for t in toks:
            if t.pos not in ("VERB", "AUX") or t.dep not in ("conj", "advcl"):
                continue
            kids = parse.children[t.i]
            if not any(toks[c].dep in ("nsubj", "nsubjpass", "expl") for c in kids):
                continue  # a second verb of the same subject ("said X and added Y")
            link = [c for c in kids if toks[c].dep in ("cc", "mark") and toks[c].lower in self.joiner_words]
            if t.dep == "conj":
                link += [c for c in parse.children[t.head] if toks[c].dep == "cc" and c < t.i
                         and toks[c].lower in self.joiner_words]
            if not link or any(x <= t.start < y for x, y in covered):
                continue
            if not any(a.cue[0] < t.start and (a.named or a.source) for a in atts):
                continue
            a0 = toks[min(link)].start
            b0 = parse.span(parse.subtree(t.i))[1]
            clause = text[a0:b0] if len(text) == len(sent) else sent[a0:b0]
            found = self._triggers(_View(clause), triggers, ignore_years)
            if not found:
                continue
            reasons = ", ".join(f"{r} (“{tr}”)" for _, r, tr in found)
            reasons += "; the source in this sentence covers only the clause its cue governs"
            yield Finding(
                rule.id, rule.severity,
                rule.render(reason=found[0][1], trigger=found[0][2], reasons=reasons,
                            categories=[f[0] for f in found]),
                s.start + a0, s.start + b0,
                data={"triggers": [f[0] for f in found], "trigger": found[0][2], "clause": True, "kind": found[0][0]},
            )

    def _contents(self, par, s, view) -> list[tuple[int, int]]:
        """Spans (in the sentence) of what the cues the parse finds report,
        when the cue has a source, named or not, states no intention or belief
        ("X wants …" stays the writer's claim about X) and what it reports is a
        clause, headed by a verb (not "claiming 12 lives").  Parsed only
        when the sentence holds a form of a cue verb (`cue_verb_forms`)."""
        if not self.cue_forms or not any(t[3] in self.cue_forms for t in view.tokens()):
            return []
        parsed = _parsed(par, s)
        if parsed is None or len(parsed.sent) != len(view.text):
            return []
        out = []
        for a in self.extractor.parse(parsed.parse):
            if a.state or a.source is None or not a.content or _dateline(parsed.sent, a):
                continue
            if _purpose_infinitive(parsed.parse, a.cue[0]):
                continue  # "…, to counter the advance": a purpose, not a report
            x, y = a.content
            toks = parsed.parse.tokens
            heads = [t for t in toks if x <= t.start < y and not x <= toks[t.head].start < y or
                     x <= t.start < y and t.head == t.i]
            if not any(t.pos in ("VERB", "AUX") for t in heads):
                continue  # a report is a clause: "claiming 12 lives", "show no sign of …" report nothing
            out.append(a.content)
        return out

    def _triggers(self, view: _View, triggers, ignore_years: bool, outside=()) -> list[tuple[str, str, str]]:
        """The triggers a sentence holds: (name, reason, words) for each, its
        first hit; hits inside the spans ``outside`` (another's report) are not
        counted."""
        text = view.text
        found = []
        for t in triggers:
            excepts = view.spans(t.excepts)
            hit = None
            for a, b in view.spans(t.words) + [sp for rx in t.patterns for sp in view.spans(rx)]:
                if _inside(excepts, a, b) or any(x < b and a < y for x, y in excepts):
                    continue
                if outside and _inside(outside, a, b):
                    continue
                piece = text[a:b].strip(" ,.;:()[]")
                if ignore_years and t.patterns and _NUMBER_RE.search(piece) and self.numbers.not_a_figure(text, a, b):
                    continue
                if t.not_after and _word_before(text, a) in t.not_after:
                    continue  # "the violence", "their dead": the event the story already reported
                hit = piece
                break
            if not hit and t.opening:
                first = view.tokens()[:1]
                if first and first[0][3] in t.opening:
                    hit = first[0][2]  # "Seven people were rescued": a count opening the sentence
            if hit:
                found.append((t.name, t.reason, hit))
        return found

    # -- unattributed-quote ----------------------------------------------
    def _quotes(self, par: Paragraph, rule: Rule):
        min_words = rule.option("min_words", 4)
        text = par.model.mask
        for q in par.quotes:
            if q.depth or q.attributed_nearby:
                continue
            a, b = q.inner
            body = text[a:b]
            n = len(WORD_RE.findall(body))
            if n < min_words:
                continue
            if self._speaker_of(par, q.start, q.end):
                continue
            words = body.split()
            shown = " ".join(words[:8]) + ("…" if len(words) > 8 else "")
            sentence = par.sentences[par.sentence_index(q.start)] if par.sentences else None
            yield Finding(rule.id, rule.severity, rule.render(quote=shown.strip(" ,.")), q.start, q.end,
                          fixes=_placeholder(par, sentence, rule), data={"quote": body})

    def _speaker_of(self, par: Paragraph, start: int, end: int) -> bool:
        """Whether the structure gives a quotation the word lists left
        without a speaker one: an attribution with a source whose content
        holds it ("“…,” beamed Donald Hartley", "Smith's reply was blunt —
        “…”").  Only such quotations make their paragraph be parsed."""
        from ..lang import syntax

        parse = syntax.parse(par.text)
        if parse is None:
            return False
        a, b = start - par.start, end - par.start
        for att in self.extractor.parse(parse):
            if att.source is None or att.content is None or not (att.named or toks_is_pronoun(parse, att)):
                continue  # "someone had written “…”" names no speaker
            if att.content[0] <= a + 1 and b - 1 <= att.content[1]:
                return True
        return False

    # -- vague-attribution -----------------------------------------------
    def _vague(self, par, rule, phrases, pats, srcs, sents, views, readings):
        for s, view, reading in zip(sents, views, readings):
            text = view.text
            spans = []
            own = view.spans(phrases) + [sp for rx in pats for sp in view.spans(rx)]
            for a, b in reading.vague:
                piece = text[a:b].lower()
                if (a, b) in own or any(w in srcs for w in WORD_RE.findall(piece)):
                    spans.append((a, b))
            spans.extend(own)
            seen = []
            for a, b in sorted(set(spans)):
                if any(x <= a and b <= y for x, y in seen):
                    continue
                seen.append((a, b))
                match = text[a:b]
                yield Finding(rule.id, rule.severity, rule.render(match=match), s.start + a, s.start + b,
                              fixes=_placeholder(par, s, rule), data={"match": match})

    # -- loaded-attribution-verb -------------------------------------------
    def _verbs(self, rule, table, excepts, sents, views, readings):
        for s, view, reading in zip(sents, views, readings):
            text = view.text
            skip = view.spans(excepts)
            for a, b, w in reading.verbs:
                if w not in table or _inside(skip, a, b):
                    continue
                replacement, implies = table[w]
                matched = text[a:b]
                if matched[:1].isupper():
                    replacement = replacement[:1].upper() + replacement[1:]
                start, end = s.start + a, s.start + b
                yield Finding(
                    rule.id, rule.severity,
                    rule.render(match=matched, implies=implies, replacement=replacement),
                    start, end,
                    fixes=(Fix(f"Replace “{matched}” with “{replacement}”", (Edit(start, end, replacement),), True),),
                    data={"match": matched, "replacement": replacement},
                )


@dataclass(frozen=True)
class _Parsed:
    """A sentence of a paragraph as the syntactic layer parsed it: the text
    parsed (the paragraph's mask: quotations kept), the parse and its roots."""

    sent: str
    parse: object
    roots: tuple

    @property
    def root(self):
        """The root when the parse found exactly one sentence, else None."""
        return self.roots[0] if len(self.roots) == 1 else None


def _parsed(par, s) -> _Parsed | None:
    """Parse sentence ``s`` of ``par`` (cached by the syntactic layer); None
    when the layer is not available."""
    from ..lang import syntax

    sent = par.model.mask[s.start:s.end]
    parse = syntax.parse(sent)
    if parse is None:
        return None
    return _Parsed(sent, parse, tuple(t for t in parse.tokens if t.dep == "ROOT"))


def _purpose_infinitive(parse, start: int) -> bool:
    """Whether the cue at ``start`` is an infinitive of purpose ("…, to
    counter the advance", "to warn off rivals"): no one reports anything."""
    toks = parse.tokens
    t = next((x for x in toks if x.start <= start < x.end), None)
    if t is None:
        return False
    if t.tag == "TO":  # the cue span starts at "to"
        t = toks[t.head]
    return t.dep == "advcl" and t.tag == "VB" and any(
        toks[c].dep == "aux" and toks[c].tag == "TO" for c in parse.children[t.i])


def _word_before(text: str, a: int) -> str:
    """The lower-cased word right before offset ``a`` (only spaces between)."""
    head = text[:a]
    if head and not head[-1].isspace():
        return ""
    m = re.search(r"([A-Za-z’']+)\s*$", head)
    return m.group(1).lower() if m else ""


def _trailing_participles(parse, j: int, inside) -> list[int]:
    """Participle clauses after a comma at the end of the sentence, inside
    branch ``j`` but outside every attribution ("…, raising fears of
    escalation"): the parser hangs them on the nearest verb, which may be
    the cue of a subordinate clause ("a truce announced by the mediators,
    raising fears …"), but they comment on the sentence's main event."""
    toks = parse.tokens
    last = len(toks) - 1
    out = []
    for k in parse.subtree(j):
        t = toks[k]
        if t.dep != "advcl" or t.tag != "VBG" or k == 0 or toks[k - 1].text != ",":
            continue
        sub = list(parse.subtree(k))
        if any(inside(toks[m]) for m in sub):
            continue
        if any(toks[m].pos not in ("PUNCT",) for m in range(max(sub) + 1, last + 1)):
            continue  # not the end of the sentence
        out.append(k)
    return out


def _dateline(text: str, a) -> bool:
    """"BAGHDAD: …" opens wire copy with a dateline, not a speaker and a colon."""
    return text[a.cue[0]:a.cue[1]] == ":" and text[a.source[0]:a.source[1]].isupper()


def toks_is_pronoun(parse, a) -> bool:
    """A source that is a personal pronoun ("he", "they"): in one sentence
    it stands for the speaker named nearby, as the word lists read it."""
    idx = [t for t in parse.tokens if a.source[0] <= t.start < a.source[1]]
    return len(idx) == 1 and idx[0].tag == "PRP"


_CLOSE_QUOTES = "”’\"'»"
_TERMINAL = ".!?…"


def _placeholder(par: Paragraph, sentence, rule: Rule) -> tuple[Fix, ...]:
    """Where and what to insert so a sentence names its source:
    “We will not retreat.” -> “We will not retreat,” [SOURCE] said.
    The fighting has left 500 dead. -> …dead, according to [SOURCE]."""
    source = rule.option("source_placeholder")
    speaker = rule.option("speaker_placeholder")
    if sentence is None or not (source or speaker):
        return ()
    text = par.model.text
    end = sentence.end
    while end > sentence.start and text[end - 1].isspace():
        end -= 1
    if end <= sentence.start:
        return ()
    last = text[end - 1]
    if last in _CLOSE_QUOTES and end - 2 >= sentence.start and text[end - 2] in _TERMINAL:
        if not speaker:
            return ()
        if text[end - 2] == ".":
            a, b, new = end - 2, end, f",{last} {speaker}."
        else:
            a, b, new = end, end, f" {speaker}."
    elif not source:
        return ()
    elif last in _TERMINAL:
        a, b, new = end - 1, end - 1, f", {source}"
    else:
        a, b, new = end, end, f", {source}"
    return (Fix(f"Insert an attribution placeholder ({new.strip(' ,.')})", (Edit(a, b, new),),
                applicability=Applicability.DISPLAY_ONLY),)


def _title_like(text: str) -> bool:
    """A one-line block with no sentence-final punctuation is a headline, a
    subhead or a truncated teaser ("… due to…"), not a sentence of the story."""
    t = text.strip()
    return bool(t) and "\n" not in t and not t.endswith((".", "!", "?", "”", "\"", "’", "'", ")", ":"))


class _NumberWords:
    """The language's words around a number: months ("Nov 29"), durations
    and clock times ("a 14-hour debate", "9 a.m."), qualifiers ("about 40")."""

    def __init__(self, language: Language):
        self.months = language.words("months")
        self.count_words = language.words("number_qualifiers")
        self.duration_or_time = re.compile(
            r"(?:[\s-]*(?:" + language.alternation("duration_units") + r")\b"
            r"|:\d\d|\s*(?:(?:" + language.alternation("clock_words") + r")\b))", re.I)

    def not_a_figure(self, text: str, a: int, b: int) -> bool:
        """Years ("in 2016"), days of the month ("Nov 29"), and numbers that are
        part of a name ("UNSCR 2254", "G7") are not figures a source must back."""
        m = _NUMBER_RE.search(text, a, b)
        if not m:
            return True
        num = m.group(0).rstrip(".,")
        after = text[m.start() + len(num):m.start() + len(num) + 4].lstrip()
        if after.startswith(("%", "per")):
            return False
        if num.isdigit() and len(num) == 4 and 1800 <= int(num) <= 2099:
            return True
        # Durations, ages and clock times ("a 14-hour debate", "a 34-year-old",
        # "at 10:30", "9 a.m.") measure the story's own record, not a count.
        if self.duration_or_time.match(text, m.start() + len(num)):
            return True
        before = text[:m.start()]
        # "Hassan Ali, 34, fled": an age set off by commas after a name.
        if num.isdigit() and int(num) <= 120 and before.rstrip().endswith(",") and after.startswith(","):
            return True
        prev = WORD_RE.findall(before[-16:])
        prev = prev[-1] if prev else ""
        if prev.lower().rstrip(".") in self.months and num.isdigit() and int(num) <= 31:
            return True
        # "UNSCR 2254", "Resolution 1701", "G7": a capitalised word (not the
        # first of the sentence) glued to the number names something.
        if prev and before.endswith((" " + prev + " ", prev)) and before.strip() != prev:
            if prev.isupper() or (prev.istitle() and prev.lower() not in self.count_words):
                return True
        return False




SOURCE_REACH = 6  # words between an anonymous source noun and its reporting verb


class _Anonymous:
    """``anonymous-source``: an attribution (from the source ledger, i.e. the
    dependency parse) whose source names no one — "officials said", "a senior
    aide told reporters", "activists believe" — with no reason for the
    anonymity in its sentence, or carrying an opinion or a personal attack.
    The paragraph is parsed only when it holds one of the rule's source
    nouns (most paragraphs do not, and the model is never loaded for them);
    without the syntactic layer the rule reports nothing."""

    def __init__(self, rule: Rule, lexicons: dict, index: PhraseIndex):
        from ..ledger import Extractor, Lexicon

        self.rule = rule
        self.sources = _lower_set(rule.option("sources"))
        self.reasons = index.matcher(rule.option("reasons", []))
        self.opinions = index.matcher(rule.option("opinion_words", []))
        self.extractor = Extractor(Lexicon.from_lexicons(lexicons))
        # "according to officials": the first word of each source phrase counts as a verb here
        self.verbs = _lower_set(lexicons.get("reporting_verbs")) | {
            str(p).split()[0].lower() for p in lexicons.get("source_phrases", []) if str(p).split()}

    def _candidate(self, sentence: str) -> bool:
        """A source noun within a few words of a reporting verb ("officials
        said", "said a senior official", "an aide told"): only such
        sentences are parsed."""
        words = [w.lower() for w in WORD_RE.findall(sentence)]
        nouns = [i for i, w in enumerate(words) if w in self.sources]
        if not nouns:
            return False
        verbs = [j for j, w in enumerate(words) if w in self.verbs]
        return any(-SOURCE_REACH <= j - i <= SOURCE_REACH for i in nouns for j in verbs)

    def check(self, par: Paragraph) -> Iterable[Finding]:
        if par.kind == "heading":
            return
        mask = par.model.mask
        for s in par.sentences:
            if self._candidate(mask[s.start:s.end]):
                yield from self._sentence(mask[s.start:s.end], s.start)

    def _sentence(self, text: str, offset: int) -> Iterable[Finding]:
        from ..lang import syntax

        parse = syntax.parse(text)
        if parse is None:
            return
        rule = self.rule
        for a in self.extractor.parse(parse):
            if a.source is None or a.named:
                continue
            src = text[a.source[0]:a.source[1]]
            words = [w.lower() for w in WORD_RE.findall(src)]
            if not words or words[-1] not in self.sources:
                continue  # a pronoun or an organisation, not an unnamed person
            sent = text[a.sentence[0]:a.sentence[1]]
            reason = self.reasons.spans(sent) if self.reasons else []
            content = text[a.content[0]:a.content[1]] if a.content else ""
            opinion = self.opinions.spans(content) if self.opinions and content else []
            if reason and not opinion:
                continue
            if opinion:
                o = opinion[0]
                why = f"carries an opinion or an attack (“{content[o[0]:o[1]]}”)"
            else:
                why = "gives no reason for the anonymity"
            start, end = offset + a.source[0], offset + a.source[1]
            yield Finding(rule.id, rule.severity, rule.render(source=src, why=why), start, end,
                          data={"source": src, "opinion": bool(opinion)})
