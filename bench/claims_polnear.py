#!/usr/bin/env python3
"""unattributed-claim on PolNeAR (train or dev; never test): how many findings
fall on a sentence whose attribution PolNeAR marks (its cue and source inside
the finding): a false alarm by the corpus's own annotation.  PolNeAR does not
mark check-worthiness, so the findings elsewhere are not scored, only counted.

    python bench/claims_polnear.py POLNEAR_GIT_DIR [--split train] [--stride 3] [-v]

Runs this checkout's engine in-process on every N-th article (all seven
publishers); prints findings, false alarms and their share, and with -v each
false alarm's sentence (train only: dev is for measuring).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from polnear_errors import load  # noqa: E402

from copydesk.config import Config  # noqa: E402
from copydesk.engine import Engine  # noqa: E402
from copydesk.text.document import Document  # noqa: E402

RULE = "attribution/unattributed-claim"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gitdir")
    ap.add_argument("--split", default="train", choices=["train", "dev"])  # never test
    ap.add_argument("--stride", type=int, default=3)
    ap.add_argument("--limit", type=int)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    engine = Engine(Config())
    findings = alarms = carried = 0
    shown = []
    docs = load(args.gitdir, args.split, args.limit, args.stride)
    for name, txt, atts in docs:
        for f in engine.lint(Document(txt, path=f"{name}.txt")).findings:
            if f.rule_id != RULE:
                continue
            findings += 1
            if any("source" in a and f.start <= a["cue"][0] < f.end and f.start <= a["source"][0] < f.end
                   for a in atts):
                alarms += 1
                shown.append(f"{name}: {' '.join(txt[f.start:f.end].split())[:200]}")
            elif any("content" in a and a["cue"][1] <= f.start
                     and 2 * max(0, min(f.end, a["content"][1]) - max(f.start, a["content"][0])) >= f.end - f.start
                     for a in atts):
                carried += 1  # inside the content of a cue earlier in the text: carried over
                shown.append(f"{name} (carried): {' '.join(txt[f.start:f.end].split())[:200]}")
    share = alarms / findings if findings else 0.0
    print(f"PolNeAR {args.split} every {args.stride}: {len(docs)} articles, {findings} unattributed-claim "
          f"findings, {alarms} on a sentence PolNeAR marks as attributed ({share:.1%}), {carried} more inside "
          f"an earlier cue's content ({carried / max(1, findings):.1%})")
    if args.verbose and args.split == "train":
        print("\n".join(shown))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
