"""``copydesk report``: lint drafts and write one self-contained HTML page.

The linting is ``copydesk check``'s (same discovery, configs, engines and
report model); the page is ``copydesk.htmlreport``.
"""
from __future__ import annotations

import sys

import click

from ..config import ConfigError
from ..report import Report
from ..rules.model import SEVERITIES, SEVERITY_RANK
from ..runner import DEFAULT_MAX_BYTES, ConfigCache, discover, lint_target
from .common import EXIT_ERROR, EXIT_OK, _config_options, _explicit_config, _fail, _overrides, _size


@click.command()
@click.argument("paths", nargs=-1)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The HTML file to write.")
@click.option("--title", default="copydesk report", show_default=True, help="The page's title.")
@click.option("--min-severity", type=click.Choice(SEVERITIES), default="hint", show_default=True,
              help="Report findings at or above this severity.")
@click.option("--max-file-size", default=str(DEFAULT_MAX_BYTES // 1048576) + "M", show_default=True,
              help="Skip drafts larger than this, with a message.")
@_config_options
def report(paths, output, title, min_severity, max_file_size, config_path, extra_rules, no_default_rules,
           disable, enable, severity):
    """Lint drafts and write an HTML report for a standards editor.

    One self-contained page (no network when opened): an overview, charts
    of findings per rule and over time (front-matter dates), a sortable
    table of drafts, and each draft's text with its findings in place.
    The findings are those of `copydesk check --format json` with the same
    options.

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
    result = Report()
    try:
        found = discover(paths, configs)
        result.errors.extend(found.errors)
        cfgs = dict.fromkeys(configs.for_path(t.path) for t in found.targets)
    except ConfigError as e:
        for err in e.errors:
            click.echo(str(err), err=True)
        sys.exit(EXIT_ERROR)
    rule_errors = list(dict.fromkeys(str(err) for cfg in cfgs for err in configs.engine(cfg).errors))
    if rule_errors:
        for line in rule_errors:
            click.echo(line, err=True)
        click.echo(f"copydesk: {len(rule_errors)} problem(s) in rule files; nothing was linted", err=True)
        sys.exit(EXIT_ERROR)

    floor = SEVERITY_RANK[min_severity]
    texts: dict[str, str | None] = {}
    for target in found.targets:
        fr = lint_target(target, configs, max_bytes)
        texts[fr.path] = fr.document.text if fr.document is not None else None
        fr.findings = [f for f in fr.findings if SEVERITY_RANK[f.severity] >= floor]
        result.files.append(fr.compact())
    for engine in configs.engines:
        result.rules.update(engine.active_rules)

    for fr in result.files:
        if fr.error:
            click.echo(f"copydesk: {fr.path}: {fr.error}", err=True)
        for failure in fr.failures:
            click.echo(f"copydesk: {fr.path}: check {failure.check} failed: {failure.error}", err=True)
    for line in result.errors:
        click.echo(f"copydesk: {line}", err=True)

    from ..htmlreport import render

    try:
        with open(output, "w", encoding="utf-8", newline="\n") as out:
            render(result, out, texts=texts, title=title)
    except OSError as e:
        _fail(f"{output}: cannot write the report: {e.strerror or e}")
    n, d = sum(len(fr.findings) for fr in result.files), len(result.files)
    click.echo(f"copydesk: wrote {output} ({d} draft{'s' * (d != 1)}, {n} finding{'s' * (n != 1)})", err=True)
    if result.errors or result.input_errors or any(fr.failures for fr in result.files):
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_OK)
