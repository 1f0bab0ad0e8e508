"""Attribution: who says so?

Four rule kinds share one reading of each paragraph:

* ``unattributed-claim``  a check-worthy sentence (figure, casualties, control,
  first/superlative, motive, judgement or forecast) in the writer's voice with
  no source;
* ``unattributed-quote``  a direct quotation with no speaker in its sentence or
  the next one;
* ``vague-attribution``   "experts say", "it is believed", "reportedly" …;
* ``loaded-attribution-verb``  "claimed", "admitted" … used as reporting verbs.

The grammar of attribution (see ``rules/attribution.yml`` ``lexicons:``): a
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

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

from ..findings import Edit, Finding, Fix
from ..rules.model import Rule
from ..text.cues import WORD_RE, phrase_regex
from ..text.model import Paragraph
from ..userregex import PatternError, compile_user_regex
from .base import Check, CheckContext

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
    },
}

CLAIM_SCHEMA = {
    "properties": {
        "triggers": {"type": "array", "items": TRIGGER_SCHEMA, "minItems": 1,
                     "description": "What makes a sentence check-worthy"},
        "subjectivity_threshold": {"type": "number", "minimum": 0, "maximum": 1,
                                   "description": "TextBlob (Pattern) subjectivity above which a sentence is a judgement; omit to turn off"},
        "min_words": {"type": "integer", "minimum": 1, "default": 4,
                      "description": "Shorter sentences (outside quotes) are not checked"},
        "ignore_years": {"type": "boolean", "default": True,
                         "description": "Years, days of the month and numbers in names are not figures"},
        "carry_over": {**_STRINGS, "description": "Trigger names a preceding sourced sentence of the paragraph covers"},
    },
    "required": ["triggers"],
}

QUOTE_SCHEMA = {
    "properties": {
        "min_words": {"type": "integer", "minimum": 1, "default": 4,
                      "description": "Shorter quotations are scare quotes or terms, not statements"},
    },
}

VAGUE_SCHEMA = {
    "properties": {
        "sources": {**_STRINGS, "description": "Nouns that name no one when they are the source (experts, critics)"},
        "phrases": {**_STRINGS, "description": "Phrases that attribute to no one (it is believed, reportedly)"},
        "patterns": {**_STRINGS, "description": "RE2 regular expressions for more such phrases"},
    },
    "anyOf": [{"required": ["sources"]}, {"required": ["phrases"]}, {"required": ["patterns"]}],
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

_MONTHS = {
    "jan", "january", "feb", "february", "mar", "march", "apr", "april", "may", "jun", "june",
    "jul", "july", "aug", "august", "sep", "sept", "september", "oct", "october", "nov",
    "november", "dec", "december",
}
_NUMBER_RE = re.compile(r"\d[\d,.]*")
_SUBJECT_OPENERS = {"the", "a", "an", "his", "her", "its", "their", "one", "another", "this"}
_IRREGULAR_PAST = {"said", "told", "wrote", "thought", "felt", "knew", "saw", "spoke", "swore", "gave"}


def _lower_set(items) -> frozenset[str]:
    return frozenset(str(w).lower() for w in items or ())


def _user_regexes(patterns) -> list:
    return [compile_user_regex(p) for p in patterns or ()]


def _spans(regex, text: str) -> list[tuple[int, int]]:
    if regex is None:
        return []
    return [(m.start(), m.end()) for m in regex.finditer(text) if m.end() > m.start()]


def _inside(spans, a: int, b: int) -> bool:
    return any(x <= a and b <= y for x, y in spans)


@dataclass
class Reading:
    """What a sentence says about its source."""

    status: str  # "named" | "vague" | "none"
    vague: list[tuple[int, int]] = field(default_factory=list)  # spans in the sentence text
    verbs: list[tuple[int, int, str]] = field(default_factory=list)  # reporting verbs in use


class Grammar:
    """The attribution grammar, from the lexicons and the vague-attribution rules."""

    def __init__(self, lexicons: dict, vague_sources, vague_phrases, vague_patterns):
        lx = {k: v for k, v in (lexicons or {}).items()}
        self.verbs = _lower_set(lx.get("reporting_verbs"))
        self.phrases = phrase_regex(lx.get("attribution_phrases", []))
        self.pronouns = _lower_set(lx.get("source_pronouns", ["he", "she", "they", "we", "i", "it"]))
        self.noun_markers = _lower_set(lx.get("noun_markers"))
        self.passive = _lower_set(lx.get("passive_markers", ["is", "are", "was", "were", "be", "been", "being"]))
        self.adverbs = _lower_set(lx.get("verb_adverbs"))
        self.breakers = phrase_regex(lx.get("carry_over_breakers", []))
        self.non_attribution = []
        for p in lx.get("non_attribution_patterns", []):
            try:
                self.non_attribution.append(compile_user_regex(p))
            except PatternError:
                pass  # a bad lexicon pattern must not disable the check
        self.vague_sources = _lower_set(vague_sources)
        self.vague_phrases = phrase_regex(vague_phrases)
        self.vague_patterns = list(vague_patterns)

    # -- helpers -------------------------------------------------------
    def _is_base_or_s(self, w: str) -> bool:
        if w.endswith("ed") or w.endswith("ing") or w in _IRREGULAR_PAST:
            return False
        return True

    def reads(self, text: str) -> Reading:
        """Read one sentence (quoted material already blanked)."""
        words = [(m.start(), m.end(), m.group(0)) for m in WORD_RE.finditer(text)]
        low = [w.lower() for _, _, w in words]
        blocked: list[tuple[int, int]] = []
        for rx in self.non_attribution:
            blocked.extend(_spans(rx, text))
        vague = _spans(self.vague_phrases, text)
        for rx in self.vague_patterns:
            vague.extend(_spans(rx, text))
        named = False
        verbs: list[tuple[int, int, str]] = []

        def joined(i: int) -> bool:
            """Words i-1 and i are separated by spaces only."""
            return i > 0 and not text[words[i - 1][1]:words[i][0]].strip()

        for i, w in enumerate(low):
            if w not in self.verbs:
                continue
            a, b, _ = words[i]
            if _inside(blocked, a, b) or _inside(vague, a, b):
                continue
            # The subject side: skip adverbs and auxiliaries ("later said").
            j = i
            while j > 0 and joined(j) and low[j - 1] in self.adverbs:
                j -= 1
            prev = low[j - 1] if j > 0 and joined(j) else None
            if prev is not None and prev in self.noun_markers:
                continue  # "the report", "to comment", "in comments"
            if prev is not None and prev in self.passive:
                # Passive: "was quoted as saying" names its subject; "was
                # reported by AFP" names the agent; otherwise no one.
                nxt = low[i + 1:i + 3]
                if (nxt[:2] == ["as", "saying"]) or (nxt[:1] == ["by"]):
                    named = True
                    verbs.append((a, b, w))
                continue
            if i + 1 < len(low) and joined(i + 1) and (low[i + 1] in self.verbs and low[i + 1] != w):
                continue  # "Reports said": a noun subject of the next verb
            if prev is None:
                # After a quote or a comma the source may follow the verb
                # (“…,” said Mariam Haddad); at the start of a sentence only a
                # past or -ing form is a verb ("Reports said" is a noun).
                boundary = j > 0
                if not boundary and self._is_base_or_s(w):
                    continue
                if w.endswith("ing") or not boundary:
                    named = True  # participle: the main clause's subject speaks
                    verbs.append((a, b, w))
                    continue
                nxt = low[i + 1] if i + 1 < len(low) else None
                if nxt is None:
                    continue
                # Inverted "…,” says the general": the next word must open a
                # subject ("claims and counterclaims" is a noun).
                if self._is_base_or_s(w) and not (
                    nxt in _SUBJECT_OPENERS or nxt in self.pronouns or words[i + 1][2][:1].isupper()
                ):
                    continue
                if nxt in self.vague_sources:
                    vague.append((a, words[i + 1][1]))
                    continue
                named = True
                verbs.append((a, b, w))
                continue
            if prev in self.vague_sources:
                vague.append((words[j - 1][0], b))
                continue
            named = True
            verbs.append((a, b, w))
        if self.phrases is not None:
            for m in self.phrases.finditer(text):
                if _inside(blocked, m.start(), m.end()) or _inside(vague, m.start(), m.end()):
                    continue
                tail = text[m.end():m.end() + 60]
                head = re.split(r"[,;:.()—–]", tail, maxsplit=1)[0]
                hw = [x.lower() for x in WORD_RE.findall(head)][:5]
                if hw and any(x in self.vague_sources for x in hw) and not any(
                    c[:1].isupper() for c in WORD_RE.findall(head)[:5]
                ):
                    vague.append((m.start(), m.end() + len(head.rstrip())))
                    continue
                named = True
        status = "named" if named else ("vague" if vague else "none")
        return Reading(status, vague, verbs)

    def breaks(self, text: str) -> bool:
        if self.breakers is None:
            return False
        m = self.breakers.match(text.lstrip(" “\"‘'(«"))
        return m is not None


@lru_cache(maxsize=20000)
def subjectivity(text: str) -> float:
    from textblob.en import sentiment  # Pattern lexicon; works offline

    return float(sentiment(text)[1])


@dataclass
class _Trigger:
    name: str
    reason: str
    words: re.Pattern | None
    patterns: list
    excepts: re.Pattern | None


class Attribution(Check):
    kinds = ("unattributed-claim", "unattributed-quote", "vague-attribution", "loaded-attribution-verb")
    schemas = {
        "unattributed-claim": CLAIM_SCHEMA,
        "unattributed-quote": QUOTE_SCHEMA,
        "vague-attribution": VAGUE_SCHEMA,
        "loaded-attribution-verb": VERB_SCHEMA,
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
        by_kind: dict[str, list[Rule]] = {}
        for r in rules:
            by_kind.setdefault(r.check, []).append(r)
        self.claim_rules = [self._claim_setup(r) for r in by_kind.get("unattributed-claim", [])]
        self.quote_rules = by_kind.get("unattributed-quote", [])
        self.vague_rules = [
            (r, phrase_regex(r.option("phrases", [])), _user_regexes(r.option("patterns")), _lower_set(r.option("sources")))
            for r in by_kind.get("vague-attribution", [])
        ]
        self.verb_rules = [self._verb_setup(r) for r in by_kind.get("loaded-attribution-verb", [])]
        sources, phrases, patterns = set(), [], []
        for r, _, pats, srcs in self.vague_rules:
            sources |= srcs
            phrases.extend(r.option("phrases", []))
            patterns.extend(pats)
        self.grammar = Grammar(context.lexicons, sources, phrases, patterns)

    # -- setup -----------------------------------------------------------
    @staticmethod
    def _claim_setup(rule: Rule):
        triggers = []
        for t in rule.option("triggers", []):
            triggers.append(_Trigger(
                t["name"], t.get("reason", t["name"]), phrase_regex(t.get("words", [])),
                _user_regexes(t.get("patterns")), phrase_regex(t.get("except", [])),
            ))
        return rule, triggers

    @staticmethod
    def _verb_setup(rule: Rule):
        default = rule.option("replacement", ["say", "says", "said", "saying"])
        table: dict[str, tuple[str, str]] = {}
        for v in rule.option("verbs", []):
            rep = v.get("replacement", default)
            for i, form in enumerate(v["forms"]):
                table[form.lower()] = (rep[min(i, len(rep) - 1)], v["implies"])
        return rule, table, phrase_regex(rule.option("except", []))

    # -- the paragraph ---------------------------------------------------
    def check_paragraph(self, par: Paragraph) -> Iterable[Finding]:
        if par.kind == "heading":
            return  # headlines summarise the attributed story below them
        sents = par.sentences
        if not sents:
            return
        outside = [par.outside_quotes(s.start, s.end) for s in sents]
        readings = [self.grammar.reads(t) for t in outside]
        if par.kind != "quote":
            for rule, triggers in self.claim_rules:
                yield from self._claims(par, rule, triggers, sents, outside, readings)
        for rule in self.quote_rules:
            yield from self._quotes(par, rule)
        for rule, phrases, pats, srcs in self.vague_rules:
            yield from self._vague(rule, phrases, pats, srcs, sents, outside, readings)
        for rule, table, excepts in self.verb_rules:
            yield from self._verbs(rule, table, excepts, sents, outside, readings)

    # -- unattributed-claim ----------------------------------------------
    def _claims(self, par, rule, triggers, sents, outside, readings):
        min_words = rule.option("min_words", 4)
        threshold = rule.option("subjectivity_threshold")
        carry = set(rule.option("carry_over", []))
        ignore_years = rule.option("ignore_years", True)
        frame = False  # a named source earlier in the paragraph
        for s, text, reading in zip(sents, outside, readings):
            if self.grammar.breaks(text):
                frame = False
            if reading.status == "named":
                frame = True
                continue
            if reading.status == "vague":
                frame = False
                continue
            if len(WORD_RE.findall(text)) < min_words:
                continue
            found = self._triggers(text, triggers, ignore_years)
            if not found and threshold is not None:
                score = subjectivity(" ".join(text.split()))
                if score > threshold:
                    found = [("evaluation", "a judgement", _strongest_word(text))]
            if not found:
                continue
            if frame and carry and all(name in carry for name, _, _ in found):
                continue  # continues the report of the sentence before
            name, reason, trigger = found[0]
            yield Finding(
                rule.id, rule.severity,
                rule.render(reason=reason, trigger=trigger, categories=[f[0] for f in found]),
                s.start, s.end, data={"triggers": [f[0] for f in found], "trigger": trigger},
            )

    @staticmethod
    def _triggers(text: str, triggers, ignore_years: bool) -> list[tuple[str, str, str]]:
        found = []
        for t in triggers:
            excepts = _spans(t.excepts, text)
            hit = None
            for a, b in _spans(t.words, text) + [sp for rx in t.patterns for sp in _spans(rx, text)]:
                if _inside(excepts, a, b) or any(x < b and a < y for x, y in excepts):
                    continue
                piece = text[a:b].strip(" ,.;:()[]")
                if ignore_years and t.patterns and _NUMBER_RE.search(piece) and _not_a_figure(text, a, b):
                    continue
                hit = piece
                break
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
            words = body.split()
            shown = " ".join(words[:8]) + ("…" if len(words) > 8 else "")
            yield Finding(rule.id, rule.severity, rule.render(quote=shown.strip(" ,.")), q.start, q.end,
                          data={"quote": body})

    # -- vague-attribution -----------------------------------------------
    def _vague(self, rule, phrases, pats, srcs, sents, outside, readings):
        for s, text, reading in zip(sents, outside, readings):
            spans = []
            own = _spans(phrases, text) + [sp for rx in pats for sp in _spans(rx, text)]
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
                              data={"match": match})

    # -- loaded-attribution-verb -------------------------------------------
    def _verbs(self, rule, table, excepts, sents, outside, readings):
        for s, text, reading in zip(sents, outside, readings):
            skip = _spans(excepts, text)
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


def _not_a_figure(text: str, a: int, b: int) -> bool:
    """Years ("in 2016"), days of the month ("Nov 29"), and numbers that are
    part of a name ("UNSCR 2254", "G7") are not figures a source must back."""
    m = _NUMBER_RE.search(text, a, b)
    if not m:
        return True
    num = m.group(0).rstrip(".,")
    after = text[m.end():m.end() + 4].lstrip()
    if after.startswith(("%", "per")):
        return False
    if num.isdigit() and len(num) == 4 and 1800 <= int(num) <= 2099:
        return True
    before = text[:m.start()]
    prev = WORD_RE.findall(before[-16:])
    prev = prev[-1] if prev else ""
    if prev.lower().rstrip(".") in _MONTHS and num.isdigit() and int(num) <= 31:
        return True
    # "UNSCR 2254", "Resolution 1701", "G7": a capitalised word (not the
    # first of the sentence) glued to the number names something.
    if prev and before.endswith((" " + prev + " ", prev)) and before.strip() != prev:
        if prev.isupper() or (prev.istitle() and prev.lower() not in _COUNT_WORDS):
            return True
    return False


_COUNT_WORDS = {"about", "over", "nearly", "almost", "some", "around", "more", "at", "least", "than", "another", "only", "just", "up", "to"}


def _strongest_word(text: str) -> str:
    """The most subjective word of a sentence, to point the editor at it."""
    from textblob.en import sentiment

    best, score = "", -1.0
    for w in WORD_RE.findall(text):
        entry = sentiment.get(w.lower()) if hasattr(sentiment, "get") else None
        if entry:
            vals = next(iter(entry.values()))
            if vals[1] > score:
                best, score = w, vals[1]
    return best or " ".join(text.split()[:4])
