"""``copydesk report``: lint drafts and write one self-contained HTML page.

The linting is ``copydesk check``'s (the same set-up, lint loop, configs,
engines and report model: ``cli/common.py``); the source ledger is
``copydesk sources``'s; the page is ``copydesk.htmlreport``.
"""
from __future__ import annotations

import sys

import click

from ..report import Report
from ..rules.model import SEVERITIES
from ..runner import DEFAULT_MAX_BYTES, ConfigCache, default_jobs, lint_targets
from .common import (EXIT_ERROR, EXIT_OK, _config_options, _explicit_config, _fail, _overrides, _size, echo_problems,
                     lint_setup, severity_floor, with_progress)


@click.command()
@click.argument("paths", nargs=-1)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The HTML file to write.")
@click.option("--title", default="copydesk report", show_default=True, help="The page's title.")
@click.option("--min-severity", type=click.Choice(SEVERITIES), default="hint", show_default=True,
              help="Report findings at or above this severity.")
@click.option("--max-file-size", default=str(DEFAULT_MAX_BYTES // 1048576) + "M", show_default=True,
              help="Skip drafts larger than this, with a message.")
@click.option("--sources/--no-sources", "with_sources", default=True, show_default=True,
              help="Include each draft's source ledger (needs the syntactic layer; parsing every "
                   "paragraph is most of the run's time).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Lint drafts in this many processes (default: one per core; 1: in this process only).")
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr (default: when interactive).")
@_config_options
def report(paths, output, title, min_severity, max_file_size, with_sources, jobs, progress, config_path,
           extra_rules, no_default_rules, disable, enable, severity):
    """Lint drafts and write an HTML report for a standards editor.

    One self-contained page (no network when opened): an overview, charts
    of findings per rule and over time (front-matter dates), a sortable
    table of drafts, and each draft's text with its findings in place and
    its source ledger (who is quoted, named or not). The findings are those
    of `copydesk check --format json` with the same options, the ledger
    that of `copydesk sources --format json`; the output is the same with
    any --jobs.

    Exit status: 0 the page was written, 2 usage, configuration or rule-file
    errors, or a draft that could not be read (the page is still written).
    """
    if not paths:
        _fail("no paths given (try: copydesk report drafts/ -o report.html)")
    if "-" in paths:
        _fail("the report reads drafts from files, not stdin ('-')")
    max_bytes = _size(max_file_size)
    configs = ConfigCache(_explicit_config(config_path),
                          _overrides(extra_rules, no_default_rules, disable, enable, severity))
    found = lint_setup(paths, configs)
    result = Report()
    result.errors.extend(found.errors)
    sources_note = None
    if with_sources:
        from ..lang import syntax

        sources_note = syntax.status()  # loads the parser here, once, before any worker is forked
        if sources_note:
            click.echo(f"copydesk: the page has no source ledger: {sources_note} (or use --no-sources)", err=True)
    finish = page_finish(configs, found.targets, min_severity, with_sources and not sources_note)
    reports = lint_targets(found.targets, configs, max_bytes, jobs=jobs or default_jobs(), finish=finish)
    result.files.extend(with_progress(reports, len(found.targets), progress))
    for engine in configs.engines:
        result.rules.update(engine.active_rules)
    echo_problems(result)

    from ..htmlreport import render

    try:
        with open(output, "w", encoding="utf-8", newline="\n") as out:
            render(result, out, title=title, sources=with_sources and not sources_note)
    except OSError as e:
        _fail(f"{output}: cannot write the report: {e.strerror or e}")
    n, d = sum(len(fr.findings) for fr in result.files), len(result.files)
    click.echo(f"copydesk: wrote {output} ({d} draft{'s' * (d != 1)}, {n} finding{'s' * (n != 1)})", err=True)
    if result.errors or result.input_errors or any(fr.failures for fr in result.files):
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_OK)


def page_finish(configs, targets, min_severity: str, with_sources: bool):
    """The ``finish`` of ``runner.lint_targets`` for the page: check's
    (findings at or above ``min_severity``, then compacted), keeping the
    draft's text and, with ``with_sources``, its source ledger as ``copydesk
    sources --format json`` gives it.  It runs where the draft was linted (a
    worker with --jobs), reading the ledger from the draft's text model."""
    by_display = {t.display: t for t in targets}

    def keep_text(fr):
        doc = fr.document
        fr.draft_text = doc.text if doc is not None else None
        if doc is not None and with_sources:
            from .. import ledger

            engine = configs.engine(configs.for_path(by_display[fr.path].path))
            atts = ledger.draft_ledger(engine, engine.model(doc))
            fr.sources = None if atts is None else ledger.ledger_json(atts, doc.text)
            for a in atts or ():
                fr.span(*a.cue)  # the page shows where each cue is (line:column)

    return severity_floor(min_severity, then=keep_text)
