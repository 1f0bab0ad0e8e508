"""Figures in running text: how many, how sure, counting what.

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
from dataclasses import dataclass
from functools import lru_cache

# Bump when extraction changes so persisted indexes are rebuilt.
EXTRACTOR_VERSION = 8

UNITS_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS_WORDS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
SCALES = {"dozen": 12, "hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
          "trillion": 1_000_000_000_000, "bn": 1_000_000_000, "mn": 1_000_000}
# Words that may follow "a"/"an" to make a number ("a hundred", "a decade").
A_COUNTABLE = {"hundred", "thousand", "million", "billion", "decade"}
TIME_WORDS = {"a.m", "p.m", "am", "pm", "gmt", "utc", "bst", "cet", "hrs", "o'clock", "o’clock"}
ORDINAL_SUFFIXES = {"st", "nd", "rd", "th"}
# After a counted noun, these end the noun phrase.
PHRASE_TAGS = {"JJ", "JJR", "JJS", "VBN", "NN", "NNS", "NNP", "NNPS"}
NOUN_TAGS = {"NN", "NNS", "NNP", "NNPS"}
# "the death toll … has risen to 412": verbs that tie a count to a subject
# further back, how far back to look, and what ends the search.
TOLL_VERBS = {"rose", "risen", "rises", "reached", "reaches", "climbed", "climbs", "stood", "stands", "jumped",
              "increased", "grew", "soared", "passed", "topped", "exceeded"}
SUBJECT_REACH = 12
CLAUSE_ENDS = {";", ":", ".", "!", "?", "(", ")", "—", "–"}
# How far from a generic count ("500 people") its event word may be:
# "killed more than 500 people", "500 people are believed to have died".
EVENT_BEFORE = 4
EVENT_AFTER = 7
# Between a preceding count word and the number: "killing at least 12",
# "death toll rose to 412".
LOOKBACK_GLUE = {"to", "of", "at", "rose", "risen", "reached", "climbed", "stood", "stands", "hit", "is",
                 "was", "has", "had", "now", "been", "some", "least"}

_TOKEN = re.compile(
    r"\d{1,3}(?:,\d{3})+(?:\.\d+)?"  # 1,000 / 12,500.5
    r"|\d+(?:\.\d+)?"  # 412 / 1.5
    r"|[^\W\d_](?:[\w’'\-.]*\w)?"  # words, incl. Iran-backed, U.S, F-16, twenty-eight
    r"|%|\S",
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
    words = set(UNITS_WORDS) | set(TENS_WORDS) | set(SCALES) | set(A_COUNTABLE)
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


def consistent(a: Figure, b: Figure, **margins) -> bool:
    alo, ahi = a.interval(**margins)
    blo, bhi = b.interval(**margins)
    eps = 1e-9
    return alo <= bhi + eps and blo <= ahi + eps


def singular(word: str) -> str:
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    elif w.endswith("'"):
        w = w[:-1]
    irregular = {"people": "people", "children": "child", "men": "man", "women": "woman", "lives": "life",
                 "casualties": "casualty", "militias": "militia", "news": "news", "series": "series"}
    if w in irregular:
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


def pos(tok: Token, first: bool = False) -> str:
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
    if "-" in low and low.rsplit("-", 1)[-1] in ("backed", "led", "held", "based", "controlled", "run", "allied"):
        return "JJ"
    if low.endswith("ed"):
        return "VBN"
    if low.endswith("ing"):
        return "VBG"
    if low.endswith("s") and not low.endswith("ss"):
        return "NNS"
    return "NN"


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
        self.max_qualifier = max((len(q.split()) for q in self.qualifiers), default=1)
        self.max_vague = max((len(q.split()) for q in self.vague), default=1)
        self.max_unit = max((len(q.split()) for q in self.units), default=1)
        self.max_group = max((len(q.split()) for q in self.groups), default=1)
        self.vague_first = frozenset(p.split()[0] for p in self.vague)
        self.triggers = _trigger_words(self)
        self.number_like = set(UNITS_WORDS) | set(TENS_WORDS) | set(SCALES) | {"dozen", "dozens"}
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
        s = singular(low)
        return self.groups.get(s) or (self.units[s][0] if s in self.units else s)

    def in_group(self, word: str) -> bool:
        low = word.lower()
        return low in self.groups or singular(low) in self.groups


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


def _word_number(low: str) -> float | None:
    if low in UNITS_WORDS:
        return UNITS_WORDS[low]
    if low in TENS_WORDS:
        return TENS_WORDS[low]
    if "-" in low:
        a, _, b = low.partition("-")
        if a in TENS_WORDS and b in UNITS_WORDS and 0 < UNITS_WORDS[b] < 10:
            return TENS_WORDS[a] + UNITS_WORDS[b]
    return None


def _parse_words(tokens: list[Token], i: int) -> tuple[float, int] | None:
    """'two hundred and fifty thousand' -> (250000, tokens used)."""
    total, current, j = 0.0, 0.0, i
    last, prev_v = None, 0.0
    while j < len(tokens):
        low = tokens[j].low
        v = _word_number(low)
        if v is not None:
            if last == "num":
                if prev_v in TENS_WORDS.values() and 0 < v < 10:
                    current += v
                    prev_v = v
                    j += 1
                    continue
                break
            current += v
            last, prev_v = "num", v
        elif low == "hundred" and last == "num":
            current *= 100
            last = "hundred"
        elif low in SCALES and low not in ("hundred", "bn", "mn") and last in ("num", "hundred"):
            total += current * SCALES[low]
            current = 0.0
            last = "scale"
        elif low == "and" and last in ("hundred", "scale") and j + 1 < len(tokens) \
                and _word_number(tokens[j + 1].low) is not None:
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
                if nxt.low in SCALES:
                    value *= SCALES[nxt.low]
                    used = 2
            return value, value, value, None, used
        low = tok.low
        if low in ("a", "an") and i + 1 < len(tokens) and tokens[i + 1].low in A_COUNTABLE:
            if tokens[i + 1].low in SCALES:
                parsed = _parse_words([Token("one", 0, 0)] + tokens[i + 1:i + 6], 0)
                if parsed:
                    return parsed[0], parsed[0], parsed[0], None, parsed[1]
            return 1.0, 1.0, 1.0, None, 1
        if _word_number(low) is not None:
            parsed = _parse_words(tokens, i)
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
            if not (tok.is_digit or low in lang.number_like or low in ("a", "an")
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
                nxt.low in ORDINAL_SUFFIXES or nxt.text in (":", "/") or nxt.low in TIME_WORDS):
                return None
            if nxt is not None and nxt.low in TIME_WORDS:
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
                    and (prev.text.isupper() and len(prev.text) > 1 or prev.low in ("no", "number", "resolution",
                                                                                    "article", "route", "flight"))
                    and text[prev.end:first.start] == " "):
                return None  # "UNSCR 2254", "No 10"
        # Ranges: "between 200 and 300 fighters", "200 to 300 fighters".
        if not qual and vague_kind is None and i >= 2 and tokens[i - 1].low in ("and", "to", "-", "–") \
                and (tokens[i - 2].is_digit or _word_number(tokens[i - 2].low) is not None):
            k0 = i - 2
            first_low = _digit_value(tokens[k0].text) if tokens[k0].is_digit else _word_number(tokens[k0].low)
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
            if nxt is not None and nxt.low == "of" and (vague_kind or tokens[j - 1].low in SCALES):
                k = j + 1
                while k < len(tokens) and tokens[k].low in ("the", "their", "its", "his", "her", "them"):
                    k += 1
                if k < len(tokens) and tokens[k - 1].low == "them":
                    return None
            elif nxt is not None and nxt.low == "of":
                return None  # "two of the soldiers": a part, not a count
            head = self._noun_after(tokens, k, text)
            if head is not None:
                noun_tok, k = head
                noun_text = noun_tok.text
                group = lang.group_of(noun_text)
                unit = lang.units.get(noun_tok.low) or lang.units.get(singular(noun_tok.low))
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

    def _counted_group(self, tokens: list[Token], left: int, j: int, k: int, group: str) -> str:
        """Who or what a count is about, given the head noun's group.
        "61 civilian deaths" counts civilians (who died), not all deaths;
        "500 people killed" counts deaths: a generic head ("people") takes
        the group of the event that befell them, so it meets "over 412
        deaths" in the corpus."""
        lang = self.lang
        if group in lang.event_groups:
            for tok in tokens[j:k - 1]:
                g = lang.groups.get(tok.low) or lang.groups.get(singular(tok.low))
                if g and g not in lang.event_groups and g not in lang.generic_groups:
                    return g
            return group
        if group in lang.generic_groups:
            return self._event_near(tokens, left, k) or group
        return group

    def _noun_after(self, tokens: list[Token], k: int, text: str):
        """The head of the noun phrase starting at token k: skip adjectives
        and noun modifiers ("government forces"), stop at the first plural
        noun or at a participle after a noun ("soldiers killed")."""
        run: list[tuple[Token, str]] = []
        stop = min(len(tokens), k + 5)
        idx = k
        while idx < stop:
            tok = tokens[idx]
            if not tok.is_word:
                break
            if idx > k and text[tokens[idx - 1].end:tok.start].strip():
                break
            tag = pos(tok)
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
        # "500 died": a verb of the group right after the number.
        if not run and k < len(tokens) and tokens[k].is_word and self.lang.in_group(tokens[k].low) \
                and self.lang.group_of(tokens[k].text) in self.lang.event_groups:
            return tokens[k], k + 1
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
            if tok.low in TOLL_VERBS:
                return self._subject_before(tokens, j)
            if tok.low not in LOOKBACK_GLUE:
                return None
            j -= 1
            steps += 1
        return None

    def _subject_before(self, tokens: list[Token], j: int) -> Token | None:
        """The counted word of "<the death toll …> rose to N": a group word
        earlier in the clause, across a short phrase ("from three days of
        fighting") or an aside.  An event word ("toll", "deaths") wins over
        a nearer other group word ("the toll in the villages rose to 50");
        otherwise the subject's head ("the number of soldiers in the city")."""
        lang = self.lang
        fallback = None
        for tok in reversed(tokens[max(0, j - SUBJECT_REACH):j]):
            if not tok.is_word:
                if tok.text in CLAUSE_ENDS:
                    break
                continue
            if lang.in_group(tok.low):
                if lang.group_of(tok.text) in lang.event_groups:
                    return tok
                fallback = tok  # the earliest: the subject's head comes before its modifiers
        return fallback

    def _event_near(self, tokens: list[Token], left: int, right: int) -> str | None:
        """What happened to the people counted by tokens[left:right]: the
        nearest event word ("killed", "dead", "fled", "deaths of") in the
        same clause, not past another count ("killed 12 people and displaced
        48,000 people")."""
        lang = self.lang
        best: tuple[int, str] | None = None
        for rng in (range(right, min(len(tokens), right + EVENT_AFTER)),
                    range(left - 1, max(-1, left - 1 - EVENT_BEFORE), -1)):
            for dist, idx in enumerate(rng, 1):
                tok = tokens[idx]
                if not tok.is_word or tok.is_digit or tok.low in lang.number_like:
                    break
                group = lang.groups.get(tok.low) or lang.groups.get(singular(tok.low))
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
        term = singular(low)
        if term in lang.stopwords:
            continue
        # Words of a noun group stand for the group: "killed" in the draft
        # meets "deaths" in the corpus.
        group = lang.groups.get(low) or lang.groups.get(term)
        if group is not None:
            term = group
        name = group is None and tok.text[:1].isupper() and (
            not is_first or pos(tok, first=True) in ("NNP", "NNPS"))
        if name:
            term = term[:1].upper() + term[1:]  # names stay apart: "Aleppo"
        out[term] = out.get(term, False) or name
    return out


