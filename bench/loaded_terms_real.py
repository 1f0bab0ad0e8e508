"""Span recall and precision of the loaded-terms rules on real sentences labelled before tuning.

    python bench/loaded_terms_real.py                              # dev split, texts from /work/data/loaded
    python bench/loaded_terms_real.py --texts DIR                  # folder holding <article id>.txt
    python bench/loaded_terms_real.py --heldout /work/data/loaded-heldout   # + held-out (its labels.yaml)
    python bench/loaded_terms_real.py --config copydesk.toml       # e.g. with optional packs enabled
    python bench/loaded_terms_real.py -v                           # list misses, false alarms, spared hits
    python bench/loaded_terms_real.py --json

Labels: tests/data/loaded_terms_real.yaml (how the set was built: tests/data/
README.md).  Each article is linted whole as `<id>.txt` (paragraphs as
labelled, so a quote's speaker in a neighbouring sentence counts).  Findings
are those whose rule id starts with --prefix (default `loaded-term/`).

- a gold span (a label a standards editor would strike in the writer's voice)
  is found when a finding overlaps it: recall, per class;
- a finding is right when it overlaps a gold span: precision, per class (the
  class of the span it hits) and per rule id for the false alarms;
- a spared span (a loaded word that is attributed — in a quote with a
  speaker, "which X designates", "described … as" — or part of a name) hit by
  a finding is counted apart as well as a false alarm: "attributed quotes still
  spared" means that count is 0.

Sentence texts are read from `<id>.txt` in the --texts folder (one sentence a
line, blank line between paragraphs) and checked against the committed sha1.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(ROOT / "bench"))

import yaml  # noqa: E402

from claims_real import assemble, load_article_sentences  # noqa: E402
from copydesk.config import Config, load_config  # noqa: E402
from copydesk.engine import Engine  # noqa: E402
from copydesk.text.document import Document  # noqa: E402

LABELS = ROOT / "tests" / "data" / "loaded_terms_real.yaml"
DEFAULT_TEXTS = Path("/work/data/loaded")


def _articles(labels: Path, texts: list[Path], heldout: Path | None):
    """(article, sentences with text and spans) for every article we can score."""
    data = yaml.safe_load(labels.read_text(encoding="utf-8"))
    out, missing = [], []
    for art in data["articles"]:
        if art["split"] != "dev":
            continue
        sentences = load_article_sentences(art, texts)
        if sentences is None:
            missing.append(art["id"])
        else:
            out.append((art, sentences))
    if heldout is not None:
        full = yaml.safe_load((heldout / "labels.yaml").read_text(encoding="utf-8"))
        for art in full["articles"]:
            out.append((art, art["sentences"]))
    return out, missing


def evaluate(labels: Path = LABELS, texts: list[Path] | None = None, heldout: Path | None = None,
             config: Config | None = None, prefixes=("loaded-term/",)) -> dict:
    engine = Engine(config or Config())
    texts = [DEFAULT_TEXTS] if texts is None else texts
    articles, missing = _articles(labels, texts, heldout)
    gold, findings_out, spared_out, n_sentences = [], [], [], 0
    for art, sentences in articles:
        text, spans = assemble(sentences)
        found = [f for f in engine.lint(Document(text, path=f"{art['id']}.txt")).findings
                 if f.rule_id.startswith(tuple(prefixes))]
        g_here, s_here = [], []
        for s, (a, _b) in zip(sentences, spans):
            n_sentences += 1
            for x in s.get("spans", []):
                g_here.append({"start": a + x["start"], "end": a + x["end"], "class": x["class"],
                               "text": text[a + x["start"]:a + x["end"]], "note": s.get("note"),
                               "sentence": s["text"], "article": art["id"], "split": art["split"],
                               "outlet": art["outlet"], "found": False})
            for x in s.get("spared", []):
                s_here.append({"start": a + x["start"], "end": a + x["end"],
                               "text": text[a + x["start"]:a + x["end"]], "sentence": s["text"],
                               "article": art["id"], "split": art["split"], "hit_by": None})
        for f in found:
            hit = [g for g in g_here if g["start"] < f.end and f.start < g["end"]]
            for g in hit:
                g["found"] = True
            spared_hit = [x for x in s_here if x["start"] < f.end and f.start < x["end"]]
            for x in spared_hit:
                x["hit_by"] = f.rule_id
            findings_out.append({"rule": f.rule_id, "text": text[f.start:f.end],
                                 "class": hit[0]["class"] if hit else None, "right": bool(hit),
                                 "on_spared": bool(spared_hit) and not hit,
                                 "article": art["id"], "split": art["split"], "outlet": art["outlet"]})
        gold += g_here
        spared_out += s_here
    return {"gold": gold, "findings": findings_out, "spared": spared_out,
            "sentences": n_sentences, "articles": len(articles), "missing": missing}


def summarise(res: dict, split: str | None = None) -> dict:
    gold = [g for g in res["gold"] if split in (None, g["split"])]
    finds = [f for f in res["findings"] if split in (None, f["split"])]
    spared = [x for x in res["spared"] if split in (None, x["split"])]
    found = sum(g["found"] for g in gold)
    right = sum(f["right"] for f in finds)
    out = {"gold_spans": len(gold), "found": found, "findings": len(finds), "right": right,
           "recall": round(found / len(gold), 3) if gold else 0.0,
           "precision": round(right / len(finds), 3) if finds else 0.0,
           "spared_spans": len(spared), "spared_hit": sum(1 for x in spared if x["hit_by"]),
           "per_class": {}, "false_alarms_per_rule": {}}
    by_class = defaultdict(lambda: {"gold": 0, "found": 0, "findings": 0})
    for g in gold:
        by_class[g["class"]]["gold"] += 1
        by_class[g["class"]]["found"] += g["found"]
    for f in finds:
        if f["right"]:
            by_class[f["class"]]["findings"] += 1
    for cls, c in sorted(by_class.items()):
        c["recall"] = round(c["found"] / c["gold"], 3) if c["gold"] else 0.0
        out["per_class"][cls] = c
    fa = defaultdict(int)
    for f in finds:
        if not f["right"]:
            fa[f["rule"]] += 1
    out["false_alarms_per_rule"] = dict(sorted(fa.items()))
    indirect = [g for g in gold if g["note"] and "indirect" in g["note"]]
    out["indirect_speech_gold"] = {"spans": len(indirect), "found": sum(g["found"] for g in indirect)}
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--labels", type=Path, default=LABELS)
    ap.add_argument("--texts", type=Path, action="append",
                    help=f"folder with <article id>.txt of the dev articles (default {DEFAULT_TEXTS})")
    ap.add_argument("--heldout", type=Path, help="held-out folder (its labels.yaml carries text and spans)")
    ap.add_argument("--config", type=Path, help="a copydesk.toml to lint with (default: built-in rules)")
    ap.add_argument("--prefix", action="append", help="rule-id prefix counted (default loaded-term/)")
    ap.add_argument("--verbose", "-v", action="store_true")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    config = load_config(args.config) if args.config else None
    res = evaluate(args.labels, args.texts, args.heldout, config,
                   tuple(args.prefix) if args.prefix else ("loaded-term/",))
    splits = sorted({g["split"] for g in res["gold"]} | {f["split"] for f in res["findings"]})
    summary = {"all": summarise(res), **{s: summarise(res, s) for s in splits},
               "sentences": res["sentences"], "articles": res["articles"], "missing": res["missing"]}
    if args.json:
        print(json.dumps(summary, indent=2))
        return 0
    if res["missing"]:
        print(f"not scored (text not found): {len(res['missing'])} dev articles")
    print(f"{res['articles']} articles, {res['sentences']} sentences")
    for name in splits + (["all"] if len(splits) > 1 else []):
        s = summary[name]
        print(f"== {name}: gold spans {s['gold_spans']}, found {s['found']}  recall={s['recall']:.3f}   "
              f"findings {s['findings']}, right {s['right']}  precision={s['precision']:.3f}   "
              f"spared spans hit {s['spared_hit']}/{s['spared_spans']}   "
              f"indirect-speech gold found {s['indirect_speech_gold']['found']}/"
              f"{s['indirect_speech_gold']['spans']}")
        for cls, c in s["per_class"].items():
            print(f"   {cls:24} gold {c['gold']:3}  found {c['found']:3}  recall={c['recall']:.3f}  "
                  f"right findings {c['findings']}")
        if s["false_alarms_per_rule"]:
            print("   false alarms per rule:", s["false_alarms_per_rule"])
    if args.verbose:
        for g in res["gold"]:
            if not g["found"]:
                print(f"MISS [{g['split']} {g['article']} {g['class']}] {g['text']!r} in: {g['sentence']}")
        for f in res["findings"]:
            if not f["right"]:
                tag = "SPARED-HIT" if f["on_spared"] else "FP"
                print(f"{tag} [{f['split']} {f['article']} {f['rule']}] {f['text']!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
