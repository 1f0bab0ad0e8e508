#!/usr/bin/env python3
"""Carry-over on PolNeAR ``train`` (never test): which features of a sentence
that follows a sentence holding an attribution cue predict that it is still
inside that attribution's content (PolNeAR content spans run across
sentences).  Prints, per feature value, how many such sentences have it and
what share of them lies inside an earlier cue's content.

    python bench/claims_polnear_carry.py POLNEAR_GIT_DIR [--split train] [--stride 2]

Only sentences with no cue of their own are counted (a sentence with its own
cue is covered by it).  "Inside" = at least half the sentence's characters
lie in the content span of an attribution whose cue ends before the sentence.
Numbers only; nothing of the corpus is printed or committed.
"""
from __future__ import annotations

import argparse
import collections
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))

from polnear_errors import load  # noqa: E402

from copydesk.lang import syntax  # noqa: E402

PRON = {"he", "she", "they", "it", "we", "i", "you"}
MODAL = {"will", "would", "could", "should", "may", "might", "must", "can", "'ll"}
QUOTES = "\"“”"
CUE_END = {"say", "tell", "add", "note", "write", "report", "argue", "explain", "announce", "claim", "state"}


def features(sent, prev, same_par, breakers, first_words):
    toks = [t for t in sent if not t.is_space]
    first = next((t for t in toks if t.is_alpha), None)
    f = {}
    f["same paragraph"] = same_par
    f["opener in carry_over_breakers"] = bool(first) and (
        first.lower_ in breakers or " ".join(t.lower_ for t in toks[:3]).startswith(tuple(b + " " for b in breakers if " " in b)))
    f["opens with a quotation mark"] = bool(toks) and toks[0].text in QUOTES
    f["holds a quotation mark"] = any(t.text in QUOTES for t in toks)
    f["previous holds a quotation mark"] = any(t.text in QUOTES for t in prev)
    root = next((t for t in toks if t.dep_ == "ROOT"), None)
    subj = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None) if root is not None else None
    if subj is None:
        st = "none"
    elif subj.lower_ in PRON:
        st = "pronoun " + ("I/we" if subj.lower_ in ("i", "we") else subj.lower_ if subj.lower_ in ("it", "you") else "he/she/they")
    elif subj.pos_ == "PROPN" or subj.ent_type_ in ("PERSON", "ORG", "GPE", "NORP"):
        st = "named entity"
    else:
        st = "common noun"
    f["root subject"] = st
    f["first-person word (I/we/our/us/my)"] = any(t.lower_ in first_words for t in toks)
    f["modal"] = any(t.tag_ == "MD" for t in toks)
    tag = root.tag_ if root is not None else ""
    aux = [c.tag_ for c in root.children if c.dep_ in ("aux", "auxpass")] if root is not None else []
    tense = "past" if tag == "VBD" or "VBD" in aux else "present" if tag in ("VBZ", "VBP") or set(aux) & {"VBZ", "VBP"} else "modal/other"
    f["main verb tense"] = tense
    proot = next((t for t in prev if t.dep_ == "ROOT"), None)
    ptag = proot.tag_ if proot is not None else ""
    f["previous ends with a colon"] = prev.text.rstrip().rstrip(QUOTES).endswith(":")
    pcue = [t for t in prev if t.lemma_ in CUE_END]
    f["previous sentence's cue"] = ("closes it (…, X said.)" if pcue and pcue[-1].i >= prev.end - 3 else
                                   "opens it (X said …)" if pcue else "other")
    f["tense shift from previous"] = f"{'past' if ptag == 'VBD' else 'present' if ptag in ('VBZ', 'VBP') else 'other'} -> {tense}"
    shift = ptag == "VBD" and tense != "past"
    f["rule: past cue -> present/modal, subject no named entity"] = shift and st != "named entity"
    f["rule: ... and subject a pronoun or none"] = shift and (st.startswith("pronoun") or st == "none")
    f["rule: ... and subject a common noun"] = shift and st == "common noun"
    closes = f["previous sentence's cue"].startswith("closes")
    f["rule: previous cue closes it, subject no named entity"] = closes and st != "named entity"
    f["rule: previous cue closes it, past -> past, subject no named entity"] = closes and st != "named entity" and ptag == "VBD" and tense == "past"
    f["rule: past -> past, subject no named entity"] = ptag == "VBD" and tense == "past" and st != "named entity"
    f["words (bucket)"] = "<=12" if len(toks) <= 12 else "13-25" if len(toks) <= 25 else ">25"
    return f


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gitdir")
    ap.add_argument("--split", default="train", choices=["train"])  # dev is for measuring, test reserved
    ap.add_argument("--stride", type=int, default=2)
    ap.add_argument("--limit", type=int)
    ap.add_argument("--findings", action="store_true",
                    help="count only the sentences unattributed-claim flags (what a carry-over rule would silence)")
    args = ap.parse_args()
    engine = None
    if args.findings:
        from copydesk.config import Config
        from copydesk.engine import Engine
        from copydesk.text.document import Document
        engine = Engine(Config())
    nlp = syntax._load()
    if nlp is None:
        print(syntax.status())
        return 1
    import yaml
    en = yaml.safe_load((Path(__file__).resolve().parents[1] / "rules/language/en.yml").read_text())
    breakers = set(next((d["carry_over_breakers"] for d in [en, *[v for v in en.values() if isinstance(v, dict)]]
                         if isinstance(d, dict) and "carry_over_breakers" in d), []))
    first_words = {"i", "we", "our", "us", "my", "me", "ours"}
    tally = collections.defaultdict(lambda: [0, 0])
    base = [0, 0]
    own = [0, 0]
    docs = load(args.gitdir, args.split, args.limit, args.stride)
    for name, txt, atts in docs:
        cues = [a["cue"] for a in atts]
        flagged = None
        if engine is not None:
            flagged = [f.start for f in engine.lint(Document(txt, path=name + ".txt")).findings
                       if f.rule_id == "attribution/unattributed-claim"]
        pars = [(m.start(), m.group()) for m in re.finditer(r"[^\n]+", txt)]
        sents = []
        for pstart, ptext in pars:
            for s in nlp(ptext).sents:
                sents.append((pstart + s.start_char, pstart + s.end_char, s, pstart))
        for i in range(1, len(sents)):
            a0, b0, ps, ppar = sents[i - 1]
            a, b, s, par = sents[i]
            if not any(a0 <= c[0] < b0 for c in cues):
                continue  # only after a sentence holding a cue
            span = max(1, b - a)
            if flagged is not None and not any(a <= x < b for x in flagged):
                continue

            def inside(att):
                if "content" not in att or att["cue"][1] > a:
                    return False
                cs, ce = att["content"]
                return max(0, min(b, ce) - max(a, cs)) * 2 >= span
            label = any(inside(x) for x in atts)
            if any(a <= c[0] < b for c in cues):
                own[0] += 1
                own[1] += label
                continue
            base[0] += 1
            base[1] += label
            fs = features(s, ps, par == ppar, breakers, first_words)
            groups = ["all"]
            if par == ppar and not fs["holds a quotation mark"]:
                groups.append("same paragraph, unquoted")
            for g in groups:
                for k, v in fs.items():
                    tally[(g, k, str(v))][0] += 1
                    tally[(g, k, str(v))][1] += label
    print(f"PolNeAR {args.split} every {args.stride}: {len(docs)} articles"
          + (" (only sentences unattributed-claim flags)" if args.findings else ""))
    print(f"sentences after a sentence with a cue, with a cue of their own: {own[0]} ({own[1]} inside an earlier content)")
    print(f"... with no cue of their own: {base[0]}, inside an earlier cue's content {base[1]} ({base[1] / max(1, base[0]):.1%})")
    print(f"{'sentences':26} {'feature':38} {'value':28} {'n':>5} {'inside':>7}")
    for (g, k, v), (n, y) in sorted(tally.items()):
        print(f"{g:26} {k:38} {v:28} {n:5d} {y / n:7.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
