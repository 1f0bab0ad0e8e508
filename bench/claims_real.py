"""Score attribution/unattributed-claim on real articles labelled before tuning.

    python bench/claims_real.py                                   # dev split, texts from /work/data/claims
    python bench/claims_real.py --texts DIR [--texts DIR2 …]      # folders holding <article id>.txt
    python bench/claims_real.py --texts /work/data/claims --texts /work/data/claims-heldout
    python bench/claims_real.py -v                                # list every miss and false alarm
    python bench/claims_real.py --json

Labels: tests/data/claims_real.yaml (see tests/data/README.md for how the set
was built).  Each article is linted whole (paragraphs as labelled, so
carry-over applies) as `<id>.txt`; a sentence counts as flagged when an
unattributed-claim finding overlaps it.  Positives are the sentences labelled
`unattributed`; attributed, vague and plain are negatives.

Sentence texts come from the YAML where the licence let us commit them, and
otherwise from `<id>.txt` in one of the --texts folders (one sentence a line,
blank line between paragraphs, as bench/labels_build.py writes them); every
line is checked against the committed sha1, so a changed copy is refused.
Articles whose text is not found are counted as missing, never scored.
Scores are printed per split, per outlet and per topic.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))

import yaml  # noqa: E402

from copydesk.config import Config, load_config  # noqa: E402
from copydesk.engine import Engine  # noqa: E402
from copydesk.text.document import Document  # noqa: E402

RULE = "attribution/unattributed-claim"
LABELS = ROOT / "tests" / "data" / "claims_real.yaml"
DEFAULT_TEXTS = Path("/work/data/claims")


def load_article_sentences(article: dict, texts: list[Path]) -> list[dict] | None:
    """The article's sentences with their text, or None when it is not available."""
    rows = article["sentences"]
    if all("text" in r for r in rows):
        return [dict(r) for r in rows]
    for folder in texts:
        path = folder / f"{article['id']}.txt"
        if not path.is_file():
            continue
        lines = [ln for ln in path.read_text(encoding="utf-8").split("\n") if ln.strip()]
        if len(lines) != len(rows):
            raise SystemExit(f"{path}: {len(lines)} sentences, the labels have {len(rows)}")
        out = []
        for row, line in zip(rows, lines):
            if "sha1" in row and hashlib.sha1(line.encode("utf-8")).hexdigest() != row["sha1"]:
                raise SystemExit(f"{path}: sentence does not match its sha1: {line[:70]}")
            out.append({**row, "text": line})
        return out
    return None


def assemble(sentences: list[dict]) -> tuple[str, list[tuple[int, int]]]:
    """Article text (paragraphs joined by a blank line) and each sentence's span."""
    parts, spans, pos, last = [], [], 0, None
    for s in sentences:
        sep = "" if last is None else (" " if s["para"] == last else "\n\n")
        parts.append(sep)
        pos += len(sep)
        spans.append((pos, pos + len(s["text"])))
        parts.append(s["text"])
        pos += len(s["text"])
        last = s["para"]
    return "".join(parts) + "\n", spans


def lint_article(engine: Engine, name: str, sentences: list[dict], **fields) -> list[dict]:
    """Lint one article whole (as `<name>.txt`) and score its sentences: a row per
    sentence, flagged when an unattributed-claim finding overlaps it, with the
    first such finding's kind and message; ``fields`` are copied into each row."""
    text, spans = assemble(sentences)
    findings = [f for f in engine.lint(Document(text, path=f"{name}.txt")).findings
                if f.rule_id == RULE]
    rows = []
    for s, (a, b) in zip(sentences, spans):
        hit = [f for f in findings if f.start < b and a < f.end]
        rows.append({"article": name, **fields, "label": s["label"], "reason": s.get("reason"),
                     "text": s["text"], "flagged": bool(hit),
                     "kind": hit[0].data.get("kind") if hit else None,
                     "message": hit[0].message if hit else None})
    return rows


