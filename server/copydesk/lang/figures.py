"""Figures in running text: how many, how sure, counting what, of which
event (the language layer's one figure reader).

Shared by the corpus index and the figures check so both read numbers the
same way.  "resulted in over 412 deaths" -> Figure(phrase "over 412",
value 412, kind "lower", noun "deaths", group "deaths").  The language data
(qualifiers, vague quantities, noun groups, units) comes from the
``figure-*`` lexicons of rules/figures.yml.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, replace
from functools import lru_cache

# Bump when extraction changes so persisted indexes are rebuilt.
EXTRACTOR_VERSION = 21

# Structural constants of the tokeniser and tagger (not words of a language:
# those come from the figure-* lexicons of rules/figures.yml).
ORDINAL_SUFFIXES = {"st", "nd", "rd", "th"}
# After a counted noun, these end the noun phrase.
PHRASE_TAGS = {"JJ", "JJR", "JJS", "VBN", "NN", "NNS", "NNP", "NNPS"}
NOUN_TAGS = {"NN", "NNS", "NNP", "NNPS"}
CLAUSE_ENDS = {";", ":", ".", "!", "?", "(", ")", "—", "–", "--"}
# Punctuation that ends a figure's clause (its own place, actor, anchors).
CLAUSE_MARKS = {",", ";", ":", "(", ")", "—", "–", "--", "\"", "“", "”"}
# Dashes: a pair of them sets off an aside ("In Afghanistan -- where … --").
DASHES = {"—", "–", "--"}

_TOKEN = re.compile(
    r"\d{1,3}(?:,\d{3})+(?:\.\d+)?"  # 1,000 / 12,500.5
    r"|\d+(?:\.\d+)?"  # 412 / 1.5
    r"|[^\W\d_](?:[\w’'\-.]*\w)?"  # words, incl. Iran-backed, U.S, F-16, twenty-eight
    r"|--|%|\S",  # "--": a dash typed as two hyphens
    re.UNICODE,
)
_WORDLIKE = re.compile(r"[^\W\d_]")


class Token:
    """A word, number or punctuation mark with its offsets (a plain slotted
    class: millions are made while indexing)."""

    __slots__ = ("text", "start", "end", "low", "is_word", "is_digit")

    def __init__(self, text: str, start: int, end: int):
        self.text = text
        self.start = start
        self.end = end
        self.low = text.lower().replace("’", "'")
        self.is_digit = text[:1].isdigit()
        self.is_word = text[:1].isalpha()

    def __repr__(self) -> str:
        return f"Token({self.text!r}, {self.start}, {self.end})"


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    end = len(text) if end is None else end
    return [Token(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text, start, end)]


_DIGIT = re.compile(r"\d")
_LOWER_WORDS = re.compile(r"[a-z]+")


def _trigger_words(lang: "FigureLanguage") -> frozenset:
    """Words without which a text holds no figure (most corpus sentences
    have none and are skipped without tokenising)."""
    words = set(lang.units_words) | set(lang.tens_words) | set(lang.scales) | set(lang.a_countable) \
        | set(lang.fractions)
    for phrase in lang.vague:
        words.update(w for w in phrase.split() if w not in ("a", "an", "of"))
    return frozenset(words)


@dataclass(frozen=True)
class Figure:
    """A count in a sentence.  Offsets are into the text given to extract()."""

    start: int  # qualifier (or number) start
    phrase_end: int  # end of qualifier + number: what a fix replaces
    end: int  # end of the counted noun
    phrase: str  # "over 412"
    text: str  # "over 412 deaths"
    value: float  # 412 (in the unit's base: "two decades" -> 20 years)
    low: float  # the quantity's own range before margins: 412..412, dozens 24..99
    high: float
    kind: str  # exact | lower | upper | approx | below | vague | range
    noun: str  # "deaths" as written
    group: str  # "deaths" (noun group, unit group, or the singular noun)
    unit_factor: float = 1.0

    def interval(self, tolerance: float = 0.0, open_margin: float = 0.1, approx_margin: float = 0.1
                 ) -> tuple[float, float]:
        """What the figure claims, as a closed interval."""
        lo, hi = self.low, self.high
        if self.kind == "lower":
            return lo, hi * (1 + open_margin) if hi else hi + 1
        if self.kind == "upper":
            return lo * (1 - open_margin) if lo else 0.0, hi
        if self.kind == "approx":
            return lo * (1 - approx_margin), hi * (1 + approx_margin)
        if self.kind == "below":
            return lo * (1 - approx_margin), hi
        if self.kind in ("vague", "range"):
            return lo, hi
        return lo * (1 - tolerance), hi * (1 + tolerance)


def consistent(a: Figure, b: Figure, bound_margin: float | None = None, **margins) -> bool:
    """Whether two figures' intervals meet.  A lower bound against a figure
    that is no lower bound ("at least 40" and 45) is open by
    ``bound_margin`` (when given) instead of ``open_margin``: the bound is a
    writer's caution, not another count."""
    if bound_margin is not None and (a.kind == "lower") != (b.kind == "lower"):
        wide = {**margins, "open_margin": max(bound_margin, margins.get("open_margin", 0.1))}
        alo, ahi = a.interval(**(wide if a.kind == "lower" else margins))
        blo, bhi = b.interval(**(wide if b.kind == "lower" else margins))
    else:
        alo, ahi = a.interval(**margins)
        blo, bhi = b.interval(**margins)
    eps = 1e-9
    return alo <= bhi + eps and blo <= ahi + eps


def singular(word: str, irregular: dict[str, str] | None = None) -> str:
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    elif w.endswith("'"):
        w = w[:-1]
    if irregular and w in irregular:
        return irregular[w]
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith(("ches", "shes", "sses", "xes")):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


@lru_cache(maxsize=1)
def _pos_lexicon():
    """The Pattern tagger's word -> tag lexicon shipped with textblob (offline)."""
    try:
        from ..lang.pattern_en import pattern_en  # no NLTK

        lexicon = pattern_en().lexicon
        lexicon.get("the")  # loads it
        return lexicon
    except Exception:  # pragma: no cover - textblob is a dependency
        return {}


def pos(tok: Token, first: bool = False, lang: "FigureLanguage | None" = None) -> str:
    """A part-of-speech tag for one word, from the Pattern lexicon with
    suffix guesses for unknown words."""
    text = tok.text
    lex = _pos_lexicon()
    tag = lex.get(text) or lex.get(text.lower())
    if tag and not (text[:1].isupper() and not first and tag not in NOUN_TAGS and lex.get(text) is None):
        return tag
    if text[:1].isupper() and not first:
        return "NNP"
    low = text.lower()
    if lang is not None and "-" in low and low.rsplit("-", 1)[-1] in lang.compound_participles:
        return "JJ"
    if low.endswith("ed"):
        return "VBN"
    if low.endswith("ing"):
        return "VBG"
    if low.endswith("s") and not low.endswith("ss"):
        return "NNS"
    return "NN"


# FigureLanguage attribute <- its plain word-set lexicon.
_WORD_SETS = {
    "compound_participles": "figure-compound-participles",
    "identifier_words": "figure-identifier-words",
    "determiners": "figure-determiners",
    "pronouns": "figure-pronouns",
    "auxiliaries": "figure-auxiliaries",
    "name_glue": "figure-name-glue",
    "source_glue": "figure-source-glue",
}
_SET_OF_LEXICON = {lexicon: attr for attr, lexicon in _WORD_SETS.items()}


def _parse_entry(entry: str) -> tuple[str, str]:
    if "=" not in entry:
        raise ValueError(f"expected 'words = value', got {entry!r}")
    k, v = entry.split("=", 1)
    return " ".join(k.lower().split()), v.strip()


