"""Figures that differ from the reference corpus.

Every count in the draft ("over 500 deaths") is compared with corpus figures
that count the same thing of the same event, or with none:

- the same noun group (deaths / dead / killed …) in the same context (the
  sentences share content words);
- dates: the corpus article's date within a window around the draft's
  (front matter, HTML <meta>, a wire date line, else its file's date; a
  draft without one is now, or SOURCE_DATE_EPOCH);
- the figure's own scope (its clause): the same places and actors when both
  name them, the most specific of nested places (the gazetteer) (a source such as "the Observatory said" is not an event), the
  same year or past anchor ("in 2012", "last month"), part with part
  ("including 61 civilians") and never an increment ("a further 40").

Qualifiers make intervals ("over 412" is 412 up to a margin more; "dozens"
is 24..99); a draft figure that overlaps at least one candidate's interval
agrees with the corpus.  A draft toll larger than every (older) corpus count
is reported as newer than the corpus, at the rule's ``newer_severity``
(tolls rise); otherwise it is a
``figures/figure-mismatch`` that lists every candidate with its date, with a
quick fix per distinct corpus figure.
"""
from __future__ import annotations

import datetime
import itertools
import weakref
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Iterable

from ..lang.figures import (Extractor, Figure, Scope, article_date, consistent, figure_context,
                              figure_scopes, language_for, lead_names, report_day, sentence_context,
                              today)
from ..lang.places import default_gazetteer
from ..corpus.sources import front_matter
from ..findings import Edit, Evidence, Finding, Fix, Note
from ..rules.model import Rule
from ..text.model import Paragraph, TextModel
from .base import Check, CheckContext

_NUM = {"type": "number", "minimum": 0}
SCHEMA = {
    "properties": {
        "report": {"enum": ["mismatch", "unverified"],
                   "description": "mismatch: a figure the corpus contradicts; unverified: one it does not mention"},
        "newer_severity": {"enum": ["error", "warning", "info", "hint", "off"],
                           "description": "Severity of a toll larger than every older corpus count (newer, not "
                                          "wrong); off drops it"},
        "newer_message": {"type": "string", "minLength": 1,
                          "description": "Message of such a finding ({figure}, {corpus})"},
        "window_days": {**_NUM, "description": "Compare only with corpus articles dated this many days around "
                                               "the draft's date (an undated article by its file's date)"},
        "moving_groups": {"type": "array", "items": {"type": "string", "minLength": 1},
                    "description": "Groups whose counts move either way (the missing): only counts of the same "
                                   "day (or undated) are compared"},
        "rising_groups": {"type": "array", "items": {"type": "string", "minLength": 1},
                  "description": "Groups whose counts only rise (tolls): a draft count above every older corpus "
                                 "count is newer, not a contradiction"},
        "groups": {"type": "array", "items": {"type": "string", "minLength": 1},
                   "description": "Noun groups (figure-group/* lexicons, units) to check; '*' for every counted noun"},
        "tolerance": {**_NUM, "description": "Relative slack around an exact figure (0.05 = ±5%)"},
        "open_margin": {**_NUM, "description": "'over N' means N … N×(1+open_margin)"},
        "approx_margin": {**_NUM, "description": "'about N' means N×(1±approx_margin)"},
        "bound_margin": {**_NUM, "description": "'at least N' against a figure that is no bound means "
                                                "N … N×(1+bound_margin)"},
        "min_context": {**_NUM, "description": "Least context score shared with a corpus sentence"},
        "min_shared": {"type": "integer", "minimum": 1, "description": "Least number of shared context terms"},
        "name_weight": {**_NUM, "description": "Score of a shared name or place (other words score 1)"},
        "relative_context": {"type": "number", "minimum": 0, "maximum": 1,
                             "description": "Drop candidates scoring below this share of the best one"},
        "max_candidates": {"type": "integer", "minimum": 1, "description": "Most corpus sentences listed"},
        "fetch": {"type": "integer", "minimum": 10, "description": "Postings read per probed context term"},
        "require_shared_name": {"type": "boolean",
                                "description": "When both sentences name places or actors, they must share one"},
        "events": {"type": "array", "items": {"type": "string", "minLength": 1},
                   "description": "Groups that say what happened to the people counted (deaths, displaced …): "
                                  "a draft figure and a corpus figure about different events never match"},
    },
    "required": ["report"],
}

