"""Words per second of the whole CLI on drafts made of seed sentences.

    python bench/attribution_speed.py [--words 200000] [--files 20]

Builds drafts from the seed articles' sentences in shuffled order with
altered figures (so no two paragraphs are identical and the per-paragraph
cache gives no free ride), then times ``copydesk check --format json`` on the
folder (a real process, startup included) with all bundled rules.
"""
from __future__ import annotations

import argparse
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))

from copydesk.text.sentences import split  # noqa: E402


def sentences() -> list[str]:
    out = []
    for p in sorted((ROOT / "seeds").glob("*.txt")):
        for line in p.read_text(encoding="utf-8").splitlines():
            out.extend(s.text for s in split(line) if len(s.text.split()) > 5)
    return out


def make_drafts(folder: Path, words: int, files: int, seed: int = 7) -> int:
    rng = random.Random(seed)
    pool = sentences()
    total = 0
    per_file = words // files
    for n in range(files):
        paras, count = [], 0
        while count < per_file:
            para = " ".join(rng.choice(pool) for _ in range(rng.randint(1, 4)))
            para = re.sub(r"\d+", lambda m: str(rng.randint(2, 999)), para)
            paras.append(para)
            count += len(para.split())
        (folder / f"draft{n:03}.md").write_text("\n\n".join(paras) + "\n", encoding="utf-8")
        total += count
    return total


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--words", type=int, default=200_000)
    ap.add_argument("--files", type=int, default=20)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        total = make_drafts(folder, args.words, args.files)
        env = {"PYTHONPATH": str(ROOT / "server")}
        import os

        env = {**os.environ, **env}
        best = None
        for _ in range(args.runs):
            t = time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "copydesk", "check", "--format", "json", str(folder)],
                                  capture_output=True, env=env)
            elapsed = time.perf_counter() - t
            if proc.returncode not in (0, 1):
                print(proc.stderr.decode(), file=sys.stderr)
                return 2
            best = elapsed if best is None else min(best, elapsed)
        print(f"{total} words in {args.files} files: {best:.2f} s, {total / best:,.0f} words/s (best of {args.runs})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
