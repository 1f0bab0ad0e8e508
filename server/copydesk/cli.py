"""The ``copydesk`` command line: a front-end over the engine."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from . import __version__
from .config import Config, ConfigError, load_config
from .formats import formats
from .report import FileReport, Report
from .rules.model import SEVERITIES, SEVERITY_RANK
from .runner import DEFAULT_MAX_BYTES, ConfigCache, InputError, decode_draft, discover, lint_target, lint_text

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


class LazyGroup(click.Group):
    """Subcommands that live in other modules are imported only when used,
    so ``copydesk check`` does not pay for the language server's imports."""

    lazy: dict[str, str] = {
        # name: "module:attribute" (relative to this package)
        "corpus": ".corpus.cli:corpus",
        "serve": ".lsp.cli:serve",
    }

    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(self.lazy))

    def invoke(self, ctx):
        # Never a traceback for the user: an unexpected error is one line on
        # stderr and exit 2 (COPYDESK_DEBUG=1 shows the traceback).
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            # 130 like a shell, not click's 1 (which would read as "findings").
            click.echo("copydesk: interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            raise
        except Exception as e:
            if os.environ.get("COPYDESK_DEBUG"):
                raise
            click.echo(f"copydesk: internal error: {type(e).__name__}: {e} "
                       "(set COPYDESK_DEBUG=1 for the traceback; please report it)", err=True)
            sys.exit(EXIT_ERROR)

    def get_command(self, ctx, name):
        if name in self.lazy and name not in self.commands:
            import importlib

            module, attr = self.lazy[name].split(":")
            self.add_command(getattr(importlib.import_module(module, __package__), attr), name)
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="copydesk")
def main() -> None:
    """Source-bias and attribution checker for news drafts."""


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


def _explicit_config(config_path: str | None) -> Config | None:
    if not config_path:
        return None
    try:
        return load_config(Path(config_path))
    except FileNotFoundError:
        _fail(f"{config_path}: no such config file")
    except ConfigError as e:
        for err in e.errors:
            click.echo(str(err), err=True)
        sys.exit(EXIT_ERROR)


def _config_here(config_path: str | None) -> Config:
    """The --config file, else the config found upward from the current folder."""
    cfg = _explicit_config(config_path)
    if cfg is not None:
        return cfg
    from .config import config_for

    try:
        return config_for(Path.cwd())
    except ConfigError as e:
        for err in e.errors:
            click.echo(str(err), err=True)
        sys.exit(EXIT_ERROR)


@main.command()
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
@_config_options
def check(paths, fmt, output, min_severity, fail_on, stdin_filename, color, max_file_size, progress,
          config_path, extra_rules, no_default_rules, disable, enable, severity):
    """Lint drafts: files, folders, globs, or - for stdin.

    Folders are searched for drafts (*.md, *.markdown, *.txt, or the include
    and exclude globs of copydesk.toml); files named here are always linted.

    Exit status: 0 no findings at or above --fail-on, 1 findings, 2 usage,
    configuration or rule-file errors, or a draft that could not be read.
    """
    if not paths:
        _fail("no paths given (try: copydesk check drafts/ or copydesk check - < draft.md)")
    if paths.count("-") > 1:
        _fail("'-' (stdin) given more than once")
    if stdin_filename and "-" not in paths:
        click.echo("copydesk: --stdin-filename is used only with '-' (stdin) among the paths", err=True)
    max_bytes = _size(max_file_size)
    configs = ConfigCache(_explicit_config(config_path), _overrides(extra_rules, no_default_rules, disable, enable, severity))
    report = Report()
    stdin_name = stdin_filename or "stdin.md"
    try:
        found = discover([p for p in paths if p != "-"], configs)
        targets = found.targets
        report.errors.extend(found.errors)
        # Rule-file and config errors stop the run before any linting.
        cfgs = {}
        if "-" in paths:
            cfgs[configs.for_path(Path(stdin_name).absolute())] = None
        for t in targets:
            cfgs[configs.for_path(t.path)] = None
    except ConfigError as e:
        for err in e.errors:
            click.echo(str(err), err=True)
        sys.exit(EXIT_ERROR)
    rule_errors = []
    for cfg in cfgs:
        for err in configs.engine(cfg).errors:
            if str(err) not in rule_errors:
                rule_errors.append(str(err))
    if rule_errors:
        for line in rule_errors:
            click.echo(line, err=True)
        click.echo(f"copydesk: {len(rule_errors)} problem(s) in rule files; nothing was linted", err=True)
        sys.exit(EXIT_ERROR)

    floor = SEVERITY_RANK[min_severity]

    def keep(fr):
        # Only what the formats need stays in memory: no documents, no models.
        fr.findings = [f for f in fr.findings if SEVERITY_RANK[f.severity] >= floor]
        report.files.append(fr.compact())

    if "-" in paths:
        try:
            text = decode_draft(sys.stdin.buffer.read())
            keep(lint_text(configs.engine(configs.for_path(Path(stdin_name).absolute())), text, stdin_name))
        except InputError as e:
            keep(FileReport(stdin_name, None, error=str(e)))

    interactive = sys.stderr.isatty() and not os.environ.get("CI")
    show_progress = progress if progress is not None else (interactive and len(targets) > 20)
    if show_progress:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        with Progress(TextColumn("Linting"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                      transient=True, console=_stderr_console()) as bar:
            task = bar.add_task("Linting", total=len(targets))
            for t in targets:
                keep(lint_target(t, configs, max_bytes))
                bar.advance(task)
    else:
        for t in targets:
            keep(lint_target(t, configs, max_bytes))
    del targets, found

    for engine in configs.engines:
        report.rules.update(engine.active_rules)
    for fr in report.files:
        if fr.error:
            click.echo(f"copydesk: {fr.path}: {fr.error}", err=True)
        for failure in fr.failures:
            click.echo(f"copydesk: {fr.path}: check {failure.check} failed: {failure.error}", err=True)
    for line in report.errors:
        click.echo(f"copydesk: {line}", err=True)

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


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)


