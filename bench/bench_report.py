#!/usr/bin/env python3
"""How long `copydesk report` takes, and how the page behaves in a browser.

    python bench/gen_drafts.py /tmp/bench-drafts --dated      # 1,000 drafts with front-matter dates
    python bench/bench_report.py /tmp/bench-drafts [--repeat 3] [--browser]

Side by side in one run, CPU time beside wall time (best of --repeat):

1. the whole CLI, `copydesk report DIR -o FILE` (with each draft's source ledger),
   `copydesk report --no-sources DIR -o FILE` and `copydesk check --format json DIR -o FILE`
   over the same folder (the ratios are the page's and the ledger's cost over check's);
2. in-process, on a report already linted (with the ledgers, as the CLI does): building
   the page's data from the report model, and writing the whole page (data packed,
   libraries inlined);
3. the page's size, and its data's size before packing;
4. with --browser (Chromium and playwright-core as in .ci/setup.d/40-report-browser.sh):
   the page opened in headless Chromium: milliseconds to ready (data unpacked,
   table and charts drawn), to open the draft with the most findings, to turn a
   table page and to apply a rule filter, and the number of DOM elements.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))

from copydesk.cli.report import page_finish
from copydesk.htmlreport import page_data, render
from copydesk.lang import syntax
from copydesk.report import Report
from copydesk.runner import ConfigCache, default_jobs, discover, lint_targets

PREFIX = Path(os.environ.get("COPYDESK_CI_PREFIX", "/opt/copydesk-ci"))
PLAYWRIGHT = PREFIX / "playwright" / "node_modules" / "playwright-core"
DRIVER = ROOT / "tests" / "e2e" / "report_driver.cjs"


def cli(args: list[str], cwd: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one `copydesk ...` process."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "server"))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "copydesk", *args], cwd=cwd, env=env, capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"copydesk {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr.decode()[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def timed(fn, repeat: int) -> tuple[float, float, object]:
    best_wall = best_cpu = float("inf")
    value = None
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        value = fn()
        best_wall, best_cpu = min(best_wall, time.perf_counter() - w), min(best_cpu, time.process_time() - c)
    return best_wall, best_cpu, value


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("drafts", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--browser", action="store_true", help="also open the page in headless Chromium")
    ap.add_argument("--jobs", type=int, default=None, help="--jobs of the CLI runs and the in-process lint (default: every core)")
    args = ap.parse_args(argv)
    folder = args.drafts.resolve()
    tmp = Path(tempfile.mkdtemp(prefix="copydesk-bench-report-"))
    os.environ.setdefault("COPYDESK_CACHE_DIR", str(tmp / "cache"))
    page = tmp / "report.html"
    rows = []

    runs = {"report": [], "nosrc": [], "check": []}
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    for _ in range(args.repeat):
        runs["report"].append(cli(["report", *jobs, str(folder), "-o", str(page)], tmp))
        runs["nosrc"].append(cli(["report", *jobs, "--no-sources", str(folder), "-o", str(tmp / "nosrc.html")], tmp))
        runs["check"].append(cli(["check", *jobs, "--format", "json", str(folder), "-o", str(tmp / "check.json")], tmp))
    best = {k: (min(w for w, _ in v), min(c for _, c in v)) for k, v in runs.items()}
    (rep_wall, rep_cpu), (chk_wall, chk_cpu) = best["report"], best["check"]
    rows.append(("whole CLI: copydesk report DIR -o FILE", rep_wall, rep_cpu))
    rows.append(("whole CLI: copydesk report --no-sources DIR -o FILE", *best["nosrc"]))
    rows.append(("whole CLI: copydesk check --format json DIR -o FILE", chk_wall, chk_cpu))

    # In-process: lint once (as the CLI does, ledgers included), then time the page alone.
    configs = ConfigCache()
    targets = discover([str(folder)], configs).targets
    sources = syntax.status() is None
    report = Report()
    report.files.extend(lint_targets(targets, configs, jobs=args.jobs or default_jobs(),
                                     finish=page_finish(configs, targets, "hint", sources)))
    for engine in configs.engines:
        report.rules.update(engine.active_rules)
    texts = {fr.path: fr.draft_text for fr in report.files}
    n_findings = sum(len(fr.findings) for fr in report.files)
    w, c, data = timed(lambda: page_data(report, title="bench", sources=sources), args.repeat)
    rows.append(("page data from the report model (page_data)", w, c))

    def write():
        out = io.StringIO()
        render(report, out, title="bench", sources=sources)
        return out.getvalue()

    w, c, html = timed(write, args.repeat)
    rows.append(("whole page written (render: data, pack, inline)", w, c))

    print(f"{len(report.files):,} drafts, {n_findings:,} findings, {sum(len((t or '').split()) for t in texts.values()):,} words")
    print(f"{'what':58} {'wall s':>8} {'CPU s':>8}")
    for what, wall, cpu in rows:
        print(f"{what:58} {wall:8.2f} {cpu:8.2f}")
    print(f"report / check (whole CLI): wall {rep_wall / chk_wall:.2f}x, CPU {rep_cpu / chk_cpu:.2f}x; "
          f"without the ledgers: wall {best['nosrc'][0] / chk_wall:.2f}x, CPU {best['nosrc'][1] / chk_cpu:.2f}x")
    raw = len(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    print(f"page: {len(html.encode('utf-8')) / 1e6:.1f} MB (data {raw / 1e6:.1f} MB as JSON, packed with gzip)")

    if args.browser:
        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        if not (chromium and PLAYWRIGHT.is_dir() and shutil.which("node")):
            print("--browser: needs chromium, node and playwright-core (.ci/setup.d/40-report-browser.sh)", file=sys.stderr)
            return 2
        for n in range(args.repeat):
            env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp), "REPORT_FILE": str(page),
                   "REPORT_SHOTS": str(tmp), "REPORT_PROFILE": str(tmp / f"profile-{n}"), "REPORT_LOAD_ONLY": "1",
                   "PLAYWRIGHT_CORE": str(PLAYWRIGHT), "CHROMIUM": chromium}
            proc = subprocess.run(["node", str(DRIVER)], env=env, capture_output=True, text=True, timeout=300, check=False)
            seen = json.loads(proc.stdout.strip().splitlines()[-1])
            if not seen.get("ok"):
                print(seen.get("error"), file=sys.stderr)
                return 1
            print(f"browser run {n + 1}: ready {seen['loadMs']} ms, open a draft {seen['openDraftMs']} ms, "
                  f"next table page {seen['nextPageMs']} ms, rule filter {seen['filterMs']} ms; "
                  f"DOM elements {seen['domNodes']:,} ({seen['domNodesWithDraft']:,} with a draft open); "
                  f"console errors {sum(1 for m in seen['console'] if m['type'] == 'error')}")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