DEFAULTS = {"groups": ["*"], "tolerance": 0.0, "open_margin": 0.1, "approx_margin": 0.1, "bound_margin": 0.1,
            "min_context": 3,
            "min_shared": 2, "name_weight": 2, "relative_context": 0.5, "max_candidates": 8, "fetch": 50,
            "events": [], "require_shared_name": True, "window_days": 3,
            "rising_groups": ["deaths", "injured", "displaced", "detained", "affected"], "moving_groups": ["missing"],
            "newer_severity": "info",
            "newer_message": "{figure} is newer than the corpus: it is larger than every older count ({corpus})."}


# An article this long has a lead whose places are the whole story's.
LEAD_MIN_SENTENCES = 3


@dataclass
class Candidate:
    figure: object  # CorpusFigure
    score: float
    shared: tuple[str, ...]
    consistent: bool


@dataclass
class Assessment:
    figure: Figure
    candidates: list[Candidate]
    newer: bool = False  # larger than every candidate, all of them older

    @property
    def verdict(self) -> str:
        if not self.candidates:
            return "unverified"
        if any(c.consistent for c in self.candidates):
            return "consistent"
        return "newer" if self.newer else "mismatch"


@dataclass
class Draft:
    """What the whole draft says about its figures' event: its date and the
    names of its title and lead."""

    date: datetime.date | None
    lead: frozenset
    first: int = -1  # offset of the lead sentence


def _days(a: str | None, b: datetime.date | None) -> int | None:
    if not a or b is None:
        return None
    try:
        return (datetime.date.fromisoformat(a[:10]) - b).days
    except ValueError:
        return None