def misses(rows) -> list[str]:
    """Every miss (FN) and false alarm (FP), one line each, with the finding's kind."""
    out = []
    for r in rows:
        pos = r["label"] == "unattributed"
        if r["flagged"] != pos:
            kind = "FP" if r["flagged"] else "FN"
            why = f" ({r['reason']})" if r.get("reason") else ""
            found = f"  || {r['kind']}: {(r['message'] or '')[:90]}" if r["flagged"] else ""
            out.append(f"{kind} [{r['split']} {r['article']} {r['label']}{why}] {r['text']}{found}")
    return out


def evaluate(labels_path: Path = LABELS, texts: list[Path] | None = None,
             config: Config | None = None) -> dict:
    data = yaml.safe_load(labels_path.read_text(encoding="utf-8"))
    engine = Engine(config or Config())
    texts = [DEFAULT_TEXTS] if texts is None else texts
    rows, missing = [], []
    for art in data["articles"]:
        sentences = load_article_sentences(art, texts)
        if sentences is None:
            missing.append(art["id"])
            continue
        rows += lint_article(engine, art["id"], sentences, outlet=art["outlet"], topic=art["topic"],
                             split=art["split"])
    return {"rows": rows, "missing": missing}


def score(rows) -> dict:
    tp = sum(1 for r in rows if r["flagged"] and r["label"] == "unattributed")
    fp = sum(1 for r in rows if r["flagged"] and r["label"] != "unattributed")
    fn = sum(1 for r in rows if not r["flagged"] and r["label"] == "unattributed")
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    flagged_by_label = defaultdict(int)
    for row in rows:
        if row["flagged"]:
            flagged_by_label[row["label"]] += 1
    return {"n": len(rows), "articles": len({x["article"] for x in rows}), "tp": tp, "fp": fp,
            "fn": fn, "precision": round(p, 3), "recall": round(r, 3), "f1": round(f1, 3),
            "flagged_by_label": dict(flagged_by_label)}


def breakdown(rows) -> dict:
    out = {"split": {}, "outlet": {}, "topic": {}}
    for key in out:
        groups = defaultdict(list)
        for r in rows:
            groups[r[key]].append(r)
        for split in sorted({r["split"] for r in rows}):
            for name, group in sorted(groups.items()):
                part = [r for r in group if r["split"] == split]
                if part and key != "split":
                    out[key][f"{split}/{name}"] = score(part)
                elif part:
                    out[key][name] = score(part)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--labels", type=Path, default=LABELS)
    ap.add_argument("--texts", type=Path, action="append",
                    help=f"folder with <article id>.txt (repeatable; default {DEFAULT_TEXTS})")
    ap.add_argument("--config", type=Path, help="a copydesk.toml to lint with (default: built-in rules)")
    ap.add_argument("--verbose", "-v", action="store_true", help="list every miss and false alarm")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    config = load_config(args.config) if args.config else None
    res = evaluate(args.labels, args.texts, config)
    rows = res["rows"]
    summary = {"all": score(rows), **breakdown(rows), "missing": res["missing"]}
    if args.json:
        print(json.dumps(summary, indent=2))
        return 0
    if res["missing"]:
        print(f"not scored (text not found in {args.texts or [DEFAULT_TEXTS]}): "
              f"{len(res['missing'])} articles")

    def line(name, s):
        return (f"{name:42} n={s['n']:4} art={s['articles']:2}  TP={s['tp']:3} FP={s['fp']:3} "
                f"FN={s['fn']:3}  P={s['precision']:.3f} R={s['recall']:.3f} F1={s['f1']:.3f}")

    for key in ("split", "topic", "outlet"):
        print(f"-- per {key}")
        for name, s in summary[key].items():
            print(line(name, s))
    print(line("all scored", summary["all"]))
    print("flagged by label:", summary["all"]["flagged_by_label"])
    if args.verbose:
        print("\n".join(misses(rows)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
