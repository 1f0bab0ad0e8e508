"""Score attribution/unattributed-claim on a folder of hand-labelled fresh articles.

    python bench/claims_fresh.py /work/data/claims-fresh2          # LABEL<TAB>sentence files
    python bench/claims_fresh.py /work/data/claims-fresh           # the older labels.py format
    python bench/claims_fresh.py DIR -v                            # every miss and false alarm
    python bench/claims_fresh.py DIR --json

For sets labelled by hand outside the repository (third-party copy is never
committed).  A folder holds either

- one `<article id>.txt` per article: a line per sentence, `LABEL<TAB>text`,
  a blank line between paragraphs; optional `articles.yaml` with
  `articles: [{id, outlet, topic, url}]` for the per-topic and per-outlet
  scores; or
- a `labels.py` of `art("id", [[(LABEL, text), ...], ...])` calls (the first
  fresh set's format), read with `ast.literal_eval`, never executed.

LABEL is u (unattributed: positive), a (attributed), v (vague) or p (plain),
as in tests/data/claims_real.yaml.  Scoring is claims_real.py's own
(`lint_article`, `score`, `misses`): each article linted whole, paragraphs as
labelled; a sentence is flagged when an unattributed-claim finding overlaps it.
"""
from __future__ import annotations

import argparse
import ast
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import yaml  # noqa: E402

from claims_real import breakdown, lint_article, misses, score  # noqa: E402
from copydesk.config import Config, load_config  # noqa: E402
from copydesk.engine import Engine  # noqa: E402

LABELS = {"u": "unattributed", "a": "attributed", "v": "vague", "p": "plain"}


def _from_labels_py(path: Path) -> dict[str, list[dict]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: dict[str, list[dict]] = {}
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == "art" and len(node.args) == 2):
            name = ast.literal_eval(node.args[0])
            paras = ast.literal_eval(node.args[1])
            out[name] = [{"para": i, "label": LABELS[lab], "text": text}
                         for i, para in enumerate(paras) for lab, text in para]
    return out


def _from_txt(path: Path) -> list[dict]:
    rows, para = [], 0
    blank = False
    for line in path.read_text(encoding="utf-8").split("\n"):
        if not line.strip():
            blank = bool(rows)
            continue
        if blank:
            para += 1
            blank = False
        lab, _, text = line.partition("\t")
        if lab not in LABELS or not text:
            raise SystemExit(f"{path}: not LABEL<TAB>sentence: {line[:60]}")
        rows.append({"para": para, "label": LABELS[lab], "text": text})
    return rows


def load(folder: Path) -> tuple[dict[str, list[dict]], dict[str, dict]]:
    meta = {}
    if (folder / "articles.yaml").is_file():
        data = yaml.safe_load((folder / "articles.yaml").read_text(encoding="utf-8")) or {}
        meta = {a["id"]: a for a in data.get("articles", [])}
    if (folder / "labels.py").is_file():
        return _from_labels_py(folder / "labels.py"), meta
    arts = {p.stem: _from_txt(p) for p in sorted(folder.glob("*.txt"))}
    if not arts:
        raise SystemExit(f"{folder}: no labels.py and no <id>.txt files")
    return arts, meta


def evaluate(folder: Path, config: Config | None = None) -> list[dict]:
    arts, meta = load(folder)
    engine = Engine(config or Config())
    rows = []
    for name, sentences in arts.items():
        m = meta.get(name, {})
        rows += lint_article(engine, name, sentences, outlet=m.get("outlet", name.split("-")[0]),
                             topic=m.get("topic", "?"), split=folder.name)
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--config", type=Path, help="a copydesk.toml to lint with (default: built-in rules)")
    ap.add_argument("--verbose", "-v", action="store_true", help="list every miss and false alarm")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    rows = evaluate(args.folder, load_config(args.config) if args.config else None)
    summary = {"all": score(rows), **breakdown(rows)}
    if args.json:
        print(json.dumps(summary, indent=2))
        return 0

    def line(name, s):
        return (f"{name:46} n={s['n']:4} art={s['articles']:2}  TP={s['tp']:3} FP={s['fp']:3} "
                f"FN={s['fn']:3}  P={s['precision']:.3f} R={s['recall']:.3f} F1={s['f1']:.3f}")

    for key in ("topic", "outlet"):
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
