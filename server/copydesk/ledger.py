"""The source ledger: who says what in a draft.

Every attribution is read from the dependency structure of its sentence (the
syntactic layer, ``lang/syntax.py``): a *cue* (the reporting verb or phrase:
"said", "according to", "told reporters", "believes"), its *source* (the
speaker span: the subject of the verb, the agent of a passive, the object of
"according to"), the *content* (the clause the cue governs: its clausal
complement, its object, or — for "…, he said" — the clause it comments on),
the *kind* (``direct`` quotation, ``indirect`` speech, ``mixed``,
``according-to``, ``record`` when the source is a document or figures) and
whether the source is *named*.  A pronoun source ("he", "who") is resolved to
the nearest named speaker before it (for "who", the noun the relative clause
hangs on).

Which words are cues is data: ``rules/attribution.yml`` ``lexicons:``
(``cue_verbs``: report whenever they have a subject or a complement;
``cue_state_verbs``: internal states and intentions, "X believes", "X wants",
only with a clausal complement; ``source_phrases``: "according to" and its
kin; ``honorifics``; ``non_reporting_particles``: "called off").  Nothing here
is English except the Universal Dependencies / ClearNLP labels of the parser.

Clause level: an attribution covers the token range of its content, not the
whole sentence: "The ministry announced a ceasefire, but shelling resumed"
has the ministry's content end at "ceasefire".
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from .lang import syntax
from .text.quotes import find_quotes

_SUBJ = ("nsubj", "nsubjpass", "csubj")
_CLAUSE = ("ccomp", "xcomp")
_PRONOUN_TAGS = ("PRP", "WP", "WDT")
_QUOTES = "“”\"‘’«»'"


@dataclass
class Attribution:
    cue: tuple[int, int]
    source: tuple[int, int] | None
    content: tuple[int, int] | None
    kind: str  # direct | indirect | mixed | according-to | record
    named: bool
    speaker: str | None
    sentence: tuple[int, int] = (0, 0)  # the sentence holding the cue
    state: bool = False  # an internal state or intention ("believes", "aims to"), not speech

    def as_json(self, text: str) -> dict:
        def span(s):
            return None if s is None else {"start": s[0], "end": s[1], "text": text[s[0]:s[1]]}
        return {"cue": span(self.cue), "source": span(self.source), "content": span(self.content),
                "kind": self.kind, "named": self.named, "speaker": self.speaker}


@dataclass
class Lexicon:
    verbs: frozenset[str]
    states: frozenset[str]
    phrases: tuple[tuple[str, ...], ...]
    honorifics: frozenset[str]
    particles: frozenset[str]
    records: frozenset[str]
    vague: frozenset[str]
    pronouns: frozenset[str]
    impersonal: frozenset[str]  # "it": a subject that is not a speaker
    relatives: frozenset[str]  # "who", "which", "that": the source is the noun the clause hangs on
    definite: frozenset[str]  # "the": "the ministry" is an organisation, not anonymous

    @classmethod
    def from_lexicons(cls, lx: dict, vague_sources: Iterable[str] = ()) -> "Lexicon":
        def low(key, default=()):
            return frozenset(str(w).lower() for w in lx.get(key, default) or ())
        phrases = tuple(sorted({tuple(str(p).lower().split()) for p in lx.get("source_phrases", []) or ()},
                               key=len, reverse=True))
        return cls(low("cue_verbs"), low("cue_state_verbs"), phrases, low("honorifics"),
                   low("non_reporting_particles"), low("evidence_nouns"),
                   frozenset(w.lower() for w in vague_sources) | low("anonymous_sources"),
                   low("source_pronouns"), low("impersonal_pronouns"), low("relative_pronouns"),
                   low("definite_determiners"))


@dataclass
class _State:
    """What earlier sentences of the draft said about speakers."""

    last_named: str | None = None
    names: list[str] = field(default_factory=list)


class Extractor:
    def __init__(self, lexicon: Lexicon):
        self.lx = lexicon

    # -- the draft ---------------------------------------------------------
    def blocks(self, blocks: list[tuple[int, str]]) -> list[Attribution] | None:
        """Attributions of a draft given as (offset, text) blocks
        (paragraphs); None when the syntactic layer is not available."""
        parses = syntax.parse_many([t for _, t in blocks])
        if parses is None:
            return None
        state = _State()
        out: list[Attribution] = []
        for (off, _), p in zip(blocks, parses):
            for a in self.parse(p, state):
                out.append(_shift(a, off))
        return out

    def parse(self, p: "syntax.Parse", state: _State | None = None) -> list[Attribution]:
        state = state or _State()
        out: list[Attribution] = []
        quoted = [q.inner for q in find_quotes(p.text, 0, len(p.text)) if q.depth == 0]
        for a, b in p.sentences:
            found = self._sentence(p, a, b, state, quoted)
            out.extend(_outermost(found))
        return out

    # -- one sentence --------------------------------------------------------
    def _sentence(self, p, a: int, b: int, state: _State, quoted=()) -> list[Attribution]:
        toks = p.tokens
        found: list[Attribution] = []
        used: set[int] = set()
        sent_span = (toks[a].start, toks[b - 1].end)
        # "according to X", "as reported by X": the source is the object of the last word.
        for i in range(a, b):
            for ph in self.lx.phrases:
                k = len(ph)
                if i + k > b or tuple(t.lower for t in toks[i:i + k]) != ph:
                    continue
                last = i + k - 1
                objs = [c for c in p.children[last] if toks[c].dep in ("pobj", "pcomp")]
                if not objs:
                    continue
                src = p.subtree(objs[0])
                phrase = set(range(i, last + 1)) | set(src)
                head = self._clause_head(p, i, a, b)
                content = [j for j in (p.subtree(head) if head is not None else range(a, b))
                           if j not in phrase and j not in set(p.subtree(i)) and toks[j].dep != "punct"]
                kind = "record" if toks[objs[0]].lemma in self.lx.records else "according-to"
                found.append(self._make(p, (i, last), src, objs[0], content, kind, state, sent_span))
                used.update(range(i, last + 1))
                break
        # "Matthews: Well, …", "Trump: ‘I’m the worst thing …’": a name and a
        # colon opening the sentence (transcripts, headlines) attribute the rest.
        k = next((j for j in range(a, min(b, a + 6)) if toks[j].text == ":"), None)
        if (k is not None and a < k < b - 1 and any(toks[j].pos == "PROPN" for j in range(a, k))
                and not any(toks[j].tag.startswith("VB") for j in range(a, k))):
            head = max(range(a, k), key=lambda j: toks[j].pos == "PROPN")
            found.append(self._make(p, (k, k), list(range(a, k)), head, list(range(k + 1, b)), "direct",
                                    state, sent_span))
            used.add(k)
        for i in range(a, b):
            if i in used:
                continue
            t = toks[i]
            if not t.tag.startswith("VB") or t.dep in ("amod", "compound", "aux", "auxpass"):
                continue
            if any(x <= t.start and t.end <= y for x, y in quoted):
                continue  # the speaker's words, not the writer's attribution
            kids = p.children[i]
            deps = {toks[c].dep for c in kids}
            if any(toks[c].dep == "prt" and toks[c].lower in self.lx.particles for c in kids):
                continue
            clause = [c for c in kids if toks[c].dep in _CLAUSE]
            if t.lemma in self.lx.verbs:
                pass
            elif t.lemma in self.lx.states and clause:
                pass
            elif any(toks[c].dep == "ccomp" for c in kids) and any(
                    toks[c].dep == "nsubj" and (toks[c].pos == "PROPN" or toks[c].lower in self.lx.pronouns
                                                and toks[c].lower not in self.lx.impersonal) for c in kids):
                pass  # any verb of a person with a clause: "Trump mused that …"
            else:
                continue
            subj = [c for c in kids if toks[c].dep in ("nsubj", "csubj")]
            passive = "auxpass" in deps or "nsubjpass" in deps
            src_head = None
            if passive:
                agent = [c for c in kids if toks[c].dep == "agent"]
                objs = [c for c in p.children[agent[0]] if toks[c].dep == "pobj"] if agent else []
                src_head = objs[0] if objs else None
            elif subj:
                src_head = subj[0]
            elif t.dep == "acl" and toks[t.head].pos in ("NOUN", "PROPN"):
                src_head = t.head  # "a report from Bloomberg saying …", "a man shouting"
            elif t.dep in ("xcomp", "conj", "advcl", "relcl") or t.dep == "ROOT":
                src_head = self._inherited_subject(p, i)
            content_idx: list[int] = []
            if clause:
                content_idx = p.subtree(clause[0])
            else:
                objs = [c for c in kids if toks[c].dep in ("dobj", "attr", "oprd")]
                if objs:
                    content_idx = p.subtree(objs[0])
                elif t.dep in ("parataxis", "ccomp") and toks[t.head].sent == t.sent and t.head != i:
                    # "…, he said" / "“…,” he said, “…”": the clause commented on.
                    mine = set(p.subtree(i))
                    content_idx = [j for j in p.subtree(t.head) if j not in mine and toks[j].dep != "punct"]
                else:
                    # "he said of X", "she tweeted about X": the prepositional object
                    preps = [c for c in kids if toks[c].dep == "prep" and c > i]
                    if preps:
                        content_idx = p.subtree(preps[0])
            if passive and src_head is None and not content_idx:
                continue
            if src_head is None and not content_idx:
                continue
            src = p.subtree(src_head) if src_head is not None else []
            # A relative clause on the source ("Trump, who …,") is not the source.
            if src_head is not None:
                src = self._trim_source(p, src_head, src)
            cue_lo, cue_hi = self._cue_extent(p, i)
            kind = "indirect"
            if src_head is not None and toks[src_head].lemma in self.lx.records:
                kind = "record"
            att = self._make(p, (cue_lo, cue_hi), src, src_head, content_idx, kind, state, sent_span)
            att.state = t.lemma not in self.lx.verbs
            found.append(att)
        return found

    # -- helpers -------------------------------------------------------------
    def _clause_head(self, p, i: int, a: int, b: int) -> int | None:
        """The verb a prepositional cue ("according to") hangs on."""
        j = p.tokens[i].head
        seen = 0
        while seen < 20:
            t = p.tokens[j]
            if t.tag.startswith("VB") or t.dep == "ROOT":
                return j
            if t.head == j:
                return j
            j = t.head
            seen += 1
        return None

    def _inherited_subject(self, p, i: int) -> int | None:
        """The subject a verb shares with the verb it depends on ("he stood
        and said", "going on to say", "adding that")."""
        toks = p.tokens
        j = i
        for _ in range(6):
            t = toks[j]
            if t.head == j:
                return None
            if t.dep == "relcl":
                return t.head  # "the man who …" handled by its own nsubj; else the noun
            j = t.head
            subj = [c for c in p.children[j] if toks[c].dep in ("nsubj", "nsubjpass")]
            if subj:
                return subj[0]
            if toks[j].dep not in ("xcomp", "conj", "advcl", "ccomp"):
                return None
        return None

    def _trim_source(self, p, head: int, idx: list[int]) -> list[int]:
        toks = p.tokens
        drop: set[int] = set()
        for c in p.children[head]:
            if toks[c].dep in ("relcl", "acl", "appos", "punct") and c > head:
                drop.update(p.subtree(c))
        keep = [j for j in idx if j not in drop]
        return keep or [head]

    def _cue_extent(self, p, i: int) -> tuple[int, int]:
        """The verb with its particle ("pointed out") and the auxiliaries,
        negation and adverbs right before it ("has also said")."""
        toks = p.tokens
        lo = hi = i
        for c in sorted(p.children[i], reverse=True):
            if c == lo - 1 and toks[c].dep in ("aux", "neg", "advmod", "auxpass"):
                lo = c
        for c in p.children[i]:
            if c == hi + 1 and toks[c].dep == "prt":
                hi = c
        return lo, hi

    def _make(self, p, cue, src, src_head, content_idx, kind, state: _State, sent_span) -> Attribution:
        toks = p.tokens
        cue_span = (toks[cue[0]].start, toks[cue[1]].end)
        content_idx = [j for j in content_idx if not (cue[0] <= j <= cue[1])]
        while content_idx and toks[content_idx[0]].dep == "punct" and toks[content_idx[0]].text not in _QUOTES:
            content_idx.pop(0)
        while content_idx and toks[content_idx[-1]].dep == "punct" and toks[content_idx[-1]].text not in _QUOTES:
            content_idx.pop()
        content = p.span(content_idx) if content_idx else None
        if content is not None:
            content = _widen_to_quotes(p.text, *content)
            body = p.text[content[0]:content[1]]
            if kind not in ("according-to", "record"):
                inner = body.strip(" ,.;:")
                if inner[:1] in _QUOTES and inner[-1:] in _QUOTES:
                    kind = "direct"
                elif any(q in body for q in "“”\"«»"):
                    kind = "mixed"
        source = p.span(src) if src else None
        speaker, named = self._speaker(p, src, src_head, state)
        return Attribution(cue_span, source, content, kind, named, speaker, sent_span)

    def _speaker(self, p, src: list[int], head: int | None, state: _State) -> tuple[str | None, bool]:
        if head is None:
            return None, False
        toks = p.tokens
        h = toks[head]
        if h.tag in _PRONOUN_TAGS or h.lower in self.lx.pronouns:
            if h.tag in ("WP", "WDT") or h.lower in self.lx.relatives:
                # "the senator, who said": the noun the relative clause hangs on
                rel = p.tokens[h.head]
                noun = rel.head if rel.dep == "relcl" else None
                if noun is not None and toks[noun].pos in ("PROPN", "NOUN"):
                    name = self._name(p, noun)
                    named = toks[noun].pos == "PROPN"
                    if named:
                        state.last_named = name = self._remember(name, state)
                    return name, named
            if state.last_named:
                return state.last_named, True
            return None, False
        name = self._name(p, head)
        named = h.lower not in self.lx.vague and (
            any(toks[j].pos == "PROPN" for j in src)
            # "the ministry", "the company": a definite organisation, not "officials"
            or (h.tag == "NN" and any(toks[c].dep == "det" and toks[c].lower in self.lx.definite or toks[c].dep == "poss"
                                      for c in p.children[head])))
        if named:
            name = self._remember(name, state)
            state.last_named = name
        return name, named

    def _name(self, p, head: int) -> str:
        """The head noun with its compound and flat parts ("Donald Trump"),
        without honorifics and determiners."""
        toks = p.tokens
        parts = [head] + [c for c in p.children[head] if toks[c].dep in ("compound", "flat", "poss", "amod", "nmod")
                          and toks[c].pos in ("PROPN", "NOUN", "ADJ")]
        parts.sort()
        # keep the contiguous run ending at the head
        run = [head]
        for j in reversed([x for x in parts if x < head]):
            if j == run[0] - 1:
                run.insert(0, j)
        words = [toks[j].text for j in run if toks[j].lower.rstrip(".") not in self.lx.honorifics]
        return " ".join(words) or toks[head].text

    @staticmethod
    def _remember(name: str, state: _State) -> str:
        """A surname alone is the full name met before ("Trump" after "Donald Trump")."""
        if " " not in name:
            for full in reversed(state.names):
                if full.endswith(" " + name):
                    return full
        if name not in state.names:
            state.names.append(name)
        return name


def _widen_to_quotes(text: str, a: int, b: int) -> tuple[int, int]:
    """Take in a quotation mark right next to the content ("“We will win,”")."""
    while a > 0 and text[a - 1] in _QUOTES:
        a -= 1
    while b < len(text) and (text[b] in _QUOTES or (text[b] in ",." and b + 1 < len(text) and text[b + 1] in _QUOTES)):
        b += 1
    return a, b


def _outermost(found: list[Attribution]) -> list[Attribution]:
    """One attribution per stretch of text: a cue inside another
    attribution's content ("declined to say", "he said she wants") belongs to
    that content."""
    out = []
    for x in found:
        if any(y is not x and y.content and y.content[0] <= x.cue[0] and x.cue[1] <= y.content[1]
               and not (x.content and x.content[0] <= y.cue[0] and y.cue[1] <= x.content[1])
               for y in found):
            continue
        out.append(x)
    out.sort(key=lambda x: x.cue)
    return out


def _shift(a: Attribution, off: int) -> Attribution:
    def sh(s):
        return None if s is None else (s[0] + off, s[1] + off)
    return Attribution(sh(a.cue), sh(a.source), sh(a.content), a.kind, a.named, a.speaker, sh(a.sentence), a.state)


def sources_of(attributions: list[Attribution]) -> list[dict]:
    """Every speaker with its count of attributions, most quoted first."""
    counts: dict[tuple[str, bool], int] = {}
    for a in attributions:
        if a.speaker is None:
            continue
        key = (a.speaker, a.named)
        counts[key] = counts.get(key, 0) + 1
    return [{"speaker": s, "named": n, "attributions": c}
            for (s, n), c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][0]))]


