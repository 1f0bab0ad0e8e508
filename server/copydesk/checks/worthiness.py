"""Check-worthiness from structure: why a sentence in the writer's voice
needs a source, read from its dependency parse (``lang/syntax.py``) rather
than from trigger words.

Part of the attribution check (``unattributed-claim``); the cue words are the
rule's data (``structure:`` in ``rules/attribution.yml``), the mechanism
here is the grammar of the clause and knows no English word:

* ``intent``      a motive or plan stated for a third party: a verb of the
                  ``intent`` list with an infinitive complement and a subject
                  that is not the writer ("The militia aims to seize the port",
                  "…, trying to slow this push");
* ``forecast``    a future modal (``modals``) on a clause that predicts a
                  change: a verb of ``change``, a comparative, a noun of
                  change, or an amount of money or a share ("Prices will keep
                  climbing", "Newsnight will produce fewer films", "Its
                  budget will be around £480m a year"); or a frame of expectation with an
                  infinitive ("is set to contest", "is poised to win");
* ``accusation``  an agentless passive of accusation ("has been accused of
                  hiding") or of judgement with its predicate ("is widely seen
                  as", "described as the deadliest"): someone judges, no one
                  is named;
* ``cause``       a verb of cause or consequence (``cause``, with an object
                  or preposition when the entry names one: "raise fears",
                  "follow years") in the writer's own clause ("The collapse
                  followed years of neglect", "…, raising fears of
                  escalation", "The slip underscored the problems");
* ``evaluation``  evaluative modifiers in the writer's voice: a word of the
                  rule's own ``words``, or adjectives and adverbs whose
                  valence in the VADER lexicon (MIT licence, shipped with the
                  ``vaderSentiment`` package) reaches ``min_valence`` — at least
                  ``min_count`` of them, words of ``factual`` not counted ("a
                  baffling choice", "dead" is a fact).

Relative clauses and the clauses of a quotation or an attribution's content
are not the writer's main claim and are not read.  Only sentences that hold
one of the kinds' cue words (``candidate``) are parsed.
"""
from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from functools import lru_cache

KINDS = ("intent", "forecast", "accusation", "cause", "evaluation")

_WORDS = {"type": "array", "items": {"type": "string", "minLength": 1}}


def _kind(props: dict, what: str) -> dict:
    return {"type": "object", "additionalProperties": False, "description": what,
            "properties": {"reason": {"type": "string", "minLength": 1,
                                      "description": "How the message names the kind ({subject} for intent)"},
                           **props}}


STRUCTURE_SCHEMA = {
    "type": "object", "additionalProperties": False,
    "description": "Check-worthy by structure (needs the syntactic layer): the cue words of each kind",
    "properties": {
        "intent": _kind({"verbs": {**_WORDS, "description": "Lemmas of intent verbs (aim, plan, seek)"}},
                        "A motive or plan stated for a third party"),
        "forecast": _kind({
            "modals": {**_WORDS, "description": "Future modals (will)"},
            "change": {**_WORDS, "description": "Lemmas of verbs and nouns of change (rise, fall, reduction)"},
            "frames": {**_WORDS, "description": "Lemmas that frame an expectation with an infinitive (set, poised)"},
            "percent": {**_WORDS, "description": "Words after a number that make it a share (percent, per): "
                                                 "a predicted amount of money or a share is a forecast"},
        }, "A forecast in the writer's voice"),
        "accusation": _kind({
            "verbs": {**_WORDS, "description": "Lemmas of accusation verbs: agentless passives (accuse, blame)"},
            "predicate_verbs": {**_WORDS, "description": "Lemmas of judgement verbs, passive with a predicate (see as)"},
        }, "An agentless accusation or judgement"),
        "cause": _kind({"verbs": {**_WORDS, "description": "Lemma, or lemma and object/preposition (raise fears, lead to)"}},
                       "A cause or consequence in the writer's voice"),
        "evaluation": _kind({
            "words": {**_WORDS, "description": "Evaluative words, each enough on its own"},
            "factual": {**_WORDS, "description": "Words with a valence that state facts (dead, injured)"},
            "min_valence": {"type": "number", "minimum": 0, "maximum": 4,
                            "description": "VADER valence (absolute) from which an adjective or adverb evaluates"},
            "min_count": {"type": "integer", "minimum": 1, "default": 2,
                          "description": "Evaluative adjectives/adverbs a sentence needs"},
        }, "An evaluation in the writer's voice"),
    },
}

