"""Shared-corpus benchmark: index N synthetic articles into PostgreSQL, then
time figure look-ups from 8 concurrent readers.

    python bench/bench_corpus_pg.py                      # 100,000 articles, a throwaway cluster
    python bench/bench_corpus_pg.py -n 2000              # quick
    python bench/bench_corpus_pg.py --url postgresql://copydesk@host/db   # an existing server
                                                         # (password: PGPASSWORD / ~/.pgpass)

Articles are those of bench_corpus.py (same generator, same seed).  Without
--url a throwaway cluster is started in the work folder (initdb, 127.0.0.1,
a free port; as root it runs as the ``postgres`` user) and removed at the end.
Reported: index wall and CPU time (this process + parsing workers; the
server's own CPU is not included), database and index-schema size, then
``Figures.assess()`` (one draft figure: candidate retrieval on the server,
scoring, verdict, evidence rows) timed in 1 reader and in --readers
concurrent reader processes (each its own engine and connection pool):
median and p95 per look-up.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

import bench_corpus  # noqa: E402
from copydesk.config import Config  # noqa: E402
from copydesk.engine import Engine  # noqa: E402
from copydesk.text.document import Document  # noqa: E402


def draft_figures(engine, n: int, seed: int):
    check = next(c for c in engine.checks if type(c).__name__ == "Figures")
    rule = check.by_report["mismatch"]
    rng = random.Random(seed)
    pool = bench_corpus.seed_sentences()
    out = []
    while len(out) < n:
        model = engine.model(Document(bench_corpus.vary(rng.choice(pool), rng), path="draft.txt"))
        draft = check.draft_context(model)
        for par in model.paragraphs:
            out.extend((f, t, scope, draft) for f, t, scope in check._figures(
                model.mask, par.start, par.end, par.sentences, draft.lead, draft.first)
                if check._checks_group(rule, f.group))
    return check, rule, out[:n]


def reader(args) -> list[float]:
    url, articles, n, seed, start_at, *rest = args
    cache = rest[0] if rest else None
    engine = Engine(Config(corpus=(articles,), corpus_db=url, cache=cache))
    check, rule, figs = draft_figures(engine, n, seed)
    fig, terms, scope, draft = figs[0]
    check.assess(fig, terms, rule, scope, draft)  # connect before the clock starts
    while time.time() < start_at:
        time.sleep(0.005)
    times = []
    for fig, terms, scope, draft in figs:
        t = time.perf_counter()
        check.assess(fig, terms, rule, scope, draft)
        times.append(time.perf_counter() - t)
    engine.corpus.close()
    return times


def summary(times: list[float]) -> dict:
    times = sorted(times)
    return {"lookups": len(times), "median_ms": round(statistics.median(times) * 1000, 3),
            "p95_ms": round(times[int(len(times) * 0.95) - 1] * 1000, 3)}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", "--articles", type=int, default=100_000)
    ap.add_argument("--lookups", type=int, default=2000, help="Draft figures per reader")
    ap.add_argument("--readers", type=int, default=8)
    ap.add_argument("--url", help="An existing database (default: a throwaway cluster)")
    ap.add_argument("--dir", help="Work folder (default: a temporary one, removed afterwards)")
    ap.add_argument("--keep", action="store_true", help="Keep the work folder (articles)")
    ap.add_argument("--compare-sqlite", action="store_true",
                    help="Also index into SQLite and time the same look-ups there (side by side)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    work = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="copydesk-benchpg-"))
    articles = work / "articles"
    articles.mkdir(parents=True, exist_ok=True)
    result: dict = {"articles": args.articles}
    cluster = None
    try:
        if sum(1 for _ in articles.rglob("a*.*")) != args.articles:
            shutil.rmtree(articles)
            articles.mkdir()
            result["generate_s"] = round(bench_corpus.generate(articles, args.articles), 2)
        url = args.url
        if url is None:
            import pg_cluster

            cluster = pg_cluster.Cluster()
            url = cluster.create_db("bench", "bench_ingest", "bench-pw")
            os.environ["PGPASSWORD"] = "bench-pw"
            result["server"] = "throwaway cluster (fsync off)"
        engine = Engine(Config(corpus=(str(articles),), corpus_db=url))
        corpus = engine.corpus
        result["load_avg_before"] = round(os.getloadavg()[0], 2)
        cpu0 = bench_corpus._cpu()
        t0 = time.perf_counter()
        result["indexed"] = corpus.refresh()
        result["index_s"] = round(time.perf_counter() - t0, 2)
        result["index_cpu_s"] = round(bench_corpus._cpu() - cpu0, 1)
        result["load_avg_after"] = round(os.getloadavg()[0], 2)
        stats = corpus.stats()
        result.update({k: stats[k] for k in ("files", "sentences", "figures")})
        result["schema_mib"] = round(stats["bytes"] / 2**20, 1)
        import psycopg

        with psycopg.connect(url) as con:
            result["database_mib"] = round(con.execute("SELECT pg_database_size(current_database())"
                                                       ).fetchone()[0] / 2**20, 1)
        own, kids = bench_corpus.rss_mib()
        result["peak_rss_index_mib"] = {"main": round(own), "workers": round(kids)}
        corpus.close()
        print(json.dumps(result), file=sys.stderr, flush=True)  # the index figures, whatever follows

        # Look-ups: 1 reader, then --readers at once (each its own process).
        ctx = multiprocessing.get_context("spawn")
        backends = [("postgresql", url, None)]
        if args.compare_sqlite:
            cache = str(work / "cache")
            lite = Engine(Config(corpus=(str(articles),), cache=cache)).corpus
            cpu0 = bench_corpus._cpu()
            t0 = time.perf_counter()
            lite.refresh()
            result["sqlite_index_s"] = round(time.perf_counter() - t0, 2)
            result["sqlite_index_cpu_s"] = round(bench_corpus._cpu() - cpu0, 1)
            result["sqlite_mib"] = round(lite.stats().get("bytes", 0) / 2**20, 1)
            lite.close()
            backends.append(("sqlite", None, cache))
        for name, u, cache in backends:
            one = reader((u, str(articles), args.lookups, 11, 0, cache))
            result[f"{name}_lookup_1_reader"] = summary(one)
            start_at = time.time() + 20  # every reader connected and warmed up by then
            with ctx.Pool(args.readers) as pool:
                runs = pool.map(reader, [(u, str(articles), args.lookups, 11 + i, start_at, cache)
                                         for i in range(args.readers)])
            result[f"{name}_lookup_{args.readers}_readers"] = summary([t for r in runs for t in r])
        result["load_avg_end"] = round(os.getloadavg()[0], 2)
        t0 = time.perf_counter()
        corpus = Engine(Config(corpus=(str(articles),), corpus_db=url)).corpus
        result["reindex_nothing_changed_s"] = (corpus.refresh(), round(time.perf_counter() - t0, 2))[1]
    finally:
        if cluster is not None:
            cluster.destroy()
        if not args.dir and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for k, v in result.items():
            print(f"{k:>26}: {v}")
    return result


if __name__ == "__main__":
    main()