def ledger_json(attributions: list[Attribution], text: str) -> dict:
    """One draft's ledger as ``copydesk sources --format json`` writes it
    (and the report page shows it): its attributions and its sources."""
    return {"attributions": [a.as_json(text) for a in attributions], "sources": sources_of(attributions)}


def extractor_for(ruleset) -> Extractor:
    """The extractor of a rule set (its lexicons and the vague-attribution
    rules' sources), built once per rule set."""
    ex = getattr(ruleset, "_ledger_extractor", None)
    if ex is None:
        vague = [w for r in ruleset.rules.values() if r.check == "vague-attribution"
                 for w in r.option("sources", []) or ()]
        ex = Extractor(Lexicon.from_lexicons(ruleset.lexicons, vague))
        try:
            ruleset._ledger_extractor = ex
        except AttributeError:
            pass
    return ex


def blocks_of(model) -> list[tuple[int, str]]:
    """The prose blocks of a text model as (offset, text) pieces the parser
    takes (a pasted block of 100,000 characters is parsed in slices cut at
    sentence ends, never whole)."""
    out = []
    for par in model.paragraphs:
        text = par.text
        if not text.strip():
            continue
        off = par.start
        while len(text) > syntax.MAX_CHARS:
            cut = max(text.rfind(". ", 0, syntax.MAX_CHARS), text.rfind("\n", 0, syntax.MAX_CHARS))
            cut = cut + 1 if cut > 0 else syntax.MAX_CHARS
            out.append((off, text[:cut]))
            off += cut
            text = text[cut:]
        out.append((off, text))
    return out


def draft_ledger(engine, model) -> list[Attribution] | None:
    """Every attribution of a draft (None when the syntactic layer is missing)."""
    return extractor_for(engine.ruleset).blocks(blocks_of(model))
