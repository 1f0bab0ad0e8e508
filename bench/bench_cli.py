#!/usr/bin/env python3
"""Words per second for ``copydesk check`` and for each enabled check alone.

    python bench/bench_cli.py [DRAFTS_DIR] [--repeat 3]

DRAFTS_DIR defaults to a temporary folder filled by gen_drafts.py (1,000
drafts of ~600 words).  Three figures:

1. the whole CLI, one process over the folder (start-up, discovery, reading,
   text model, every enabled check, the JSON report), as CI runs it;
2. the same with only the loaded-terms rules enabled (``--disable`` for every
   other check namespace);
3. in-process, per check: the time of its ``check_paragraph``/``check_document``
   over text models built beforehand, so each check is measured alone, plus
   the time to build the text models.  Every check the bundled rules enable
   is listed, so checks added later show up here without changes.

Figures are words per CPU second (best of ``--repeat`` runs), on whatever machine runs this; record
them in bench/README.md with the machine.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERVER = ROOT / "server"
sys.path.insert(0, str(SERVER))


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SERVER), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "copydesk", *args], cwd=cwd, env=env,
                          capture_output=True, text=True)


def best(fn, repeat: int) -> tuple[float, float]:
    """Best (CPU seconds, wall seconds) of ``repeat`` runs.  CPU time (this
    process and its children) is what "words/s on one core" means and is
    steady on a busy machine; wall time is shown beside it."""
    runs = []
    for _ in range(repeat):
        c0 = _cpu()
        t = time.perf_counter()
        fn()
        runs.append((_cpu() - c0, time.perf_counter() - t))
    return min(runs)


def _cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def rate(words: int, seconds: tuple[float, float]) -> str:
    cpu, wall = seconds
    return f"{words / cpu:>12,.0f} words/s CPU  ({cpu:.2f} s CPU, {wall:.2f} s wall)"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("drafts", nargs="?", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)

    tmp = None
    folder = args.drafts
    if folder is None:
        tmp = tempfile.TemporaryDirectory(prefix="copydesk-bench-")
        folder = Path(tmp.name) / "drafts"
    if not folder.exists() or not any(folder.glob("*.md")):
        subprocess.run([sys.executable, str(Path(__file__).with_name("gen_drafts.py")), str(folder)], check=True)
    files = sorted(folder.glob("*.md"))
    texts = [p.read_text(encoding="utf-8") for p in files]
    words = sum(len(t.split()) for t in texts)
    print(f"{len(files)} drafts, {words:,} words; Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")

    from copydesk.config import Config
    from copydesk.engine import Engine
    from copydesk.text.document import Document

    engine = Engine(Config())
    namespaces = sorted({r.id.split("/")[0] for r in engine.active_rules.values()})
    others = [n for n in namespaces if n != "loaded-term"]
    print(f"enabled checks: {', '.join(sorted({type(c).__name__ for c in engine.checks}))}")

    findings = {}

    def whole():
        proc = cli("check", "--format", "json", "--fail-on", "never", "--no-progress", str(folder), cwd=folder.parent)
        if proc.returncode != 0:
            raise SystemExit(f"copydesk check failed ({proc.returncode}): {proc.stderr[-2000:]}")
        findings["all"] = len(json.loads(proc.stdout)["findings"])

    def terms_only():
        disable = [a for n in others for a in ("--disable", n)]
        proc = cli("check", "--format", "json", "--fail-on", "never", "--no-progress", *disable, str(folder),
                   cwd=folder.parent)
        if proc.returncode != 0:
            raise SystemExit(f"copydesk check failed ({proc.returncode}): {proc.stderr[-2000:]}")
        findings["terms"] = len(json.loads(proc.stdout)["findings"])

    print("\nwhole CLI, one process (copydesk check --format json DIR):")
    print(f"  all enabled checks      {rate(words, best(whole, args.repeat))}  {findings['all']} findings")
    print(f"  loaded-terms rules only {rate(words, best(terms_only, args.repeat))}  {findings['terms']} findings")

    # In-process: each check alone over prebuilt models (no paragraph cache).
    docs = [Document(t, path=str(p)) for p, t in zip(files, texts)]
    models = []

    def build():
        models.clear()
        for d in docs:
            m = engine.model(d)
            for par in m.paragraphs:  # what every check reads: text, sentences, quotes
                par.sentences, par.quotes
            models.append(m)

    def build_light():
        for d in docs:
            engine.model(d)

    print("\nin-process, one core:")
    print(f"  text model (blocks only)      {rate(words, best(build_light, args.repeat))}")
    print(f"  text model + sentences/quotes {rate(words, best(build, args.repeat))}")
    for check in engine.checks:
        name = type(check).__name__

        def run(check=check):
            n = 0
            for m in models:
                if check.paragraph_local:
                    for par in m.paragraphs:
                        n += sum(1 for _ in check.check_paragraph(par))
                else:
                    n += sum(1 for _ in check.check_document(m))
            return n

        seconds = best(run, args.repeat)
        print(f"  check {name:<23} {rate(words, seconds)}  {run()} findings")

    # The loaded-terms check as a user runs it: model + check, terms only.
    terms_engine = Engine(Config(disable=tuple(others)))

    def lint_terms():
        for d in docs:
            terms_engine._cache.clear()  # no help from the paragraph cache
            terms_engine.lint(d)

    print(f"  Engine.lint, loaded-terms only (model + check) {rate(words, best(lint_terms, args.repeat))}")
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
