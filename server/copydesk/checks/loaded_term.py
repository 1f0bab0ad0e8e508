"""Loaded terms in the writer's own voice.

Newsroom policy (BBC, Reuters, AP): labels such as "terrorist" or "regime"
are used only with attribution.  A term inside a quotation that has a speaker
is the speaker's word, not the paper's; in the writer's voice, or inside
unattributed scare quotes, it is a finding.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

from functools import lru_cache

from .. import ledger
from ..findings import Applicability, Edit, Finding, Fix
from ..lang import inflect
from ..rules.model import Rule
from ..text.model import Paragraph
from ..userregex import PatternError, compile_user_regex, compile_user_set
from ._termindex import MAX_TERMS, Normalised, PhraseIndex, TermIndex, term_problem
from .base import Check, CheckContext

_STRINGS = {"type": "array", "items": {"type": "string", "minLength": 1}}

SCHEMA = {
    "properties": {
        "terms": {**_STRINGS, "description": "Words or phrases; plurals, possessives and hyphenated compounds match too"},
        "patterns": {**_STRINGS, "description": "Extra RE2 regular expressions (case-insensitive); a group named "
                                                "'term' is the finding, the rest context"},
        "suggestions": {**_STRINGS, "description": "Neutral replacements, offered as quick fixes"},
        "term_suggestions": {
            "type": "object", "additionalProperties": _STRINGS,
            "description": "Suggestions for one term, where the rule's do not fit its sense or part of speech "
                           "(terrorism: [violence], not a person-word)"},
        "except": {**_STRINGS, "description": "Phrases in which a match is not a finding ('sanctions regime')"},
        "allow_in_attributed_quotes": {"type": "boolean", "default": True},
        "allow_when_labelled": {"type": "boolean", "default": True,
                                "description": "Leave the word alone when the sentence says who applies the label "
                                               "(\"which the US designates a terrorist group\")"},
        "quote_message": {"type": "string", "description": "Message when the term is in an unattributed quote"},
        "modifies": {**_STRINGS, "description": "Only when the term modifies one of these nouns, a few words on "
                                                "(\"brutal crackdown\", \"brutal Tel Aviv regime\"), not in "
                                                "\"a brutal heatwave\": an adjective judging an act or actor"},
        "modifies_reach": {"type": "integer", "minimum": 1, "maximum": 6, "default": 3,
                           "description": "How many words after the term the noun may stand"},
    },
    "anyOf": [{"required": ["terms"]}, {"required": ["patterns"]}],
}

_APOS = "'’"


def _is_letter(ch: str) -> bool:
    return ch.isalpha()


def _expand(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Grow a core match to the whole word: hyphenated compounds and
    possessives included; None when the core is part of a longer word."""
    n = len(text)
    if start > 0 and (_is_letter(text[start - 1]) or text[start - 1].isdigit()):
        return None
    # Compound prefixes: "anti-", "pro-regime", "Iranian-backed" …
    while start > 1 and text[start - 1] == "-" and _is_letter(text[start - 2]):
        j = start - 1
        while j > 0 and _is_letter(text[j - 1]):
            j -= 1
        start = j
    if end < n and text[end] in _APOS:
        if end + 1 < n and text[end + 1] in "sS" and (end + 2 >= n or not _is_letter(text[end + 2])):
            end += 2
        elif text[end - 1] in "sS" and (end + 1 >= n or not _is_letter(text[end + 1])):
            end += 1
    if end < n and (_is_letter(text[end]) or text[end].isdigit()):
        return None
    while end + 1 < n and text[end] == "-" and _is_letter(text[end + 1]):
        j = end + 1
        while j < n and _is_letter(text[j]):
            j += 1
        end = j
    return start, end


# Labelling ("the US designates X a terrorist group"): how far back the verb
# may stand, and what ends the search.  The words are the language's
# labelling_* lexicons.
_LABEL_REACH = 80
_LABEL_WORDS = 5
_AS_REACH = 8
# A full stop after a lone capital is an abbreviation ("U.S. support"), not a clause end.
_CLAUSE_END = re.compile(r"[;:!?()\[\]“”\"—–]|(?<!\b[A-Z])\.")
_PHRASE_END = re.compile(r"[.,;:!?()\[\]“”\"—–]")
_WORD = re.compile(r"[^\W\d_][\w’'-]*")
_BY_AGENT = re.compile(r"\bby\s+(?:the\s+)?[^\W\d_]", re.I)


