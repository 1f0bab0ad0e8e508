"""The engine: rules + config + checks -> findings for a document.

Every front-end (CLI, language server, benchmarks) goes through ``Engine``;
none of them holds analysis of its own.
"""
from __future__ import annotations

import traceback
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from pathlib import Path

from .checks import CheckContext, registry
from .config import Config
from .directives import Suppressions
from .findings import CheckFailure, Finding, Note
from .resources import available_packs, default_rule_files
from .rules import RuleError, RuleSet, load_rules
from .rules.ids import config_problems
from .lang import default_language, inflect, syntax
from .text.document import Document
from .text.model import TextModel


_CACHE_MAX_CHARS = 20_000
_MAX_ROUNDS = 50  # passes of a lint with batched parses (a paragraph needs a few)


@dataclass
class LintResult:
    document: Document
    findings: list[Finding]
    failures: list[CheckFailure] = field(default_factory=list)
    model: TextModel | None = None
    pending: list[str] = field(default_factory=list)  # texts to parse before the findings are complete
    notes: list[Note] = field(default_factory=list)  # e.g. figures the corpus agrees with


class Engine:
    """Load rules once, lint many documents."""

    def __init__(self, config: Config | None = None, ruleset: RuleSet | None = None, corpus=None,
                 cache_size: int = 20000):
        self.config = config or Config()
        self.ruleset = ruleset if ruleset is not None else load_ruleset(self.config)
        self.corpus = corpus
        self._cache: OrderedDict = OrderedDict()
        self._last_path: str | None = None  # the document the last lint was of
        self._cache_size = cache_size
        from .cachedir import cache_dir

        # Parses of the syntactic layer are kept in the cache folder too (a
        # re-run whose sentences were parsed before does not load spaCy):
        # this engine's lints use its config's folder; parses asked for
        # outside a lint (the server's parse thread, the ledger) the last
        # engine's.
        self._parse_folder = cache_dir(getattr(self.config, "cache_path", None))
        syntax.use_disk_cache(self._parse_folder)
        inflect.use_disk_cache(self._parse_folder)  # inflections too: a re-run never imports TextBlob
        self._build()

    @property
    def errors(self) -> list[RuleError]:
        """Rule-file errors, and unknown rule ids/checks in the config file."""
        return self.ruleset.errors + [p.error() for p in self.id_problems if p.location is not None]

    @property
    def setting_problems(self) -> list:
        """Unknown rule ids/checks that came from a front-end (command-line
        flags, editor settings), not a file: ``IdProblem``s the front-end
        reports under its own names."""
        return [p for p in self.id_problems if p.location is None]

    def _build(self) -> None:
        cfg = self.config
        self.id_problems = config_problems(cfg, self.ruleset)
        active = []
        for rule in self.ruleset.rules.values():
            if not cfg.is_enabled(rule.id, rule.enabled):
                continue
            active.append(replace(rule, severity=cfg.severity_for(rule.id, rule.severity)))
        self.active_rules = {r.id: r for r in active}
        self.language = self.ruleset.language or default_language()
        by_class: dict[type, list] = {}
        for rule in active:
            cls = registry()[rule.check]
            by_class.setdefault(cls, []).append(rule)
        self.checks = []
        self.setup_failures: list[CheckFailure] = []
        # The corpus is opened only when an active check needs it (runs with
        # figures disabled do no corpus work); it indexes on first use.
        if self.corpus is None and any(getattr(cls, "needs_corpus", False) for cls in by_class):
            try:
                from .corpus import open_corpus

                self.corpus = open_corpus(cfg, self.language.lexicons)
            except Exception as e:
                self.setup_failures.append(CheckFailure("corpus", str(e), traceback.format_exc()))
        context = CheckContext(language=self.language, corpus=self.corpus, settings=dict(cfg.settings))
        for cls, rules in sorted(by_class.items(), key=lambda kv: kv[0].__name__):
            try:
                self.checks.append(cls(rules, context))
            except Exception as e:  # a broken check must not take the others down
                self.setup_failures.append(CheckFailure(cls.__name__, str(e), traceback.format_exc()))

    def prepare(self) -> None:
        """Do once, before forking workers, the set-up each lint would do on
        first use (the corpus index is brought up to date here)."""
        for check in self.checks:
            try:
                check.cache_key()
            except Exception:
                pass  # the lint itself reports the failure

    def after_fork(self) -> None:
        """In a forked worker: resources that must not cross a fork (the
        corpus's database connection) are opened again."""
        hook = getattr(self.corpus, "after_fork", None)
        if hook is not None:
            hook()

    def model(self, doc: Document) -> TextModel:
        return TextModel(doc, self.language)

    def lint(self, doc: Document, wait: bool = True) -> LintResult:
        """Every check on ``doc``.  Parses of the syntactic layer are
        batched: the checks run with parses deferred (lang/syntax.py), every
        text they asked for is parsed in one pass through the pipeline, and
        what was interrupted runs again, until nothing is missing.

        ``wait=False`` (the language server) returns after the first pass:
        the findings of everything that needed no new parse, and in
        ``pending`` the texts still to parse (``syntax.parse_many``) before
        a lint gives the whole set."""
        model = self.model(doc)
        deferral = syntax.Deferral(load=wait, folder=self._parse_folder)
        found: dict[int, list[Finding]] = {}
        failed: dict[int, CheckFailure] = {}
        todo = list(range(len(self.checks)))
        rounds = 0
        pending: list[str] = []
        while todo:
            again = []
            with syntax.deferred(deferral):
                for i in todo:
                    check = self.checks[i]
                    try:
                        if check.paragraph_local:
                            findings, incomplete = self._cached_paragraphs(check, model)
                        else:
                            findings, incomplete = list(check.check_document(model)), False
                    except syntax.NeedsParse:
                        findings, incomplete = [], True
                    except Exception as e:
                        from .corpus.backend import CorpusUnavailable

                        findings, incomplete = [], False
                        if isinstance(e, CorpusUnavailable):  # a shared corpus server down: one line, no traceback
                            failed[i] = CheckFailure("corpus", str(e), "")
                        else:
                            failed[i] = CheckFailure(type(check).__name__, f"{type(e).__name__}: {e}",
                                                     traceback.format_exc())
                    found[i] = findings
                    if incomplete:
                        again.append(i)
            todo = again
            if not todo:
                break
            rounds += 1
            if not wait:
                pending = list(deferral.wanted)
                break
            if rounds > _MAX_ROUNDS:  # never expected: finish with plain (unbatched) parses
                for i in todo:
                    check = self.checks[i]
                    try:
                        found[i] = (list(self._paragraphs_now(check, model)) if check.paragraph_local
                                    else list(check.check_document(model)))
                    except Exception as e:
                        found[i] = []
                        failed[i] = CheckFailure(type(check).__name__, f"{type(e).__name__}: {e}",
                                                 traceback.format_exc())
                break
            syntax.parse_deferred(deferral)  # unavailable: the next pass falls back to the word lists
        findings = [f for i in range(len(self.checks)) for f in found.get(i, ())]
        notes = [f for f in findings if isinstance(f, Note)]
        if notes:
            findings = [f for f in findings if not isinstance(f, Note)]
        failures = list(self.setup_failures) + [failed[i] for i in sorted(failed)]
        suppress = Suppressions(doc, model.directives)
        kept = [f for f in findings if not suppress.suppressed(f.rule_id, doc.line_of(f.start))]
        kept.sort(key=lambda f: f.sort_key)
        self._last_path = doc.path
        return LintResult(doc, _dedupe(kept), failures, model, pending, notes)

    def hover(self, doc: Document, offset: int, model: TextModel | None = None) -> list[str]:
        """What the checks have to say about a position (Markdown blocks).
        ``model``: the text model of the last lint of ``doc`` (the server
        keeps it), so a hover does not build it again."""
        if model is None or model.doc is not doc:
            model = self.model(doc)
        out = []
        for check in self.checks:
            try:
                text = check.hover(model, offset)
            except Exception:
                continue
            if text:
                out.append(text)
        return out

    def _cached_paragraphs(self, check, model: TextModel) -> tuple[list[Finding], bool]:
        """A paragraph-local check over every paragraph, through the cache;
        (findings, whether a paragraph waits for a parse).  A paragraph
        interrupted by a deferred parse is left out and not cached."""
        extra = check.cache_key()
        out: list[Finding] = []
        incomplete = False
        # A document linted again (an editor's keystrokes) keeps each
        # paragraph's findings placed at its offset too: the paragraphs
        # before an edit do not move, and copying their findings to the same
        # place on every keystroke was a fifth of its analysis.  A run over
        # many drafts (each linted once) keeps only the relative findings.
        again = model.doc.path is not None and model.doc.path == self._last_path
        for par in model.paragraphs:
            try:
                if par.end - par.start > _CACHE_MAX_CHARS:
                    # Huge paragraphs (pasted data, one-line files) would make the
                    # cache's memory unbounded; they are rarely re-linted as-is.
                    out.extend(tuple(check.check_paragraph(par)))
                    continue
                key = (id(check), extra, par.kind, par.text, check.paragraph_key(par))
                hit = self._cache.get(key)
                if hit is None:
                    # [findings relative to the paragraph, (offset, findings placed there) or None]
                    hit = [tuple(f.shifted(-par.start) for f in check.check_paragraph(par)), None]
                    self._cache[key] = hit
                    if len(self._cache) > self._cache_size:
                        self._cache.popitem(last=False)
                else:
                    self._cache.move_to_end(key)
            except syntax.NeedsParse:
                incomplete = True
                continue
            at = hit[1]  # one read: another thread may place the entry meanwhile
            if at is not None and at[0] == par.start:
                out.extend(at[1])
                continue
            placed = tuple(f.shifted(par.start) for f in hit[0])
            if again:
                hit[1] = (par.start, placed)
            out.extend(placed)
        return out, incomplete

    def _paragraphs_now(self, check, model: TextModel):
        for par in model.paragraphs:
            yield from check.check_paragraph(par)


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen = set()
    out = []
    for f in findings:
        key = (f.rule_id, f.start, f.end)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def load_ruleset(config: Config) -> RuleSet:
    paths: list[str | Path] = []
    if config.default_rules:
        paths.extend(default_rule_files())
    packs = available_packs()
    paths.extend(packs[name] for name in config.packs if name in packs)  # names checked with the config
    paths.extend(config.rule_paths)
    from .cachedir import cache_dir

    # Packs validated by an earlier run come from the pack cache in the cache folder.
    return load_rules(paths, config.language_pack, cache=cache_dir(getattr(config, "cache_path", None)))