_MAIN = ("ROOT", "conj", "ccomp", "xcomp", "advcl", "parataxis")  # clauses of the sentence itself
_OWN_CLAUSE_STOP = ("relcl", "acl", "ccomp", "advcl", "conj", "parataxis", "csubj")
_FIRST_PERSON = frozenset({"i", "we", "you"})


@dataclass(frozen=True)
class Why:
    """One reason a sentence is check-worthy by its structure."""

    kind: str
    reason: str  # as the message says it
    trigger: str  # the words that show it
    start: int  # in the parsed text
    end: int


def _forms(lemma: str) -> set[str]:
    """Regular inflections of a lemma (irregular ones are listed in the data)."""
    w = lemma.lower()
    out = {w, w + "s", w + "es", w + "ed", w + "d", w + "ing"}
    if w.endswith("e"):
        out |= {w[:-1] + "ing", w[:-1] + "ed"}
    if w.endswith("y"):
        out |= {w[:-1] + "ies", w[:-1] + "ied"}
    if len(w) > 2 and w[-1] not in "aeiouwxy" and w[-2] in "aeiou" and w[-3] not in "aeiou":
        out |= {w + w[-1] + "ed", w + w[-1] + "ing"}
    return out


@lru_cache(maxsize=1)
def vader_lexicon() -> dict[str, float]:
    """word -> mean valence (-4 … 4) from VADER's lexicon (Hutto & Gilbert
    2014; MIT licence; the ``vaderSentiment`` package, pinned in
    pyproject.toml).  Empty when the package is not installed."""
    # Located, not imported: the package's module imports requests, which
    # nothing here needs.
    spec = importlib.util.find_spec("vaderSentiment")
    if spec is None or not spec.submodule_search_locations:
        return {}
    path = os.path.join(list(spec.submodule_search_locations)[0], "vader_lexicon.txt")
    out: dict[str, float] = {}
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                parts = line.split("\t")
                if len(parts) >= 2:
                    try:
                        out[parts[0]] = float(parts[1])
                    except ValueError:
                        continue
    except OSError:
        return {}
    return out


def _low(items) -> frozenset[str]:
    return frozenset(str(w).lower() for w in items or ())


