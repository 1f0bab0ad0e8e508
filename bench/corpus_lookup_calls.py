"""Figure look-ups of one checkout against an existing corpus index, with each
backend call timed inside: how a look-up's time splits between candidate
retrieval, the event test and the full records.

    python bench/corpus_lookup_calls.py CHECKOUT URL CORPUS [N]
    # e.g. old and new side by side on one index, interleaved:
    for i in 1 2 3; do for c in ../main .; do
        python bench/corpus_lookup_calls.py $c postgresql://u:pw@127.0.0.1:5432/db /path/to/articles 300
    done; done
    python bench/corpus_lookup_calls.py . "" /path/to/articles 300   # SQLite (empty URL; cache: $CACHE)

CHECKOUT is the copydesk checkout whose ``server/`` is imported (so two
versions can be compared on the same index); the draft figures are those of
bench_corpus_pg.draft_figures (seed 11), from CHECKOUT's bench folder.
Prints the median and p95 wall time per look-up, total wall and CPU time,
the load average, and per backend call: count, median, sum.
"""
from __future__ import annotations

import os
import statistics
import sys
import time


def main() -> None:
    root, url, corpus = sys.argv[1:4]
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 300
    sys.path[:0] = [os.path.join(root, "server"), os.path.join(root, "bench"), os.path.join(root, "tests")]
    import bench_corpus_pg
    from copydesk.config import Config
    from copydesk.engine import Engine

    engine = Engine(Config(corpus=(corpus,), corpus_db=url or None, cache=os.environ.get("CACHE")))
    check, rule, figs = bench_corpus_pg.draft_figures(engine, n, 11)
    corpus_index = engine.corpus
    calls: dict[str, list[float]] = {}
    for name in ("figures_in_context", "figure_events", "figures", "ensure"):
        original = getattr(corpus_index, name)

        def timed(*a, _original=original, _name=name, **k):
            t = time.perf_counter()
            try:
                return _original(*a, **k)
            finally:
                calls.setdefault(_name, []).append(time.perf_counter() - t)

        setattr(corpus_index, name, timed)
    fig, terms, scope, draft = figs[0]
    check.assess(fig, terms, rule, scope, draft)  # connected and warm before the clock starts
    calls.clear()
    cpu = time.process_time()
    times = []
    for fig, terms, scope, draft in figs:
        t = time.perf_counter()
        check.assess(fig, terms, rule, scope, draft)
        times.append(time.perf_counter() - t)
    cpu = time.process_time() - cpu
    times.sort()
    print(f"lookups {len(times)} median {statistics.median(times) * 1000:.2f} ms "
          f"p95 {times[int(len(times) * .95) - 1] * 1000:.2f} ms total {sum(times):.2f}s cpu {cpu:.2f}s "
          f"load {os.getloadavg()[0]:.1f}")
    for name, spent in calls.items():
        print(f"  {name}: {len(spent)} calls, median {statistics.median(spent) * 1000:.2f} ms, sum {sum(spent):.2f}s")


if __name__ == "__main__":
    main()
