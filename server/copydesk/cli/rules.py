"""``copydesk rules list|explain|validate|schema``."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import EXIT_ERROR, EXIT_OK, _config_here, _config_options, _fail, _overrides


@click.group()
def rules() -> None:
    """List, explain and validate rules."""


def _engine_for_rules(config_path, extra_rules, no_default_rules, disable, enable, severity=None):
    from ..engine import Engine

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
    from ..resources import default_rules_dir
    from ..rules import load_rules

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

    from ..rules import full_schema

    click.echo(json.dumps(full_schema(), indent=2))


# Packs and trying a pack on past copy live in their own module.
from .rules_test import rules_packs, rules_test  # noqa: E402

rules.add_command(rules_packs)
rules.add_command(rules_test)