# ---------------------------------------------------------------- rules


@main.group()
def rules() -> None:
    """List, explain and validate rules."""


def _engine_for_rules(config_path, extra_rules, no_default_rules, disable, enable, severity=None):
    from .engine import Engine

    cfg = _config_here(config_path).merged(**_overrides(extra_rules, no_default_rules, disable, enable, severity))
    return Engine(cfg)


@rules.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@_config_options
def rules_list(as_json, config_path, extra_rules, no_default_rules, disable, enable, severity):
    """Every rule with its severity and whether it is enabled."""
    engine = _engine_for_rules(config_path, extra_rules, no_default_rules, disable, enable, severity)
    for err in engine.errors:
        click.echo(str(err), err=True)
    rows = []
    for rule in sorted(engine.ruleset.rules.values(), key=lambda r: r.id):
        active = engine.active_rules.get(rule.id)
        rows.append({
            "id": rule.id, "check": rule.check,
            "severity": active.severity if active else rule.severity,
            "enabled": active is not None, "title": rule.title or "", "source": rule.source,
        })
    if as_json:
        import json

        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        width = max((len(r["id"]) for r in rows), default=10)
        for r in rows:
            state = "" if r["enabled"] else "  (off)"
            click.echo(f"{r['id']:<{width}}  {r['severity']:<7}  {r['title']}{state}")
    sys.exit(EXIT_ERROR if engine.errors else EXIT_OK)


@rules.command("explain")
@click.argument("rule_id")
@_config_options
def rules_explain(rule_id, config_path, extra_rules, no_default_rules, disable, enable, severity):
    """What a rule looks for, why, and what to write instead."""
    engine = _engine_for_rules(config_path, extra_rules, no_default_rules, disable, enable, severity)
    rule = engine.ruleset.get(rule_id)
    if rule is None:
        import difflib

        close = difflib.get_close_matches(rule_id, list(engine.ruleset.rules), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        _fail(f"no rule '{rule_id}'{hint}; see copydesk rules list")
    active = engine.active_rules.get(rule.id)
    click.echo(f"{rule.id}" + (f" — {rule.title}" if rule.title else ""))
    click.echo(f"  check:     {rule.check}")
    click.echo(f"  severity:  {active.severity if active else rule.severity}" + ("" if active else "  (disabled)"))
    click.echo(f"  source:    {rule.source}:{rule.line}")
    if rule.rationale:
        click.echo(f"\n{rule.rationale}")
    if rule.link:
        click.echo(f"\nSee: {rule.link}")
    for key in ("terms", "suggestions", "except", "patterns"):
        values = rule.option(key)
        if values:
            click.echo(f"\n{key}: " + ", ".join(values))
    click.echo(f"\nmessage: {rule.message}")


@rules.command("validate")
@click.argument("files", nargs=-1, type=click.Path())
def rules_validate(files):
    """Check rule files (default: the bundled packs). Prints file:line:col: message."""
    from .resources import default_rules_dir
    from .rules import load_rules

    targets = list(files) or [str(default_rules_dir())]
    missing = [f for f in targets if not Path(f).exists()]
    for f in missing:
        click.echo(f"{f}:1:1: no such file or directory", err=True)
    ruleset = load_rules([f for f in targets if f not in missing])
    for err in ruleset.errors:
        click.echo(str(err))
    if ruleset.errors or missing:
        click.echo(f"{len(ruleset.errors) + len(missing)} problem(s)", err=True)
        sys.exit(EXIT_ERROR)
    click.echo(f"{len(ruleset.rules)} rules in {len(ruleset.sources)} file(s): OK")


@rules.command("schema")
def rules_schema():
    """Print the JSON Schema of rule packs (for editor validation)."""
    import json

    from .rules import full_schema

    click.echo(json.dumps(full_schema(), indent=2))
