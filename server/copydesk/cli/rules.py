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

    from ..lang import bundled_languages, load_language_pack

    targets = list(files) or [str(default_rules_dir())]
    missing = [f for f in targets if not Path(f).exists()]
    for f in missing:
        click.echo(f"{f}:1:1: no such file or directory", err=True)
    # Language packs (a file in a language/ folder) are validated as such.
    languages = [f for f in targets if f not in missing and Path(f).parent.name == "language" and Path(f).is_file()]
    if not files:
        languages = bundled_languages()
    errors = [e for spec in languages for e in load_language_pack(spec)[3]]
    ruleset = load_rules([f for f in targets if f not in missing and f not in languages])
    errors.extend(ruleset.errors)
    for err in errors:
        click.echo(str(err))
    if errors or missing:
        click.echo(f"{len(errors) + len(missing)} problem(s)", err=True)
        sys.exit(EXIT_ERROR)
    click.echo(f"{len(ruleset.rules)} rules in {len(ruleset.sources)} file(s)"
               + (f", {len(languages)} language pack(s)" if languages else "") + ": OK")


@rules.command("schema")
@click.option("--language", "language", is_flag=True, help="The schema of language packs (rules/language/*.yml).")
def rules_schema(language):
    """Print the JSON Schema of rule packs (for editor validation)."""
    import json

    if language:
        from ..lang.pack import language_schema

        click.echo(json.dumps(language_schema(), indent=2, ensure_ascii=False))
        return
    from ..rules import full_schema

    click.echo(json.dumps(full_schema(), indent=2))