class FigureLanguage:
    """The language data the extractor needs, built from rule lexicons."""

    def __init__(self, lexicons: dict[str, list[str]] | None = None):
        lexicons = lexicons or {}
        self.groups: dict[str, str] = {}  # word -> group
        self.group_words: dict[str, set[str]] = {}
        self.units: dict[str, tuple[str, float]] = {}  # word -> (group, factor)
        self.qualifiers: dict[str, str] = {}  # phrase -> kind
        self.vague: dict[str, tuple[float, float]] = {}
        self.months: set[str] = set()
        self.date_preps: set[str] = set()
        self.stopwords: set[str] = set()
        self.event_groups: set[str] = set()  # what happened to those counted: deaths, displaced …
        self.generic_groups: set[str] = set()  # counts that say only "people"
        self.generic_defaults: dict[str, str] = {}  # victims -> deaths: with no event word near
        self.units_words: dict[str, float] = {}  # one = 1 … nineteen = 19
        self.tens_words: dict[str, float] = {}  # twenty = 20 …
        self.scales: dict[str, float] = {}  # hundred, thousand, million, bn …
        self.scale_suffixes: dict[str, float] = {}  # "1.2m", "3bn": attached to digits
        self.a_countable: set[str] = set()  # "a hundred", "a decade"
        self.fractions: dict[str, float] = {}  # "half a million"
        self.time_words: set[str] = set()  # "5 p.m", "0830 GMT": clock times
        self.toll_verbs: set[str] = set()  # "the toll … rose to 412"
        self.toll_copulas: set[str] = set()  # "the death toll … is 278": only after a toll noun
        self.lookback_glue: set[str] = set()  # words between a count word and its number
        self.subject_reach = 12
        self.event_before = 4
        self.event_after = 7
        self.reporting: set[str] = set()  # said, told, according …: names near them are sources
        self.weekdays: dict[str, int] = {}  # friday -> 4 ("the mayor said Friday": the count's day)
        self.context_synonyms: dict[str, str] = {}  # quake -> earthquake: one context term per event word
        self.place_preps: set[str] = set()  # in, at, across …: the name after is a place
        self.clause_openers: set[str] = set()  # while, but, whereas: a new clause with its own place
        self.clause_splitters: set[str] = set()  # with, as: a new clause that may share the place before
        self.verb_glue: set[str] = set()  # "15 had been reported killed"
        self.part_before: list[tuple[str, ...]] = []  # including, among them …: a part of a total
        self.part_after: list[tuple[str, ...]] = []  # "of them", "of whom"
        self.increment_before: list[tuple[str, ...]] = []  # another, a further …
        self.increment_after: set[str] = set()  # "five more bodies"
        self.past_anchors: list[tuple[str, ...]] = []  # last month, a decade ago …
        self.irregular: dict[str, str] = {}
        self.month_numbers: dict[str, int] = {}
        self.toll_nouns: set[str] = set()  # toll, death toll: an event's running total
        self.total_markers: list[tuple[str, ...]] = []  # across the region, in total, nationwide
        self.demonyms: dict[str, str] = {}  # afghan -> Afghanistan: one name for a place
        self.compound_participles: set[str] = set()  # Iran-backed, HTS-led: adjectives
        self.identifier_words: set[str] = set()  # "No 10", "resolution 2254": not counts
        self.determiners: set[str] = set()  # "dozens of the soldiers"
        self.pronouns: set[str] = set()  # "three of them", "of whom"
        self.auxiliaries: set[str] = set()  # "the Observatory has said"
        self.name_glue: set[str] = set()  # "Ministry of Health", "Sheikh al-…": inside a source's name
        self.source_glue: set[str] = set()  # "according to the Ministry of …"
        priority = {"below": 0, "lower": 1, "upper": 2, "approx": 3}
        for name in sorted(lexicons):
            words = lexicons[name] or []
            if name.startswith("figure-group/"):
                group = name.split("/", 1)[1]
                for w in words:
                    key = " ".join(w.lower().split())
                    self.groups.setdefault(key, group)
                    self.group_words.setdefault(group, set()).add(key)
            elif name.startswith("figure-unit/"):
                group = name.split("/", 1)[1]
                for entry in words:
                    word, factor = _parse_entry(entry)
                    self.units[word] = (group, float(factor))
                    self.group_words.setdefault(group, set()).add(word)
            elif name.startswith("figure-qualifier/"):
                kind = name.split("/", 1)[1]
                if kind not in priority:
                    raise ValueError(f"lexicon {name}: qualifier kinds are {', '.join(priority)}")
                for w in words:
                    key = " ".join(w.lower().split())
                    old = self.qualifiers.get(key)
                    if old is None or priority[kind] < priority[old]:
                        self.qualifiers[key] = kind
            elif name == "figure-vague":
                for entry in words:
                    word, rng = _parse_entry(entry)
                    lo, _, hi = rng.partition("..")
                    self.vague[word] = (float(lo), float(hi or lo))
            elif name == "figure-dates":
                self.months |= {w.lower() for w in words}
            elif name == "figure-date-prepositions":
                self.date_preps |= {w.lower() for w in words}
            elif name == "figure-context-stopwords":
                self.stopwords |= {w.lower() for w in words}
            elif name == "figure-event-groups":
                self.event_groups |= {w.lower() for w in words}
            elif name == "figure-generic-groups":
                self.generic_groups |= {w.lower() for w in words}
            elif name == "figure-generic-defaults":
                for entry in words:
                    word, group = _parse_entry(entry)
                    self.generic_defaults[word] = group.lower()
            elif name in ("figure-number-words", "figure-tens-words", "figure-scales", "figure-scale-suffixes",
                          "figure-fractions"):
                table = {"figure-number-words": self.units_words, "figure-tens-words": self.tens_words,
                         "figure-scales": self.scales, "figure-scale-suffixes": self.scale_suffixes,
                         "figure-fractions": self.fractions}[name]
                for entry in words:
                    word, value = _parse_entry(entry)
                    table[word] = float(value)
            elif name == "figure-a-countable":
                self.a_countable |= {w.lower() for w in words}
            elif name == "figure-time-words":
                self.time_words |= {w.lower() for w in words}
            elif name == "figure-toll-verbs":
                self.toll_verbs |= {w.lower() for w in words}
            elif name == "figure-toll-copulas":
                self.toll_copulas |= {w.lower() for w in words}
            elif name == "figure-lookback-glue":
                self.lookback_glue |= {w.lower() for w in words}
            elif name == "figure-reach":
                for entry in words:
                    key, value = _parse_entry(entry)
                    if key in ("subject", "event before", "event after"):
                        setattr(self, {"subject": "subject_reach", "event before": "event_before",
                                       "event after": "event_after"}[key], int(float(value)))
            elif name == "figure-reporting-words":
                self.reporting |= {w.lower() for w in words}
            elif name == "figure-context-synonyms":
                for entry in words:
                    word, canon = _parse_entry(entry)
                    self.context_synonyms[word] = canon.lower()
            elif name == "figure-weekdays":
                for entry in words:
                    word, number = _parse_entry(entry)
                    self.weekdays[word] = int(number)
            elif name == "figure-place-prepositions":
                self.place_preps |= {w.lower() for w in words}
            elif name == "figure-clause-openers":
                self.clause_openers |= {w.lower() for w in words}
            elif name == "figure-clause-splitters":
                self.clause_splitters |= {w.lower() for w in words}
            elif name == "figure-verb-glue":
                self.verb_glue |= {w.lower() for w in words}
            elif name == "figure-part-before":
                self.part_before += [tuple(w.lower().split()) for w in words]
            elif name == "figure-part-after":
                self.part_after += [tuple(w.lower().split()) for w in words]
            elif name == "figure-increment-before":
                self.increment_before += [tuple(w.lower().split()) for w in words]
            elif name == "figure-increment-after":
                self.increment_after |= {w.lower() for w in words}
            elif name == "figure-past-anchors":
                self.past_anchors += [tuple(w.lower().split()) for w in words]
            elif name == "figure-demonyms":
                for entry in words:
                    word, place = _parse_entry(entry)
                    self.demonyms[word] = place
            elif name == "figure-total-markers":
                self.total_markers += [tuple(w.lower().split()) for w in words]
            elif name in _SET_OF_LEXICON:
                getattr(self, _SET_OF_LEXICON[name]).update(w.lower() for w in words)
            elif name == "figure-toll-nouns":
                self.toll_nouns |= {w.lower() for w in words}
            elif name == "figure-months":
                for entry in words:
                    word, value = _parse_entry(entry)
                    self.month_numbers[word] = int(float(value))
            elif name == "figure-irregular-plurals":
                for entry in words:
                    plural, single = _parse_entry(entry)
                    self.irregular[plural] = single
        self.max_qualifier = max((len(q.split()) for q in self.qualifiers), default=1)
        self.max_vague = max((len(q.split()) for q in self.vague), default=1)
        self.max_unit = max((len(q.split()) for q in self.units), default=1)
        self.max_group = max((len(q.split()) for q in self.groups), default=1)
        self.vague_first = frozenset(p.split()[0] for p in self.vague)
        self.triggers = _trigger_words(self)
        self.number_like = set(self.units_words) | set(self.tens_words) | set(self.scales) | {
            w for p in self.vague for w in p.split() if w not in self.stopwords}
        data = {k: v for k, v in sorted(lexicons.items()) if k.startswith("figure")}
        self.fingerprint = hashlib.sha1(
            json.dumps([EXTRACTOR_VERSION, data], sort_keys=True).encode()
        ).hexdigest()[:16]

    def group_of(self, word: str) -> str:
        low = " ".join(word.lower().replace("’", "'").split())
        if low in self.groups:
            return self.groups[low]
        if low in self.units:
            return self.units[low][0]
        s = singular(low, self.irregular)
        return self.groups.get(s) or (self.units[s][0] if s in self.units else s)

    def in_group(self, word: str) -> bool:
        low = word.lower()
        return low in self.groups or singular(low, self.irregular) in self.groups

    def word_number(self, low: str) -> float | None:
        if low in self.units_words:
            return self.units_words[low]
        if low in self.tens_words:
            return self.tens_words[low]
        if "-" in low:
            a, _, b = low.partition("-")
            if a in self.tens_words and b in self.units_words and 0 < self.units_words[b] < 10:
                return self.tens_words[a] + self.units_words[b]
        return None