class Figures(Check):
    kinds = ("figures",)
    schemas = {"figures": SCHEMA}
    needs_corpus = True  # the engine opens the corpus only for checks that say so
    # The draft's date and lead (front matter, first sentence) bear on every
    # paragraph's figures: they are part of each paragraph's cache key
    # (``paragraph_key``), so a keystroke re-checks only the paragraph it
    # touched unless it changed the date or the lead.

    def __init__(self, rules: list[Rule], context: CheckContext):
        super().__init__(rules, context)
        self.lang = language_for(context.lexicons)
        self.extractor = Extractor(self.lang)
        self.corpus = context.corpus
        self.by_report = {r.option("report"): r for r in rules}
        self._sources = [Path(s) for s in getattr(self.corpus, "sources", [])]
        self._language_code = context.language.code
        self.measures = {group for group, _ in self.lang.units.values()}
        self._draft_memo: tuple | None = None  # (weak reference to a text model, its Draft)

    @cached_property
    def places(self):
        # Read on the first figure compared, not at start-up: the gazetteer is
        # most of a one-line draft's cold start (0.19 of 0.32 s).
        return default_gazetteer(self._language_code)

    # ----------------------------------------------------------- options

    def _opt(self, rule: Rule, name: str):
        return rule.option(name, DEFAULTS[name])

    def _checks_group(self, rule: Rule, group: str) -> bool:
        groups = self._opt(rule, "groups")
        return "*" in groups or group in groups

    def cache_key(self):
        if self.corpus is None:
            return None
        self.corpus.ensure()
        return self.corpus.version

    # ----------------------------------------------------------- analysis

    def assess(self, fig: Figure, terms: dict[str, bool], rule: Rule, scope: Scope | None = None,
               draft: Draft | None = None) -> Assessment:
        if self.corpus is None:
            return Assessment(fig, [])
        scope = scope or Scope()
        draft = draft or Draft(None, frozenset())
        min_shared = int(self._opt(rule, "min_shared"))
        min_context = float(self._opt(rule, "min_context"))
        weight = float(self._opt(rule, "name_weight"))
        fetch = int(self._opt(rule, "fetch"))
        found = self.corpus.figures_in_context(fig.group, terms.keys(), min_shared, fetch)
        keys = terms.keys()
        names = {t for t, name in terms.items() if name}  # weighty: names and co-reported figures
        # The rarest terms of a long sentence are often its own wording (one
        # outlet's); another outlet's report of the same count shares its
        # names.  Probe those too.
        named = [t for t in names if "=" not in t]
        if len(named) >= min_shared:
            seen = {fid for fid, _ in found}
            found = list(found) + [(fid, ft) for fid, ft in self.corpus.figures_in_context(
                fig.group, named, min_shared, fetch) if fid not in seen]
        event_groups = set(self._opt(rule, "events"))
        events = self._events(fig.group, keys, event_groups)
        scored = []
        for fid, fterms in found:
            shared = fterms & keys
            if len(shared) < min_shared:
                continue
            if events and event_groups:
                theirs = self._events(fig.group, fterms, event_groups)
                if theirs and not (theirs & events):
                    continue  # 48,000 people displaced vs 12 people killed
            score = len(shared) + (weight - 1) * len(shared & names)
            if score >= min_context:
                scored.append((score, fid))
        if not scored:
            return Assessment(fig, [])
        # Best context first, newest first among equals; the scope and date
        # tests need the full records of a bounded number of them.
        scored.sort(key=lambda x: (-x[0], -x[1]))
        limit = int(self._opt(rule, "max_candidates"))
        score_of = dict((fid, sc) for sc, fid in scored[: limit * 3])
        window = float(self._opt(rule, "window_days"))
        if fig.group in set(self._opt(rule, "moving_groups")):
            window = 0.0  # the missing are found: only the same day's counts compare
        same = []
        own: set[int] = set()  # candidates whose own clause names what the figure's names
        anchor_score: dict[int, float] = {}
        terms_of = dict(found)
        for ev in self.corpus.figure_events([fid for _, fid in scored[: limit * 3]]):
            if not self._same_event(scope, draft, ev, window, bool(self._opt(rule, "require_shared_name")),
                                    fig.group):
                continue
            # Beyond the names of the two articles' leads, the sentences
            # must share an anchor (a word, a place, an actor), unless both
            # figures are the event's running toll.
            beyond = {t for t in (terms_of[ev.id] & keys) - draft.lead - ev.doc_names
                      if t not in self.lang.group_words}
            beyond |= scope.names & ev.scope.names
            both_tolls = scope.toll and ev.scope.toll
            both_whole = (bool(draft.lead & ev.doc_names) and self._whole_count(scope, draft.lead, bool(events))
                          and self._whole_count(ev.scope, ev.doc_names,
                                                bool(self._events(fig.group, terms_of[ev.id], event_groups))))
            if not beyond and not both_tolls and not both_whole:
                continue
            same.append(ev.id)
            anchor_score[ev.id] = len(beyond) + (weight - 1) * len(beyond & names) + (2 if both_tolls else 0)
            if scope.names & ev.scope.names:
                own.add(ev.id)
        if not same:
            return Assessment(fig, [])
        best = max(anchor_score.values())
        cutoff = best * float(self._opt(rule, "relative_context"))
        # Another outlet's wording scores below a copy of the same wire story;
        # a count tied to the same names in its own clause stays a candidate.
        same = self.corpus.figures([fid for fid in same if anchor_score[fid] >= cutoff or fid in own][:limit])
        margins = {k: float(self._opt(rule, k)) for k in ("tolerance", "open_margin", "approx_margin")}
        bound = float(self._opt(rule, "bound_margin"))
        out = [Candidate(cf, score_of[cf.id], tuple(sorted(cf.terms & keys)),
                         consistent(fig, _as_figure(cf), bound_margin=bound, **margins)) for cf in same]
        newer = False
        if fig.group in set(self._opt(rule, "rising_groups")) and draft.date is not None:
            # Tolls only rise.  Agreeing with an older count does not excuse
            # differing from a count of the same day, nor does a count below
            # an older one agree with anything; a count above every older one
            # is newer, not wrong.
            lo, hi = fig.interval(**margins)
            same_day, against = [], []
            for c in out:
                days = _days(c.figure.date, draft.date)
                clo, chi = _as_figure(c.figure).interval(**margins)
                if days is None or days == 0:
                    same_day.append(c)
                    if not c.consistent:
                        against.append(c)
                elif days < 0 and hi < clo:
                    against.append(c)  # fewer than an older count
                elif days > 0 and lo > chi:
                    against.append(c)  # more than a later count
            if not any(c.consistent for c in same_day) and against:
                for c in out:
                    c.consistent = False
                return Assessment(fig, against, False)
            if not any(c.consistent for c in out):
                older = [c for c in out if (_days(c.figure.date, draft.date) or 0) < 0]
                # A vague quantity ("hundreds") names an order of magnitude,
                # not a count that could be newer than another.
                newer = fig.kind != "vague" and bool(older) and len(older) == len(out) and all(
                    lo > _as_figure(c.figure).interval(**margins)[1] for c in older)
                if not newer and not against:
                    # Only later, larger counts: the draft is older, not wrong.
                    return Assessment(fig, [c for c in out if c.consistent] or [], False)
        return Assessment(fig, out, newer)

    def _same_event(self, scope: Scope, draft: Draft, cf, window: float, need_name: bool, group: str = "") -> bool:
        """Whether a corpus figure may count what the draft figure counts: a
        date in the window, the same part / increment / past status, the
        same year when either names one, and the same places and actors."""
        days = _days(cf.date, draft.date)
        if days is not None and abs(days) > window:
            return False
        other: Scope = cf.scope
        if scope.increment or other.increment or scope.part != other.part or scope.past != other.past:
            return False
        if group in self.measures:
            # A distance, a duration, a share: its names are its end points,
            # not a place whose count it is.
            return not (scope.names and other.names and not (scope.names & other.names))
        # "in Taloqan, Afghanistan" is Taloqan's count (the gazetteer).
        scope = replace(scope, places=self.places.most_specific(scope.places))
        other = replace(other, places=self.places.most_specific(other.places))
        their_year = {int(cf.date[:4])} if cf.date[:4].isdigit() else set()
        our_year = {draft.date.year} if draft.date else set()
        if scope.years and not (scope.years & (other.years | their_year)):
            return False
        if other.years and not (other.years & (scope.years | our_year)):
            return False
        ours = scope.names or draft.lead
        theirs = other.names or cf.doc_names
        if scope.places and not (scope.places & theirs):
            return False  # "killed in Pakistan" is not the whole region's toll
        if other.places and not (other.places & ours):
            return False
        # A count for one place is a part of the whole event's, unless that
        # place is the event's own: the other count (or, when it names
        # nothing, its article's lead) names that place and otherwise only
        # places around it ("Afghan officials reported"; "the death toll in
        # the Genoa bridge collapse" against "the toll rose to 38 in Genoa",
        # Italy around Genoa).
        if scope.places and not other.places and not self._event_place(scope, other.names or cf.doc_names):
            return False
        if other.places and not scope.places and not self._event_place(other, scope.names or draft.lead):
            return False
        if scope.places and other.places and (
                not (scope.places <= other.places or other.places <= scope.places)
                or len(scope.places ^ other.places) >= 2):
            return False  # Nepal, India and Bangladesh together are not India
        if scope.names and other.names and not (scope.names & other.names):
            return False  # Homs is not Hama, whoever counted both
        # Two figures without places of their own (leads): the countries and
        # provinces they name must match ("across Nepal, India, Pakistan and
        # Bangladesh" is not India).
        if not scope.places and not other.places:
            ours, theirs = self.places.areas(scope.names), self.places.areas(other.names)
            if ours and theirs and (not (ours <= theirs or theirs <= ours) or len(ours ^ theirs) >= 2):
                return False
        return True

    def _whole_count(self, scope: Scope, lead: frozenset, befell: bool) -> bool:
        """A count of what befell people or things (``befell``: its sentence
        says: killed, injured, destroyed …) with nothing of its own to
        narrow it beyond its story's lead names ("Sixteen people were
        injured."; "35 foreigners … are among the dead" in a Sri Lanka
        story): in a story whose lead is the draft's, the event's whole
        count of that group, as a toll is."""
        return befell and scope.names <= lead and not (
            scope.places or scope.years or scope.past or scope.part or scope.increment or scope.day)

    def _event_place(self, scope: Scope, names) -> bool:
        """Whether the places of a count are the whole event's place for a
        count that names ``names`` and no place of its own: they name that
        place, and nothing else but the places that contain it."""
        names = frozenset(names)
        if not (scope.places & names):
            return False
        return all(n in scope.names or any(self.places.contains(n, p) for p in scope.places)
                   for n in names)

    def _events(self, group: str, terms, event_groups: set[str]) -> set[str]:
        """What happened to the people counted, from the sentence's words."""
        found = {group} if group in event_groups else set()
        for t in terms:
            g = t if t in self.lang.group_words else self.lang.groups.get(t)
            if g in event_groups:
                found.add(g)
        return found

    def paragraph_key(self, par: Paragraph):
        """The draft's date and lead names, and where the lead sentence is
        when it is in this paragraph (relative: cached findings move with
        their paragraph)."""
        draft = self._draft_of(par.model.owner)
        first = draft.first - par.start if par.start <= draft.first < par.end else -1
        return draft.date, draft.lead, first

    def _draft_of(self, model: TextModel) -> Draft:
        """``draft_context`` once per text model (the engine asks for every
        paragraph's key)."""
        memo = self._draft_memo
        if memo is not None and memo[0]() is model:
            return memo[1]
        draft = self.draft_context(model)
        self._draft_memo = (weakref.ref(model), draft)
        return draft

    def draft_context(self, model: TextModel) -> Draft:
        """The draft's date (front matter, date line; else today) and the
        names of its title and lead."""
        meta, _ = front_matter(model.doc.text[:20000])
        # The first sentences only (a keystroke's model splits no more of the draft than this).
        sentences = list(itertools.islice(
            (s for par in model.paragraphs for s in par.sentences if model.mask[s.start:s.end].strip()),
            LEAD_MIN_SENTENCES))
        first = sentences[0] if sentences else None
        start = first.start if first is not None else 0
        day = article_date(meta, model.mask, self.lang, start) or today()
        lead = lead_names(meta.get("title", ""), self.lang, title=True)
        if first is not None:
            lead |= lead_names(model.mask, self.lang, first.start, first.end)
        # The lead's places are the whole story's, not a part of it; in a
        # draft of a sentence or two they are the figure's own.
        return Draft(day, lead, start if first is not None and len(sentences) >= LEAD_MIN_SENTENCES else -1)

    def _figures(self, model_mask: str, start: int, end: int, sentences, draft: Draft
                 ) -> Iterable[tuple[Figure, dict, Scope, Draft]]:
        """Each figure of the sentences in [start, end) with its context
        terms, its scope and the draft as of the day the count was given
        ("the mayor said Friday")."""
        lead, first = draft.lead, draft.first
        prev = None
        for s in sentences:
            before, prev = prev, (s.start, s.end)
            if s.end <= start or s.start >= end:
                continue
            figs = self.extractor.extract(model_mask, s.start, s.end)
            if figs:
                terms = sentence_context(model_mask, self.lang, s.start, s.end, before)
                scopes = figure_scopes(model_mask, s.start, s.end, figs, self.lang, lead=s.start == first)
                day = report_day(model_mask, s.start, s.end, self.lang, draft.date)
                as_of = draft if day == draft.date else replace(draft, date=day)
                for f, scope in zip(figs, scopes):
                    yield f, figure_context(f, figs, terms, self.lang, lead), scope, as_of

    def check_document(self, model: TextModel) -> Iterable[Finding]:
        if self.corpus is None:
            return
        draft = self.draft_context(model)
        for par in model.paragraphs:
            yield from self._check_paragraph(par, draft)

    def check_paragraph(self, par: Paragraph) -> Iterable[Finding]:
        if self.corpus is None:
            return
        yield from self._check_paragraph(par, self._draft_of(par.model.owner))

    def _check_paragraph(self, par: Paragraph, draft: Draft) -> Iterable[Finding]:
        mask = par.model.mask
        mismatch = self.by_report.get("mismatch")
        unverified = self.by_report.get("unverified")
        for fig, terms, scope, draft in self._figures(mask, par.start, par.end, par.sentences, draft):
            if mismatch is not None and self._checks_group(mismatch, fig.group):
                a = self.assess(fig, terms, mismatch, scope, draft)
                if a.verdict == "mismatch":
                    yield self._mismatch(mismatch, a, mask, draft)
                    continue
                if a.verdict == "newer":
                    if self._opt(mismatch, "newer_severity") != "off":
                        yield self._newer(mismatch, a, draft)
                    continue
                if a.verdict == "consistent":
                    yield self._agrees(mismatch, a)
                if a.verdict in ("consistent", "mismatch"):
                    continue
            if unverified is not None and self._checks_group(unverified, fig.group):
                a = self.assess(fig, terms, unverified, scope, draft)
                if a.verdict == "consistent":
                    yield self._agrees(unverified, a)
                elif a.verdict == "unverified":
                    yield Finding(unverified.id, unverified.severity,
                                  unverified.render(figure=f"“{_clean(fig.text)}”"), fig.start, fig.end,
                                  data={"figure": _clean(fig.text), "group": fig.group, "value": fig.value})

    # ----------------------------------------------------------- reporting

    def display_path(self, path: str) -> str:
        p = Path(path)
        if not p.is_absolute():
            return p.as_posix()  # a shared archive's path, relative to its root
        for src in self._sources:
            try:
                rel = p.relative_to(src)
            except ValueError:
                continue
            return f"{src.name}/{rel.as_posix()}" if src.is_dir() else p.name
        return p.name

    def _listed(self, a: Assessment, draft: Draft | None) -> list[str]:
        """“over 412 deaths” (seeds/004.txt:51, 2 days earlier) per distinct
        corpus figure; the date only when both sides have one."""
        by_value: dict[str, list[Candidate]] = {}
        for c in a.candidates:
            by_value.setdefault(_clean(c.figure.text).lower(), []).append(c)
        listed = []
        for cands in by_value.values():
            where = "; ".join(f"{self.display_path(c.figure.path)}:{c.figure.line}"
                              + _when(c.figure.date, draft) for c in cands)
            listed.append(f"“{_clean(cands[0].figure.text)}” ({where})")
        return listed

    def _agrees(self, rule: Rule, a: Assessment) -> Note:
        """A figure the corpus agrees with: no finding, a note for the
        report's totals (agreeing / contradicting / unverified)."""
        fig = a.figure
        return Note(rule.id, "figure-agrees", fig.start, fig.end,
                    data={"figure": _clean(fig.text), "group": fig.group, "value": fig.value,
                          "corpus": [{"path": self.display_path(c.figure.path), "line": c.figure.line}
                                     for c in a.candidates if c.consistent]})

    def _newer(self, rule: Rule, a: Assessment, draft: Draft) -> Finding:
        fig = a.figure
        related = tuple(self._evidence(c, "older than") for c in a.candidates)
        template = str(self._opt(rule, "newer_message"))
        message = template.replace("{figure}", f"“{_clean(fig.text)}”").replace(
            "{corpus}", ", ".join(self._listed(a, draft)))
        return Finding(
            rule.id, str(self._opt(rule, "newer_severity")), message, fig.start, fig.end, related=related,
            data={"figure": _clean(fig.text), "group": fig.group, "value": fig.value, "newer": True,
                  "corpus": [{"text": c.figure.text, "phrase": c.figure.phrase, "path": c.figure.path,
                              "line": c.figure.line, "article_date": c.figure.date} for c in a.candidates]},
        )

    def _mismatch(self, rule: Rule, a: Assessment, mask: str, draft: Draft | None = None) -> Finding:
        fig = a.figure
        listed = self._listed(a, draft)
        fixes = []
        seen_phrases = set()
        for c in a.candidates:
            phrase = _clean(c.figure.phrase)
            if phrase.lower() in seen_phrases or c.figure.unit_factor != fig.unit_factor:
                continue
            seen_phrases.add(phrase.lower())
            new = phrase[0].upper() + phrase[1:] if fig.phrase[:1].isupper() else phrase
            if new[:1].isupper() and not fig.phrase[:1].isupper() and c.figure.phrase[:1].isupper():
                new = new[0].lower() + new[1:]
            fixes.append(Fix(f"Use the corpus figure “{new}” ({self.display_path(c.figure.path)}:{c.figure.line})",
                             (Edit(fig.start, fig.phrase_end, new),), preferred=len(fixes) == 0))
        related = tuple(self._evidence(c, "contradicts") for c in a.candidates)
        message = rule.render(figure=f"“{_clean(fig.text)}”", corpus=", ".join(listed))
        return Finding(
            rule.id, rule.severity, message, fig.start, fig.end, fixes=tuple(fixes), related=related,
            data={"figure": _clean(fig.text), "group": fig.group, "value": fig.value,
                  "corpus": [{"text": c.figure.text, "phrase": c.figure.phrase, "path": c.figure.path,
                              "line": c.figure.line, "score": c.score, "article_date": c.figure.date}
                             for c in a.candidates]},
        )

    def _evidence(self, c: Candidate, how: str) -> Evidence:
        f = c.figure
        return Evidence(
            path=f.path, line=f.line, column=f.column, text=f.sentence,
            message=f"corpus: “{_clean(f.text)}” ({how} the draft{', ' + _shown_date(f.date) if f.date else ''})",
            end_column=f.end_column,
            meta=tuple((k, str(v)) for k, v in (f.meta or {}).items()),
        )

    def hover(self, model: TextModel, offset: int) -> str | None:
        par = model.paragraph_at(offset)
        if par is None or self.corpus is None:
            return None
        rule = self.by_report.get("mismatch") or self.by_report.get("unverified")
        if rule is None:
            return None
        draft = self.draft_context(model)
        for fig, terms, scope, draft in self._figures(model.mask, offset, offset + 1, par.sentences, draft):
            if not (fig.start <= offset <= fig.end):
                continue
            a = self.assess(fig, terms, rule, scope, draft)
            head = f"**Figure “{_clean(fig.text)}”** ({fig.group}, {_describe(fig)})"
            if not a.candidates:
                return head + "\n\nThe reference corpus has no figure for this in a matching context."
            verdict = {"consistent": "agrees with the reference corpus",
                       "mismatch": "differs from the reference corpus",
                       "newer": "is larger than every older count in the reference corpus"}[a.verdict]
            lines = [f"{head} {verdict}:", ""]
            for c in a.candidates:
                f = c.figure
                mark = "supports" if c.consistent else ("is older than" if a.verdict == "newer" else "contradicts")
                meta = ", ".join(str(v) for k, v in (f.meta or {}).items() if k in ("outlet", "date", "title"))
                lines.append(f"- {mark}: “{_clean(f.text)}” — `{self.display_path(f.path)}:{f.line}`"
                             + (f" ({meta})" if meta else ""))
                lines.append(f"  > {f.sentence}")
            return "\n".join(lines)
        return None


def _when(date: str, draft: Draft | None) -> str:
    days = _days(date, draft.date if draft else None)
    if days is None:
        return ""
    if days == 0:
        return ", same day"
    unit = "day" if abs(days) == 1 else "days"
    return f", {-days} {unit} earlier" if days < 0 else f", {days} {unit} later"


def _shown_date(date: str) -> str:
    """"2024-11-30", or "2026-12-02 (file date)" for an article dated by its file."""
    return date[:10] + (" (file date)" if date[10:].strip() else "")


def _clean(s: str) -> str:
    return " ".join(s.split())


def _describe(fig: Figure) -> str:
    if fig.kind == "vague":
        return f"{fig.low:g} to {fig.high:g}"
    words = {"exact": "", "lower": "at least ", "upper": "at most ", "approx": "about ", "below": "just under "}
    return f"{words.get(fig.kind, '')}{fig.value:g}"


def _as_figure(cf) -> Figure:
    return Figure(0, 0, 0, cf.phrase, cf.text, cf.value, cf.low, cf.high, cf.kind, cf.noun, cf.group,
                  cf.unit_factor)