class Structure:
    """The structural reasons of one ``unattributed-claim`` rule."""

    def __init__(self, spec: dict | None):
        spec = spec or {}
        self.spec = spec
        self.reason = {k: (spec.get(k) or {}).get("reason") for k in KINDS}
        it = spec.get("intent") or {}
        self.intent = _low(it.get("verbs"))
        fc = spec.get("forecast") or {}
        self.modals = _low(fc.get("modals"))
        self.change = _low(fc.get("change"))
        self.frames = _low(fc.get("frames"))
        self.percent = _low(fc.get("percent"))
        ac = spec.get("accusation") or {}
        self.accuse = _low(ac.get("verbs"))
        self.judge = _low(ac.get("predicate_verbs"))
        cs = spec.get("cause") or {}
        self.cause: dict[str, set[str] | None] = {}
        for entry in cs.get("verbs") or ():
            parts = str(entry).lower().split()
            if not parts:
                continue
            if len(parts) == 1:
                self.cause[parts[0]] = None
            elif self.cause.get(parts[0], set()) is not None:
                self.cause.setdefault(parts[0], set()).add(parts[1])  # type: ignore[union-attr]
        ev = spec.get("evaluation") or {}
        self.eval_words = _low(ev.get("words"))
        self.factual = _low(ev.get("factual"))
        self.min_valence = ev.get("min_valence")
        self.min_count = ev.get("min_count", 2)
        self.valence = vader_lexicon() if ev and self.min_valence is not None else {}
        words: set[str] = set()
        for lemma in self.intent | self.frames | self.accuse | self.judge | set(self.cause):
            words |= _forms(lemma)
        words |= self.modals | self.eval_words
        self.candidates = frozenset(words)
        self.enabled = bool(spec)

    # -- which sentences are parsed ------------------------------------------
    def candidate(self, low_words, text: str = "") -> bool:
        """Whether a sentence (its lower-cased words, and its text) may hold
        a structural reason: one of the kinds' cue words, an evaluative word,
        or a purpose clause set off by a comma (", to …")."""
        if not self.enabled:
            return False
        if any(w in self.candidates for w in low_words):
            return True
        if self.intent and ", to " in text:
            return True
        if self.valence:
            strong = [w for w in low_words if abs(self.valence.get(w, 0.0)) >= self.min_valence
                      and w not in self.factual]
            return len(strong) >= 1  # one may be the predicate of the main clause
        return False

    def evaluative(self, words) -> bool:
        """Whether one of a sentence's subjective words (Pattern's) is an
        evaluation by this rule's lexicon: one of ``words``, or a valence of
        at least ``min_valence`` that is not a fact ("dead").  Pattern's
        subjectivity score alone marks descriptions ("eerie silence",
        "elect", "crucial to the economy") as judgements; without the
        evaluation data its score decides alone, as before."""
        if not (self.eval_words or self.valence):
            return True
        for w in words:
            w = w.lower()
            if w in self.factual:
                continue
            if w in self.eval_words or abs(self.valence.get(w, 0.0)) >= (self.min_valence or 0):
                return True
        return False

    # -- reading a parse ---------------------------------------------------
    def reasons(self, parse, skip) -> list[Why]:
        """Structural reasons in a parsed sentence.  ``skip(token)`` says a
        token is not the writer's (inside a quotation or an attribution)."""
        toks = parse.tokens
        out: list[Why] = []
        for t in toks:
            if skip(t) or self._in_relative(parse, t):
                continue
            why = (self._intent(parse, t) or self._purpose(parse, t) or self._forecast(parse, t)
                   or self._accusation(parse, t) or self._cause(parse, t))
            if why is not None:
                out.append(why)
        ev = self._evaluation(parse, skip)
        if ev is not None:
            out.append(ev)
        seen, unique = set(), []
        for w in out:
            if w.kind not in seen:
                seen.add(w.kind)
                unique.append(w)
        return unique

    @staticmethod
    def _in_relative(parse, t) -> bool:
        """Inside a relative clause ("orders that seek to …", "comments
        that caused …"): background hung on a noun, not the main claim."""
        toks = parse.tokens
        i, hops = t.i, 0
        while toks[i].head != i and hops < 40:
            if toks[i].dep == "relcl":
                return True
            i, hops = toks[i].head, hops + 1
        return False

    def _text(self, parse, idx) -> tuple[str, int, int]:
        a, b = parse.span(idx)
        return parse.text[a:b], a, b

    def _subject(self, parse, t):
        """The subject of a verb, or of the clause a participle or
        infinitive hangs on ("…, trying to slow": the military)."""
        toks = parse.tokens
        i, hops = t.i, 0
        while hops < 4:
            subj = [c for c in parse.children[i] if toks[c].dep in ("nsubj", "csubj")]
            if subj:
                return subj[0]
            if toks[i].dep in ("xcomp", "advcl", "conj") and toks[i].head != i:
                i, hops = toks[i].head, hops + 1
                continue
            return None
        return None

    def _intent(self, parse, t) -> Why | None:
        if not self.intent or t.lemma not in self.intent or t.pos != "VERB" or t.dep not in _MAIN:
            return None
        toks = parse.tokens
        kids = parse.children[t.i]
        if any(toks[c].dep in ("nsubjpass", "auxpass") for c in kids):
            return None  # "was aimed at ending": the aim of a thing
        inf = [c for c in kids if toks[c].dep == "xcomp" and toks[c].pos in ("VERB", "AUX")
               and any(toks[g].dep == "aux" and toks[g].tag == "TO" for g in parse.children[c])]
        if not inf:
            return None
        s = self._subject(parse, t)
        if s is None or toks[s].lower in _FIRST_PERSON:
            return None
        subj = self._text(parse, [j for j in parse.subtree(s)][:6])[0]
        a, b = t.start, toks[inf[0]].end
        return Why("intent", (self.reason["intent"] or "a motive attributed to {subject}").replace("{subject}", f"“{subj}”"),
                   parse.text[a:b], a, b)

    def _purpose(self, parse, t) -> Why | None:
        """A purpose clause set off by a comma ("Rebels shelled the road, to
        cut the army's supply line"): the writer states why a third party
        acted.  Needs ``intent`` data (its reason names the subject)."""
        if not self.intent or t.dep != "advcl" or t.tag != "VB" or t.lemma in ("be", "have") or t.i < 2:
            return None
        toks = parse.tokens
        kids = parse.children[t.i]
        to = [c for c in kids if toks[c].dep == "aux" and toks[c].tag == "TO"]
        if not to or to[0] != t.i - 1 or toks[to[0] - 1].text != ",":
            return None
        head = toks[t.head]
        if head.dep not in _MAIN or head.pos not in ("VERB", "AUX"):
            return None
        if any(toks[c].dep in ("nsubjpass", "auxpass") for c in parse.children[head.i]):
            return None
        s = self._subject(parse, head)
        if s is None or toks[s].lower in _FIRST_PERSON or toks[s].pos == "PRON" and toks[s].lower == "it":
            return None
        subj = self._text(parse, [j for j in parse.subtree(s)][:6])[0]
        a, b = toks[to[0]].start, t.end
        return Why("intent", (self.reason["intent"] or "a motive attributed to {subject}").replace("{subject}", f"“{subj}”"),
                   parse.text[a:b], a, b)

    def _own_clause(self, parse, i) -> list[int]:
        """Tokens of a verb's own clause (not its subordinate or coordinate clauses)."""
        toks = parse.tokens
        out, stack = [], [i]
        while stack:
            j = stack.pop()
            out.append(j)
            stack.extend(c for c in parse.children[j] if toks[c].dep not in _OWN_CLAUSE_STOP)
        return sorted(out)

    def _forecast(self, parse, t) -> Why | None:
        toks = parse.tokens
        kids = parse.children[t.i]
        if self.frames and t.lemma in self.frames and t.dep in _MAIN:
            inf = [c for c in kids if toks[c].dep == "xcomp"
                   and any(toks[g].dep == "aux" and toks[g].tag == "TO" for g in parse.children[c])]
            copula = any(toks[c].dep in ("auxpass", "aux", "nsubjpass") for c in kids) or t.pos == "ADJ"
            if inf and copula:
                a, b = t.start, toks[inf[0]].end
                return Why("forecast", self.reason["forecast"] or "a forecast", parse.text[a:b], a, b)
        if not self.modals or t.pos not in ("VERB", "AUX") or t.dep not in _MAIN:
            return None
        modal = [c for c in kids if toks[c].dep == "aux" and toks[c].tag == "MD" and toks[c].lower in self.modals]
        if not modal:
            return None
        clause = self._own_clause(parse, t.i)
        # A word of change that only describes a noun ("the remaining savings", "growing debt")
        # is not what the clause predicts; a comparative is ("fewer films").
        change = [j for j in clause if toks[j].tag in ("JJR", "RBR")
                  or toks[j].lemma in self.change and toks[j].dep != "amod"]
        # An amount the clause predicts: money or a share ("will be around £480m a year").
        change += self._amounts(parse, clause)
        if t.lemma in self.change:
            change.append(t.i)
        xs = [c for c in kids if toks[c].dep == "xcomp"]  # "will keep climbing"
        change += [c for c in xs if toks[c].lemma in self.change]
        if not change:
            return None
        a = toks[modal[0]].start
        b = max(toks[j].end for j in change + [t.i])
        return Why("forecast", self.reason["forecast"] or "a forecast", parse.text[a:b], a, b)

    def _amounts(self, parse, clause) -> list[int]:
        """Numbers of a clause that are money or a share: a number after a
        currency sign ("£480m", "$1.2 billion") or before a word of
        ``percent`` ("12 per cent", "40%").  Dates, times and counts are not."""
        if not self.percent:
            return []
        toks = parse.tokens
        out = []
        for j in clause:
            if toks[j].tag != "CD":
                continue
            before = toks[j - 1] if j > 0 else None
            after = toks[j + 1] if j + 1 < len(toks) else None
            if (before is not None and before.tag == "$") or (
                    after is not None and (after.lower in self.percent or after.text == "%")):
                out.append(j)
        return out

    def _accusation(self, parse, t) -> Why | None:
        if t.tag != "VBN" or not (t.lemma in self.accuse or t.lemma in self.judge):
            return None
        toks = parse.tokens
        kids = parse.children[t.i]
        passive = any(toks[c].dep in ("nsubjpass", "auxpass") for c in kids) or t.dep == "acl"
        if not passive or any(toks[c].dep == "agent" for c in kids):
            return None
        if t.lemma not in self.accuse:
            pred = [c for c in kids if toks[c].dep in ("oprd", "attr")
                    or (toks[c].dep == "prep" and toks[c].lower == "as")
                    or (toks[c].dep == "xcomp" and any(toks[g].tag == "TO" for g in parse.children[c]))]
            if not pred:
                return None  # "was seen on Monday": a sighting, not a judgement
        b = t.end
        for c in kids:
            if toks[c].dep in ("prep", "oprd", "xcomp", "attr") and toks[c].i > t.i:
                b = parse.span(parse.subtree(c))[1]
                break
        a = t.start
        for c in kids:
            if toks[c].dep == "advmod" and toks[c].i < t.i:
                a = min(a, toks[c].start)  # "widely seen as"
        text = parse.text[a:b]
        words = text.split()
        if len(words) > 8:
            text = " ".join(words[:8]) + "…"
        return Why("accusation", self.reason["accusation"] or "an agentless accusation", text, a, b)

    def _cause(self, parse, t) -> Why | None:
        if not self.cause or t.lemma not in self.cause or t.pos != "VERB" or t.dep not in _MAIN:
            return None
        toks = parse.tokens
        kids = parse.children[t.i]
        if any(toks[c].dep in ("nsubjpass", "auxpass") for c in kids):
            return None  # "was triggered by X" names the cause's agent: a cue of its own kind
        need = self.cause[t.lemma]
        b = t.end
        if need is not None:
            objs = [c for c in kids if toks[c].dep in ("dobj", "prep", "prt", "attr")
                    and (toks[c].lemma in need or toks[c].lower in need)]
            if not objs:
                return None
            b = toks[objs[0]].end
        else:
            objs = [c for c in kids if toks[c].dep in ("dobj", "prep", "prt")]
            if not objs:
                return None  # an intransitive use ("the fire caused"): too little to judge
            b = toks[objs[0]].end
        a = t.start
        return Why("cause", self.reason["cause"] or "a cause", parse.text[a:b], a, b)

    def _evaluation(self, parse, skip) -> Why | None:
        if not (self.eval_words or self.valence):
            return None
        strong, weak = [], []
        for t in parse.tokens:
            if skip(t) or t.lower in self.factual or t.lemma in self.factual:
                continue
            if t.lower in self.eval_words or t.lemma in self.eval_words:
                strong.append(t)
                continue
            if t.pos not in ("ADJ", "ADV") or t.dep == "compound":
                continue
            v = self.valence.get(t.lower, self.valence.get(t.lemma, 0.0))
            if self.min_valence is not None and abs(v) >= self.min_valence:
                weak.append(t)
        toks = parse.tokens
        # One evaluative adjective is enough when it is what the main clause says of its
        # subject ("The forecast was more pleasing to investors", "The response looks inept").
        # A personal pronoun's feelings ("I am glad", "they were less pleased") are its own stance.
        predicate = [t for t in weak if t.dep == "acomp" and toks[t.head].dep == "ROOT" and not any(
            toks[c].dep == "nsubj" and toks[c].pos == "PRON" for c in parse.children[t.head])]
        if not strong and len(weak) < self.min_count and not predicate:
            return None
        first = (strong or predicate or weak)[0]
        return Why("evaluation", self.reason["evaluation"] or "an evaluation", first.text, first.start, first.end)