# ------------------------------------------------------------------ extraction


def _match_phrase(tokens: list[Token], i: int, table, max_len: int, text: str, *, ending: bool = False):
    """Longest phrase from table starting at token i (or ending at token i-1
    when ending), with only spaces between its words.  -> (phrase, n)."""
    for n in range(max_len, 0, -1):
        if ending:
            a, b = i - n, i
        else:
            a, b = i, i + n
        if a < 0 or b > len(tokens):
            continue
        toks = tokens[a:b]
        if not all(t.is_word for t in toks):
            continue
        if any(text[toks[k].end:toks[k + 1].start].strip() for k in range(len(toks) - 1)):
            continue
        phrase = " ".join(t.low for t in toks)
        if phrase in table:
            return phrase, n
    return None, 0


def _parse_words(tokens: list[Token], i: int, lang: "FigureLanguage") -> tuple[float, int] | None:
    """'two hundred and fifty thousand' -> (250000, tokens used)."""
    total, current, j = 0.0, 0.0, i
    last, prev_v = None, 0.0
    tens = set(lang.tens_words.values())
    hundred = lang.scales.get("hundred")
    while j < len(tokens):
        low = tokens[j].low
        v = lang.word_number(low)
        if v is not None:
            if last == "num":
                if prev_v in tens and 0 < v < 10:
                    current += v
                    prev_v = v
                    j += 1
                    continue
                break
            current += v
            last, prev_v = "num", v
        elif hundred and lang.scales.get(low) == hundred and last == "num":
            current *= hundred
            last = "hundred"
        elif low in lang.scales and lang.scales[low] != hundred and last in ("num", "hundred") \
                and low not in lang.scale_suffixes:
            total += current * lang.scales[low]
            current = 0.0
            last = "scale"
        elif low == "and" and last in ("hundred", "scale") and j + 1 < len(tokens) \
                and lang.word_number(tokens[j + 1].low) is not None:
            last = "and"
        else:
            break
        j += 1
    if last is None:
        return None
    if last == "and":
        j -= 1
    return total + current, j - i


def _digit_value(text: str) -> float:
    return float(text.replace(",", ""))


