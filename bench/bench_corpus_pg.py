"""Shared-corpus benchmark: index N synthetic articles into PostgreSQL, then
time figure look-ups from 8 concurrent readers.

    python bench/bench_corpus_pg.py --compare-sqlite     # 100,000 articles, a throwaway cluster, SQLite beside
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
median and p95 per look-up, with the readers' CPU time beside the wall time.

Every phase's figures are written to RESULT.json in the work folder as soon
as they are known (and printed on stderr), so a run stopped late keeps what
it measured.  Before starting, the free disk space of the work folder is
checked against what N articles need (about 4 KB of articles, 28 KB of
PostgreSQL and, with --compare-sqlite, 12 KB of SQLite per article).
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
            out.extend((f, t, scope, d) for f, t, scope, d in check._figures(
                model.mask, par.start, par.end, par.sentences, draft)
                if check._checks_group(rule, f.group))
    return check, rule, out[:n]


def reader(url, articles, n, seed, cache=None, barrier=None, out=None):
    """Time ``n`` look-ups; (wall times, CPU seconds of this process)."""
    engine = Engine(Config(corpus=(articles,), corpus_db=url, cache=cache))
    check, rule, figs = draft_figures(engine, n, seed)
    fig, terms, scope, draft = figs[0]
    check.assess(fig, terms, rule, scope, draft)  # connect before the clock starts
    if barrier is not None:
        barrier.wait()  # every reader connected and warmed up: all start at once
    times = []
    cpu = time.process_time()
    for fig, terms, scope, draft in figs:
        t = time.perf_counter()
        check.assess(fig, terms, rule, scope, draft)
        times.append(time.perf_counter() - t)
    cpu = time.process_time() - cpu
    engine.corpus.close()
    if out is not None:
        out.put((times, cpu))
    return times, cpu


def concurrent(ctx, readers: int, url, articles: str, n: int, cache) -> tuple[list[float], float]:
    """``readers`` processes, released together by a barrier."""
    barrier, out = ctx.Barrier(readers), ctx.Queue()
    procs = [ctx.Process(target=reader, args=(url, articles, n, 11 + i, cache, barrier, out)) for i in range(readers)]
    for p in procs:
        p.start()
    runs = [out.get() for _ in procs]
    for p in procs:
        p.join()
    return [t for r, _ in runs for t in r], sum(c for _, c in runs)


def summary(times: list[float], cpu: float | None = None) -> dict:
    times = sorted(times)
    out = {"lookups": len(times), "median_ms": round(statistics.median(times) * 1000, 3),
           "p95_ms": round(times[int(len(times) * 0.95) - 1] * 1000, 3)}
    if cpu is not None:
        out["cpu_ms_per_lookup"] = round(cpu / len(times) * 1000, 3)
    return out


# Disk per article, measured at 10,000 articles (bench/README.md), with room to spare.
ARTICLE_BYTES, PG_BYTES, SQLITE_BYTES = 4_500, 30_000, 13_000


def check_disk(work: Path, n: int, sqlite: bool, external_server: bool) -> None:
    need = n * (ARTICLE_BYTES + (0 if external_server else PG_BYTES) + (SQLITE_BYTES if sqlite else 0))
    free = shutil.disk_usage(work).free
    if free < need:
        sys.exit(f"bench_corpus_pg: {n:,} articles need about {need / 2**30:.1f} GiB in {work}, "
                 f"only {free / 2**30:.1f} GiB free (--dir elsewhere, or fewer articles)")


class Progress:
    """The indexer's progress on stderr, at most every 30 s."""

    def __init__(self, label: str) -> None:
        self.label, self.t0, self.last, self.done = label, time.perf_counter(), 0.0, -1

    def __call__(self, done: int, total: int) -> None:
        now = time.perf_counter() - self.t0
        if (now - self.last >= 30 or done == total) and done != self.done:
            self.last, self.done = now, done
            print(f"  {self.label}: {done:,}/{total:,} files, {now:.0f} s", file=sys.stderr, flush=True)


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
    check_disk(work, args.articles, args.compare_sqlite, bool(args.url))
    result: dict = {"articles": args.articles, "cores": os.cpu_count()}
    record = work / "RESULT.json"

    def save(**items) -> None:
        result.update(items)
        record.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(json.dumps(items), file=sys.stderr, flush=True)

    cluster = None
    try:
        if sum(1 for _ in articles.rglob("a*.*")) != args.articles:
            shutil.rmtree(articles)
            articles.mkdir()
            save(generate_s=round(bench_corpus.generate(articles, args.articles), 2))
        url = args.url
        if url is None:
            import pg_cluster

            cluster = pg_cluster.Cluster()
            url = cluster.create_db("bench", "bench_ingest", "bench-pw")
            os.environ["PGPASSWORD"] = "bench-pw"
            save(server="throwaway cluster (fsync off)")
        engine = Engine(Config(corpus=(str(articles),), corpus_db=url))
        corpus = engine.corpus
        load0 = round(os.getloadavg()[0], 2)
        cpu0 = bench_corpus._cpu()
        t0 = time.perf_counter()
        indexed = corpus.refresh(progress=Progress("postgresql"))
        save(load_avg_before=load0, indexed=indexed, index_s=round(time.perf_counter() - t0, 2),
             index_cpu_s=round(bench_corpus._cpu() - cpu0, 1), load_avg_after=round(os.getloadavg()[0], 2))
        stats = corpus.stats()
        import psycopg

        with psycopg.connect(url) as con:
            db_bytes = con.execute("SELECT pg_database_size(current_database())").fetchone()[0]
        own, kids = bench_corpus.rss_mib()
        save(**{k: stats[k] for k in ("files", "sentences", "figures")}, schema_mib=round(stats["bytes"] / 2**20, 1),
             database_mib=round(db_bytes / 2**20, 1),
             peak_rss_index_mib={"main": round(own), "workers": round(kids)})
        corpus.close()

        # Look-ups: 1 reader, then --readers at once (each its own process).
        ctx = multiprocessing.get_context("spawn")
        backends = [("postgresql", url, None)]
        if args.compare_sqlite:
            cache = str(work / "cache")
            lite = Engine(Config(corpus=(str(articles),), cache=cache)).corpus
            cpu0 = bench_corpus._cpu()
            t0 = time.perf_counter()
            lite.refresh(progress=Progress("sqlite"))
            save(sqlite_index_s=round(time.perf_counter() - t0, 2),
                 sqlite_index_cpu_s=round(bench_corpus._cpu() - cpu0, 1),
                 sqlite_mib=round(lite.stats().get("bytes", 0) / 2**20, 1))
            lite.close()
            backends.append(("sqlite", None, cache))
        for name, u, cache in backends:
            try:
                save(**{f"{name}_lookup_1_reader": summary(*reader(u, str(articles), args.lookups, 11, cache))})
                times, cpu = concurrent(ctx, args.readers, u, str(articles), args.lookups, cache)
                save(**{f"{name}_lookup_{args.readers}_readers": summary(times, cpu)})
            except Exception as e:  # the other backend's figures are still worth having
                save(**{f"{name}_lookup_error": f"{type(e).__name__}: {e}"})
        save(load_avg_end=round(os.getloadavg()[0], 2))
        t0 = time.perf_counter()
        corpus = Engine(Config(corpus=(str(articles),), corpus_db=url)).corpus
        corpus.refresh()
        save(reindex_nothing_changed_s=round(time.perf_counter() - t0, 2))
        corpus.close()
    finally:
        if cluster is not None:
            cluster.destroy()
        if not args.dir and not args.keep:
            print(f"results: {json.dumps(result)}", file=sys.stderr)
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"results: {record}", file=sys.stderr)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for k, v in result.items():
            print(f"{k:>26}: {v}")
    return result


if __name__ == "__main__":
    main()
