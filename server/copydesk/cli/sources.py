"""``copydesk sources``: the source ledger of drafts — who says what."""
from __future__ import annotations

import json
import sys

import click

from ..runner import DEFAULT_MAX_BYTES, ConfigCache, InputError, discover, read_draft
from ..text.document import Document
from .common import EXIT_ERROR, EXIT_OK, _config_options, _explicit_config, _fail, _overrides, _size


@click.command()
@click.argument("paths", nargs=-1)
@click.option("-f", "--format", "fmt", default="text", show_default=True, type=click.Choice(["text", "json"]),
              help="Output format.")
@click.option("--max-file-size", default=str(DEFAULT_MAX_BYTES // 1048576) + "M", show_default=True,
              help="Skip drafts larger than this, with a message.")
@_config_options
def sources(paths, fmt, max_file_size, config_path, extra_rules, no_default_rules, disable, enable, severity):
    """The source ledger of drafts: every attribution (cue, source, content,
    kind, named or anonymous), every source with its count, and every
    stretch in someone else's voice with its speaker (a quotation whose
    speaker is given in an earlier sentence or paragraph is "carried").

    JSON spans are 0-based character (code point) offsets into the file's
    text as read (a UTF-8 byte-order mark dropped).  Exit status: 0, or 2
    when a draft could not be read or the syntactic layer (spaCy and its
    English model) is not installed.
    """
    from .. import ledger
    from ..lang import syntax

    if not paths:
        _fail("no paths given (try: copydesk sources drafts/)")
    max_bytes = _size(max_file_size)
    problem = syntax.status()
    if problem:
        _fail(f"sources needs the syntactic layer: {problem}")
    configs = ConfigCache(_explicit_config(config_path), _overrides(extra_rules, no_default_rules, disable, enable, severity))
    found = discover(paths, configs)
    errors = list(found.errors)
    files = []
    for t in found.targets:
        try:
            engine = configs.engine(configs.for_path(t.path))
            text = read_draft(t.path, max_bytes)
        except (InputError, Exception) as e:  # a config error is one file's problem
            errors.append(f"{t.display}: {e}")
            continue
        model = engine.model(Document(text, path=t.display))
        atts = ledger.draft_ledger(engine, model) or []
        files.append((t.display, text, ledger.voices(engine, model) or [], atts))
    out = sys.stdout
    if "utf" not in (out.encoding or "").lower() and hasattr(out, "reconfigure"):
        out.reconfigure(encoding="utf-8" if fmt == "json" else out.encoding, errors="replace")
    if fmt == "json":
        json.dump({"files": [{"path": path, "attributions": [a.as_json(text) for a in atts],
                              "sources": ledger.sources_of(atts),
                              "voices": [v.as_json(text) for v in voices]}
                             for path, text, voices, atts in files]},
                  out, ensure_ascii=False, indent=1)
        out.write("\n")
    else:
        for path, text, voices, atts in files:
            _text_report(out, path, text, atts, ledger, voices)
    for e in errors:
        click.echo(f"copydesk: {e}", err=True)
    sys.exit(EXIT_ERROR if errors else EXIT_OK)


def _short(s: str, n: int = 70) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[:n - 1] + "…"


def _text_report(out, path: str, text: str, atts, ledger, voices=()) -> None:
    doc = Document(text, path=path)
    out.write(f"{path}: {len(atts)} attribution(s)\n")
    for a in atts:
        pos = doc.position(a.cue[0])
        line, col = pos.line + 1, pos.character + 1
        who = a.speaker or (text[a.source[0]:a.source[1]] if a.source else "no source")
        tag = "named" if a.named else "anonymous"
        cue = text[a.cue[0]:a.cue[1]]
        what = _short(text[a.content[0]:a.content[1]]) if a.content else ""
        out.write(f"  {line}:{col}  {a.kind:12} {who} ({tag}) {cue}: {what}\n")
    for v in voices:
        if v.kind == "carried":  # a quotation whose speaker is given in an earlier sentence or paragraph
            pos = doc.position(v.start)
            out.write(f"  {pos.line + 1}:{pos.character + 1}  {'carried':12} {v.speaker or 'no source'} ({v.status}): "
                      f"{_short(text[v.start:v.end])}\n")
    srcs = ledger.sources_of(atts)
    if srcs:
        out.write("  sources: " + "; ".join(f"{s['speaker']} ({'named' if s['named'] else 'anonymous'}) ×{s['attributions']}"
                                           for s in srcs) + "\n")
