"""``copydesk check``: lint drafts and report in any format."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..formats import format_names, open_stream
from ..report import FileReport, Report
from ..rules.model import SEVERITIES, SEVERITY_RANK
from .outputs import write_option
from ..runner import (DEFAULT_MAX_BYTES, ConfigCache, InputError, decode_draft, default_jobs, fix_target, lint_targets,
                      lint_text)
from .common import (EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, _config_options, _explicit_config, _fail, _overrides, _size,
                     echo_problems, lint_setup, severity_floor, with_progress)


@click.command()
@click.argument("paths", nargs=-1)
@click.option("-f", "--format", "fmt", default="text", show_default=True,
              type=click.Choice(format_names()), help="Output format.")
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

    floor = SEVERITY_RANK[min_severity]
    for engine in configs.engines:
        report.rules.update(engine.active_rules)
    # Every report is written as the drafts come (formats/__init__.py): only
    # a summary of each draft stays for the messages and the exit status.
    streams = _open_streams(fmt, output, color, writes, report)
    counts: dict[str, int] = {}
    finish = severity_floor(min_severity)

    def keep(fr):
        for stream in streams:
            stream.add(fr)
        for f in fr.findings:
            counts[f.severity] = counts.get(f.severity, 0) + 1
        report.files.append(FileReport(fr.path, None, failures=fr.failures, error=fr.error))

    if "-" in paths:
        try:
            text = decode_draft(sys.stdin.buffer.read())
            keep(finish(lint_text(configs.engine(configs.for_path(Path(stdin_name).absolute())), text, stdin_name)))
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
    for fr in with_progress(reports, len(targets), progress):
        keep(fr)
    del targets, found, reports
    echo_problems(report)
    if fix:
        remain = sum(n for sev, n in counts.items() if SEVERITY_RANK[sev] >= floor)
        click.echo(f"copydesk: applied {fixed['fixes']} safe fix(es) in {fixed['files']} file(s); "
                   f"{remain} finding(s) remain", err=True)

    for line in _close_streams(streams):
        _fail(line)

    failed_checks = any(fr.failures for fr in report.files)
    if report.errors or report.input_errors or failed_checks:
        sys.exit(EXIT_ERROR)
    if fail_on != "never" and any(n for sev, n in counts.items() if SEVERITY_RANK[sev] >= SEVERITY_RANK[fail_on]):
        sys.exit(EXIT_FINDINGS)
    sys.exit(EXIT_OK)


def _open_streams(fmt, output, color, writes, report) -> list:
    """The report's writers: the main format (stdout or ``-o``), then each
    ``--write FORMAT=FILE``; a file that cannot be opened stops the run
    before any linting."""
    streams = []

    def opened(name, path):
        try:
            out = open(path, "w", encoding="utf-8", newline="\n")
        except OSError as e:
            for s in streams:
                s.close_file()
            what = "the report" if name is None else f"the {name} report"
            _fail(f"{path}: cannot write {what}: {e.strerror or e}")
        return out

    if output:
        out = opened(None, output)
        streams.append(_Output(open_stream(fmt, out, color=False, options={"summary": False},
                                           rules=report.rules, errors=report.errors), out, output, None))
    else:
        tty = sys.stdout.isatty()
        use_color = color if color is not None else (tty and not os.environ.get("NO_COLOR"))
        out = sys.stdout
        if "utf" not in (out.encoding or "").lower() and hasattr(out, "reconfigure"):
            # A non-UTF-8 locale must not crash on curly quotes: machine
            # formats are always UTF-8, human ones degrade to "?".
            machine = fmt in ("json", "sarif", "junit")
            out.reconfigure(encoding="utf-8" if machine else out.encoding, errors="replace")
        out = _Stdout()
        streams.append(_Output(open_stream(fmt, out, color=use_color, options={"summary": tty},
                                           rules=report.rules, errors=report.errors), out, None, None))
    for name, path in writes:
        out = opened(name, path)
        streams.append(_Output(open_stream(name, out, color=False, options={"summary": False},
                                           rules=report.rules, errors=report.errors), out, path, name))
    return streams


class _Stdout:
    """stdout as it is at each write: the progress bar (rich) shows lines
    written while it runs above itself."""

    def write(self, text: str) -> int:
        return sys.stdout.write(text)

    def flush(self) -> None:
        sys.stdout.flush()


class _Output:
    def __init__(self, stream, out, path, name):
        self.stream, self.out, self.path, self.name = stream, out, path, name

    def add(self, fr) -> None:
        self.stream.add(fr)

    def close_file(self) -> None:
        if self.path is not None:
            self.out.close()

    def close(self) -> str | None:
        """Finish the report; a problem as a message."""
        what = "the report" if self.name is None else f"the {self.name} report"
        try:
            self.stream.close()
            if self.path is None:
                self.out.flush()
            else:
                self.out.close()
        except OSError as e:
            return f"{self.path or 'stdout'}: cannot write {what}: {e.strerror or e}"
        return None


def _close_streams(streams) -> list[str]:
    problems = []
    # The extra reports first, then the main one (as before: stdout last).
    for s in streams[1:] + streams[:1]:
        problem = s.close()
        if problem:
            problems.append(problem)
    return problems
