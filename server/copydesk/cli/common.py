"""Helpers every ``copydesk`` subcommand shares: exit codes, config options and lookup,
and the set-up and lint loop of the commands that lint many drafts (check, report)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..config import Config, ConfigError, load_config
from ..rules.model import SEVERITIES

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _fail(message: str) -> None:
    click.echo(f"copydesk: {message}", err=True)
    sys.exit(EXIT_ERROR)


def _size(value: str) -> int:
    units = {"k": 1024, "m": 1024**2, "g": 1024**3}
    v = value.strip().lower().rstrip("b")
    mult = units.get(v[-1:], 1)
    if v[-1:] in units:
        v = v[:-1]
    try:
        return int(float(v) * mult)
    except ValueError:
        raise click.BadParameter(f"not a size: {value!r} (e.g. 10M)") from None


def _config_options(fn):
    fn = click.option("--config", "config_path", type=click.Path(dir_okay=False),
                      help="Use this config file instead of searching upward for copydesk.toml.")(fn)
    fn = click.option("--rules", "extra_rules", multiple=True, type=click.Path(),
                      help="Extra rule file or folder (repeatable).")(fn)
    fn = click.option("--no-default-rules", is_flag=True, help="Do not load the bundled rule packs.")(fn)
    fn = click.option("--disable", multiple=True, help="Disable a rule id or check namespace (repeatable).")(fn)
    fn = click.option("--enable", multiple=True, help="Enable a rule that is off by default (repeatable).")(fn)
    fn = click.option("--severity", "severity", multiple=True, callback=_parse_severities, metavar="RULE=LEVEL",
                      help="Override a rule's severity: loaded-term/regime=error, figures=info (repeatable).")(fn)
    return fn


def _parse_severities(_ctx, param, values) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values:
        rule, sep, level = value.partition("=")
        level = level.strip().lower()
        if not sep or not rule.strip() or level not in SEVERITIES:
            raise click.BadParameter(f"{value!r}: expected RULE=LEVEL with LEVEL one of {', '.join(SEVERITIES)}",
                                     param=param)
        out[rule.strip()] = level
    return out


def _overrides(extra_rules, no_default_rules, disable, enable, severity=None) -> dict:
    out: dict = {}
    if severity:
        out["severity"] = dict(severity)
    if extra_rules:
        out["rules"] = [str(Path(r).resolve()) for r in extra_rules]
    if no_default_rules:
        out["default_rules"] = False
    if disable:
        out["disable"] = list(disable)
    if enable:
        out["enable"] = list(enable)
    return out


_FLAGS = {"disable": "--disable", "enable": "--enable", "severity": "--severity", "checks": "checks"}


def _setting_problems(engines) -> list[str]:
    """Unknown rule ids/checks given on the command line, one line each
    ("--disable: unknown rule id 'x'; did you mean y?")."""
    out: list[str] = []
    for engine in engines:
        for p in engine.setting_problems:
            line = f"{_FLAGS.get(p.key, p.key)}: {p.message}"
            if line not in out:
                out.append(line)
    return out


def _engine_problems(engines) -> tuple[list[str], list[str]]:
    """Rule-file and config errors, and unknown rule ids in flags, printed
    on stderr (each once): (errors, flag problems)."""
    engines = list(engines)
    errors = list(dict.fromkeys(str(err) for engine in engines for err in engine.errors))
    flags = _setting_problems(engines)
    for line in errors:
        click.echo(line, err=True)
    for line in flags:
        click.echo(f"copydesk: {line}", err=True)
    return errors, flags


def _fail_on_engine_errors(engines) -> None:
    """Rule-file and config errors, and unknown rule ids in flags: report
    them all and exit 2."""
    errors, flags = _engine_problems(engines)
    if errors or flags:
        sys.exit(EXIT_ERROR)


def _config_failed(e: ConfigError) -> None:
    """A config file's errors on stderr, then exit 2."""
    for err in e.errors:
        click.echo(str(err), err=True)
    sys.exit(EXIT_ERROR)


def _explicit_config(config_path: str | None) -> Config | None:
    if not config_path:
        return None
    try:
        return load_config(Path(config_path))
    except FileNotFoundError:
        _fail(f"{config_path}: no such config file")
    except ConfigError as e:
        _config_failed(e)


def _config_here(config_path: str | None) -> Config:
    """The --config file, else the config found upward from the current folder."""
    cfg = _explicit_config(config_path)
    if cfg is not None:
        return cfg
    from ..config import config_for

    try:
        return config_for(Path.cwd())
    except ConfigError as e:
        _config_failed(e)


def lint_setup(paths, configs, also=()):
    """The set-up ``check`` and ``report`` share: the drafts of ``paths``
    (files, folders, globs: ``runner.discover``), then the config and rule
    files each of them uses, loaded once.  A config or rule-file error, or
    an unknown rule id in a flag, is printed and the run stops (exit 2)
    before anything is linted.  ``also``: more paths whose config counts
    (stdin's file name).  Returns the ``Discovery`` (targets, and the
    errors of paths that gave no draft)."""
    from ..runner import discover

    try:
        found = discover(paths, configs)
        cfgs = dict.fromkeys([*(configs.for_path(p) for p in also), *(configs.for_path(t.path) for t in found.targets)])
    except ConfigError as e:
        _config_failed(e)
    rule_errors, flag_errors = _engine_problems(configs.engine(cfg) for cfg in cfgs)
    if rule_errors or flag_errors:
        n = len(rule_errors) + len(flag_errors)
        where = "rule or config files" if not flag_errors else "files and options" if rule_errors else "options"
        click.echo(f"copydesk: {n} problem(s) in {where}; nothing was linted", err=True)
        sys.exit(EXIT_ERROR)
    return found


def severity_floor(min_severity: str, then=None):
    """The ``finish`` of ``runner.lint_targets`` for a run that reports
    findings at or above ``min_severity``: ``then(report)`` (e.g. keep the
    draft's text), then only what the formats need stays in memory (no
    document, no model).  With --jobs it runs in the worker, so only its
    result crosses processes."""
    from ..rules.model import SEVERITY_RANK

    floor = SEVERITY_RANK[min_severity]

    def finish(fr):
        fr.findings = [f for f in fr.findings if SEVERITY_RANK[f.severity] >= floor]
        if then is not None:
            then(fr)
        return fr.compact()

    return finish


def with_progress(reports, total: int, progress: bool | None, label: str = "Linting"):
    """``reports`` as they come, with a progress bar on stderr when asked
    (``progress`` None: when stderr is a terminal, outside CI, for more than
    20 drafts)."""
    interactive = sys.stderr.isatty() and not os.environ.get("CI")
    if not (progress if progress is not None else (interactive and total > 20)):
        yield from reports
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  transient=True, console=_stderr_console()) as bar:
        task = bar.add_task(label, total=total)
        for fr in reports:
            yield fr
            bar.advance(task)


def echo_problems(report) -> None:
    """On stderr: drafts that could not be read, checks that failed on a
    draft (an unavailable corpus said once, not per draft), and the paths
    that gave no draft."""
    corpus_notes: set[str] = set()
    for fr in report.files:
        if fr.error:
            click.echo(f"copydesk: {fr.path}: {fr.error}", err=True)
        for failure in fr.failures:
            if failure.check == "corpus":
                if failure.error not in corpus_notes:
                    corpus_notes.add(failure.error)
                    click.echo(f"copydesk: {failure.error}", err=True)
                continue
            click.echo(f"copydesk: {fr.path}: check {failure.check} failed: {failure.error}", err=True)
    for line in report.errors:
        click.echo(f"copydesk: {line}", err=True)


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)
