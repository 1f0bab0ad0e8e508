#!/usr/bin/env python3
"""Error analysis of the source ledger on PolNeAR, in-process: gold vs
predicted cue / source / content spans, the same matching as
/work/shared/tools/score_polnear.py (overlap: a predicted span counts when it
overlaps an unused gold span of the same role; exact: same span, or the same
text once quotes, commas and full stops are stripped at the ends).

    python bench/polnear_errors.py POLNEAR_GIT_DIR [--split train] [--limit N]
        [--show fn-cue|fp-cue|fn-source|fp-source|inexact-content|...] [--max 60]
        [--cache DIR]

POLNEAR_GIT_DIR is a bare git dir of github networkdynamics/PolNeAR (nothing
of it is committed).  Develop on ``train``, measure on ``dev``; the ``test``
split is reserved for an independent evaluation and this script refuses it.
Paragraph parses are cached in ``--cache`` (pickles, default
/tmp/copydesk-polnear-cache) so a rerun costs only the extraction.
"""
from __future__ import annotations

import argparse
import collections
import pickle
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))

from copydesk import ledger  # noqa: E402
from copydesk.config import Config  # noqa: E402
from copydesk.engine import Engine  # noqa: E402
from copydesk.lang import syntax  # noqa: E402
from copydesk.text.document import Document  # noqa: E402

ROLES = ("cue", "source", "content")
STRIP = " \"“”‘’,."


def git(d, *a):
    return subprocess.run(["git", "-C", d, *a], capture_output=True, text=True, check=True).stdout


def parse_ann(text):
    spans, rels = {}, []
    for line in text.splitlines():
        if line.startswith("T"):
            if line.count("\t") < 2:
                continue  # one malformed line in train
            tid, mid, _ = line.split("\t", 2)
            role, offs = mid.split(" ", 1)
            spans[tid] = (role, [tuple(map(int, s.split())) for s in offs.split(";")])
        elif line.startswith("E"):
            rel = {}
            for part in line.split("\t")[1].split():
                k, v = part.split(":")
                rel[re.sub(r"\d+$", "", k)] = v
            rels.append(rel)
    out = []
    for r in rels:
        a = {}
        for role in ("Source", "Cue", "Content"):
            if role in r and r[role] in spans:
                segs = spans[r[role]][1]
                a[role.lower()] = (min(s for s, _ in segs), max(e for _, e in segs))
        if "cue" in a:
            out.append(a)
    return out


def load(gitdir, split, limit, stride=1):
    names = sorted({p.rsplit("/", 1)[1][:-4] for p in git(gitdir, "ls-tree", "-r", "HEAD", "--name-only",
                                                            f"data/{split}/text").split()})
    names = names[::stride]
    if limit:
        names = names[:limit]
    anns = git(gitdir, "ls-tree", "-r", "HEAD", "--name-only", f"data/{split}/attributions").split()
    docs = []
    for n in names:
        txt = git(gitdir, "show", f"HEAD:data/{split}/text/{n}.txt")
        mine = sorted(a for a in anns if a.rsplit("/", 1)[1].startswith(n + "_"))
        docs.append((n, txt, parse_ann(git(gitdir, "show", "HEAD:" + mine[0])) if mine else []))
    return docs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gitdir")
    ap.add_argument("--split", default="train", choices=["train", "dev"])  # never test
    ap.add_argument("--limit", type=int)
    ap.add_argument("--stride", type=int, default=1, help="every N-th article (a sample across publishers)")
    ap.add_argument("--show", action="append", default=[])
    ap.add_argument("--max", type=int, default=60)
    ap.add_argument("--cache", default="/tmp/copydesk-polnear-cache")
    args = ap.parse_args()
    cache = Path(args.cache) / f"{args.split}.pkl"
    cache.parent.mkdir(parents=True, exist_ok=True)
    if cache.exists():
        syntax._load()
        syntax._cache.update(pickle.loads(cache.read_bytes()))
    syntax.CACHE_SIZE = 10 ** 7
    docs = load(args.gitdir, args.split, args.limit, args.stride)
    engine = Engine(Config())
    before = len(syntax._cache)
    tally = {r: collections.Counter() for r in ROLES}
    shown = collections.defaultdict(list)
    for name, txt, gold in docs:
        model = engine.model(Document(txt, path=name + ".txt"))
        atts = ledger.draft_ledger(engine, model) or []
        for role in ROLES:
            g = [a[role] for a in gold if role in a]
            pr = [(a.source_phrase or a.source) if role == "source" else getattr(a, role) for a in atts if getattr(a, role)]
            used = set()
            for k, (ps, pe) in enumerate(pr):
                m = next((j for j, (gs, ge) in enumerate(g) if j not in used and ps < ge and gs < pe), None)
                if m is None:
                    tally[role]["fp"] += 1
                    shown[f"fp-{role}"].append((name, txt, (ps, pe), atts[k] if role == "cue" else None))
                    continue
                used.add(m)
                tally[role]["tp"] += 1
                if (ps, pe) == g[m] or txt[ps:pe].strip(STRIP) == txt[g[m][0]:g[m][1]].strip(STRIP):
                    tally[role]["exact"] += 1
                else:
                    shown[f"inexact-{role}"].append((name, txt, (ps, pe), g[m]))
            for j, sp in enumerate(g):
                if j not in used:
                    tally[role]["fn"] += 1
                    ga = next(a for a in gold if a.get(role) == sp)
                    shown[f"fn-{role}"].append((name, txt, sp, ga))
    if len(syntax._cache) > before:
        cache.write_bytes(pickle.dumps(dict(syntax._cache)))
    print(f"PolNeAR {args.split}: {len(docs)} articles, {sum(len(g) for _, _, g in docs)} gold attributions")
    for role, t in tally.items():
        p = t["tp"] / max(1, t["tp"] + t["fp"])
        r = t["tp"] / max(1, t["tp"] + t["fn"])
        f1 = 2 * p * r / (p + r) if p + r else 0
        pe = t["exact"] / max(1, t["tp"] + t["fp"])
        re_ = t["exact"] / max(1, t["tp"] + t["fn"])
        fe = 2 * pe * re_ / (pe + re_) if pe + re_ else 0
        print(f"{role:8} overlap F1={f1:.3f} (P={p:.3f} R={r:.3f}) exact F1={fe:.3f}  tp={t['tp']} fp={t['fp']} fn={t['fn']}")
    for key in args.show:
        print(f"\n== {key}: {len(shown[key])}")
        for name, txt, sp, extra in shown[key][:args.max]:
            a, b = sp
            lo = max(0, txt.rfind("\n", 0, a) + 1, a - 150)
            hi = min(len(txt), b + 100)
            nl = txt.find("\n", b)
            if nl != -1:
                hi = min(hi, nl)
            ctx = (txt[lo:a] + "[[" + txt[a:b] + "]]" + txt[b:hi]).replace("\n", " ")
            line = f"- {name[:30]}: {ctx}"
            if isinstance(extra, dict):
                line += "\n    gold: " + " | ".join(f"{r}={txt[extra[r][0]:extra[r][1]][:80]!r}" for r in ROLES if r in extra)
            elif isinstance(extra, tuple):
                line += f"\n    gold: {txt[extra[0]:extra[1]]!r}"
            print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
