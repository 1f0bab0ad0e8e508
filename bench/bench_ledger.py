#!/usr/bin/env python3
"""Speed of the syntactic layer and the source ledger, in-process.

    python bench/bench_ledger.py [DRAFTS_DIR] [--count 200]

DRAFTS_DIR defaults to a temporary folder filled by gen_drafts.py.  Side by
side, in one run, words per CPU second and per wall second of:

1. the text models alone (what every check needs anyway);
2. the ledger cold: spaCy parse of every paragraph + extraction, with the
   pipeline copydesk loads (tok2vec, tagger, parser, attribute_ruler,
   lemmatizer; no NER, no senter);
3. the ledger warm: the same drafts again (paragraph parses cached);
4. the cold ledger with the model's full default pipeline (NER too), to show
   what excluding components saves.

Also the model's load time.  Record the figures in bench/README.md.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))

from copydesk.config import Config  # noqa: E402
from copydesk.engine import Engine  # noqa: E402
from copydesk import ledger  # noqa: E402
from copydesk.lang import syntax  # noqa: E402
from copydesk.text.document import Document  # noqa: E402


def clocks():
    return time.process_time(), time.perf_counter()


def run(label, fn, words):
    c0, w0 = clocks()
    fn()
    c1, w1 = clocks()
    print(f"{label:58} {words / (c1 - c0):>10,.0f} words/CPU s {words / (w1 - w0):>10,.0f} words/wall s")


def reset(exclude):
    syntax._nlp = None
    syntax._error = None
    syntax._cache.clear()
    syntax.EXCLUDE = exclude


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("drafts", nargs="?", type=Path)
    ap.add_argument("--count", type=int, default=200)
    args = ap.parse_args()
    folder = args.drafts
    if folder is None:
        folder = Path(tempfile.mkdtemp(prefix="copydesk-ledger-bench-"))
        subprocess.run([sys.executable, str(ROOT / "bench" / "gen_drafts.py"), str(folder),
                        "--count", str(args.count)], check=True)
    files = sorted(folder.glob("*.md"))[:args.count]
    texts = [f.read_text(encoding="utf-8") for f in files]
    words = sum(len(t.split()) for t in texts)
    engine = Engine(Config())
    print(f"{len(texts)} drafts, {words:,} words, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    models = []
    run("text models", lambda: models.extend(engine.model(Document(t, path="d.md")) for t in texts), words)
    c0, w0 = clocks()
    syntax.available()
    c1, w1 = clocks()
    print(f"{'model load (tok2vec tagger parser attribute_ruler lemmatizer)':58} {c1 - c0:>10.2f} CPU s {w1 - w0:>16.2f} wall s")
    n = []
    run("ledger cold (parse + extraction)", lambda: n.extend(len(ledger.draft_ledger(engine, m)) for m in models), words)
    run("ledger warm (paragraph parses cached)", lambda: [ledger.draft_ledger(engine, m) for m in models], words)
    print(f"attributions found: {sum(n):,}")
    reset(())
    syntax.available()
    run("ledger cold, full default pipeline (with NER)", lambda: [ledger.draft_ledger(engine, m) for m in models], words)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