@lru_cache(maxsize=8192)
def _inflect(suggestion: str, matched: str, agree: bool = True) -> str:
    """Carry number and capitalisation of the matched word to a suggestion:
    "terrorists" -> "militants", "a terrorist" -> "a militant".  With
    ``agree`` false (a term's own suggestions, written for its sense) a
    plural suggestion is kept: "collateral damage" -> "civilian deaths".
    The words come from the language layer's memoised inflector."""
    out = suggestion
    last_matched = matched.lower().rstrip("'’").rsplit(" ", 1)[-1].rsplit("-", 1)[-1]
    head, _, last = out.rpartition(" ")
    if inflect.is_plural(last_matched):
        if inflect.is_noun(last) and not inflect.is_plural(last):
            out = (head + " " if head else "") + inflect.plural(last)
    elif agree and inflect.is_plural(last) and inflect.is_noun(last):
        out = (head + " " if head else "") + inflect.singular(last)
    if matched[:1].isupper() and out[:1].islower():
        out = out[0].upper() + out[1:]
    return out


class LoadedTerms(Check):
    kinds = ("loaded-term",)
    lexicons = ("labelling_verbs", "labelling_blockers", "vague_labellers", "verb_adverbs",
                "labelling_no_subject", "labelling_determiners", "labelling_as_blockers", "labelling_what",
                "labelling_view_verbs", "labelling_accuse_verbs", "labelling_as_enders", "reporting_verbs",
                "labelling_call_verbs", "headline_labels", "statement_prepositions")
    schemas = {"loaded-term": SCHEMA}
    # A quotation may take its speaker from the paragraphs before (the ledger).
    context_before = ledger.CARRY_PARAGRAPHS

    @classmethod
    def validate_rule(cls, rule: Rule):
        terms = set(rule.option("terms", []))
        for term in rule.option("term_suggestions", {}) or {}:
            if term not in terms:
                yield ("term_suggestions", term), f"term_suggestions: '{term}' is not one of the rule's terms"
        for key in ("terms", "suggestions", "except"):
            values = rule.option(key, [])
            if key != "suggestions" and len(values) > MAX_TERMS:
                yield (key,), (f"{key} has {len(values):,} entries; a rule holds at most {MAX_TERMS:,} "
                               "(split the list over several rules)")
                continue
            for i, value in enumerate(values):
                if not value.strip():  # a blank term would match everywhere
                    yield (key, i), f"{key}[{i}] is blank"
                elif key != "suggestions" and (problem := term_problem(value)):
                    yield (key, i), f"{key}[{i}] {problem}"
        for i, p in enumerate(rule.option("patterns", [])):
            try:
                compile_user_regex(p)
            except PatternError as e:
                yield ("patterns", i), str(e)

    def __init__(self, rules: list[Rule], context: CheckContext):
        super().__init__(rules, context)
        # One pass finds every term of every rule: an Aho–Corasick automaton,
        # linear in the text whatever the number of terms.  Longer terms win
        # at the same position, as in the alternation this replaced.
        # A newsroom's own pack comes first: its "goon" wins over a bundled
        # "goons" at the same place; among packs of one kind the longer term
        # wins ("Zionist regime" over "Zionist").
        pairs = [(rule, term) for rule in rules for term in rule.option("terms", [])]
        pairs.sort(key=lambda p: (_bundled(p[0].source), -len(p[1])))
        self._owners = pairs
        # A term several rules list (a default rule that applies only as a
        # modifier, an optional pack's rule that applies everywhere): the
        # first rule, in pack order, whose conditions hold reports it.
        shared: dict[str, list[tuple[Rule, str]]] = {}
        for rule, term in pairs:
            shared.setdefault(term.lower(), []).append((rule, term))
        self._shared = {k: v for k, v in shared.items() if len(v) > 1}
        self._terms = TermIndex([t for _, t in pairs]) if pairs else None
        # Patterns: (rule, regex, index of the group named "term" or 0), and
        # one RE2 set over all of them so a paragraph is scanned once to
        # learn which can match at all.
        self._patterns = []
        for rule in rules:
            for p in rule.option("patterns", []) or ():
                rx = compile_user_regex(p)
                self._patterns.append((rule, rx, (getattr(rx, "groupindex", None) or {}).get("term", 0)))
        self._pattern_set = (compile_user_set([p for rule in rules for p in rule.option("patterns", []) or ()])
                             if len(self._patterns) > 1 else None)
        # Except phrases go in an automaton too: a rule may carry as many as
        # terms, and the look-up must stay linear in the text.
        self._excepts = {rule.id: PhraseIndex(rule.option("except")) for rule in rules if rule.option("except")}
        self._heads = {rule.id: (frozenset(w.lower() for w in rule.option("modifies")), rule.option("modifies_reach", 3))
                       for rule in rules if rule.option("modifies")}
        lang = context.language
        self._labelling = lang.words("labelling_verbs")
        self._label_blockers = lang.words("labelling_blockers")
        self._vague_labellers = lang.words("vague_labellers")
        self._label_adverbs = lang.words("verb_adverbs")
        self._no_subject = lang.words("labelling_no_subject")
        self._determiners = lang.words("labelling_determiners")
        self._as_blockers = lang.words("labelling_as_blockers")
        self._what = lang.words("labelling_what")
        self._view_verbs = lang.words("labelling_view_verbs") | self._labelling
        self._accuse = lang.words("labelling_accuse_verbs")
        self._as_enders = lang.words("labelling_as_enders")
        self._reporting = lang.words("reporting_verbs")
        self._call_verbs = lang.words("labelling_call_verbs")
        self._headline_labels = lang.words("headline_labels")
        self._statement_preps = lang.words("statement_prepositions")
        self._extractor = None  # the ledger's, built on first need

    def _voiced(self, par: Paragraph, a: int, b: int) -> bool | None:
        """Whether the ledger puts [a, b) in the voice of a speaker (named or
        anonymous); None when the syntactic layer is not installed."""
        model = par.model.owner
        if self._extractor is None:
            self._extractor = ledger.Extractor(ledger.Lexicon.from_lexicons(self.context.lexicons))
        index = model.index_of(par)
        found = ledger.paragraph_voices(self._extractor, model, index)
        if found is None:
            return None
        # Only a speaker carried to a quotation with no cue of its own: a cue
        # the language does not list ("the crowd chanted") stays no speaker.
        return any(v.start <= a and b <= v.end and v.status != "none" and v.kind == "carried" for v in found)

    def _continues_quote(self, par: Paragraph, quote) -> bool:
        """A paragraph that opens with a quoted sentence and names no speaker
        continues the speaker of the paragraph before (news style: “…,” said
        Jouejati. / “I believe the regime thinks …”), or the quotation left
        open there (“… in National Review:” / “Over the weekend … / “By
        Monday …)."""
        text = par.text
        if text[:quote.start - par.start].strip():
            return False
        model = par.model.owner
        index = model.index_of(par)
        if index == 0:
            return False
        prev = model.paragraphs[index - 1]
        if prev.kind == "heading":
            return False
        quotes = prev.quotes
        if any(q.attributed for q in quotes if not q.depth):
            return True
        last = max((q for q in quotes if not q.depth), key=lambda q: q.start, default=None)
        return (last is not None and not last.closed) or prev.text.rstrip().endswith(":")

    def _labelled(self, text: str, start: int, end: int) -> bool:
        """Whether the term is a label someone named puts on something:
        "which Israel and the US designate a terrorist organisation", "the
        government has branded them terrorists", "designated a terrorist
        group by the EU", "He called it a crushing blow".  The term must be
        the predicate ("a terrorist group", "them terrorists"), not a noun
        the writer uses ("called on the regime", "described the regime's
        actions as"), and the verb needs a subject or a "by" agent."""
        if not self._labelling:
            return False
        left = _CLAUSE_END.split(text[max(0, start - _LABEL_REACH):start])[-1]
        words = _WORD.findall(left)
        if not words:
            return False
        if self._labelled_what(words):
            return True
        if words[-1].lower() in self._determiners:
            return False
        phrase = len(_WORD.findall(left.rsplit(",", 1)[-1])) if "," in left else len(words)
        if self._labelled_as(words, phrase) or self._accused_of(words):
            return True
        for back in range(1, min(len(words), _LABEL_WORDS + 1) + 1):
            w = words[-back].lower()
            between = [x.lower() for x in words[len(words) - back + 1:]]
            if any(x in self._label_blockers for x in between):
                return False
            if w not in self._labelling:
                continue
            k = back + 1
            while k <= len(words) and (words[-k].lower() in self._label_adverbs or words[-k].lower().endswith("ly")):
                k += 1  # "the US has long designated", "was officially branded"
            before = words[-k].lower() if k <= len(words) else None
            if before in self._vague_labellers:
                return False  # "Critics called it a blitzkrieg": a label no one owns
            if before is not None and before not in self._no_subject:
                return True  # an active subject: "the US designate", "He called it"
            right = _CLAUSE_END.split(text[end:end + _LABEL_REACH])[0]
            return bool(_BY_AGENT.search(right))  # passive: "designated … by the EU"
        return False

    def _has_subject(self, low: list[str], i: int) -> bool:
        """Whether the verb at ``low[i]`` has a subject of its own (not a
        vague crowd, not a passive or a bare determiner before it)."""
        k = i - 1
        while k >= 0 and (low[k] in self._label_adverbs or low[k].endswith("ly")):
            k -= 1
        before = low[k] if k >= 0 else None
        return before is not None and before not in self._vague_labellers and before not in self._no_subject

    def _called_quote(self, text: str, qstart: int) -> bool:
        """A quotation that is the predicate of "X called / branded / dubbed
        Y “…”" in the same clause: "Medvedev called the strike on Belgorod
        “a crime of …”", "The minister branded the protesters “vandals”".
        Not "called on the regime “…”" (the word after the verb is a
        preposition) nor "called for “…”"."""
        if not self._call_verbs:
            return False
        left = _CLAUSE_END.split(text[max(0, qstart - 2 * _LABEL_REACH):qstart])[-1]
        low = [w.lower() for w in _WORD.findall(left)]
        for i in range(len(low) - 1, -1, -1):
            if low[i] not in self._call_verbs:
                continue
            after = low[i + 1] if i + 1 < len(low) else None
            if after is not None and after in self._label_blockers:
                return False
            return self._has_subject(low, i)
        return False

    def _introduces_statement(self, text: str, a: int, colon: int) -> bool:
        """Whether ``text[a:colon]`` ends "<speaker> <reporting verb> [a few
        words]": “This movement stated”, “He told reporters”, “Rodong Sinmun
        says in a commentary in this regard”."""
        low = [w.lower() for w in _WORD.findall(text[a:colon])]
        for back in range(1, min(len(low), _STATEMENT_WORDS + 1) + 1):
            i = len(low) - back
            if low[i] in self._reporting:
                # at most three words after the verb (“told reporters on
                # Monday”), or a phrase that opens with a preposition (“in a
                # commentary in this regard”): not “state lawmakers’ agenda
                # but should top the list”
                if back > 4 and low[i + 1] not in self._statement_preps:
                    return False
                return self._has_subject(low, i)
        return False

    def _colon_statement(self, par: Paragraph, text: str, start: int) -> bool:
        """The term stands after "<speaker> <reporting verb> [to whom]:" in
        its paragraph: "This movement stated: The occupiers …", "He told
        reporters: the regime …".  The colon hands the rest of the sentence
        to the speaker as a quotation mark would, and an unquoted statement
        the rest of the paragraph (“… stated: the occupiers … . They will
        pay …”); a quoted one ends with its quotation."""
        if not self._reporting:
            return False
        here = par.sentence_index(par.start + start)
        colon = text.rfind(":", 0, start)
        for _ in range(3):  # the statement may hold a colon of its own ("at 10:30")
            if colon < 0:
                return False
            at = par.sentence_index(par.start + colon)
            a = par.sentences[at].start - par.start
            if self._introduces_statement(text, a, colon):
                if at == here:
                    return True
                return text[colon + 1:].lstrip()[:1] not in _QUOTE_OPENERS
            colon = text.rfind(":", 0, colon)
        return False

    def _statement_paragraph(self, par: Paragraph) -> bool:
        """The paragraph before ends "<speaker> <reporting verb> …:" (“NBC
        News reports:”, “The movement said in a statement:”): this paragraph
        is the statement, a block quotation without marks."""
        model = par.model.owner
        index = model.index_of(par)
        if index == 0:
            return False
        prev = model.paragraphs[index - 1]
        body = prev.text.rstrip()
        if prev.kind == "heading" or not body.endswith(":") or not self._reporting:
            return False
        colon = len(body) - 1
        a = prev.sentences[prev.sentence_index(prev.start + colon)].start - prev.start
        return self._introduces_statement(prev.text, a, colon)

    def _headline_speaker(self, par: Paragraph, text: str, start: int) -> bool:
        """A paragraph that opens with a name and a colon, "Hamas: The
        massacre of civilians shows …", "Zelensky: Russia will pay": the
        headline (or transcript) convention that gives the rest of the
        sentence to the speaker.  Not a place ("Gaza: strikes kill 20", the
        gazetteer knows it) nor a section label ("Analysis:", "Update:")."""
        m = _HEAD_COLON.match(text)
        if m is None or m.end() > start:
            return False
        name = m.group(1)
        words = name.split()
        if not (words[0][:1].isupper() and words[-1][:1].isupper()) or (len(words) > 1 and name.isupper()):
            return False  # "The summary:"; a kicker in capitals ("HAPPENING NOW:")
        low = name.lower()
        if low in self._headline_labels or words[0].lower() in self._headline_labels:
            return False
        if low in _place_names() or any(w.lower() in _place_names() for w in words):
            return False
        return par.sentence_index(par.start + m.end() - 1) == par.sentence_index(par.start + start)

    def _labelled_as(self, words: list[str], phrase: int) -> bool:
        """"designate the Iran-backed group in Lebanon as a terrorist
        organisation", "label them as terrorists": the term follows "as"
        (at most _AS_REACH words between, no new clause) and a labelling verb with a subject
        stands earlier in the same clause, however far."""
        low = [w.lower() for w in words]
        # Two words back anywhere; farther only within the phrase (no comma:
        # "regarded as the best in the region, fought terrorists" is not one).
        tail = low[-3:] if "as" in low[-3:] else low[-min(_AS_REACH + 1, phrase):]
        if "as" not in tail:
            return False
        at = len(tail) - 1 - tail[::-1].index("as")
        if any(w in self._as_enders for w in tail[at + 1:]):
            return False  # "as he left, the terrorists …": a new clause
        cut = len(low) - len(tail) + at
        if cut and low[cut - 1] in self._as_blockers:
            return False  # "as well as", "such as": not a predicate
        for i in range(cut - 1, -1, -1):
            if low[i] not in self._labelling:
                continue
            k = i - 1
            while k >= 0 and (low[k] in self._label_adverbs or low[k].endswith("ly")):
                k -= 1
            before = low[k] if k >= 0 else None
            return before is not None and before not in self._vague_labellers and before not in self._no_subject
        return False

    def _labelled_what(self, words: list[str]) -> bool:
        """"what it perceives as U.S. support for Zionist terrorism", "what
        Moscow calls a special military operation": a free relative whose
        verb labels or judges; the rest of the clause is its subject's
        characterisation, however long."""
        low = [w.lower() for w in words]
        for i in range(len(low) - 1, -1, -1):
            if low[i] not in self._what:
                continue
            # what + a subject of one to four words + the verb (+ "as")
            for j in range(i + 2, min(i + 6, len(low))):
                if low[j] in self._view_verbs:
                    if low[j - 1] in self._no_subject or low[i + 1] in self._no_subject:
                        break  # "what is called", "what the …" handled as no owner
                    if low[i + 1] in self._vague_labellers:
                        break  # "what critics call …": a label no one owns
                    return True
            return False
        return False

    def _accused_of(self, words: list[str]) -> bool:
        """"accused Israel of genocide", "charging the group with terrorism":
        the accusation is the accuser's word when a subject makes it."""
        low = [w.lower() for w in words]
        tail = low[-4:]
        prep = next((k for k in range(len(tail) - 1, -1, -1) if tail[k] in ("of", "with")), None)
        if prep is None:
            return False
        cut = len(low) - len(tail) + prep
        for i in range(cut - 1, max(cut - 6, -1), -1):
            if low[i] in self._accuse:
                before = low[i - 1] if i else None
                while before is not None and before in self._label_adverbs and i > 1:
                    i -= 1
                    before = low[i - 1]
                return before is not None and before not in self._vague_labellers and before not in self._no_subject
        return False

    def _modifies(self, text: str, end: int, nouns: frozenset, reach: int) -> bool:
        """Whether one of ``nouns`` stands within ``reach`` words after the
        term, in the same phrase: no punctuation, preposition or determiner
        between ("brutal and repressive regime", "brutal Tel Aviv regime";
        not "brutal for the regime")."""
        right = _PHRASE_END.split(text[end:end + 24 * reach], 1)[0]
        for i, w in enumerate(_WORD.findall(right)[:reach]):
            low = w.lower().rstrip("'’")
            if low.endswith(("'s", "’s")):
                low = low[:-2]
            if low in nouns or (low.endswith("s") and low[:-1] in nouns):
                return True
            if i and low in self._determiners or low in self._label_blockers and low not in ("and", "or"):
                return False
        return False

    def _matches(self, text: str, norm: Normalised) -> Iterable[tuple[Rule, int, int, int, int, str]]:
        """(rule, start, end, core_start, core_end, term) per occurrence."""
        taken: list[tuple[int, int]] = []
        if self._terms is not None:
            for rank, cstart, cend in self._terms.finditer(text, norm):
                span = _expand(text, cstart, cend)
                if span is None:
                    continue
                rule, term = self._owners[rank]
                taken.append(span)
                yield rule, span[0], span[1], cstart, cend, term
        if not self._patterns:
            return
        if self._pattern_set is not None:
            hits = self._pattern_set.Match(text)
            if not hits:
                return
            todo = [self._patterns[i] for i in sorted(hits)]
        else:
            todo = self._patterns
        for rule, rx, group in todo:
            for m in rx.finditer(text):
                # A group named "term" is the finding; the rest is context.
                a, b = m.span(group)
                if a < 0:
                    continue
                if a == b or any(x < b and a < y for x, y in taken):
                    continue
                taken.append((a, b))
                yield rule, a, b, a, b, text[a:b]

    def check_paragraph(self, par: Paragraph) -> Iterable[Finding]:
        text = par.text
        base = par.start
        except_spans: dict[str, list[tuple[int, int]]] = {}  # per rule, found once per paragraph
        norm = Normalised(text)
        first_colon = text.find(":")
        statement_par = None  # whether the paragraph before hands this one to a speaker, found on first need
        for first, start, end, cstart, cend, term in self._matches(text, norm):
            owners = self._shared.get(term.lower(), ((first, term),)) if self._shared else ((first, term),)
            rule = None
            for candidate, own_term in owners:
                excepts = self._excepts.get(candidate.id)
                if excepts:
                    spans = except_spans.get(candidate.id)
                    if spans is None:
                        spans = except_spans[candidate.id] = excepts.spans(text, norm)
                    if any(x <= start and end <= y for x, y in spans):
                        continue
                heads = self._heads.get(candidate.id)
                if heads and not self._modifies(text, end, *heads):
                    continue
                rule, term = candidate, own_term
                break
            if rule is None:
                continue
            a, b = base + start, base + end
            quote = par.quote_at(a, b)
            attributed = quote is not None and quote.attributed_nearby
            if quote is not None and not attributed:
                # A quotation whose speaker is named elsewhere (earlier in the
                # paragraph, or the paragraph before): the source ledger knows;
                # without the syntactic layer, a paragraph that opens with a
                # whole quoted sentence continues the last speaker.
                # A scare quote ("a wave of “green terror”") is the writer's
                # however many speakers the paragraph has: only a quoted
                # sentence takes one.
                attributed = _sentence_quote(text, base, quote) and (
                    self._continues_quote(par, quote) or bool(self._voiced(par, a, b)))
            if quote is None and not attributed and 0 <= first_colon < start:
                # “This movement stated: The occupiers …”: a statement after
                # a speaker's reporting verb and a colon, to the sentence end
                # (unquoted, to the paragraph end); “Hamas: The massacre …”,
                # a line headed by its speaker.
                attributed = self._colon_statement(par, text, start) or self._headline_speaker(par, text, start)
            if quote is None and not attributed:
                if statement_par is None:
                    statement_par = self._statement_paragraph(par)
                attributed = statement_par
            if attributed and rule.option("allow_in_attributed_quotes", True):
                continue
            if (quote is not None and not attributed and not quote.depth
                    and rule.option("allow_when_labelled", True)):
                # A quoted label someone applies: “The US considers Hamas a
                # “terrorist group””, “described the raids as “terrorism””,
                # “Medvedev called the strike on Belgorod “a crime of …”” (a
                # quoted predicate of a labelling verb, however long the
                # object between).
                qs = quote.start - base
                if self._called_quote(text, qs) or self._labelled(text, qs, quote.end - base):
                    continue
            if quote is None and rule.option("allow_when_labelled", True) and self._labelled(text, start, end):
                continue
            matched = text[start:end]
            core = text[cstart:cend]
            # Fixes keep the matched word's plural and capital; the message
            # lists the words as they would stand mid-sentence.
            own = rule.option("term_suggestions")
            agree = not (own and term in own)
            raw = own[term] if not agree else rule.option("suggestions", [])
            suggestions = [_inflect(s, core, agree) for s in raw]
            listed = [_inflect(s, core.lower(), agree) for s in raw]
            values = {"match": matched, "term": term, "suggestions": listed}
            if attributed:  # allow_in_attributed_quotes: false
                message = rule.render(**values)
                context = "attributed-quote"
            elif quote is not None:
                message = render_quote_message(rule, values)
                context = "unattributed-quote"
            else:
                message = rule.render(**values)
                context = "own-voice"
            # One neutral word is a safe swap ("fix all", `check --fix`); a
            # choice between several is the writer's to make.
            how = Applicability.SAFE if len(suggestions) == 1 else Applicability.NEEDS_REVIEW
            fixes = tuple(
                Fix(f"Replace “{core}” with “{s}”", (Edit(base + cstart, base + cend, s),), i == 0, how)
                for i, s in enumerate(suggestions)
            )
            yield Finding(
                rule.id, rule.severity, message, a, b, fixes=fixes,
                data={"term": term, "match": matched, "suggestions": suggestions, "context": context},
            )