class Extractor:
    def __init__(self, language: FigureLanguage):
        self.lang = language

    # A number at token i: (value, low, high, kind-if-vague, tokens used) or None
    def _number_at(self, tokens: list[Token], i: int, text: str):
        tok = tokens[i]
        lang = self.lang
        phrase, n = _match_phrase(tokens, i, lang.vague, lang.max_vague, text)
        if phrase:
            lo, hi = lang.vague[phrase]
            return (lo + hi) / 2, lo, hi, "vague", n
        if tok.is_digit:
            value = _digit_value(tok.text)
            used = 1
            if i + 1 < len(tokens):
                nxt = tokens[i + 1]
                if nxt.low in lang.scales and nxt.low not in lang.scale_suffixes:
                    value *= lang.scales[nxt.low]  # "1.5 million"
                    used = 2
                elif nxt.low in lang.scale_suffixes and nxt.start == tok.end:
                    # "1.2m people", "3bn": a scale written onto the number;
                    # "100m" stays metres unless a counted noun follows.
                    after = tokens[i + 2] if i + 2 < len(tokens) else None
                    if nxt.low not in lang.units or (after is not None and after.is_word and (
                            lang.in_group(after.low) or pos(after, lang=lang) in ("NNS", "NNPS"))):
                        value *= lang.scale_suffixes[nxt.low]
                        used = 2
            return value, value, value, None, used
        low = tok.low
        if low in lang.fractions and i + 2 < len(tokens) and tokens[i + 1].low in ("a", "an") \
                and tokens[i + 2].low in lang.scales:
            value = lang.fractions[low] * lang.scales[tokens[i + 2].low]  # "half a million"
            return value, value, value, None, 3
        if low in ("a", "an") and i + 1 < len(tokens) and tokens[i + 1].low in lang.a_countable:
            if tokens[i + 1].low in lang.scales:
                parsed = _parse_words([Token("one", 0, 0)] + tokens[i + 1:i + 6], 0, lang)
                if parsed:
                    return parsed[0], parsed[0], parsed[0], None, parsed[1]
            return 1.0, 1.0, 1.0, None, 1
        if lang.word_number(low) is not None:
            parsed = _parse_words(tokens, i, lang)
            if parsed:
                return parsed[0], parsed[0], parsed[0], None, parsed[1]
        return None

    def extract(self, text: str, start: int = 0, end: int | None = None) -> list[Figure]:
        """Every figure with a counted noun in text[start:end] (one sentence
        or a paragraph; offsets are into text)."""
        lang = self.lang
        segment = text[start:end]
        if not _DIGIT.search(segment) and lang.triggers.isdisjoint(_LOWER_WORDS.findall(segment.lower())):
            return []
        tokens = tokenize(text, start, end)
        out: list[Figure] = []
        i = 0
        n_tok = len(tokens)
        while i < n_tok:
            tok = tokens[i]
            low = tok.low
            if not (tok.is_digit or low in lang.number_like or low in ("a", "an") or low in lang.fractions
                    or (tok.is_word and "-" in low) or low in lang.vague_first):
                i += 1
                continue
            num = self._number_at(tokens, i, text)
            if num is None:
                i += 1
                continue
            value, lo, hi, vague_kind, used = num
            j = i + used
            fig = self._figure(tokens, i, j, value, lo, hi, vague_kind, text, start)
            if fig is None and out:
                fig = self._elided(tokens, i, j, value, lo, hi, vague_kind, text, out[-1])
            if fig is not None:
                out.append(fig)
            i = j
        return out

    def _figure(self, tokens, i, j, value, lo, hi, vague_kind, text, span_start) -> Figure | None:
        lang = self.lang
        first = tokens[i]
        # Qualifier before the number.
        qual, qn = _match_phrase(tokens, i, lang.qualifiers, lang.max_qualifier, text, ending=True)
        kind = vague_kind or (lang.qualifiers[qual] if qual else "exact")
        if vague_kind and qual:
            kind = "vague"
        q_start = tokens[i - qn].start if qual else first.start
        prev = tokens[i - qn - 1] if i - qn - 1 >= 0 else None
        nxt = tokens[j] if j < len(tokens) else None
        num_tok = tokens[j - 1]

        if first.is_digit and vague_kind is None:
            # Ordinals, times, fractions, identifiers, dates: not counts.
            if nxt is not None and nxt.start == num_tok.end and (
                nxt.low in ORDINAL_SUFFIXES or nxt.text in (":", "/") or nxt.low in lang.time_words):
                return None
            if nxt is not None and nxt.low in lang.time_words:
                return None
            if prev is not None and prev.end == first.start and prev.text in ("-", "/", "#", "$", "£", "€"):
                return None
            is_int = "." not in first.text and j == i + 1
            if is_int and value <= 31 and not qual and (
                (prev is not None and prev.low.rstrip(".") in lang.months)
                or (nxt is not None and nxt.low.rstrip(".") in lang.months)):
                return None
            if prev is not None and prev.low.rstrip(".") in lang.months:
                return None  # "Nov 2024"
            if (not qual and prev is not None and prev.is_word and i - qn - 1 > 0
                    and (prev.text.isupper() and len(prev.text) > 1 or prev.low in lang.identifier_words)
                    and text[prev.end:first.start] == " "):
                return None  # "UNSCR 2254", "No 10"
        # Ranges: "between 200 and 300 fighters", "200 to 300 fighters".
        if not qual and vague_kind is None and i >= 2 and tokens[i - 1].low in ("and", "to", "-", "–") \
                and (tokens[i - 2].is_digit or lang.word_number(tokens[i - 2].low) is not None):
            k0 = i - 2
            first_low = _digit_value(tokens[k0].text) if tokens[k0].is_digit else lang.word_number(tokens[k0].low)
            if first_low is not None and first_low < value:
                opener = tokens[k0 - 1].low if k0 >= 1 else ""
                # "from 300 to 412" is a change: the figure is the new count.
                if opener == "between" or (opener != "from" and tokens[i - 1].low in ("to", "-", "–")):
                    if opener == "between":
                        k0 -= 1
                    kind, lo = "range", first_low
                    q_start = tokens[k0].start
                    prev = tokens[k0 - 1] if k0 >= 1 else None
        # Units, attached ("230km") or spaced ("230 kilometres", "40 per cent").
        noun_tok = None
        noun_text = None
        group = None
        factor = 1.0
        k = j
        if nxt is not None:
            unit, un = _match_phrase(tokens, j, lang.units, lang.max_unit, text)
            if unit is None and nxt.text == "%":
                unit, un = ("%", 1) if "%" in lang.units else (None, 0)
            if unit:
                group, factor = lang.units[unit]
                noun_text = text[tokens[j].start:tokens[j + un - 1].end]
                k = j + un
        if group is None:
            # Partitive "of" after vague words and bare scales ("dozens of soldiers").
            if nxt is not None and nxt.low == "of" and (vague_kind or tokens[j - 1].low in lang.scales):
                k = j + 1
                while k < len(tokens) and (tokens[k].low in lang.determiners or tokens[k].low in lang.pronouns):
                    k += 1
                if k < len(tokens) and tokens[k - 1].low in lang.pronouns:
                    return None
            elif nxt is not None and nxt.low == "of":
                # "two of the soldiers", "three of them": a part of a count
                # (the figure's scope marks it so); its group is the noun
                # after "of", or what "them" stands for.
                k = j + 1
                while k < len(tokens) and tokens[k].low in lang.determiners:
                    k += 1
                if k < len(tokens) and tokens[k].low in lang.pronouns or tokens[k - 1].low in lang.pronouns:
                    k = k + 1 if k < len(tokens) and tokens[k].low in lang.pronouns else k
                    ante = self._antecedent(tokens, i - qn)
                    if ante is None:
                        return None
                    noun_text = ante.text
                    group = lang.group_of(ante.text)
                    if group in lang.generic_groups:
                        group = self._event_near(tokens, i - qn, k) or group
                    end = tokens[k - 1].end
                    return Figure(start=q_start, phrase_end=tokens[j - 1].end, end=end,
                                  phrase=text[q_start:tokens[j - 1].end], text=text[q_start:end],
                                  value=value, low=lo, high=hi, kind=kind, noun=noun_text, group=group)
            head = self._noun_after(tokens, k, text)
            if head is not None:
                noun_tok, k = head
                noun_text = noun_tok.text
                group = lang.group_of(noun_text)
                unit = lang.units.get(noun_tok.low) or lang.units.get(singular(noun_tok.low, lang.irregular))
                if unit:
                    group, factor = unit
        if group is not None and noun_tok is not None:
            group = self._counted_group(tokens, i - qn, j, k, group)
        if group is None:
            before = self._count_word_before(tokens, i - qn)
            if before is None:
                return None
            noun_text = before.text
            group = lang.group_of(before.text)
            end = tokens[j - 1].end
        else:
            end = tokens[k - 1].end if noun_tok is None else noun_tok.end
        # Years: "in 2016", "the 2015 UN resolution" are dates.
        if (first.is_digit and vague_kind is None and not qual and 1800 <= value <= 2100
                and "," not in first.text and "." not in first.text and j == i + 1):
            if (prev is not None and prev.low in lang.date_preps) or not lang.in_group(noun_text) \
                    or (nxt is not None and nxt.text[:1].isupper()):
                return None
        if noun_text is None:
            return None
        phrase_end = tokens[j - 1].end
        if group is not None and noun_tok is None and k > j and tokens[j].start == tokens[j - 1].end:
            phrase_end = tokens[j - 1].end  # "230km": the number, unit stays
        start_abs = q_start
        return Figure(
            start=start_abs, phrase_end=phrase_end, end=max(end, phrase_end),
            phrase=text[start_abs:phrase_end], text=text[start_abs:max(end, phrase_end)],
            value=value * factor, low=lo * factor, high=hi * factor, kind=kind,
            noun=noun_text, group=group, unit_factor=factor,
        )

    def _elided(self, tokens, i, j, value, lo, hi, vague_kind, text, before: Figure) -> Figure | None:
        """A bare number in a list after a figure counts what that figure
        counts: "1,293 deaths in Al Haouz, 452 in Taroudant and 41 in
        Ouarzazate" (the number, then a place preposition)."""
        lang = self.lang
        # "at 49 and 11, respectively": the list pairs with names before it.
        paired = j < len(tokens) and (tokens[j].low == "respectively" or (
            tokens[j].text == "," and j + 1 < len(tokens) and tokens[j + 1].low == "respectively"))
        # "16 people were wounded, including 12 in serious condition": a
        # part of the count before (the figure's scope marks it a part).
        part = _phrase_at(tokens, i, lang.part_before, ending=True) and (
            j >= len(tokens) or not tokens[j].is_word or not lang.in_group(tokens[j].low))
        if vague_kind is not None or not paired and not part and (
                j + 1 >= len(tokens) or tokens[j].low not in lang.place_preps
                or not tokens[j + 1].text[:1].isupper()):
            return None  # "452 in Taroudant": a named place follows
        if not part and (i == 0 or tokens[i - 1].text not in (",", "and") and tokens[i - 1].low != "and"):
            return None
        # Only the list's own words between the two: names, place words, commas.
        for tok in tokens[i - 2::-1]:
            if tok.end <= before.end:
                break
            if tok.text in CLAUSE_ENDS or tok.is_digit:
                return None
        end = tokens[j - 1].end
        start = tokens[i].start
        return Figure(start=start, phrase_end=end, end=end, phrase=text[start:end], text=text[start:end],
                      value=value * before.unit_factor, low=lo * before.unit_factor, high=hi * before.unit_factor,
                      kind="exact", noun=before.noun, group=before.group, unit_factor=before.unit_factor)

    def _counted_group(self, tokens: list[Token], left: int, j: int, k: int, group: str) -> str:
        """Who or what a count is about, given the head noun's group.
        "61 civilian deaths" counts civilians (who died), not all deaths;
        "500 people killed" counts deaths: a generic head ("people") takes
        the group of the event that befell them, so it meets "over 412
        deaths" in the corpus."""
        lang = self.lang
        if group in lang.event_groups:
            for tok in tokens[j:k - 1]:
                g = lang.groups.get(tok.low) or lang.groups.get(singular(tok.low, lang.irregular))
                if g and g not in lang.event_groups and g not in lang.generic_groups:
                    return g
            return group
        if group in lang.generic_groups:
            # "40 injured people": a modifier says what befell them.
            for tok in tokens[j:k - 1]:
                g = lang.groups.get(tok.low) or lang.groups.get(singular(tok.low, lang.irregular))
                if g in lang.event_groups:
                    return g
            event = self._event_near(tokens, left, k)
            if event:
                return event
            # "the death toll … had risen to 381 people", "the remains of 30 people"
            before = self._count_word_before(tokens, left)
            if before is not None:
                g = lang.group_of(before.text)
                if g in lang.event_groups:
                    return g
            return lang.generic_defaults.get(group, group)
        return group

    def _noun_after(self, tokens: list[Token], k: int, text: str):
        """The head of the noun phrase starting at token k: skip adjectives
        and noun modifiers ("government forces"), stop at the first plural
        noun or at a participle after a noun ("soldiers killed")."""
        run: list[tuple[Token, str]] = []
        if k < len(tokens) and tokens[k].low in self.lang.increment_after and k + 1 < len(tokens) \
                and tokens[k + 1].is_word and self.lang.in_group(tokens[k + 1].low):
            k += 1  # "five more bodies": an increment of a counted noun
        stop = min(len(tokens), k + 5)
        idx = k
        while idx < stop:
            tok = tokens[idx]
            if not tok.is_word:
                break
            if idx > k and text[tokens[idx - 1].end:tok.start].strip():
                break
            tag = pos(tok, lang=self.lang)
            if tok.low in self.lang.stopwords and not self.lang.in_group(tok.low):
                break
            if tag not in PHRASE_TAGS:
                break
            has_noun = any(t in NOUN_TAGS for _, t in run)
            if has_noun and tag == "VBN":
                break
            if has_noun and tag in ("NNP", "NNPS") and run[-1][1] not in ("NNP", "NNPS"):
                break
            run.append((tok, tag))
            idx += 1
            if tag in ("NNS", "NNPS") or (tag == "NN" and self.lang.in_group(tok.low)
                                          and not (idx < stop and self.lang.in_group(tokens[idx].low))):
                break
        nouns = [(t, i) for i, (t, tag) in enumerate(run) if tag in NOUN_TAGS]
        if nouns:
            tok, pos_in_run = nouns[-1]
            return tok, k + pos_in_run + 1
        # "300 dead", "12 killed": an adjective or participle that is a group word.
        for pos_in_run in range(len(run) - 1, -1, -1):
            tok = run[pos_in_run][0]
            if self.lang.in_group(tok.low):
                return tok, k + pos_in_run + 1
        # "500 died", "15 had been reported killed": a verb of the group
        # right after the number, or after auxiliaries.
        if not run:
            m = k
            while m < len(tokens) and m < k + 4 and tokens[m].low in self.lang.verb_glue:
                m += 1
            if m < len(tokens) and tokens[m].is_word and self.lang.in_group(tokens[m].low) \
                    and self.lang.group_of(tokens[m].text) in self.lang.event_groups:
                return tokens[m], m + 1
        return None

    def _count_word_before(self, tokens: list[Token], i: int) -> Token | None:
        """"killing at least 12", "the death toll rose to 412", "the toll
        from the fighting has risen to 500"."""
        j = i - 1
        steps = 0
        while j >= 0 and steps < 4:
            tok = tokens[j]
            if not tok.is_word:
                return None
            if self.lang.in_group(tok.low):
                return tok
            if tok.low in self.lang.toll_verbs:
                return self._subject_before(tokens, j)
            if tok.low in self.lang.toll_copulas:
                # "the death toll in Wednesday's earthquake is 278"; a copula
                # after another subject says nothing of a count ("his son,
                # who was killed, is 12").
                subject = self._subject_before(tokens, j)
                return subject if subject is not None and _bare(subject.low) in self.lang.toll_nouns else None
            if tok.low not in self.lang.lookback_glue:
                return self._toll_object(tokens, j) if steps and tokens[j + 1].low in ("to", "at") else None
            j -= 1
            steps += 1
        return None

    def _toll_object(self, tokens: list[Token], j: int) -> Token | None:
        """"raised the death toll in the Genoa bridge collapse to at least
        37", "put the toll from Tuesday's quake at 39": a toll noun as the
        object of a toll verb, a short phrase before "to" / "at" and the
        number (tokens[j] is the phrase's last word)."""
        lang = self.lang
        for idx in range(j, max(-1, j - lang.subject_reach), -1):
            tok = tokens[idx]
            if not tok.is_word:
                if tok.text in CLAUSE_ENDS or tok.text in CLAUSE_MARKS:
                    return None
                continue
            if tok.is_digit or tok.low in lang.number_like:
                return None
            if _bare(tok.low) in lang.toll_nouns:
                # "raised the death toll … to", or "the toll in Arquata
                # remained unchanged at".
                verbs = tokens[max(0, idx - 4):idx] + tokens[idx + 1:j + 1]
                return tok if any(t.low in lang.toll_verbs or t.low in lang.toll_copulas for t in verbs) else None
        return None

    def _subject_before(self, tokens: list[Token], j: int) -> Token | None:
        """The counted word of "<the death toll …> rose to N": a group word
        earlier in the clause, across a short phrase ("from three days of
        fighting") or an aside.  An event word ("toll", "deaths") wins over
        a nearer other group word ("the toll in the villages rose to 50");
        otherwise the subject's head ("the number of soldiers in the city")."""
        lang = self.lang
        fallback = None
        for tok in reversed(tokens[max(0, j - lang.subject_reach):j]):
            if not tok.is_word:
                if tok.text in CLAUSE_ENDS:
                    break
                continue
            if lang.in_group(tok.low):
                if lang.group_of(tok.text) in lang.event_groups:
                    return tok
                fallback = tok  # the earliest: the subject's head comes before its modifiers
        return fallback

    def _antecedent(self, tokens: list[Token], i: int) -> Token | None:
        """What "them" in "three of them" stands for: the nearest group word
        before the number in the sentence."""
        for tok in reversed(tokens[max(0, i - self.lang.subject_reach):i]):
            if tok.is_word and self.lang.in_group(tok.low):
                return tok
        return None

    def _event_near(self, tokens: list[Token], left: int, right: int) -> str | None:
        """What happened to the people counted by tokens[left:right]: the
        nearest event word ("killed", "dead", "fled", "deaths of") in the
        same clause, not past another count ("killed 12 people and displaced
        48,000 people")."""
        lang = self.lang
        best: tuple[int, str] | None = None
        for rng in (range(right, min(len(tokens), right + lang.event_after)),
                    range(left - 1, max(-1, left - 1 - lang.event_before), -1)):
            for dist, idx in enumerate(rng, 1):
                tok = tokens[idx]
                if not tok.is_word or tok.is_digit or tok.low in lang.number_like:
                    break
                group = lang.groups.get(tok.low) or lang.groups.get(singular(tok.low, lang.irregular))
                if group in lang.event_groups:
                    if best is None or dist < best[0]:
                        best = (dist, group)
                    break
        return best[1] if best else None


