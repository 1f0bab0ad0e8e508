"""``copydesk corpus index|stats|search``: the reference corpus from the
command line (a front-end: the work is in ``copydesk.corpus``)."""
from __future__ import annotations

import contextlib
import json
import sys
import time
from pathlib import Path

import click


def _open(config_path: str | None, sources: tuple[str, ...], cache: str | None, db: str | None = None):
    from .common import EXIT_ERROR, _config_here, _fail
    from ..config import corpus_db_problem
    from ..engine import load_ruleset
    from ..corpus import open_corpus

    cfg = _config_here(config_path)
    overrides = {}
    if sources:
        missing = [s for s in sources if not Path(s).exists() and not any(c in s for c in "*?[")]
        if missing:
            click.echo(f"copydesk: {missing[0]}: no such file or directory", err=True)
            sys.exit(EXIT_ERROR)
        overrides["corpus"] = [str(Path(s).resolve()) if Path(s).exists() else s for s in sources]
    if cache:
        overrides["cache"] = str(Path(cache).resolve())
    if db:
        problem = corpus_db_problem(db)
        if problem:
            _fail(problem.replace("'corpus_db'", "--db"))
        overrides["corpus_db"] = db
    cfg = cfg.merged(**overrides)
    ruleset = load_ruleset(cfg)
    return open_corpus(cfg, ruleset.lexicons)


def _options(fn):
    fn = click.option("--db", metavar="URL",
                      help="Shared PostgreSQL index (postgresql://user@host/db) instead of the configured one.")(fn)
    fn = click.option("--cache", type=click.Path(file_okay=False),
                      help="Index folder (default: config 'cache', $COPYDESK_CACHE_DIR, ~/.cache/copydesk).")(fn)
    fn = click.option("--corpus", "sources", multiple=True,
                      help="Corpus folder, file or glob instead of the configured one (repeatable).")(fn)
    fn = click.option("--config", "config_path", type=click.Path(dir_okay=False),
                      help="Use this config file instead of searching upward for copydesk.toml.")(fn)
    return fn


@click.group()
def corpus() -> None:
    """Index and search the reference corpus (the articles figures are checked against)."""


@corpus.command("index")
@_options
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--wait", type=click.FloatRange(min=0), default=0, show_default=True, metavar="SECONDS",
              help="PostgreSQL: wait this long for another indexer to finish (0: exit at once).")
def index_cmd(config_path, sources, cache, db, as_json, wait):
    """Bring the index up to date: new, changed and deleted files (for a
    shared PostgreSQL index, this is the ingest job)."""
    c = _open(config_path, sources, cache, db)
    t0 = time.perf_counter()
    show = sys.stderr.isatty() and not as_json

    def progress(done, total):
        if show:
            click.echo(f"\rindexed {done}/{total} files", err=True, nl=False)

    with _unavailable():
        counts = c.refresh(progress=progress, wait=wait) if _shared(c) else c.refresh(progress=progress)
        if show:
            click.echo("", err=True)
        elapsed = time.perf_counter() - t0
        stats = c.stats()
    for w in c.warnings if _shared(c) else ():
        click.echo(f"copydesk: {w}", err=True)
    if as_json:
        click.echo(json.dumps({**counts, "seconds": round(elapsed, 3), "files": stats["files"],
                               "figures": stats["figures"], "index": stats["index"]}, indent=2))
    else:
        click.echo(f"{counts['added']} added, {counts['changed']} changed, {counts['removed']} removed, "
                   f"{counts['unchanged']} unchanged in {elapsed:.2f}s; "
                   f"{stats['files']} files, {stats['sentences']} sentences, {stats['figures']} figures")
        click.echo(f"index: {stats['index']}")


@corpus.command("stats")
@_options
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def stats_cmd(config_path, sources, cache, db, as_json):
    """Size of the corpus and its index."""
    c = _open(config_path, sources, cache, db)
    with _unavailable():
        s = c.stats()
    if as_json:
        click.echo(json.dumps(s, indent=2, ensure_ascii=False))
        return
    click.echo(f"sources:   {', '.join(s['sources'])}")
    click.echo(f"index:     {s['index']}" + (f" ({s['bytes'] / 1048576:.1f} MiB)" if s.get("bytes") else ""))
    click.echo(f"files:     {s['files']}")
    click.echo(f"sentences: {s['sentences']}")
    click.echo(f"figures:   {s['figures']}")
    click.echo(f"search:    {s['full_text_search']}")
    if s["groups"]:
        click.echo("by noun:   " + ", ".join(f"{g} {n}" for g, n in s["groups"].items()))


@corpus.command("search")
@click.argument("query")
@_options
@click.option("-n", "--limit", default=10, show_default=True, help="Most sentences shown.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def search_cmd(query, config_path, sources, cache, db, limit, as_json):
    """Corpus sentences containing every word of QUERY, best first, as file:line:col."""
    c = _open(config_path, sources, cache, db)
    with _unavailable():
        hits = c.search(query, limit=limit)
    if as_json:
        click.echo(json.dumps([{"path": h.path, "line": h.line, "column": h.column, "text": h.text,
                                "score": round(h.score, 4), **({"meta": h.meta} if h.meta else {})}
                               for h in hits], indent=2, ensure_ascii=False))
    else:
        for h in hits:
            click.echo(f"{_display(h.path)}:{h.line}:{h.column}: {h.text}")
        if not hits:
            click.echo(f"no corpus sentence contains every word of {query!r}", err=True)
    sys.exit(0 if hits else 1)


def _shared(c) -> bool:
    from ..corpus.postgres import PostgresCorpusIndex

    return isinstance(c, PostgresCorpusIndex)


@contextlib.contextmanager
def _unavailable():
    """A corpus that cannot be used: one line on stderr, exit 2."""
    from .common import _fail
    from ..corpus import CorpusUnavailable

    try:
        yield
    except CorpusUnavailable as e:
        _fail(str(e))


def _display(path: str) -> str:
    try:
        return Path(path).relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path