@lru_cache(maxsize=256)
def _bundled(source: str | None) -> bool:
    """Whether a rule comes from a pack shipped with copydesk (``rules/``
    and its optional ``rules/packs/``), not from a newsroom's own file."""
    if not source:
        return True
    from ..resources import default_rules_dir

    try:
        return Path(source).resolve().is_relative_to(default_rules_dir().resolve())
    except (OSError, ValueError):
        return True


_CONTINUED_MIN_WORDS = 6
# Words between a reporting verb and the colon that opens its statement
# ("said in a statement on its Telegram channel:").
_STATEMENT_WORDS = 8
_QUOTE_OPENERS = "“\"‘'«„"
# "Hamas: …", "Opposition leader Ana Ruiz: …" at the head of a paragraph: one to five words, then a colon.
_HEAD_COLON = re.compile(r"\s*([^\W\d_][\w’'.-]*(?: [^\W\d_][\w’'.-]*){0,4}):\s")


@lru_cache(maxsize=1)
def _place_names() -> frozenset:
    """Every name of the bundled gazetteer (countries, provinces, cities),
    lower-cased: read once, only when a paragraph opens with "Name:"."""
    from ..resources import default_rules_dir

    path = default_rules_dir() / "language" / "places-en.tsv"
    names = set()
    try:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                parts = line.rstrip("\n").split("\t")
                if len(parts) >= 2 and not line.startswith("#"):
                    names.add(parts[1].lower())
    except OSError:
        pass
    return frozenset(names)


def _sentence_quote(text: str, base: int, quote) -> bool:
    """A quoted sentence (a capital and at least a few words), not scare
    quotes around a word or two."""
    if quote.depth:
        return False
    a, b = quote.inner
    inner = text[a - base:b - base].lstrip(" ‘'\"(…")
    return inner[:1].isupper() and len(_WORD.findall(inner)) >= _CONTINUED_MIN_WORDS


def render_quote_message(rule: Rule, values: dict) -> str:
    template = rule.option("quote_message")
    if template:
        from ..rules.model import render_template

        return render_template(template, values)
    return (
        rule.render(**values)
        + " It is inside a quotation with no speaker: scare quotes still put the label in the writer’s voice."
    )