# ------------------------------------------------------------------ context


def context_terms(text: str, lang: FigureLanguage, start: int = 0, end: int | None = None,
                  skip: tuple[tuple[int, int], ...] = ()) -> dict[str, bool]:
    """Content words of a sentence, normalised (lower case, singular, a
    noun group's words as the group): term -> is a name.  Names (capitalised
    words not opening the sentence, or known proper nouns) keep a capital
    initial, so a check can tell places and actors from other words."""
    out: dict[str, bool] = {}
    first = True
    for tok in tokenize(text, start, end):
        if not tok.is_word:
            if tok.text in ".!?":
                first = True
            continue
        if any(a <= tok.start < b for a, b in skip):
            first = False
            continue
        low = tok.low
        if low.endswith("'s"):
            low = low[:-2]
        is_first, first = first, False
        if len(low) < 2 or low in lang.stopwords or low in lang.number_like or low in lang.months:
            continue
        if low in lang.qualifiers or low in lang.vague:
            continue
        term = singular(low, lang.irregular)
        if term in lang.stopwords:
            continue
        # Outlets name one event in different words: "quake", "earthquake".
        term = lang.context_synonyms.get(term, lang.context_synonyms.get(low, term))
        # Words of a noun group stand for the group: "killed" in the draft
        # meets "deaths" in the corpus.
        group = lang.groups.get(low) or lang.groups.get(term)
        if group is not None:
            term = group
        name = group is None and tok.text[:1].isupper() and (
            not is_first or pos(tok, first=True, lang=lang) in ("NNP", "NNPS"))
        if name:
            term = term[:1].upper() + term[1:]  # names stay apart: "Aleppo"
        out[term] = out.get(term, False) or name
    return out


