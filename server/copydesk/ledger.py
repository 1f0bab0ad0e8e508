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

import bisect
from dataclasses import dataclass, field, replace
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
    # the source's noun phrase as written, with an apposition or relative clause
    # ("Chris Cox, who runs the NRA's lobbying arm,"); ``source`` is its core
    source_phrase: tuple[int, int] | None = None
    label: bool = False  # a transcript's or headline's "Name:" label

    def as_json(self, text: str) -> dict:
        def span(s):
            return None if s is None else {"start": s[0], "end": s[1], "text": text[s[0]:s[1]]}
        return {"cue": span(self.cue), "source": span(self.source_phrase or self.source), "content": span(self.content),
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
    stances: frozenset[str] = frozenset()  # "supports the plan", "talked about jobs": with an object too
    nouns: frozenset[str] = frozenset()  # "Clinton's criticism of", "made no mention of"
    adverbs: frozenset[str] = frozenset()  # "reportedly"
    adjectives: frozenset[str] = frozenset()  # "is confident that", "are unhappy with"
    topics: frozenset[str] = frozenset()  # "talked about", "criticism of": prepositions of a topic
    predicates: frozenset[str] = frozenset()  # "described X as Y": the object's predicate
    times: frozenset[str] = frozenset()  # "responded on Sunday": a time, not a topic
    raising: frozenset[str] = frozenset()  # "X seems to": X is what the impression is about
    speakers: frozenset[str] = frozenset()  # "spoke to reporters": a listener, not a topic
    verb_topics: frozenset[str] = frozenset()  # "referring to X": a topic after a reporting verb
    lemmas: dict = field(default_factory=dict)  # "hoping" -> "hope": the lemmatizer's slips
    joiners: frozenset[str] = frozenset()  # "while", "but", "and": a clause of its own follows
    record_preps: frozenset[str] = frozenset()  # "in the latest poll", "by the AP's tally"
    record_nouns: frozenset[str] = frozenset()
    question_marks: frozenset[str] = frozenset()  # "asked if …", "wondered whether …"
    circumstances: frozenset[str] = frozenset()  # "endorsed Cruz in a tweet": not what was endorsed
    weak_frames: frozenset[tuple[str, str]] = frozenset()  # ("find", "object"): "found himself …"

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
                   low("definite_determiners"), low("cue_stance_verbs") | low("cue_state_verbs"),
                   low("cue_nouns"), low("cue_adverbs"), low("cue_adjectives"), low("cue_topic_prepositions"),
                   low("cue_predicate_prepositions"),
                   low("time_nouns") | low("months") | low("duration_units"), low("cue_raising_verbs"),
                   low("speaker_words") | low("anonymous_sources"), low("cue_verb_topic_prepositions"),
                   dict(str(w).lower().split()[:2] for w in lx.get("lemma_corrections", []) or ()
                        if len(str(w).split()) == 2),
                   low("clause_joiners"), low("cue_record_prepositions"), low("cue_record_nouns"),
                   low("cue_question_marks"), low("cue_circumstance_prepositions"),
                   frozenset(tuple(str(w).lower().split()) for w in lx.get("cue_weak_frames", []) or ()
                             if len(str(w).split()) == 2))


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
        return [a for _, _, atts in self.read(blocks, parses) for a in atts]

    def read(self, blocks: list[tuple[int, str]], parses) -> list[tuple[int, "syntax.Parse", list[Attribution]]]:
        """(offset, parse, attributions) per block, in order: pronouns and
        a paragraph ending "He said:" reach into the blocks after (that
        attribution stays with its cue's block, its content the next one)."""
        state = _State()
        out = []
        lead = None
        for (off, text), p in zip(blocks, parses):
            p = self.relemma(p)
            atts = [_shift(a, off) for a in self.parse(p, state)]
            if lead is not None:
                body = text.rstrip()
                lead.content = (off, off + len(body))
                lead.kind = "direct" if body[:1] in _QUOTES else "indirect"
            lead = self.colon_lead(p, atts, state, off)
            if lead is not None and not any(x is lead for x in atts):
                atts.append(lead)
            out.append((off, p, atts))
        if lead is not None and lead.content is None and lead.source is None:
            out[-1][2].remove(lead)  # a colon at the end of the draft, and no one to say it
        return out

    def colon_lead(self, p, atts: list[Attribution], state: _State, off: int = 0) -> Attribution | None:
        """A paragraph that ends in a colon after a speaker's verb ("Cruz
        continued:", "He said:", "Clinton released the following
        statement:") hands the next paragraph to that speaker: the
        attribution returned (the paragraph's own, or a new one; offsets
        shifted by ``off`` like ``atts``) gets its content from the caller."""
        text = p.text.rstrip()
        if not text.endswith(":") or not p.sentences:
            return None
        a, b = p.sentences[-1]
        toks = p.tokens
        colon = b - 1
        while colon > a and toks[colon].text != ":":
            colon -= 1
        if any(at.cue[0] <= toks[colon].start + off < at.cue[1] for at in atts):
            return None
        verbs = [j for j in range(a, colon) if toks[j].pos == "VERB"
                 and toks[j].dep not in ("aux", "auxpass", "amod", "compound")]
        if not verbs:
            return None
        v = verbs[-1]
        own = next((at for at in atts if at.cue[0] <= toks[v].start + off < at.cue[1]), None)
        if own is not None:
            return own if own.content is None else None  # "He said:" / "… pointed out that …:"
        if any(toks[c].dep in ("ccomp", "xcomp") for c in p.children[v]):
            return None
        subj = [c for c in p.children[v] if toks[c].dep in ("nsubj", "nsubjpass")]
        src_head = subj[0] if subj else self._inherited_subject(p, v)
        if src_head is None or toks[src_head].lower in self.lx.impersonal or toks[src_head].pos not in ("PROPN", "NOUN", "PRON"):
            return None
        src = self._trim_source(p, src_head, p.subtree(src_head))
        lo, _ = self._cue_extent(p, v)
        att = self._make(p, (lo, colon), src, src_head, [], "direct", state, (toks[a].start, toks[b - 1].end))
        att.state = toks[v].lemma not in self.lx.verbs
        return _shift(att, off)

    def relemma(self, p: "syntax.Parse") -> "syntax.Parse":
        """The parse with the lemmatizer's slips mended ("hoping" is not a
        form of "hop"): ``lemma_corrections`` maps a word form to its lemma."""
        fix = self.lx.lemmas
        if not fix or not any(t.lower in fix and t.lemma != fix[t.lower] for t in p.tokens):
            return p
        toks = tuple(replace(t, lemma=fix[t.lower]) if t.lower in fix else t for t in p.tokens)
        return syntax.Parse(p.text, toks, p.sentences, p.children)

    def parse(self, p: "syntax.Parse", state: _State | None = None) -> list[Attribution]:
        state = state or _State()
        p = self.relemma(p)
        out: list[Attribution] = []
        quotes = [q for q in find_quotes(p.text, 0, len(p.text)) if q.depth == 0]
        quoted = [q.inner for q in quotes]
        for a, b in p.sentences:
            found = self._sentence(p, a, b, state, quoted)
            self._split_parallel(p, found)
            out.extend(_outermost(found))
            if not found:
                self._note_subject(p, a, b, state)
        if quotes:
            _whole_quotes(p.text, out, quotes)
        # a transcript's label ("FALLIN: Well, I think …") speaks the whole
        # paragraph: the reports inside are part of what it says
        labels = [y for y in out if y.label and y.content]
        if labels:
            out = [x for x in out if x.label or not any(y.content[0] <= x.cue[0] < y.content[1] for y in labels)]
        return out

    def _split_parallel(self, p, found: list[Attribution]) -> None:
        """Two reports side by side: "One says A, while another says B",
        "Clinton backed X, but Sanders said Y".  A report whose source
        opens a clause joined by a conjunction (``clause_joiners``, "and",
        a semicolon) inside another's content is its own: the first
        content ends before the joiner."""
        toks = p.tokens
        starts = {t.start: t.i for t in toks}
        for x in found:
            if x.source is None:
                continue
            lo = min(x.source[0], x.cue[0])
            for y in found:
                if y is x or not y.content or not (y.content[0] < lo < y.content[1]) or y.cue[0] >= lo:
                    continue
                j = starts.get(lo)
                if j is None:
                    continue
                k = j - 1
                while k >= 0 and toks[k].text in (",",) :
                    k -= 1
                if k < 0 or not (toks[k].lower in self.lx.joiners or toks[k].text == ";"):
                    continue
                if toks[k].start <= y.content[0]:
                    continue
                end = k
                while end > 0 and toks[end - 1].text in (",", ";", "—", "-") :
                    end -= 1
                y.content = (y.content[0], toks[end - 1].end) if toks[end - 1].end > y.content[0] else y.content

    def _note_subject(self, p, a: int, b: int, state: _State) -> None:
        """A sentence with no attribution may still introduce the person a
        later pronoun stands for ("The mayor, Jane Ruiz, spoke to reporters.
        She said …"): its main subject, when a name (or in apposition with
        one), becomes the nearest named speaker."""
        toks = p.tokens
        root = next((j for j in range(a, b) if toks[j].head == j), None)
        if root is None:
            return
        subj = next((c for c in p.children[root] if toks[c].dep in ("nsubj", "nsubjpass")), None)
        if subj is None:
            return
        if toks[subj].pos != "PROPN":
            subj = next((c for c in p.children[subj] if toks[c].dep == "appos" and toks[c].pos == "PROPN"), None)
        if subj is not None:
            state.last_named = self._remember(self._name(p, subj), state)

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
                head = self._clause_head(p, i, a, b, skip=range(i, last + 1))
                content = [j for j in (p.subtree(head) if head is not None else range(a, b))
                           if j not in phrase and j not in set(p.subtree(i)) and toks[j].dep != "punct"]
                kind = "record" if toks[objs[0]].lemma in self.lx.records else "according-to"
                found.append(self._make(p, (i, last), src, objs[0], content, kind, state, sent_span))
                used.update(range(i, last + 1))
                break
        # "Matthews: Well, …", "Trump: ‘I’m the worst thing …’": a name and a
        # colon opening the sentence (transcripts, headlines) attribute the rest.
        # Headlines lose the tagger ("Trump" a common noun): a capitalised
        # noun counts as a name there; what follows must say something (a
        # verb or a quotation: "Hillary Clinton: 1,769." is a tally).
        k = next((j for j in range(a, min(b, a + 6)) if toks[j].text == ":"), None)
        rest = list(range(k + 1, b)) if k is not None else []
        if k is not None and k == b - 1:
            nxt = next(((x, y) for x, y in p.sentences if x == b), None)
            rest = list(range(*nxt)) if nxt else []
        names = [j for j in range(a, k or a) if toks[j].pos == "PROPN"
                 or toks[j].pos == "NOUN" and toks[j].text[:1].isupper()
                 or len(toks[j].text) > 1 and toks[j].text.isalpha() and toks[j].text.isupper()]  # "FALLIN:"
        # A one-letter label is an interview's "Q:" / "A:", not a speaker.
        if (k is not None and a < k and rest and names and toks[k - 1].text[:1].isupper()
                and sum(ch.isalpha() for j in range(a, k) for ch in toks[j].text) > 1
                and not any(toks[j].tag.startswith("VB") for j in range(a, k))
                and any(toks[j].tag.startswith("VB") or toks[j].text in _QUOTES for j in rest)):
            head = names[-1]
            if a == 0 and k < len(toks) - 1:
                # a transcript's speaker label opens the paragraph: all of it is theirs
                rest = list(range(k + 1, len(toks)))
            found.append(self._make(p, (k, k), list(range(a, k)), head, rest, "direct",
                                    state, sent_span))
            found[-1].label = True
            used.add(k)
        for i in range(a, b):
            if i in used:
                continue
            t = toks[i]
            if t.dep in ("amod", "compound", "aux", "auxpass"):
                continue
            if not t.tag.startswith("VB") and not (
                    # the tagger's slip: "Trump predicts that …" with "predicts" a plural noun
                    t.dep == "ROOT" and t.tag in ("NNS", "NN") and (t.lemma in self.lx.verbs or t.lemma in self.lx.states)
                    and any(toks[c].dep == "ccomp" for c in p.children[i])):
                continue
            if any(x <= t.start and t.end <= y for x, y in quoted):
                continue  # the speaker's words, not the writer's attribution
            kids = p.children[i]
            deps = {toks[c].dep for c in kids}
            if any(toks[c].dep == "prt" and toks[c].lower in self.lx.particles for c in kids):
                continue
            clause = [c for c in kids if toks[c].dep in _CLAUSE]
            if not clause and (t.lemma in self.lx.verbs or t.lemma in self.lx.states):
                # "was asked if she had …", "wondered whether …": the parser
                # hangs the question on the verb as a circumstance
                clause = [c for c in kids if toks[c].dep == "advcl" and c > i and any(
                    toks[m].dep == "mark" and toks[m].lower in self.lx.question_marks for m in p.children[c])]
            light = None  # "made no mention of", "raised questions about": a verb and a noun of speech
            stance = False
            if self.lx.weak_frames and (t.lemma, _frame(deps)) in self.lx.weak_frames:
                continue  # "found himself …", "maintains the title": no report in that frame
            if t.lemma in self.lx.verbs:
                pass
            elif t.lemma in self.lx.states and clause:
                pass
            elif (t.lemma in self.lx.stances and self._personal_subject(p, i)
                  and any(toks[c].dep in ("dobj", "prep", "attr", "oprd") for c in kids)):
                stance = True  # "Trump supports the wall", "she talked about jobs", "they see him as"
            elif (light := self._light_noun(p, i)) is not None and self._personal_subject(p, i):
                stance = True
            elif t.pos == "VERB" and any(toks[c].dep == "ccomp" and (c > i or self._quoted_before(p, c, quoted))
                                         for c in kids) and any(
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
            elif t.tag.startswith("NN") and any(toks[c].dep == "compound" for c in kids):
                src_head = max(c for c in kids if toks[c].dep == "compound")  # the tagger's slip, above
            elif t.dep == "acl" and toks[t.head].pos in ("NOUN", "PROPN"):
                src_head = t.head  # "a report from Bloomberg saying …", "a man shouting"
                n = toks[t.head]
                if n.pos == "NOUN" and n.dep == "dobj" and t.tag == "VBG" and self._personal_subject(p, n.head):
                    # "Rubio's campaign sent out a press release saying …": the
                    # release is the campaign's, and so are its words
                    src_head = self._subject(p, n.head)
            elif t.dep in ("xcomp", "conj", "advcl", "relcl", "pcomp") or t.dep == "ROOT":
                src_head = self._inherited_subject(p, i)
            content_idx: list[int] = []
            prep_cue = None
            if light is not None:
                content_idx = self._noun_content(p, light) or self._prep_content(p, i, light)
            elif clause:
                content_idx = p.subtree(clause[0])
                c0 = clause[0]
                if c0 < i and subj and (toks[c0].lemma in self.lx.verbs or toks[c0].lemma in self.lx.states) \
                        and any(toks[c].dep == "nsubj" for c in p.children[c0]):
                    # "X suggested A - ''B,'' X said twice": the parser made
                    # the first report the second's clause; the second says
                    # only the quotation right before its speaker
                    lo = min(p.subtree(subj[0]))
                    q = next((y for y in quoted if 0 <= toks[lo].start - y[1] <= 4), None)
                    if q is not None:
                        content_idx = [j for j in range(len(toks)) if q[0] <= toks[j].start and toks[j].end <= q[1]]
                objs = [c for c in kids if toks[c].dep == "dobj" and c < clause[0]]
                if objs and toks[clause[0]].dep == "xcomp":
                    content_idx = p.subtree(objs[0]) + content_idx  # "urged Congress to act"
            else:
                objs = [c for c in kids if toks[c].dep in ("dobj", "attr", "oprd")]
                if objs:
                    # the object with its predicate: "described the field as “all very good”"
                    content_idx = p.subtree(objs[0]) + [
                        j for c in kids if c > objs[0] and (toks[c].dep == "oprd" or toks[c].dep == "prep"
                                                            and toks[c].lower in self.lx.predicates)
                        for j in p.subtree(c)]
                    content_idx = self._object_tail(p, i, objs[0], content_idx)
                elif t.dep in ("parataxis", "ccomp") and toks[t.head].sent == t.sent and t.head != i:
                    # "…, he said" / "“…,” he said, “…”": the clause commented on.
                    mine = set(p.subtree(i))
                    content_idx = [j for j in p.subtree(t.head) if j not in mine and toks[j].dep != "punct"]
                else:
                    # "he said of X", "she talked about X": the prepositional
                    # object; the preposition belongs to the cue ("talked about")
                    # the first preposition after the verb, when it names a topic ("spoke to
                    # reporters on Tuesday" is about nothing)
                    first = [c for c in kids if toks[c].dep == "prep" and c > i][:1]
                    preps = [c for c in first if toks[c].lower in self.lx.topics and not self._time(p, c)]
                    if not preps and first and t.lemma in self.lx.verbs and toks[first[0]].lower in self.lx.verb_topics:
                        # "referring to the convention", "pointed to the polls";
                        # not "said to reporters", "wrote to Clinton" (a listener)
                        obj = next((o for o in p.children[first[0]] if toks[o].dep == "pobj"), None)
                        if obj is not None and toks[obj].pos not in ("PRON", "PROPN") \
                                and toks[obj].lemma not in self.lx.speakers:
                            preps = first
                    objs = [o for o in p.children[preps[0]] if toks[o].dep in ("pobj", "pcomp")] if preps else []
                    if objs:
                        content_idx = p.subtree(objs[0])
                        prep_cue = preps[0]
                    elif preps:
                        content_idx = p.subtree(preps[0])
                    elif first and t.lemma in self.lx.verbs:
                        content_idx = self._stray_clause(p, first[0])
            if content_idx:
                # ", telling reporters that …", ", adding that …": a report of its own
                inside = set(content_idx)
                for j in list(content_idx):
                    tj = toks[j]
                    if (j in inside and tj.tag == "VBG" and tj.dep in ("advcl", "conj") and tj.lemma in self.lx.verbs
                            and toks[tj.head].i in inside):
                        inside.difference_update(p.subtree(j))
                content_idx = sorted(inside)
            if not content_idx and t.dep == "relcl" and src_head is not None and _frame(deps) == "nothing" \
                    and "agent" not in deps and toks[t.head].pos in ("NOUN", "PRON"):
                # "a deal she once supported", "everything Trump says": what
                # is said is the noun the relative clause hangs on
                h = t.head
                content_idx = [j for j in p.subtree(h) if j <= h]
            if passive and src_head is None and not content_idx and t.dep in ("ROOT", "conj", "ccomp"):
                # "Sanders is widely seen as …", "is regarded as": no one named
                prep = next((c for c in kids if toks[c].dep == "prep" and c > i and toks[c].lower in self.lx.predicates), None)
                if prep is not None:
                    content_idx, prep_cue = [j for j in p.subtree(i) if j != prep], prep
            if stance and not content_idx:
                continue  # "spoke to reporters": a stance needs what it is about
            if passive and src_head is None and not content_idx:
                continue
            if t.lemma in self.lx.raising and clause and toks[clause[0]].dep == "xcomp":
                # "Hizbollah seems unlikely to act": the subject is what the
                # impression is about, not who holds it (no source)
                content_idx, src_head, prep_cue = p.subtree(i), None, None
            elif passive and src_head is None and t.dep in ("ROOT", "relcl", "ccomp", "conj"):
                # "Mr. Sanders has been criticized for X", "Trump is expected
                # to win": no one is named, and the whole clause is reported
                content_idx, prep_cue = p.subtree(i), None
            if src_head is None and not content_idx:
                continue
            src = p.subtree(src_head) if src_head is not None else []
            # A relative clause on the source ("Trump, who …,") is not the source.
            if src_head is not None:
                src = self._trim_source(p, src_head, src)
            cue_lo, cue_hi = self._cue_extent(p, i)
            d = self._dateline(p, a, b)
            if d is not None and src and min(src) <= d < cue_lo:
                # "MACAU (Reuters) – Top donor Sheldon Adelson said": the
                # dateline is where the story was filed, not who speaks
                after = [j for j in range(d + 1, cue_lo) if toks[j].dep != "punct"]
                heads = [j for j in after if toks[j].pos in ("PROPN", "NOUN", "PRON")]
                if heads:
                    src_head = heads[-1]
                    src = after
            if light is not None:
                cue_hi = max(cue_hi, light)
            if prep_cue is not None and prep_cue - cue_hi <= 4:
                cue_hi = prep_cue
            kind = "indirect"
            if src_head is not None and toks[src_head].lemma in self.lx.records:
                kind = "record"
            att = self._make(p, (cue_lo, cue_hi), src, src_head, content_idx, kind, state, sent_span)
            if d is not None and att.source_phrase and att.source and att.source_phrase[0] <= toks[d].start:
                att.source_phrase = att.source
            att.state = t.lemma not in self.lx.verbs or stance
            found.append(att)
            used.add(i)
        found.extend(self._other_cues(p, a, b, state, quoted, used, sent_span))
        found.extend(self._record_phrases(p, a, b, state, quoted, found, sent_span))
        return found

    # -- nouns, adjectives and adverbs that attribute ------------------------
    def _other_cues(self, p, a, b, state, quoted, used, sent_span) -> list[Attribution]:
        """"Clinton's criticism of X", "in Bolton's view", "the report's fears
        that …" (a noun of speech or stance with a possessive or "by"
        source), "officials are confident that …" (an adjective of stance
        with a subject), "X reportedly …" (an adverb: no source).  All are
        stances (``state``): the claims check does not take them for a
        source."""
        toks = p.tokens
        out: list[Attribution] = []
        for i in range(a, b):
            t = toks[i]
            if i in used or any(x <= t.start and t.end <= y for x, y in quoted):
                continue
            if t.lemma in self.lx.adverbs and t.dep == "advmod" and toks[t.head].tag.startswith("VB"):
                h = t.head
                content = [j for j in p.subtree(h) if j != i and toks[j].dep != "punct"]
                att = self._make(p, (i, i), [], None, content, "indirect", state, sent_span)
                att.state = True
                out.append(att)
            elif t.pos == "NOUN" and t.lemma in self.lx.nouns and t.dep not in ("dobj", "compound"):
                kids = p.children[i]
                src = next((c for c in kids if toks[c].dep == "poss"), None)
                if src is None:
                    agents = [c for c in kids if toks[c].dep == "prep" and toks[c].lower in ("by", "from")]
                    objs = [c for ag in agents for c in p.children[ag] if toks[c].dep == "pobj"]
                    src = objs[0] if objs else None
                content = self._noun_content(p, i)
                if not content:
                    continue
                if src is None:
                    # "the idea that …", "there is no doubt that …": a view
                    # held by no one named, when a clause says what it is
                    clause = next((c for c in kids if toks[c].dep in ("acl", "ccomp") and c > i), None)
                    if clause is None or toks[p.subtree(clause)[0]].lower != "that":
                        continue
                    att = self._make(p, (i, i), [], None, content, "indirect", state, sent_span)
                    att.state = True
                    out.append(att)
                    continue
                lo = min([i] + [c for c in kids if toks[c].dep in ("amod",) and c < i and c > src])
                att = self._make(p, (lo, i), self._trim_source(p, src, p.subtree(src)), src, content,
                                 "indirect", state, sent_span)
                att.state = True
                out.append(att)
            elif t.pos == "ADJ" and t.lemma in self.lx.adjectives and t.dep in ("acomp", "ROOT", "oprd"):
                head = t.head if t.dep == "acomp" else i
                if not self._personal_subject(p, head):
                    continue
                content = self._noun_content(p, i) or [
                    j for c in p.children[head] if toks[c].dep in ("ccomp", "xcomp") for j in p.subtree(c)]
                if not content:
                    continue
                subj = self._subject(p, head)
                lo = min(head, i)
                att = self._make(p, (lo, i), self._trim_source(p, subj, p.subtree(subj)), subj, content,
                                 "indirect", state, sent_span)
                att.state = True
                out.append(att)
        return out

    def _record_phrases(self, p, a, b, state, quoted, found, sent_span) -> list[Attribution]:
        """"In the latest poll, Clinton led by 4 points", "by the AP's
        tally", "in Forbes' words": a preposition (``cue_record_prepositions``)
        whose object is a record or a voice (``cue_record_nouns``) is the
        cue, its object the source, the clause it modifies the content —
        unless another cue of the sentence already reports that clause."""
        toks = p.tokens
        out: list[Attribution] = []
        for i in range(a, b):
            t = toks[i]
            if t.dep != "prep" or t.lower not in self.lx.record_preps:
                continue
            if any(x <= t.start and t.end <= y for x, y in quoted):
                continue
            obj = next((c for c in p.children[i] if toks[c].dep == "pobj"), None)
            if obj is None or toks[obj].lemma not in self.lx.record_nouns:
                continue
            # one record, named or described ("the latest NBC poll", "Forbes'
            # words"), not the polls at large ("rose in the polls")
            if toks[obj].tag == "NNS" and toks[obj].lower != "words" or not any(
                    toks[c].dep in ("compound", "poss", "amod", "nmod") for c in p.children[obj]):
                continue
            if toks[t.head].pos in ("NOUN", "PROPN", "NUM", "ADJ"):
                continue
            if any(at.cue[0] <= t.start < at.cue[1] or at.content and at.content[0] <= t.start < at.content[1]
                   or at.source and at.source[0] <= t.start < at.source[1] for at in found):
                continue
            head = self._clause_head(p, i, a, b)
            if head is None or not toks[head].tag.startswith("VB") and toks[head].dep != "ROOT":
                continue
            phrase = set(p.subtree(i))
            content = [j for j in p.subtree(head) if j not in phrase and toks[j].dep != "punct"]
            if not content:
                continue
            src = self._trim_source(p, obj, p.subtree(obj))
            att = self._make(p, (i, i), src, obj, content, "record", state, sent_span)
            att.state = True
            out.append(att)
        return out

    @staticmethod
    def _quoted_before(p, c: int, quoted) -> bool:
        """A clause before its verb is reported only as a quotation ("“…,”
        beamed Hartley"; not "Cruz has 370 delegates, Kasich has 129")."""
        first = p.tokens[p.subtree(c)[0]]
        return any(x <= first.end and first.start <= y for x, y in quoted)

    def _personal_subject(self, p, i: int) -> bool:
        """The verb has a subject that can hold a view: a name, a personal
        pronoun, or a noun (not "it", not a thing the writer describes by a
        pronoun that is impersonal)."""
        toks = p.tokens
        subj = self._subject(p, i)
        if subj is None:
            return False
        s = toks[subj]
        if s.lower in self.lx.impersonal or s.tag in ("EX",):
            return False
        return s.pos in ("PROPN", "NOUN", "PRON")

    def _subject(self, p, i: int) -> int | None:
        """The verb's subject, or the one a participle or a joined verb
        shares ("…, supporting a path to legal status")."""
        toks = p.tokens
        subj = next((c for c in p.children[i] if toks[c].dep in ("nsubj", "nsubjpass")), None)
        if subj is None and toks[i].dep in ("advcl", "conj", "xcomp") and toks[i].tag.startswith("VB"):
            subj = self._inherited_subject(p, i)
        return subj

    def _light_noun(self, p, i: int) -> int | None:
        """The noun of speech a verb takes as object ("made no mention",
        "drew criticism", "issued a statement")."""
        toks = p.tokens
        for c in p.children[i]:
            if toks[c].dep == "dobj" and toks[c].lemma in self.lx.nouns:
                return c
        return None

    def _noun_content(self, p, n: int) -> list[int]:
        """What a noun (or adjective) of speech is about: its clause ("fears
        that …"), or the object of its preposition ("criticism of X",
        "support for Y", "confident about Z")."""
        toks = p.tokens
        for c in p.children[n]:
            if toks[c].dep in ("ccomp", "acl", "xcomp") and c > n:
                return p.subtree(c)
        for c in p.children[n]:
            if toks[c].dep == "prep" and c > n and toks[c].lower in self.lx.topics:
                objs = [o for o in p.children[c] if toks[o].dep in ("pobj", "pcomp")]
                if objs:
                    return p.subtree(objs[0])
        return []

    def _object_tail(self, p, i: int, obj: int, content_idx: list[int]) -> list[int]:
        """An object takes in the verb's prepositional phrases after it, up
        to a comma: "endorsed Cruz for president", "never mentioned Sanders
        by name" say what was endorsed, mentioned; a circumstance ("in a
        tweet Sunday", "at a rally", ``cue_circumstance_prepositions``) and
        a bare time ("last year") do not."""
        toks = p.tokens
        inside = set(content_idx)
        for c in p.children[i]:
            if c <= obj:
                continue
            if toks[c].dep == "punct" and toks[c].text == ",":
                break
            if toks[c].dep == "prep" and (toks[c].lower in self.lx.circumstances or self._time(p, c)):
                break  # where or when: what follows is no longer what was said
            if toks[c].dep == "prep":
                inside.update(p.subtree(c))
        return sorted(inside)

    @staticmethod
    def _drop_aside(p, idx: list[int]) -> list[int]:
        """A relative clause set off by a comma at the end of the content is
        the writer's aside, not what was said: "said he supports Clinton,
        who he backed in the primary" reports "he supports Clinton"."""
        toks = p.tokens
        if not idx:
            return idx
        inside = set(idx)
        changed = True
        while changed:
            changed = False
            last = max(inside)
            for j in sorted(inside):
                if toks[j].dep != "relcl" or toks[j].head not in inside:
                    continue
                sub = p.subtree(j)
                first = sub[0]
                if first - 1 in inside and toks[first - 1].text in (",", "—", "–", "--") and max(sub) >= last - 1 \
                        and first - 1 > min(inside) and toks[first].text not in _QUOTES:
                    rest = inside - set(sub) - {first - 1}
                    if rest:
                        inside = rest
                        changed = True
                        break
        return sorted(inside)

    @staticmethod
    def _stray_clause(p, prep: int) -> list[int]:
        """"says in a statement that …", "said for the first time that …":
        the parser hangs the reported clause on the noun of the circumstance;
        a clause there that opens with a complementiser "that" is what was
        said."""
        toks = p.tokens
        for o in p.children[prep]:
            if toks[o].dep != "pobj":
                continue
            for c in p.children[o]:
                sub = p.subtree(c)
                if (toks[c].dep in ("acl", "relcl", "ccomp") and c > o and toks[sub[0]].lower == "that"
                        and toks[sub[0]].dep in ("mark", "advmod")):
                    return sub
        return []

    def _time(self, p, prep: int) -> bool:
        """A preposition whose object is a time ("on Sunday", "at Thursday
        night's debate", "in March"): a circumstance, not a topic."""
        toks = p.tokens
        for o in p.children[prep]:
            if toks[o].dep == "pobj" and (toks[o].lemma in self.lx.times or toks[o].lower in self.lx.times):
                return True
        return False

    def _prep_content(self, p, i: int, after: int) -> list[int]:
        toks = p.tokens
        for c in p.children[i]:
            if toks[c].dep == "prep" and c > after and toks[c].lower in self.lx.topics:
                objs = [o for o in p.children[c] if toks[o].dep in ("pobj", "pcomp")]
                if objs:
                    return p.subtree(objs[0])
        return []

    # -- helpers -------------------------------------------------------------
    def _clause_head(self, p, i: int, a: int, b: int, skip=()) -> int | None:
        """The verb a prepositional cue ("according to") hangs on (never a
        word of the cue itself: "As reported by X, …" hangs "reported" on
        the clause)."""
        j = p.tokens[i].head
        seen = 0
        while seen < 20:
            t = p.tokens[j]
            if j in skip and t.head != j:
                j = t.head
                seen += 1
                continue
            if t.tag.startswith("VB") or t.dep == "ROOT":
                # "A happened and B followed, according to X": X covers both
                while p.tokens[j].dep == "conj" and p.tokens[j].head != j and seen < 20:
                    j = p.tokens[j].head
                    seen += 1
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
            # ", saying …" / ", insisting …" hung on the reported clause
            # ("Carson said he plans X, insisting that …"): the speaker is
            # the subject of the verb that reports that clause
            while (toks[i].tag == "VBG" and toks[j].dep == "ccomp" and toks[j].head != j
                   and toks[toks[j].head].lemma in self.lx.verbs and i > j):
                j = toks[j].head
            subj = [c for c in p.children[j] if toks[c].dep in ("nsubj", "nsubjpass")]
            if subj:
                return subj[0]
            if toks[j].dep not in ("xcomp", "conj", "advcl", "ccomp") and not (
                    toks[j].dep == "prep" and toks[t.i].dep == "pcomp"):  # "won by promising"
                return None
        return None

    @staticmethod
    def _dateline(p, a: int, b: int) -> int | None:
        """The dash ending a dateline that opens the sentence ("MACAU
        (Reuters) –", "JACKSON, Miss. -", "WASHINGTON —"): a capitalised
        place, perhaps an agency in brackets, then the dash."""
        toks = p.tokens
        for j in range(a + 1, min(b, a + 8)):
            if toks[j].text in ("-", "–", "—", "--"):
                before = toks[a:j]
                if all(t.text[:1].isupper() or not t.text[:1].isalnum() for t in before) and (
                        any(t.text == ")" for t in before) or any(len(t.text) > 2 and t.text.isupper() for t in before)):
                    return j
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
        content_idx = [j for j in content_idx if not (cue[0] <= j <= cue[1])]
        content_idx = self._drop_aside(p, content_idx)
        while content_idx and toks[content_idx[0]].dep == "punct" and toks[content_idx[0]].text not in _QUOTES:
            content_idx.pop(0)
        while content_idx and (toks[content_idx[-1]].dep == "punct" and toks[content_idx[-1]].text not in _QUOTES
                               or toks[content_idx[-1]].dep == "cc"):
            content_idx.pop()  # "… met with Manafort twice but": the conjunction leads elsewhere
        nxt = cue[1] + 1
        if nxt < len(toks) and toks[nxt].sent == toks[cue[1]].sent and not (content_idx and content_idx[0] < cue[0]):
            # the preposition between the cue and what it is about ("criticism
            # of X", "pointed to X"), a colon before the words ("said: …")
            if content_idx and content_idx[0] == nxt + 1 and toks[nxt].dep == "prep" or toks[nxt].text == ":":
                cue = (cue[0], nxt)
                content_idx = [j for j in content_idx if j != nxt]
        cue_span = (toks[cue[0]].start, toks[cue[1]].end)
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
        phrase = source
        if source is not None and src_head is not None:
            # the noun phrase as written, with its apposition or relative
            # clause ("Chris Cox, who runs the NRA's lobbying arm,"), when
            # it holds neither the cue nor the content
            full = p.subtree(src_head)
            while full and toks[full[-1]].dep == "punct":
                full.pop()
            lo, hi = p.span(full) if full else source
            cs = content or cue_span
            if full and not (lo < cue_span[1] and cue_span[0] < hi) and not (lo < cs[1] and cs[0] < hi):
                phrase = (min(lo, source[0]), max(hi, source[1]))
        speaker, named = self._speaker(p, src, src_head, state)
        return Attribution(cue_span, source, content, kind, named, speaker, sent_span, source_phrase=phrase)

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
        if h.pos != "PROPN":
            # "the mayor, Jane Ruiz, said": the name in apposition
            appos = next((c for c in p.children[head] if toks[c].dep == "appos" and toks[c].pos == "PROPN"), None)
            if appos is not None:
                head, h, src = appos, toks[appos], list(src) + [appos]
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


def _frame(deps) -> str:
    """What a verb takes, as ``cue_weak_frames`` names it: a ``clause``, an
    ``object``, a ``preposition`` or ``nothing``."""
    if "ccomp" in deps or "xcomp" in deps:
        return "clause"
    if deps & {"dobj", "attr", "oprd"}:
        return "object"
    return "preposition" if "prep" in deps else "nothing"


def _widen_to_quotes(text: str, a: int, b: int) -> tuple[int, int]:
    """Take in a quotation mark right next to the content ("“We will win,”")."""
    while a > 0 and text[a - 1] in _QUOTES:
        a -= 1
    while b < len(text) and (text[b] in _QUOTES or (text[b] in ",." and b + 1 < len(text) and text[b + 1] in _QUOTES)):
        b += 1
    return a, b


def _whole_quotes(text: str, atts: list[Attribution], quotes) -> None:
    """A quotation is attributed whole: content that opens a quotation runs
    to its end, over several sentences ("“A. B. C,” she said" read
    sentence by sentence), and a quotation split by its cue takes in the
    part after it (“A,” she said. “B.”: the content runs from “A to B.”,
    the cue between)."""
    for at in atts:
        if at.content is None:
            continue
        a, b = at.content
        # content that starts or ends inside a quotation takes all of it
        # (the parser splits a quotation into its sentences)
        q = next((q for q in quotes if q.start <= a < q.end), None)
        if q is not None and not (q.start <= at.cue[0] < q.end):
            a = q.start
        q = next((q for q in quotes if q.start < b < q.end), None)
        if q is not None and not (q.start <= at.cue[0] < q.end):
            b = q.end
        # the cue after the quotation: the quotation that goes on after the
        # cue, in the same sentence (“A,” she said, “B.”) or as the next
        # sentence (“A,” she said. “B.”), and any that follows it directly
        if at.cue[0] >= b and at.sentence[1] <= len(text):
            rest = at.sentence[1]
            while rest < len(text) and text[rest] in " \t":
                rest += 1
            after = at.cue[1]
            for q2 in quotes:
                if q2.start < after:
                    continue
                # only the speaker's name, commas or the sentence's end between
                if q2.start > rest or not _free(q2, at, atts):
                    break
                b = after = q2.end
                rest = q2.end
                while rest < len(text) and text[rest] in " \t":
                    rest += 1
        # the cue inside the quotation: “A,” he said, “B.” with the content
        # read from B: the quotation before the cue is the same words
        if at.cue[1] <= a:
            q2 = next((q for q in quotes if q.start <= a < q.end or a <= q.start < a + 2), None)
            q1 = next((q for q in reversed(quotes) if q.end <= at.cue[0]), None)
            if q2 is not None and q1 is not None and _free(q1, at, atts):
                gap = list(range(q1.end, q2.start))
                covered = [at.cue] + [s for s in (at.source_phrase, at.source) if s]
                rest = "".join(text[k] for k in gap if not any(x <= k < y for x, y in covered))
                if not rest.strip(" ,\t") and at.source is not None:
                    a = q1.start
        at.content = _widen_to_quotes(text, a, b)


def _free(q, at: Attribution, atts: list[Attribution]) -> bool:
    """No other attribution's cue or content is in the quotation ``q``."""
    return not any(o is not at and (o.cue[0] < q.end and q.start < o.cue[1]
                                    or o.content and o.content[0] < q.end and q.start < o.content[1])
                   for o in atts)


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
    return Attribution(sh(a.cue), sh(a.source), sh(a.content), a.kind, a.named, a.speaker, sh(a.sentence), a.state,
                       sh(a.source_phrase), a.label)


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
    return [b for par in model.paragraphs for b in blocks_of_paragraph(par)]


def draft_ledger(engine, model) -> list[Attribution] | None:
    """Every attribution of a draft (None when the syntactic layer is missing)."""
    return extractor_for(engine.ruleset).blocks(blocks_of(model))


# -- who speaks where: the API other checks read --------------------------------

CARRY_PARAGRAPHS = 3  # a quotation's speaker is looked for this many paragraphs back


@dataclass(frozen=True)
class Voice:
    """A stretch of a draft in someone else's voice: the content of an
    attribution, or a quotation whose speaker is given elsewhere (earlier in
    its paragraph, or in the paragraph before: "Smith said the talks had
    failed." / "“It was a disaster,” …" with no cue of its own).

    ``start``/``end`` are offsets in the draft's text (the model's), like
    every span of the ledger.  ``status`` is ``"named"`` (a person or a
    definite organisation: "Donald Trump", "the ministry"), ``"anonymous"``
    ("officials", "a senior aide") or ``"none"`` (a cue with no source:
    "it was reported that …").  ``kind`` is the attribution's kind, or
    ``"carried"`` for a quotation whose speaker comes from an earlier
    sentence or paragraph (then ``cue`` is that attribution's cue, which may
    lie in an earlier paragraph)."""

    start: int
    end: int
    speaker: str | None
    status: str  # named | anonymous | none
    kind: str  # direct | indirect | mixed | according-to | record | carried
    cue: tuple[int, int] | None

    def as_json(self, text: str) -> dict:
        cue = None if self.cue is None else dict(start=self.cue[0], end=self.cue[1], text=text[self.cue[0]:self.cue[1]])
        return dict(start=self.start, end=self.end, text=text[self.start:self.end], speaker=self.speaker,
                    status=self.status, kind=self.kind, cue=cue)


def _status(a: Attribution) -> str:
    if a.named:
        return "named"
    return "anonymous" if a.source is not None or a.speaker else "none"


def _voices_of(model, pars: list[int], ex: "Extractor") -> dict[int, list[Voice]] | None:
    """Voices of the paragraphs ``pars`` (consecutive indexes), read in
    order so a quotation can take its speaker from the paragraph before."""
    blocks: list[tuple[int, str]] = []
    owner: list[int] = []
    for i in pars:
        par = model.paragraphs[i]
        for b in blocks_of_paragraph(par):
            blocks.append(b)
            owner.append(i)
    parses = syntax.parse_many([t for _, t in blocks])
    if parses is None:
        return None
    read = ex.read(blocks, parses)
    said = [Voice(a.content[0], a.content[1], a.speaker, _status(a), a.kind, a.cue)
            for _, _, atts in read for a in atts if a.content is not None]
    out: dict[int, list[Voice]] = {i: [] for i in pars}
    last: Voice | None = None  # the last voice with a speaker, carried into the next paragraph
    prev_par = None
    for (off, p, atts), i in zip(read, owner):
        if i != prev_par:
            if prev_par is not None and model.paragraphs[prev_par].kind == "heading":
                last = None
            prev_par = i
            carried_from = last
        # a voice belongs to the block its content opens in ("He said:" hands over the next paragraph)
        mine = [v for v in said if off <= v.start < off + len(p.text)]
        spoken = [v for v in mine if v.status != "none"]
        for q in find_quotes(p.text, 0, len(p.text)):
            if q.depth:
                continue
            qa, qb = q.inner[0] + off, q.inner[1] + off
            if qb <= qa or any(v.start <= qa and qb <= v.end for v in mine):
                continue
            before = [v for v in spoken if v.cue and v.cue[1] <= qa]
            after = [v for v in spoken if v.cue and v.cue[0] >= qb]
            src = before[-1] if before else (after[0] if after else (carried_from if not spoken else None))
            if src is not None:
                mine.append(Voice(qa, qb, src.speaker, src.status, "carried", src.cue))
        mine.sort(key=lambda v: (v.start, -v.end))
        out[i].extend(mine)
        with_speaker = [v for v in mine if v.status != "none"]
        if with_speaker:
            last = max(with_speaker, key=lambda v: v.end)
        elif atts:
            last = None  # a cue with no source ends the carry-over
    return out


def blocks_of_paragraph(par) -> list[tuple[int, str]]:
    """One paragraph as (offset, text) pieces the parser takes."""
    text = par.text
    if not text.strip():
        return []
    out = []
    off = par.start
    while len(text) > syntax.MAX_CHARS:
        cut = max(text.rfind(". ", 0, syntax.MAX_CHARS), text.rfind("\n", 0, syntax.MAX_CHARS))
        cut = cut + 1 if cut > 0 else syntax.MAX_CHARS
        out.append((off, text[:cut]))
        off += cut
        text = text[cut:]
    out.append((off, text))
    return out


def voices(engine, model, paragraph: int | None = None) -> list[Voice] | None:
    """Who speaks where, for other checks (the loaded-terms check exempts a
    label inside a quotation whose speaker is given, even in an earlier
    paragraph).

    ``paragraph`` (an index into ``model.paragraphs``) limits the answer to
    one paragraph; only it and up to ``CARRY_PARAGRAPHS`` paragraphs before
    it are parsed (parses are cached per paragraph text).  ``None`` reads
    the whole draft.  Returns ``None`` when the syntactic layer (spaCy and
    its English model) is not installed: the caller falls back to its own
    reading.  Voices are in text order; a voice may hold others (a quote
    inside reported speech)."""
    ex = extractor_for(engine.ruleset)
    n = len(model.paragraphs)
    if paragraph is None:
        res = _voices_of(model, list(range(n)), ex)
        return None if res is None else [v for i in range(n) for v in res[i]]
    if not 0 <= paragraph < n:
        raise IndexError(paragraph)
    res = _voices_of(model, list(range(max(0, paragraph - CARRY_PARAGRAPHS), paragraph + 1)), ex)
    return None if res is None else res[paragraph]


def paragraph_voices(extractor: "Extractor", model, paragraph: int) -> list[Voice] | None:
    """``voices`` for a check, which holds its language but no engine: the
    voices of one paragraph (and the speakers carried into it from up to
    ``CARRY_PARAGRAPHS`` before), read with ``extractor``."""
    res = _voices_of(model, list(range(max(0, paragraph - CARRY_PARAGRAPHS), paragraph + 1)), extractor)
    return None if res is None else res[paragraph]


def voice_at(engine, model, start: int, end: int) -> Voice | None:
    """The innermost voice holding [start, end) of the draft (``None`` when
    the writer speaks there, or the syntactic layer is missing)."""
    idx = bisect.bisect_right([p.start for p in model.paragraphs], start) - 1
    if idx < 0:
        return None
    found = voices(engine, model, idx)
    if not found:
        return None
    inside = [v for v in found if v.start <= start and end <= v.end]
    return min(inside, key=lambda v: v.end - v.start) if inside else None
