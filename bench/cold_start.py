#!/usr/bin/env python3
"""Cold start of ``copydesk check`` on one-line drafts, source trees side by
side with proselint, interleaved, in one run.

    python bench/cold_start.py SCRATCH [--tree DIR ...] [--rounds 7] [--proselint PATH]

SCRATCH holds the drafts, a cache folder per tree and bytecode as an
installed package has it (``PYTHONPYCACHEPREFIX``); proselint defaults to
SCRATCH/venv/bin/proselint (``bench/peers.py SCRATCH`` installs it).  Each
``--tree`` is a checkout (default: this one); every round runs every tree and
proselint on each draft once, in turn, so load changes hit them alike.
Rows: median wall and CPU (user + system of the process tree) and the wall
ratio to proselint's median in the same run.

Drafts: a one-line draft needing no parse; the same sentence kind that needs
the syntactic layer, re-run (its parse read from the cache folder), and its
first run (the cache folder's parses removed before each run: spaCy loads).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLAIN = "The town council met on Tuesday.\n"
PARSED = "Officials said the regime attacked the town on Tuesday.\n"


def timed(cmd: list[str], env: dict, cwd: Path) -> tuple[float, float]:
    before = os.times()
    t = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - t
    after = os.times()
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{cmd} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return wall, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scratch", type=Path)
    ap.add_argument("--tree", action="append", type=Path, default=[])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--proselint", type=Path)
    ap.add_argument("--no-first-run", action="store_true", help="Skip the rows that load spaCy.")
    args = ap.parse_args(argv)
    scratch = args.scratch.resolve()
    scratch.mkdir(parents=True, exist_ok=True)
    trees = [t.resolve() for t in (args.tree or [ROOT])]
    proselint = (args.proselint or scratch / "venv" / "bin" / "proselint").resolve()
    plain, parsed = scratch / "cold-plain.md", scratch / "cold-parsed.md"
    plain.write_text(PLAIN, encoding="utf-8")
    parsed.write_text(PARSED, encoding="utf-8")
    base = {k: v for k, v in os.environ.items() if k not in ("PYTHONSTARTUP", "PYTHONDONTWRITEBYTECODE")}
    base.update(NO_COLOR="1", PYTHONPYCACHEPREFIX=str(scratch / "pycache"))

    def tree_env(i: int, tree: Path) -> dict:
        return {**base, "PYTHONPATH": str(tree / "server"), "COPYDESK_CACHE_DIR": str(scratch / f"cache-{i}")}

    def cmd(draft: Path) -> list[str]:
        return [sys.executable, "-m", "copydesk", "check", "--format", "json", "--fail-on", "never",
                "--no-progress", str(draft)]

    jobs: list[tuple[str, list[str], dict, object]] = []
    for i, tree in enumerate(trees):
        env = tree_env(i, tree)
        parses = scratch / f"cache-{i}" / "parses"
        name = tree.name if len(trees) > 1 else "copydesk"
        jobs.append((f"{name}: no parse needed", cmd(plain), env, None))
        jobs.append((f"{name}: re-run (parse cached)", cmd(parsed), env, None))
        if not args.no_first_run:
            jobs.append((f"{name}: first run (spaCy loads)", cmd(parsed), env,
                         lambda p=parses: shutil.rmtree(p, ignore_errors=True)))
    jobs.append(("proselint", [str(proselint), "check", str(parsed)], base, None))
    print(f"trees: {', '.join(map(str, trees))}; load average before: "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    # Warm: caches, bytecode, the OS's page cache.  Each round's first run
    # leaves its parse in the cache folder for the next round's re-run.
    for name, c, env, _prep in jobs:
        timed(c, env, scratch)
    results: dict[str, list[tuple[float, float]]] = {name: [] for name, *_ in jobs}
    for _ in range(args.rounds):
        for name, c, env, prep in jobs:
            if prep is not None:
                prep()
            results[name].append(timed(c, env, scratch))
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    pw = statistics.median(w for w, _ in results["proselint"])
    print(f"| draft (median of {args.rounds}) | wall | CPU | × proselint (wall) |\n|---|---:|---:|---:|")
    for name, runs in results.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        print(f"| {name} | {wall * 1000:.0f} ms | {cpu * 1000:.0f} ms | {wall / pw:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