# A sentence with fewer content words than this (beside its counted groups)
# continues the sentence before it in its paragraph ("He said it was the
# worst tragedy in seven decades. About 2,500 people were injured."): the
# figure is matched on both.
MIN_OWN_TERMS = 2
# A blank line, or an HTML block's end (text.html.BLOCK_BREAK).
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n|\x1e")


def sentence_context(text: str, lang: FigureLanguage, start: int, end: int,
                     before: tuple[int, int] | None = None) -> dict[str, bool]:
    """The context terms of the sentence text[start:end], with those of the
    sentence ``before`` it when it has too few of its own and the two are in
    one paragraph (no line break between them)."""
    terms = context_terms(text, lang, start, end)
    if before is None or sum(1 for t in terms if t not in lang.group_words) >= MIN_OWN_TERMS:
        return terms
    a, b = before
    gap = text[b:start]
    if b > start or _PARAGRAPH_BREAK.search(gap):
        return terms
    for t, name in context_terms(text, lang, a, b).items():
        terms.setdefault(t, name)
    return terms


@lru_cache(maxsize=16)
def _language_for(key: str, data: str) -> FigureLanguage:
    return FigureLanguage(json.loads(data))


def language_for(lexicons: dict[str, list[str]]) -> FigureLanguage:
    """A cached FigureLanguage for a lexicon set (engines share one)."""
    data = json.dumps({k: v for k, v in sorted(lexicons.items()) if k.startswith("figure")}, sort_keys=True)
    return _language_for(hashlib.sha1(data.encode()).hexdigest(), data)


def default_language() -> FigureLanguage:
    from ..resources import default_rules_dir
    from ..rules.loader import load_rules

    return language_for(load_rules([default_rules_dir() / "figures.yml"]).lexicons)


def figure_context(fig: Figure, sentence_figures: list[Figure], terms: dict[str, bool],
                   lang: FigureLanguage, lead: frozenset = frozenset()) -> dict[str, bool]:
    """The context a figure is matched on: the sentence's content words
    without the figure's own noun group, plus the other figures of the
    sentence ("civilians=61"), which tie two reports of one event together
    strongly (they count as names)."""
    own = lang.group_words.get(fig.group, set())
    # The counted noun itself ("people" in "500 people killed") says nothing
    # about which event it is.
    noun_group = lang.group_of(fig.noun)
    out = {t: name for t, name in terms.items()
           if t not in own and t != fig.group and t != noun_group and lang.groups.get(t) != noun_group}
    for other in sentence_figures:
        if other is not fig and other.group != fig.group:
            out[f"{other.group}={other.value:g}"] = True
    # The names of the article's title and lead: two reports of one event
    # share them even when their sentences share no word.
    for name in lead:
        out[name] = True
    return out


# ------------------------------------------------------------------ scope


@dataclass(frozen=True)
class Scope:
    """What a figure counts beyond its noun, from its own clause: the names
    (places, actors, events) it is tied to, which of them are places, years
    and past anchors ("in 2012", "last month"), and whether it is a part of
    a total ("including 61 civilians", "three of them") or an increment ("a
    further 40 bodies").  Names of sources ("the Observatory said") are left
    out: a shared source is not a shared event."""

    names: frozenset = frozenset()
    places: frozenset = frozenset()
    years: frozenset = frozenset()
    past: bool = False
    part: bool = False
    increment: bool = False
    toll: bool = False  # "the death toll rose to 94": the event's running total
    day: bool = False  # "four people died on Sunday": one day's count, unless a toll

    def encode(self) -> str:
        """One line for the corpus index."""
        out = [f"n:{n}" for n in sorted(self.names)] + [f"p:{p}" for p in sorted(self.places)]
        out += [f"y:{y}" for y in sorted(self.years)]
        out += [flag for flag, on in (("past", self.past), ("part", self.part), ("inc", self.increment),
                                      ("toll", self.toll), ("day", self.day)) if on]
        return " ".join(out)

    @classmethod
    def decode(cls, line: str) -> "Scope":
        return _decode_scope(line or "")

    @classmethod
    def _decode(cls, line: str) -> "Scope":
        names, places, years = set(), set(), set()
        flags = set()
        for item in (line or "").split():
            kind, _, value = item.partition(":")
            if kind == "n":
                names.add(value)
            elif kind == "p":
                places.add(value)
            elif kind == "y":
                years.add(int(value))
            else:
                flags.add(item)
        return cls(frozenset(names), frozenset(places), frozenset(years), "past" in flags, "part" in flags,
                   "inc" in flags, "toll" in flags, "day" in flags)


@lru_cache(maxsize=65536)
def _decode_scope(line: str) -> Scope:
    """Scopes repeat (most are empty or a flag): decode each line once."""
    return Scope._decode(line)


def _name_term(tok: Token, lang: FigureLanguage, first: bool) -> str | None:
    """A capitalised word as a name term ("Aleppo", "Pakistan"), or None."""
    if not tok.is_word or not tok.text[:1].isupper():
        return None
    low = tok.low[:-2] if tok.low.endswith("'s") else tok.low
    if len(low) < 2 or low in lang.stopwords or low in lang.months or low in lang.number_like \
            or low in lang.qualifiers or low in lang.reporting or lang.in_group(low):
        return None
    if lang.word_number(low) is not None:
        return None
    if low in lang.demonyms:
        return lang.demonyms[low]  # "Afghan officials" name Afghanistan
    if first:
        # A capitalised word opening a sentence, or any word of a title:
        # a name only if the lexicon does not know it as a common word.
        known = _pos_lexicon().get(low)
        if (known and known not in ("NNP", "NNPS")) or pos(tok, first=True, lang=lang) not in ("NNP", "NNPS"):
            return None
    return low[:1].upper() + low[1:]


def _phrase_at(tokens: list[Token], i: int, phrases: list[tuple[str, ...]], ending: bool) -> bool:
    for p in phrases:
        n = len(p)
        a, b = (i - n, i) if ending else (i, i + n)
        if a >= 0 and b <= len(tokens) and tuple(_bare(t.low) for t in tokens[a:b]) == p:
            return True
    return False


def _bare(low: str) -> str:
    """A word without its possessive ending: "last year's mudslide" is "last year"."""
    return low[:-2] if low.endswith(("'s", "’s")) and len(low) > 2 else low


