"""Figures that differ from the reference corpus.

Every count in the draft ("over 500 deaths") is compared with corpus figures
that count the same thing (same noun group: deaths / dead / killed …) in the
same context (the sentences share places, actors and other content words).
Qualifiers make intervals ("over 412" is 412 up to a margin more; "dozens"
is 24..99); a draft figure that overlaps at least one candidate's interval
agrees with the corpus.  Otherwise it is a ``figures/figure-mismatch`` that
lists every candidate (reports at different times disagree: show them all),
with a quick fix per distinct corpus figure.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from ..corpus.figures import Extractor, Figure, consistent, context_terms, figure_context, language_for
from ..findings import Edit, Evidence, Finding, Fix
from ..rules.model import Rule
from ..text.model import Paragraph, TextModel
from .base import Check, CheckContext

_NUM = {"type": "number", "minimum": 0}
SCHEMA = {
    "properties": {
        "report": {"enum": ["mismatch", "unverified"],
                   "description": "mismatch: a figure the corpus contradicts; unverified: one it does not mention"},
        "groups": {"type": "array", "items": {"type": "string", "minLength": 1},
                   "description": "Noun groups (figure-group/* lexicons, units) to check; '*' for every counted noun"},
        "tolerance": {**_NUM, "description": "Relative slack around an exact figure (0.05 = ±5%)"},
        "open_margin": {**_NUM, "description": "'over N' means N … N×(1+open_margin)"},
        "approx_margin": {**_NUM, "description": "'about N' means N×(1±approx_margin)"},
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

DEFAULTS = {"groups": ["*"], "tolerance": 0.0, "open_margin": 0.1, "approx_margin": 0.1, "min_context": 3,
            "min_shared": 2, "name_weight": 2, "relative_context": 0.5, "max_candidates": 8, "fetch": 50,
            "events": [], "require_shared_name": True}


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

    @property
    def verdict(self) -> str:
        if not self.candidates:
            return "unverified"
        return "consistent" if any(c.consistent for c in self.candidates) else "mismatch"


class Figures(Check):
    kinds = ("figures",)
    schemas = {"figures": SCHEMA}
    needs_corpus = True  # the engine opens the corpus only for checks that say so

    def __init__(self, rules: list[Rule], context: CheckContext):
        super().__init__(rules, context)
        self.lang = language_for(context.lexicons)
        self.extractor = Extractor(self.lang)
        self.corpus = context.corpus
        self.by_report = {r.option("report"): r for r in rules}
        self._sources = [Path(s) for s in getattr(self.corpus, "sources", [])]

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

    def assess(self, fig: Figure, terms: dict[str, bool], rule: Rule) -> Assessment:
        if self.corpus is None:
            return Assessment(fig, [])
        min_shared = int(self._opt(rule, "min_shared"))
        min_context = float(self._opt(rule, "min_context"))
        weight = float(self._opt(rule, "name_weight"))
        found = self.corpus.figures_in_context(fig.group, terms.keys(), min_shared, int(self._opt(rule, "fetch")))
        keys = terms.keys()
        names = {t for t, name in terms.items() if name}  # weighty: names and co-reported figures
        real_names = {t for t in names if t[:1].isupper()}
        need_name = bool(self._opt(rule, "require_shared_name")) and bool(real_names)
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
            if need_name and not (shared & real_names) and any(t[:1].isupper() for t in fterms):
                continue  # Kharkiv is not Idlib
            score = len(shared) + (weight - 1) * len(shared & names)
            if score >= min_context:
                scored.append((score, fid))
        if not scored:
            return Assessment(fig, [])
        best = max(s for s, _ in scored)
        cutoff = best * float(self._opt(rule, "relative_context"))
        # Best context first, newest first among equals.
        keep = sorted(((s, fid) for s, fid in scored if s >= cutoff), key=lambda x: (-x[0], -x[1]))
        keep = keep[: int(self._opt(rule, "max_candidates"))]
        score_of = dict((fid, s) for s, fid in keep)
        margins = {k: float(self._opt(rule, k)) for k in ("tolerance", "open_margin", "approx_margin")}
        out = []
        for cf in self.corpus.figures([fid for _, fid in keep]):
            out.append(Candidate(cf, score_of[cf.id], tuple(sorted(cf.terms & keys)),
                                 consistent(fig, _as_figure(cf), **margins)))
        return Assessment(fig, out)

    def _events(self, group: str, terms, event_groups: set[str]) -> set[str]:
        """What happened to the people counted, from the sentence's words."""
        found = {group} if group in event_groups else set()
        for t in terms:
            g = t if t in self.lang.group_words else self.lang.groups.get(t)
            if g in event_groups:
                found.add(g)
        return found

    def _figures(self, model_mask: str, start: int, end: int, sentences) -> Iterable[tuple[Figure, dict]]:
        for s in sentences:
            if s.end <= start or s.start >= end:
                continue
            figs = self.extractor.extract(model_mask, s.start, s.end)
            if figs:
                terms = context_terms(model_mask, self.lang, s.start, s.end)
                for f in figs:
                    yield f, figure_context(f, figs, terms, self.lang)

    def check_paragraph(self, par: Paragraph) -> Iterable[Finding]:
        if self.corpus is None:
            return
        mask = par.model.mask
        mismatch = self.by_report.get("mismatch")
        unverified = self.by_report.get("unverified")
        for fig, terms in self._figures(mask, par.start, par.end, par.sentences):
            if mismatch is not None and self._checks_group(mismatch, fig.group):
                a = self.assess(fig, terms, mismatch)
                if a.verdict == "mismatch":
                    yield self._mismatch(mismatch, a, mask)
                    continue
                if a.verdict == "consistent":
                    continue
            if unverified is not None and self._checks_group(unverified, fig.group):
                a = self.assess(fig, terms, unverified)
                if a.verdict == "unverified":
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

    def _mismatch(self, rule: Rule, a: Assessment, mask: str) -> Finding:
        fig = a.figure
        by_value: dict[str, list[Candidate]] = {}
        for c in a.candidates:
            by_value.setdefault(_clean(c.figure.text).lower(), []).append(c)
        listed = []
        for cands in by_value.values():
            where = "; ".join(f"{self.display_path(c.figure.path)}:{c.figure.line}" for c in cands)
            listed.append(f"“{_clean(cands[0].figure.text)}” ({where})")
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
                              "line": c.figure.line, "score": c.score} for c in a.candidates]},
        )

    def _evidence(self, c: Candidate, how: str) -> Evidence:
        f = c.figure
        return Evidence(
            path=f.path, line=f.line, column=f.column, text=f.sentence,
            message=f"corpus: “{_clean(f.text)}” ({how} the draft)", end_column=f.end_column,
            meta=tuple((k, str(v)) for k, v in (f.meta or {}).items()),
        )

    def hover(self, model: TextModel, offset: int) -> str | None:
        par = model.paragraph_at(offset)
        if par is None or self.corpus is None:
            return None
        rule = self.by_report.get("mismatch") or self.by_report.get("unverified")
        if rule is None:
            return None
        for fig, terms in self._figures(model.mask, offset, offset + 1, par.sentences):
            if not (fig.start <= offset <= fig.end):
                continue
            a = self.assess(fig, terms, rule)
            head = f"**Figure “{_clean(fig.text)}”** ({fig.group}, {_describe(fig)})"
            if not a.candidates:
                return head + "\n\nThe reference corpus has no figure for this in a matching context."
            verdict = {"consistent": "agrees with the reference corpus",
                       "mismatch": "differs from the reference corpus"}[a.verdict]
            lines = [f"{head} {verdict}:", ""]
            for c in a.candidates:
                f = c.figure
                mark = "supports" if c.consistent else "contradicts"
                meta = ", ".join(str(v) for k, v in (f.meta or {}).items() if k in ("outlet", "date", "title"))
                lines.append(f"- {mark}: “{_clean(f.text)}” — `{self.display_path(f.path)}:{f.line}`"
                             + (f" ({meta})" if meta else ""))
                lines.append(f"  > {f.sentence}")
            return "\n".join(lines)
        return None


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
