"""``copydesk check``: lint drafts and report in any format."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..formats import formats
from ..report import FileReport, Report
from ..rules.model import SEVERITIES
from .outputs import write_option, write_reports
from ..runner import (DEFAULT_MAX_BYTES, ConfigCache, InputError, decode_draft, default_jobs, fix_target, lint_targets,
                      lint_text)
from .common import (EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, _config_options, _explicit_config, _fail, _overrides, _size,
                     echo_problems, lint_setup, severity_floor, with_progress)


@click.command()
@click.argument("paths", nargs=-1)
@click.option("-f", "--format", "fmt", default="text", show_default=True,
              type=click.Choice(sorted(formats())), help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write the report to this file instead of stdout.")
@click.option("--min-severity", type=click.Choice(SEVERITIES), default="hint", show_default=True,
              help="Report findings at or above this severity.")
@click.option("--fail-on", type=click.Choice(SEVERITIES + ("never",)), default="warning", show_default=True,
              help="Exit 1 when a finding at or above this severity is reported.")
@click.option("--stdin-filename", help="Name (and so the format) of the draft read from stdin ('-').")
@click.option("--color/--no-color", default=None, help="Colour the text output (default: when a terminal).")
@click.option("--max-file-size", default=str(DEFAULT_MAX_BYTES // 1048576) + "M", show_default=True,
              help="Skip drafts larger than this, with a message.")
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr (default: when interactive).")
@click.option("--fix", is_flag=True, help="Apply the safe fixes to the files, then report what is left.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Lint drafts in this many processes (default: one per core; 1: in this process only).")
@write_option
@_config_options
def check(paths, fmt, output, min_severity, fail_on, stdin_filename, color, max_file_size, progress, fix, jobs,
          writes, config_path, extra_rules, no_default_rules, disable, enable, severity):
    """Lint drafts: files, folders, globs, or - for stdin.

    Folders are searched for drafts (*.md, *.markdown, *.txt, *.html, *.htm, or the include
    and exclude globs of copydesk.toml); files named here are always linted.

    Exit status: 0 no findings at or above --fail-on, 1 findings, 2 usage,
    configuration or rule-file errors, or a draft that could not be read.

    --fix rewrites the files with every safe fix (a loaded term with one
    neutral replacement …); fixes that need review or only show what to do
    are left, and the findings that remain are reported as usual.

    --write FORMAT=FILE writes more reports from the same run (the GitHub
    Action: annotations on stdout, SARIF, JUnit and a Markdown summary).
    """
    if not paths:
        _fail("no paths given (try: copydesk check drafts/ or copydesk check - < draft.md)")
    if paths.count("-") > 1:
        _fail("'-' (stdin) given more than once")
    if fix and "-" in paths:
        _fail("--fix rewrites files; it cannot fix stdin ('-')")
    if stdin_filename and "-" not in paths:
        click.echo("copydesk: --stdin-filename is used only with '-' (stdin) among the paths", err=True)
    max_bytes = _size(max_file_size)
    configs = ConfigCache(_explicit_config(config_path), _overrides(extra_rules, no_default_rules, disable, enable, severity))
    report = Report()
    stdin_name = stdin_filename or "stdin.md"
    found = lint_setup([p for p in paths if p != "-"], configs,
                       also=[Path(stdin_name).absolute()] if "-" in paths else [])
    targets = found.targets
    report.errors.extend(found.errors)
    finish = severity_floor(min_severity)

    def keep(fr):
        report.files.append(finish(fr))

    if "-" in paths:
        try:
            text = decode_draft(sys.stdin.buffer.read())
            keep(lint_text(configs.engine(configs.for_path(Path(stdin_name).absolute())), text, stdin_name))
        except InputError as e:
            keep(FileReport(stdin_name, None, error=str(e)))

    fixed = {"fixes": 0, "files": 0}

    def fix_one(t):
        fr, n = fix_target(t, configs, max_bytes)
        if n:
            fixed["fixes"] += n
            fixed["files"] += 1
        return finish(fr)

    if fix:
        # Fixes rewrite drafts and count what they applied: one process.
        reports = (fix_one(t) for t in targets)
    else:
        reports = lint_targets(targets, configs, max_bytes, jobs=jobs or default_jobs(), finish=finish)
    report.files.extend(with_progress(reports, len(targets), progress))
    del targets, found, reports

    for engine in configs.engines:
        report.rules.update(engine.active_rules)
    echo_problems(report)
    if fix:
        click.echo(f"copydesk: applied {fixed['fixes']} safe fix(es) in {fixed['files']} file(s); "
                   f"{report.count(min_severity)} finding(s) remain", err=True)

    for line in write_reports(report, writes):
        _fail(line)
    renderer = formats()[fmt]
    if output:
        try:
            with open(output, "w", encoding="utf-8", newline="\n") as out:
                renderer.render(report, out, color=False, options={"summary": False})
        except OSError as e:
            _fail(f"{output}: cannot write the report: {e.strerror or e}")
    else:
        tty = sys.stdout.isatty()
        use_color = color if color is not None else (tty and not os.environ.get("NO_COLOR"))
        out = sys.stdout
        if "utf" not in (out.encoding or "").lower() and hasattr(out, "reconfigure"):
            # A non-UTF-8 locale must not crash on curly quotes: machine
            # formats are always UTF-8, human ones degrade to "?".
            machine = fmt in ("json", "sarif", "junit")
            out.reconfigure(encoding="utf-8" if machine else out.encoding, errors="replace")
        renderer.render(report, out, color=use_color, options={"summary": tty})
        out.flush()

    failed_checks = any(fr.failures for fr in report.files)
    if report.errors or report.input_errors or failed_checks:
        sys.exit(EXIT_ERROR)
    if fail_on != "never" and report.count(fail_on):
        sys.exit(EXIT_FINDINGS)
    sys.exit(EXIT_OK)