def _source_indices(tokens: list[Token], lang: FigureLanguage, clause_of: list[int] | None = None) -> set[int]:
    """Tokens that name a source: "the Observatory said", "Xinhua
    reported", "said Abdul Razaq Zinda", "according to the Ministry of …"."""
    if clause_of is None:
        clause_of, c = [], 0
        for tok in tokens:
            if tok.text in CLAUSE_MARKS:
                c += 1
            clause_of.append(c)
    source_idx: set[int] = set()
    for k, tok in enumerate(tokens):
        if tok.low not in lang.reporting:
            continue
        # "the Observatory said", "Xinhua reported": the name run just before;
        # "said Abdul Razaq Zinda", "according to the Ministry of …": after.
        j = k - 1
        if j >= 0 and tokens[j].low in lang.auxiliaries:
            j -= 1
        while j >= 0 and (tokens[j].text[:1].isupper() or tokens[j].low in lang.name_glue):
            if j > 0 and tokens[j - 1].low in lang.place_preps:
                break  # "officials in Nepal said": Nepal is a place, not a source
            if tokens[j].text[:1].isupper():
                source_idx.add(j)
            j -= 1
        j = k + 1
        while j < len(tokens) and clause_of[j] == clause_of[k] and (
                tokens[j].text[:1].isupper() or tokens[j].low in lang.source_glue):
            if tokens[j].text[:1].isupper():
                source_idx.add(j)
            j += 1
    return source_idx


# How many tokens a date line may take before its dash.
DATELINE_TOKENS = 16


def _dateline_end(tokens: list[Token], lang: FigureLanguage) -> int:
    """Tokens of a date line opening the text ("AMMAN, Sep. 10 (Petra) --"):
    capitalised words, numbers, dates and the punctuation between them, up
    to a dash; 0 when the text opens otherwise."""
    named = False
    for k, tok in enumerate(tokens[:DATELINE_TOKENS]):
        if k > 0 and tok.text in DASHES | {"-"}:
            return k + 1 if named else 0
        if tok.is_word and tok.text[:1].isupper():
            if tok.low in lang.stopwords or tok.low in lang.place_preps:
                return 0  # "In Afghanistan -- where …": a sentence, not a date line
            named = named or tok.low.rstrip(".") not in lang.months
        elif not (tok.is_digit or tok.text in (",", "(", ")", ".", "/") or tok.low in ORDINAL_SUFFIXES):
            return 0
    return 0


def figure_scopes(text: str, start: int, end: int, figures: list[Figure], lang: FigureLanguage,
                  lead: bool = False) -> list[Scope]:
    """The scope of each figure of one sentence (same order).  In an
    article's lead sentence the places are the whole event's, not a part
    of it: ``lead`` leaves them out."""
    if not figures:
        return []
    tokens = tokenize(text, start, end)
    # Clauses: split at punctuation and before a clause opener ("while").
    clause_of: list[int] = []
    opens: list[bool] = [False]
    c = 0
    dashes: list[int] = []  # clause numbers that open after a dash
    for k, tok in enumerate(tokens):
        if tok.text in CLAUSE_MARKS:
            c += 1
            opens.append(False)
            clause_of.append(-1)
            if tok.text in DASHES:
                dashes.append(c)
            continue
        if (tok.low in lang.clause_openers or tok.low in lang.clause_splitters) and k > 0 \
                and tokens[k - 1].text not in CLAUSE_MARKS:
            c += 1
            opens.append(tok.low in lang.clause_openers)
        elif tok.low in lang.clause_openers and k > 0:
            opens[c] = True
        clause_of.append(c)
    n_clauses = c + 1
    # A wire date line ("RABAT, 10th September, 2023 (WAM) -", "Patna, India
    # --") says where the story was filed and by whom, not what was counted.
    for k in range(_dateline_end(tokens, lang)):
        clause_of[k] = -1
    # Clauses between a pair of dashes are an aside: a figure after it takes
    # its names from before it.
    aside = [False] * n_clauses
    for a, b in zip(dashes[0::2], dashes[1::2]):
        for cl in range(a, b):
            aside[cl] = True
    # "across Nepal, India, Pakistan and Bangladesh": a clause of names only
    # continues the list of the clause before.
    members: dict[int, list[int]] = {}
    for k, cl in enumerate(clause_of):
        if cl >= 0:
            members.setdefault(cl, []).append(k)
    for cl in range(1, n_clauses):
        ks = members.get(cl)
        if ks and not opens[cl] and all(tokens[k].text[:1].isupper() or tokens[k].low in ("and", "or", "the")
                                        for k in ks):
            prev = cl - 1
            while prev > 0 and not members.get(prev):
                prev -= 1  # past clauses already merged into an earlier one
            for k in ks:
                clause_of[k] = prev
            members.setdefault(prev, []).extend(ks)
            members[cl] = []
    names: list[set] = [set() for _ in range(n_clauses)]
    places: list[set] = [set() for _ in range(n_clauses)]
    years: list[set] = [set() for _ in range(n_clauses)]
    past = [False] * n_clauses
    source_idx = _source_indices(tokens, lang, clause_of)
    first_word = next((k for k, t in enumerate(tokens) if t.is_word), -1)
    place_at: set[int] = set()
    for k, tok in enumerate(tokens):
        cl = clause_of[k]
        if cl < 0:
            continue
        if tok.text.isdigit() and len(tok.text) == 4 and 1800 <= int(tok.text) <= 2100:
            years[cl].add(int(tok.text))
            continue
        if _phrase_at(tokens, k, lang.past_anchors, ending=False):
            past[cl] = True
        if k in source_idx:
            continue
        term = _name_term(tok, lang, k == first_word)
        if term is None:
            continue
        names[cl].add(term)
        # A place: after "in", "at", "across" … (adjectives, "the" and other
        # names may stand between: "in the Indian-controlled Kashmir region").
        for back in range(k - 1, max(-1, k - 6), -1):
            low = tokens[back].low
            if clause_of[back] not in (-1, cl):
                break  # another clause: "around Hama, Syria's fourth-largest city"
            if low in lang.place_preps:
                places[cl].add(term)
                break
            if tokens[back].text == "," or low in ("and", "or"):
                continue  # "across Nepal, India and Bangladesh"
            if tokens[back].is_word and back in place_at and clause_of[back] == cl:
                places[cl].add(term)
                break
            if not tokens[back].is_word or tokens[back].low in lang.reporting:
                break
        if term in places[cl]:
            place_at.add(k)
    out = []
    fig_at = [next((k for k, t in enumerate(tokens) if t.start >= f.start), None) for f in figures]
    place_terms = {k: _name_term(tokens[k], lang, k == first_word) for k in place_at}
    for f, ti in zip(figures, fig_at):
        if ti is None:
            out.append(Scope())
            continue
        cl = clause_of[ti] if clause_of[ti] >= 0 else 0
        n, p, y, pa = set(names[cl]), set(places[cl]), set(years[cl]), past[cl]
        # Several figures in one clause: each takes the places between it
        # and the next figure ("12 in Aleppo and nine in Idlib"), else those
        # before it.
        others = [k for k in fig_at if k is not None and k != ti and clause_of[k] == clause_of[ti]]
        if others and p:
            nxt = min([k for k in others if k > ti], default=len(tokens))
            prv = max([k for k in others if k < ti], default=-1)
            mine = [k for k in place_at if clause_of[k] == clause_of[ti]]
            after = {place_terms[k] for k in mine if ti < k < nxt}
            before = {place_terms[k] for k in mine if prv < k < ti}
            p = after or before or p
        # "six people, including two girls, were rescued near Manta": an
        # aside opened by a part marker stands between a subject and its
        # predicate, whose names are the figure's.
        pred = _predicate_after_aside(tokens, clause_of, cl, n_clauses, lang)
        if pred is not None:
            n |= names[pred]
            p |= places[pred]
        # A clause without names of its own takes those of the clauses
        # before it ("…in Pakistan, with more than 1,000 injured"), unless
        # it opens a contrast ("while Afghan officials reported 33 dead").
        back = cl
        while not n and back > 0 and not opens[back]:
            back -= 1
            if aside[back] and not aside[cl]:
                continue
            n, p = set(names[back]), set(places[back])
        back = cl
        while not y and back > 0 and not opens[back]:
            back -= 1
            y = set(years[back])
            pa = pa or past[back]
        # Part and increment markers next to the figure.
        k0 = ti
        # "including 61 civilians" is a part of the toll but the whole count
        # of the civilians: a part only when it counts what its whole counts
        # (what befell them, or people); "three of them", "two of the
        # soldiers" always are.
        part = _phrase_at(tokens, k0, lang.part_before, ending=True) and (
            f.group in lang.event_groups or f.group in lang.generic_groups or f.group not in lang.group_words)
        inc = _phrase_at(tokens, k0, lang.increment_before, ending=True)
        te = next((k for k in range(len(tokens) - 1, -1, -1) if tokens[k].end <= f.phrase_end), ti)
        part = part or _phrase_at(tokens, te + 1, lang.part_after, ending=False)
        inc = inc or (te + 1 < len(tokens) and tokens[te + 1].low in lang.increment_after)
        # The event's running total: "the death toll rose to 94", "more than
        # 260 people are confirmed dead across the region".
        toll = (lang.groups.get(f.noun.lower()) in lang.event_groups and f.noun.lower() in lang.toll_nouns) or (
            not part and not inc and any(_phrase_at(tokens, k, lang.total_markers, ending=False)
                                         for k in range(ti, len(tokens)) if clause_of[k] == clause_of[ti]))
        # "the number of people killed rose to 73", "raised the number of
        # confirmed deaths to 39": a count a toll verb moved is the running total.
        if not toll and not part and not inc and f.group in lang.event_groups and ti > 0:
            prep = tokens[ti - 1].low in ("to", "at")
            toll = tokens[ti - 1].low in lang.toll_verbs or prep and any(
                tokens[k].low in lang.toll_verbs for k in range(max(0, ti - 8), ti - 1)
                if clause_of[k] == clause_of[ti])
        # "died on Sunday": a weekday after "on" in the figure's own clause.
        day = any(tokens[k].low in lang.weekdays and k > 0 and tokens[k - 1].low == "on"
                  for k in range(len(tokens)) if clause_of[k] == clause_of[ti])
        out.append(Scope(frozenset(n), frozenset() if lead else frozenset(p), frozenset(y), pa, part, inc, toll,
                         day))
    return _respectively(tokens, clause_of, figures, fig_at, out, lang, first_word, source_idx, lead)