@lru_cache(maxsize=16)
def _language_for(key: str, data: str) -> FigureLanguage:
    return FigureLanguage(json.loads(data))


def language_for(lexicons: dict[str, list[str]]) -> FigureLanguage:
    """A cached FigureLanguage for a lexicon set (engines share one)."""
    data = json.dumps({k: v for k, v in sorted(lexicons.items()) if k.startswith("figure")}, sort_keys=True)
    return _language_for(hashlib.sha1(data.encode()).hexdigest(), data)


def default_language() -> FigureLanguage:
    from ..resources import default_rules_dir
    from ..rules import load_rules

    return language_for(load_rules([default_rules_dir() / "figures.yml"]).lexicons)


def figure_context(fig: Figure, sentence_figures: list[Figure], terms: dict[str, bool],
                   lang: FigureLanguage) -> dict[str, bool]:
    """The context a figure is matched on: the sentence's content words
    without the figure's own noun group, plus the other figures of the
    sentence ("civilians=61"), which tie two reports of one event together
    strongly (they count as names)."""
    own = lang.group_words.get(fig.group, set())
    out = {t: name for t, name in terms.items() if t not in own and t != fig.group}
    for other in sentence_figures:
        if other is not fig and other.group != fig.group:
            out[f"{other.group}={other.value:g}"] = True
    return out
