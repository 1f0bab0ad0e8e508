"""Precision, recall and F1 of attribution/unattributed-claim against hand labels.

    python bench/attribution_accuracy.py [--verbose] [--json]

Labels: tests/data/attribution_labels.yaml (written before the rules were
tuned).  Seed sentences are linted in their article (the whole seed file, so
paragraph carry-over applies); each `own` sentence is linted as a Markdown
draft made of its paragraph (or of the sentence alone).  A sentence counts as
flagged when an unattributed-claim finding overlaps it.  Positives are the
sentences labelled `unattributed`; every other label is a negative.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))

import yaml  # noqa: E402

from copydesk.config import Config  # noqa: E402
from copydesk.engine import Engine  # noqa: E402
from copydesk.text.document import Document  # noqa: E402

RULE = "attribution/unattributed-claim"
LABELS = ROOT / "tests" / "data" / "attribution_labels.yaml"


def _flagged(findings, start: int, end: int) -> bool:
    return any(f.rule_id == RULE and f.start < end and start < f.end for f in findings)


def evaluate(labels_path: Path = LABELS) -> dict:
    data = yaml.safe_load(labels_path.read_text(encoding="utf-8"))
    engine = Engine(Config())
    rows = []
    by_file: dict[str, list] = {}
    for item in data.get("seeds", []):
        by_file.setdefault(item["file"], []).append(item)
    for name, items in by_file.items():
        text = (ROOT / "seeds" / name).read_text(encoding="utf-8")
        findings = engine.lint(Document(text, path=name)).findings
        for item in items:
            at = text.index(item["text"])
            rows.append(("seed", item, _flagged(findings, at, at + len(item["text"]))))
    for item in data.get("own", []):
        para = item.get("paragraph", item["text"])
        findings = engine.lint(Document(para, path="own.md")).findings
        at = para.index(item["text"])
        rows.append(("own", item, _flagged(findings, at, at + len(item["text"]))))
    return {"rows": rows, "all": _score(rows), "seed": _score([r for r in rows if r[0] == "seed"]),
            "own": _score([r for r in rows if r[0] == "own"])}


def _score(rows) -> dict:
    tp = sum(1 for _, it, f in rows if f and it["label"] == "unattributed")
    fp = sum(1 for _, it, f in rows if f and it["label"] != "unattributed")
    fn = sum(1 for _, it, f in rows if not f and it["label"] == "unattributed")
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"n": len(rows), "tp": tp, "fp": fp, "fn": fn,
            "precision": round(p, 3), "recall": round(r, 3), "f1": round(f1, 3)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--verbose", "-v", action="store_true", help="list every error")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    res = evaluate()
    if args.json:
        print(json.dumps({k: v for k, v in res.items() if k != "rows"}, indent=2))
        return 0
    for part in ("seed", "own", "all"):
        s = res[part]
        print(f"{part:5} n={s['n']:3}  TP={s['tp']:3} FP={s['fp']:3} FN={s['fn']:3}  "
              f"precision={s['precision']:.3f} recall={s['recall']:.3f} F1={s['f1']:.3f}")
    if args.verbose:
        for where, item, flagged in res["rows"]:
            pos = item["label"] == "unattributed"
            if flagged != pos:
                kind = "FP" if flagged else "FN"
                print(f"{kind} [{where} {item['label']}] {item['text']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