def _respectively(tokens, clause_of, figures, fig_at, scopes: list[Scope], lang: FigureLanguage,
                  first_word: int, source_idx: set[int], lead: bool) -> list[Scope]:
    """"the toll in Arquata and Accumoli remained at 49 and 11,
    respectively": the listed figures pair, in order, with as many names
    listed before them in their clause; each is that name's count."""
    resp = next((k for k, t in enumerate(tokens) if t.low == "respectively"), None)
    if resp is None:
        return scopes
    listed: list[int] = []  # indices into figures, last first
    for idx in range(len(figures) - 1, -1, -1):
        ti = fig_at[idx]
        if ti is None or ti >= resp:
            continue
        bound = resp if not listed else fig_at[listed[-1]]
        if any(t.is_word and t.low not in ("and", "respectively") and not lang.in_group(t.low)
               and t.low not in lang.units and t.start >= figures[idx].end for t in tokens[ti + 1:bound]):
            break  # a word that is not the list's
        listed.append(idx)
    listed.reverse()
    if len(listed) < 2:
        return scopes
    first = fig_at[listed[0]]
    cl = clause_of[first]
    ordered: list[tuple[str, bool]] = []
    for k in range(first):
        if clause_of[k] != cl or k in source_idx:
            continue
        term = _name_term(tokens[k], lang, k == first_word)
        if term and term not in [t for t, _ in ordered]:
            ordered.append((term, k > 0 and tokens[k - 1].low in lang.place_preps or (
                bool(ordered) and ordered[-1][1] and tokens[k - 1].low in ("and", ","))))
    if len(ordered) != len(listed):
        return scopes
    out = list(scopes)
    for idx, (term, is_place) in zip(listed, ordered):
        out[idx] = replace(out[idx], names=frozenset({term}),
                           places=frozenset({term}) if is_place and not lead else frozenset())
    return out


def _predicate_after_aside(tokens: list[Token], clause_of: list[int], cl: int, n_clauses: int,
                           lang: FigureLanguage) -> int | None:
    """The clause that carries the predicate of clause ``cl``'s subject
    past an aside opened by a part marker ("six people, including two girls,
    one of them an infant, were rescued …"): the first of the next few
    clauses to open with an auxiliary; None when the next clause is no such
    aside."""
    firsts: dict[int, int] = {}
    for k, c in enumerate(clause_of):
        if c > cl and c not in firsts and tokens[k].is_word:
            firsts[c] = k
    if cl + 1 not in firsts or not any(_phrase_at(tokens, firsts[cl + 1], [p], ending=False)
                                       for p in lang.part_before):
        return None
    for c in range(cl + 2, min(n_clauses, cl + 5)):
        k = firsts.get(c)
        if k is not None and tokens[k].low in lang.verb_glue:
            return c
    return None


def lead_names(text: str, lang: FigureLanguage, start: int = 0, end: int | None = None,
               title: bool = False) -> frozenset:
    """The names of an article's title or lead: the event's own scope.  In
    a title (Title Case) only words the tagger knows as proper nouns count."""
    out = set()
    first = True
    tokens = tokenize(text, start, end)
    sources = _source_indices(tokens, lang)
    for k, tok in enumerate(tokens):
        term = _name_term(tok, lang, first or title) if tok.is_word and k not in sources else None
        if tok.is_word:
            first = False
        if term:
            out.add(term)
    return frozenset(out)


# ------------------------------------------------------------------ dates

_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})")
_WORD_DATE = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b"  # July 22, 2013
                        r"|\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b")  # 22 July 2013


def parse_date(value: str, lang: FigureLanguage):
    """A calendar date from "2013-07-22", "2013-07-22T18:00:00+08:00",
    "July 22, 2013", "22 Jul. 2013", "OCTOBER 26, 2015"; None otherwise."""
    import datetime as _dt

    if not value:
        return None
    m = _ISO_DATE.search(value)
    try:
        if m:
            return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        for m in _WORD_DATE.finditer(value):
            if m.group(1):
                month, day, year = m.group(1), m.group(2), m.group(3)
            else:
                day, month, year = m.group(4), m.group(5), m.group(6)
            number = lang.month_numbers.get(month.lower())
            if number:
                return _dt.date(int(year), number, int(day))
    except ValueError:
        return None
    return None


def today():
    """The date of a draft without one: now, or SOURCE_DATE_EPOCH when it is
    set (the reproducible-builds convention: a fixed "now" for CI and tests)."""
    import datetime as _dt
    import os

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return _dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc).date()
    return _dt.datetime.now(_dt.timezone.utc).date()


def file_day(mtime_ns: int):
    """The date of an article that names none: its file's modification day,
    clamped to today() (SOURCE_DATE_EPOCH clamps file times)."""
    import datetime as _dt

    return min(_dt.datetime.fromtimestamp(mtime_ns / 1e9, _dt.timezone.utc).date(), today())


# How much of an article's opening a wire date line may take.
DATELINE_CHARS = 300


def report_day(text: str, start: int, end: int, lang: FigureLanguage, day):
    """The day a count was given, when its sentence says so ("the mayor
    said Friday", "officials said on Friday"): that weekday on or before the
    article's ``day`` (within the week before it); else ``day``."""
    import datetime as _dt

    if day is None:
        return day
    tokens = [t for t in tokenize(text, start, end) if t.is_word]
    for k, tok in enumerate(tokens[:-1]):
        if tok.low not in lang.reporting:
            continue
        nxt = tokens[k + 1].low
        if nxt == "on" and k + 2 < len(tokens):
            nxt = tokens[k + 2].low
        if nxt in lang.weekdays:
            back = (day.weekday() - lang.weekdays[nxt]) % 7
            return day - _dt.timedelta(days=back)
    return day


def article_date(meta: dict, text: str, lang: FigureLanguage, start: int = 0):
    """An article's date: its front matter or HTML <meta> date, else a date
    line at the start of its text ("PESHAWAR, PAKISTAN (OCTOBER 26, 2015)");
    None when it has none."""
    found = parse_date(str(meta.get("date", "")), lang) if meta else None
    if found:
        return found
    head = text[start:start + DATELINE_CHARS]
    # Only the opening line: a date later in the story is about something else.
    return parse_date(head.lstrip().split("\n", 1)[0], lang)
