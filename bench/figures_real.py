"""Figures check on real articles: changed figures caught, precision, false alarms.

    python bench/figures_real.py /work/data/figures [--split dev|heldout|all] [-v]

The data folder (kept out of the repository: the articles' licences do not
allow committing them) holds

    events/<event>/corpus/*      two or more outlets' articles about one event
    events/<event>/draft.md      a third outlet's article, used as the draft
    events/<event>/labels.yaml   split (dev | heldout), the hand-made changes and
                                 which draft figures a finding is right on
    unrelated/*.md               real articles about other events, linted
                                 against the bundled seed corpus

labels.yaml:

    split: dev
    draft: draft.md
    changed: changed.md          # written from the changes if missing
    justified: [figure, ...]     # draft figures a same-count, same-event corpus
                                 # figure really contradicts: any figure finding is right
    newer: [figure, ...]         # draft figures larger than an older corpus toll:
                                 # a "newer than the corpus" finding is right
    changes:
      - sentence: text that finds the sentence in the draft
        old: "killing six people"
        new: "killing nine people"
        corpus: {file: boston.md, sentence: text of the corpus sentence it contradicts}

Scores, per split:

- caught: changed figures with a figures/* finding on the changed phrase whose
  evidence includes the expected corpus sentence (a finding that cites only
  other sentences is counted as "wrong sentence", not caught);
- precision: right findings / all figures/* findings on the drafts and changed
  drafts (right = a caught change, or a finding on a figure labelled justified,
  or a "newer than the corpus" finding on a figure labelled newer);
- unrelated: figures/* findings on the unrelated drafts (target 0).

Every corpus is indexed in a temporary cache folder.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))

from copydesk.config import Config  # noqa: E402
from copydesk.engine import Engine  # noqa: E402
from copydesk.text.document import Document  # noqa: E402


def figure_findings(engine: Engine, path: Path, text: str | None = None):
    text = path.read_text(encoding="utf-8") if text is None else text
    result = engine.lint(Document(text, path=str(path)))
    return text, [f for f in result.findings if f.rule_id.startswith("figures/")]


def apply_changes(draft: str, changes: list[dict]) -> tuple[str, list[tuple[int, int, dict]]]:
    """The changed draft and, per change, the span of its new phrase.  Each
    change's ``old`` phrase is looked up in the paragraph of its ``sentence``
    in the original draft."""
    edits = []
    for ch in changes:
        at = draft.find(ch["sentence"])
        if at < 0:
            raise SystemExit(f"change {ch}: sentence not found in the draft")
        line_start = draft.rfind("\n", 0, at) + 1
        end = draft.find("\n", at)
        end = len(draft) if end < 0 else end
        pos = draft.find(ch["old"], line_start, end)
        if pos < 0:
            raise SystemExit(f"change {ch}: {ch['old']!r} not in its paragraph")
        edits.append((pos, pos + len(ch["old"]), ch))
    edits.sort(key=lambda e: e[0])
    out, spans, shift, last = [], [], 0, 0
    for a, b, ch in edits:
        if a < last:
            raise SystemExit(f"change {ch}: overlaps another change")
        out.append(draft[last:a])
        out.append(ch["new"])
        spans.append((a + shift, a + shift + len(ch["new"]), ch))
        shift += len(ch["new"]) - (b - a)
        last = b
    out.append(draft[last:])
    return "".join(out), spans


def cites(finding, file: str, sentence: str) -> bool:
    return any(Path(ev.path).name == file and sentence in " ".join((ev.text or "").split())
               for ev in finding.related)


def overlaps(f, a: int, b: int) -> bool:
    return f.start < b and a < f.end


def labelled(text: str, f, figures: list[str]) -> bool:
    span = text[f.start:f.end]
    return any(lab in span or span in lab for lab in figures)


def run_event(folder: Path, cache: str, verbose: bool) -> dict:
    labels = yaml.safe_load((folder / "labels.yaml").read_text(encoding="utf-8"))
    engine = Engine(Config(corpus=(str(folder / "corpus"),), cache=cache))
    draft_path = folder / labels.get("draft", "draft.md")
    draft = draft_path.read_text(encoding="utf-8")
    changes = labels.get("changes") or []
    changed_text, spans = apply_changes(draft, changes)
    changed_path = folder / labels.get("changed", "changed.md")
    if not changed_path.exists() or changed_path.read_text(encoding="utf-8") != changed_text:
        changed_path.write_text(changed_text, encoding="utf-8")
    justified = [str(x) for x in labels.get("justified") or []]
    newer = [str(x) for x in labels.get("newer") or []]

    def right_on_unchanged(text, f):
        if (f.data or {}).get("newer"):
            return labelled(text, f, newer) or labelled(text, f, justified)
        return labelled(text, f, justified)

    stats = {"changes": len(changes), "caught": 0, "wrong_sentence": 0, "findings": 0, "right": 0,
             "false": []}
    text, found = figure_findings(engine, draft_path, draft)
    for f in found:
        stats["findings"] += 1
        if right_on_unchanged(text, f):
            stats["right"] += 1
        else:
            stats["false"].append(("draft", f.rule_id, text[f.start:f.end], f.message))
    text, found = figure_findings(engine, changed_path, changed_text)
    used = set()
    for a, b, ch in spans:
        on = [f for f in found if overlaps(f, a, b)]
        good = [f for f in on if cites(f, ch["corpus"]["file"], ch["corpus"]["sentence"])]
        if good:
            stats["caught"] += 1
            used.update(id(f) for f in good)
        elif on:
            stats["wrong_sentence"] += 1
            if verbose:
                print(f"  wrong sentence: {ch['new']!r}: {on[0].message}")
        elif verbose:
            print(f"  missed: {ch['old']!r} -> {ch['new']!r}")
    for f in found:
        stats["findings"] += 1
        if id(f) in used:
            stats["right"] += 1
        elif not any(overlaps(f, a, b) for a, b, _ in spans) and right_on_unchanged(text, f):
            stats["right"] += 1
        else:
            stats["false"].append(("changed", f.rule_id, text[f.start:f.end], f.message))
    if verbose:
        for where, rule, span, msg in stats["false"]:
            print(f"  false alarm ({where}, {rule}): {span!r}: {msg}")
    return stats


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", type=Path)
    ap.add_argument("--split", default="all", choices=["dev", "heldout", "all"])
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="copydesk-figures-bench-") as cache:
        totals: dict[str, dict] = {}
        for folder in sorted((args.data / "events").iterdir()):
            if not (folder / "labels.yaml").exists():
                continue
            split = yaml.safe_load((folder / "labels.yaml").read_text(encoding="utf-8")).get("split", "dev")
            if args.split != "all" and split != args.split:
                continue
            if args.verbose:
                print(f"{split} {folder.name}")
            s = run_event(folder, cache, args.verbose)
            t = totals.setdefault(split, {"events": 0, "changes": 0, "caught": 0, "wrong_sentence": 0,
                                          "findings": 0, "right": 0})
            t["events"] += 1
            for k in ("changes", "caught", "wrong_sentence", "findings", "right"):
                t[k] += s[k]
            print(f"{split:8} {folder.name:18} caught {s['caught']}/{s['changes']}"
                  f" (wrong sentence {s['wrong_sentence']}), findings {s['findings']}, right {s['right']}")
        unrelated = sorted((args.data / "unrelated").glob("*.md")) if args.split != "heldout" else []
        engine = Engine(Config(cache=cache))  # the bundled seed corpus
        un_findings = 0
        for path in unrelated:
            text, found = figure_findings(engine, path)
            un_findings += len(found)
            if found or args.verbose:
                print(f"unrelated {path.name}: {len(found)} figure findings")
            if args.verbose:
                for f in found:
                    print(f"  {f.rule_id}: {text[f.start:f.end]!r}: {f.message}")
        print()
        for split, t in totals.items():
            prec = t["right"] / t["findings"] if t["findings"] else 1.0
            rec = t["caught"] / t["changes"] if t["changes"] else 1.0
            print(f"{split}: {t['events']} events, changed figures caught {t['caught']}/{t['changes']} "
                  f"({rec:.0%}; {t['wrong_sentence']} with the wrong corpus sentence), "
                  f"precision {t['right']}/{t['findings']} = {prec:.2f}")
        if unrelated:
            print(f"unrelated drafts vs the seed corpus: {len(unrelated)} drafts, {un_findings} figure findings")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
