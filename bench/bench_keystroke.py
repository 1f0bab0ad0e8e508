#!/usr/bin/env python3
"""A keystroke's analysis in-process: ``Engine.lint`` on the 5,091-word draft
of ``bench_lsp.py`` after each one-character edit (random places, seeded),
as CPU time beside wall time, with the sentences spaCy parsed per edit.  No
language server around it, so the figures say what the engine costs, even on
a loaded machine (CPU time); ``bench_lsp.py`` times the whole round trip.
The Markdown is parsed whole here (the server re-parses only the touched
blocks), so this is an upper bound of the server's analysis.

    python bench/bench_keystroke.py [--edits 80] [--tree PATH ...] [--final-set]

``--final-set`` does what the language server does with fastFirst: the
Markdown re-parsed incrementally (``keep_incremental_state``), the server's
GC thresholds, a first pass that parses nothing (``lint(wait=False)``), then
the sentences it asked for parsed (``syntax.parse_many``) and a second pass:
CPU of the first pass and of the whole final set (first + parse + second),
the parse and the second pass apart, over the edits that needed a parse.

Each ``--tree`` (a checkout, e.g. ``git worktree add /tmp/base main``) runs in
its own process with its ``server/`` on the path, one after the other, on
the same edits: ratios within one run are what to compare.  The parse cache
on disk is off (``COPYDESK_PARSE_CACHE=off``): every edit is new text.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def measure_final_set(edits: int) -> dict:
    import gc
    import random
    import statistics
    import time

    sys.path.insert(0, str(ROOT / "bench"))
    from bench_lsp import build_draft
    from copydesk.lang import syntax
    from copydesk.runner import ConfigCache
    from copydesk.text.document import Document
    from copydesk.text.prose import keep_incremental_state

    keep_incremental_state(16)
    gc.set_threshold(20000, 20, 50)  # as ``copydesk serve``
    draft = build_draft(5000)
    configs = ConfigCache()
    path = ROOT / "bench" / "draft.md"
    engine = configs.engine(configs.for_path(path))
    engine.lint(Document(draft, path=str(path), language="markdown"))  # warm: model loaded, caches filled
    rng = random.Random(1)
    lines = draft.split("\n")
    prose = [i for i, line in enumerate(lines) if len(line) > 20 and not line.startswith("#")]
    first, final, parse, second = [], [], [], []
    for _ in range(edits):
        n = rng.choice(prose)
        col = rng.randrange(len(lines[n]))
        lines[n] = lines[n][:col] + rng.choice("abcdefghijklmnopqrstuvwxyz ,") + lines[n][col:]
        doc = Document("\n".join(lines), path=str(path), language="markdown")
        c = time.process_time()
        result = engine.lint(doc, wait=False)
        a = time.process_time() - c
        first.append(a)
        if result.pending:
            c = time.process_time()
            syntax.parse_many(result.pending)
            p = time.process_time() - c
            c = time.process_time()
            engine.lint(Document(doc.text, path=str(path), language="markdown"), wait=False)
            b = time.process_time() - c
            parse.append(p)
            second.append(b)
            final.append(a + p + b)

    def p95(v):
        return sorted(v)[min(len(v) - 1, int(round(0.95 * len(v))) - 1)]

    return {"first_median": statistics.median(first), "first_p95": p95(first),
            "final_median": statistics.median(final), "final_p95": p95(final),
            "parse_median": statistics.median(parse), "second_median": statistics.median(second),
            "second_p95": p95(second), "parsed_edits": len(final)}


def measure(edits: int) -> dict:
    import random
    import statistics
    import time

    sys.path.insert(0, str(ROOT / "bench"))
    from bench_lsp import build_draft
    from copydesk.lang import syntax
    from copydesk.runner import ConfigCache
    from copydesk.text.document import Document

    draft = build_draft(5000)
    configs = ConfigCache()
    path = ROOT / "bench" / "draft.md"
    engine = configs.engine(configs.for_path(path))
    engine.lint(Document(draft, path=str(path), language="markdown"))  # warm: model loaded, caches filled
    parsed = [0]
    nlp = syntax._nlp

    class Counting:  # counts the texts the pipeline parses
        def pipe(self, texts, **kw):
            texts = list(texts)
            parsed[0] += len(texts)
            return nlp.pipe(texts, **kw)

    if nlp is not None:
        syntax._nlp = Counting()
    rng = random.Random(1)
    lines = draft.split("\n")
    prose = [i for i, line in enumerate(lines) if len(line) > 20 and not line.startswith("#")]
    wall, cpu = [], []
    for _ in range(edits):
        n = rng.choice(prose)
        col = rng.randrange(len(lines[n]))
        lines[n] = lines[n][:col] + rng.choice("abcdefghijklmnopqrstuvwxyz ,") + lines[n][col:]
        doc = Document("\n".join(lines), path=str(path), language="markdown")
        t, c = time.perf_counter(), time.process_time()
        engine.lint(doc)
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)

    def p95(v):
        return sorted(v)[min(len(v) - 1, int(round(0.95 * len(v))) - 1)]

    return {"cpu_median": statistics.median(cpu), "cpu_p95": p95(cpu), "wall_median": statistics.median(wall),
            "wall_p95": p95(wall), "parsed_per_edit": parsed[0] / edits}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--edits", type=int, default=80)
    ap.add_argument("--tree", action="append", default=[], help="a checkout to measure (default: this one)")
    ap.add_argument("--final-set", action="store_true", help="as the server with fastFirst (see above)")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(measure_final_set(args.edits) if args.final_set else measure(args.edits)))
        return 0
    trees = [Path(t).resolve() for t in args.tree] or [ROOT]
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.final_set:
        return final_set_table(trees, args.edits)
    print("| tree | CPU median | CPU p95 | wall median | wall p95 | sentences parsed per edit |")
    print("|---|---:|---:|---:|---:|---:|")
    for tree in trees:
        env = {**os.environ, "PYTHONPATH": str(tree / "server"), "COPYDESK_PARSE_CACHE": "off"}
        out = subprocess.run([sys.executable, __file__, "--child", "--edits", str(args.edits)], env=env,
                             capture_output=True, text=True, check=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        ms = lambda s: f"{s * 1000:.1f} ms"  # noqa: E731
        print(f"| {tree} | {ms(r['cpu_median'])} | {ms(r['cpu_p95'])} | {ms(r['wall_median'])} | "
              f"{ms(r['wall_p95'])} | {r['parsed_per_edit']:.2f} |", flush=True)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


def final_set_table(trees: list[Path], edits: int) -> int:
    print("| tree | first pass median | p95 | final set median | p95 | parse median | second pass median | p95 "
          "| edits with a parse |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for tree in trees:
        env = {**os.environ, "PYTHONPATH": str(tree / "server"), "COPYDESK_PARSE_CACHE": "off"}
        out = subprocess.run([sys.executable, __file__, "--child", "--final-set", "--edits", str(edits)], env=env,
                             capture_output=True, text=True, check=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        ms = lambda s: f"{s * 1000:.1f} ms"  # noqa: E731
        print(f"| {tree} | {ms(r['first_median'])} | {ms(r['first_p95'])} | {ms(r['final_median'])} | "
              f"{ms(r['final_p95'])} | {ms(r['parse_median'])} | {ms(r['second_median'])} | "
              f"{ms(r['second_p95'])} | {r['parsed_edits']} |", flush=True)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
