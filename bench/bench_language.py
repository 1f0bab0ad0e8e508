#!/usr/bin/env python3
"""Side by side: the loaded-terms check of this checkout and of another one
(e.g. main before the language layer), CPU time beside wall time, runs
alternating so both see the same machine load.

    python bench/bench_language.py DRAFTS_DIR --baseline /path/to/other/checkout [--repeat 3]

Each run is a real `copydesk check --format json DRAFTS_DIR` with every check
but loaded terms disabled; CPU time is the child's user+system time.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(server: Path, drafts: str, cache: str) -> tuple[float, float]:
    env = {**os.environ, "PYTHONPATH": str(server), "COPYDESK_CACHE_DIR": cache}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "copydesk", "check", "--disable", "attribution", "--disable", "figures",
                    "--format", "json", "--fail-on", "never", drafts], env=env, stdout=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, wall


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("drafts")
    ap.add_argument("--baseline", required=True, help="another checkout (its server/ is run)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    trees = {"this": ROOT / "server", "baseline": Path(args.baseline) / "server"}
    best = {k: (float("inf"), float("inf")) for k in trees}
    with tempfile.TemporaryDirectory() as cache:
        for _ in range(args.repeat):
            for name, server in trees.items():
                cpu, wall = run(server, args.drafts, cache)
                print(f"{name:9s} cpu {cpu:6.2f} s  wall {wall:6.2f} s", flush=True)
                best[name] = min(best[name], (cpu, wall))
    ratio = best["this"][0] / best["baseline"][0]
    print(f"best CPU: this {best['this'][0]:.2f} s, baseline {best['baseline'][0]:.2f} s, ratio {ratio:.2f}")


if __name__ == "__main__":
    main()
