"""``copydesk rules packs`` and ``copydesk rules test PACK_OR_RULE --against FOLDER``.

``rules test`` runs one pack (or one rule) over an archive of past copy and
reports, per rule, how many hits in how many articles with sample sentences,
so an editor sees what a pack would do before enabling it.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from .common import EXIT_ERROR, EXIT_OK, _config_here, _fail

_SENTENCE_END = re.compile(r"(?<=[.!?…])[”’\"')\]]*\s+|\n\s*\n|\n")


def _pack_info(path: Path) -> dict:
    from ..rules import load_rules

    ruleset = load_rules([path])
    import yaml

    try:
        head = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        head = {}
    return {"name": path.stem, "file": str(path), "rules": sorted(ruleset.rules),
            "description": head.get("description", "") if isinstance(head, dict) else "",
            "errors": [str(e) for e in ruleset.errors]}


@click.command("packs")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Use this config file instead of searching upward for copydesk.toml.")
def rules_packs(as_json, config_path):
    """The bundled packs: loaded by default, and optional ones (packs = ["bbc"] in copydesk.toml)."""
    from ..resources import available_packs, default_rule_files

    cfg = _config_here(config_path)
    rows = []
    for path in default_rule_files():
        rows.append({**_pack_info(path), "kind": "default", "enabled": cfg.default_rules})
    for name, path in available_packs().items():
        rows.append({**_pack_info(path), "kind": "optional", "enabled": name in cfg.packs})
    if as_json:
        import json

        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        width = max(len(r["name"]) for r in rows)
        for r in rows:
            state = "on" if r["enabled"] else "off"
            desc = f"  {r['description']}" if r["description"] else ""
            click.echo(f"{r['name']:<{width}}  {r['kind']:<8}  {state:<3}  {len(r['rules']):>3} rules{desc}")
        click.echo('\nEnable an optional pack with packs = ["NAME"] in copydesk.toml; '
                   "try it first with: copydesk rules test NAME --against FOLDER")
    sys.exit(EXIT_OK)


def _sentence(text: str, start: int, end: int, limit: int = 300) -> str:
    """The sentence around a finding (bounded, on one line)."""
    lo = max(0, start - limit)
    left = text[lo:start]
    cut = None
    for m in _SENTENCE_END.finditer(left):
        cut = m.end()
    a = lo + cut if cut is not None else lo
    m = _SENTENCE_END.search(text, end, min(len(text), end + limit))
    b = m.start() if m else min(len(text), end + limit)
    words = text[a:b].split()
    if cut is None and a > 0 and len(words) > 1:
        words = ["…"] + words[1:]  # started mid-word: drop the fragment
    if m is None and b < len(text) and len(words) > 1:
        words = words[:-1] + ["…"]
    return " ".join(words)


def _target_rules(target: str, cfg) -> tuple[list[str], list[Path], str]:
    """(rule ids, extra pack files, what it is) for a pack name, a rule file or a rule id."""
    from ..engine import Engine
    from ..resources import available_packs, current_pack, current_pack_path, default_rule_files
    from ..rules import load_rules

    target = current_pack_path(current_pack(target))  # a renamed bundled pack by its old name
    packs = available_packs()
    defaults = {p.stem: p for p in default_rule_files()}
    if target in packs or target in defaults or (Path(target).suffix in (".yml", ".yaml") and Path(target).is_file()):
        path = packs.get(target) or defaults.get(target) or Path(target)
        ruleset = load_rules([path])
        if ruleset.errors:
            for err in ruleset.errors:
                click.echo(str(err), err=True)
            sys.exit(EXIT_ERROR)
        extra = [] if target in defaults else [path.resolve()]
        kind = "pack" if (target in packs or target in defaults) else "rule file"
        return sorted(ruleset.rules), extra, f"{kind} {target}"
    everything = Engine(cfg.merged(packs=list(packs)))
    if target in everything.ruleset.rules:
        rule = everything.ruleset.rules[target]
        extra = [Path(rule.source).resolve()] if rule.source and Path(rule.source).parent.name == "packs" else []
        return [target], extra, f"rule {target}"
    import difflib

    names = list(packs) + list(defaults) + list(everything.ruleset.rules)
    close = difflib.get_close_matches(target, names, n=3)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    _fail(f"no pack, rule file or rule '{target}'{hint}; see copydesk rules packs and copydesk rules list")
    raise AssertionError  # unreachable


@click.command("test")
@click.argument("target", metavar="PACK_OR_RULE")
@click.option("--against", "folders", multiple=True, required=True, type=click.Path(),
              help="Folder (or file, or glob) of past copy to run it over (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--samples", default=3, show_default=True, help="Sample sentences per rule.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Use this config file instead of searching upward for copydesk.toml.")
def rules_test(target, folders, fmt, samples, config_path):
    """What a pack or rule would flag in past copy: hits, articles, sample sentences per rule."""
    from ..engine import Engine
    from ..runner import ConfigCache, discover, lint_target

    cfg = _config_here(config_path)
    ids, extra, what = _target_rules(target, cfg)
    base = Engine(cfg.merged(rules=[str(p) for p in extra]))
    for err in base.errors:
        click.echo(str(err), err=True)
    if base.errors:
        sys.exit(EXIT_ERROR)
    others = [rid for rid in base.ruleset.rules if rid not in ids]
    run_cfg = cfg.merged(rules=[str(p) for p in extra], disable=others, enable=ids)
    configs = ConfigCache(explicit=run_cfg)
    found = discover(folders, configs)
    for err in found.errors:
        click.echo(f"copydesk: {err}", err=True)
    stats = {rid: {"rule": rid, "hits": 0, "articles": 0, "samples": []} for rid in ids}
    files = unreadable = 0
    for t in found.targets:
        report = lint_target(t, configs)
        if report.error:
            unreadable += 1
            click.echo(f"copydesk: {t.display}: {report.error}", err=True)
            continue
        files += 1
        text = report.document.text
        seen = set()
        for f in report.findings:
            s = stats.get(f.rule_id)
            if s is None:
                continue
            s["hits"] += 1
            if f.rule_id not in seen:
                seen.add(f.rule_id)
                s["articles"] += 1
            if len(s["samples"]) < samples:
                line = text.count("\n", 0, f.start) + 1
                s["samples"].append({"path": t.display, "line": line, "match": text[f.start:f.end],
                                     "sentence": _sentence(text, f.start, f.end)})
    rows = sorted(stats.values(), key=lambda r: (-r["hits"], r["rule"]))
    if fmt == "json":
        import json

        click.echo(json.dumps({"target": target, "what": what, "files": files, "unreadable": unreadable,
                               "rules": rows}, indent=2, ensure_ascii=False))
    else:
        click.echo(f"{what}: {len(ids)} rule(s) over {files} file(s)")
        width = max((len(r["rule"]) for r in rows), default=10)
        for r in rows:
            click.echo(f"\n{r['rule']:<{width}}  {r['hits']:>5} hits in {r['articles']} article(s)")
            for s in r["samples"]:
                click.echo(f"    {s['path']}:{s['line']}: {s['sentence']}")
    sys.exit(EXIT_ERROR if (found.errors and not files) else EXIT_OK)
