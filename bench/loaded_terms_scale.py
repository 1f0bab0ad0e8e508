#!/usr/bin/env python3
"""The loaded-terms matcher against the number of terms.

    python bench/loaded_terms_scale.py [DRAFTS] [--repeat 3]

The bundled loaded-terms rules plus one extra rule of filler terms (English
words from TextBlob's lexicon that never occur in the drafts, so the
findings stay those of the bundled rules) make packs of 100, 1,000 and
10,000 terms.  For each: the check alone over prebuilt text models (words per
CPU second, wall beside it), and, side by side in the same run, the regex
alternation the automaton replaced (matching only, no findings built).  Then
the time to load a pack file of 100,000 terms (YAML, validation, automaton).
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_cli import best, rate  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("drafts", nargs="?", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--sizes", default="100,1000,10000")
    ap.add_argument("--load", type=int, default=100_000, help="terms in the pack whose load time is measured")
    ap.add_argument("--alternation-max", type=int, default=1000,
                    help="time the old regex alternation only up to this many terms (it is slow)")
    args = ap.parse_args(argv)

    tmp = tempfile.TemporaryDirectory(prefix="copydesk-terms-")
    folder = args.drafts or Path(tmp.name) / "drafts"
    if not folder.exists() or not any(folder.glob("*.md")):
        subprocess.run([sys.executable, str(ROOT / "bench" / "gen_drafts.py"), str(folder)], check=True)
    files = sorted(folder.glob("*.md"))
    texts = [p.read_text(encoding="utf-8") for p in files]
    words = sum(len(t.split()) for t in texts)
    print(f"{len(files)} drafts, {words:,} words; Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")

    from textblob.en import lexicon

    from copydesk.checks._termindex import core_regex
    from copydesk.checks.loaded_term import LoadedTerms
    from copydesk.config import Config
    from copydesk.engine import Engine
    from copydesk.rules.model import Rule
    from copydesk.text.document import Document

    engine = Engine(Config())
    bundled = [r for r in engine.active_rules.values() if r.check == "loaded-term"]
    check0 = next(c for c in engine.checks if isinstance(c, LoadedTerms))
    vocab = {w.lower() for t in texts for w in re.findall(r"[^\W\d_]+", t)}
    filler = sorted({w.lower() for w in lexicon if w.isalpha() and len(w) > 3} - vocab)
    models = [engine.model(Document(t, path=str(p))) for p, t in zip(files, texts)]
    pars = [par for m in models for par in m.paragraphs]
    for par in pars:
        par.sentences, par.quotes  # built once, outside the timings

    base_terms = sum(len(r.option("terms", [])) for r in bundled)
    print(f"bundled loaded-terms rules: {len(bundled)} rules, {base_terms} terms; filler pool {len(filler):,} words\n")
    print(f"{'terms':>7}  {'automaton (the check, findings built)':<60}  {'regex alternation (matching only)'}")
    for size in [int(s) for s in args.sizes.split(",")]:
        extra = filler[: max(0, size - base_terms)]
        if len(extra) < size - base_terms:
            raise SystemExit(f"only {len(filler)} filler words")
        rules = bundled + ([Rule("loaded-term/filler", "loaded-term", "warning", "m",
                                 options={"terms": extra})] if extra else [])
        check = LoadedTerms(rules, check0.context)
        found = {}

        def run():
            found["n"] = sum(1 for par in pars for _ in check.check_paragraph(par))

        auto = best(run, args.repeat)
        terms = sorted((t for r in rules for t in r.option("terms", [])), key=len, reverse=True)
        firsts = "".join(sorted({re.escape(t[:1].lower()) for t in terms}))
        alt_rx = re.compile(rf"(?<![^\W_])(?=[{firsts}])(?:" + "|".join(f"({core_regex(t)})" for t in terms) + ")",
                         re.I)

        def run_alt():
            found["alt"] = sum(1 for par in pars for _ in alt_rx.finditer(par.text))

        if size <= args.alternation_max:
            alt = rate(words, best(run_alt, 1))
        else:
            alt = "(not timed: --alternation-max)"
        print(f"{len(terms):>7}  {rate(words, auto)} {found['n']:>6} findings  {alt}")

    # Load time of a big pack: the whole engine build from the file.
    pack = Path(tmp.name) / "many.yml"
    pack.write_text("rules:\n  - id: loaded-term/many\n    check: loaded-term\n    message: m\n    terms: ["
                    + ", ".join(f"w{i:06d}x" for i in range(args.load)) + "]\n", encoding="utf-8")
    built = {}

    def load():
        built["e"] = Engine(Config(rules=(str(pack),)))

    seconds = best(load, 1)
    assert not built["e"].errors, built["e"].errors[:3]
    print(f"\nload a pack of {args.load:,} terms (YAML + validation + automaton): "
          f"{seconds[0]:.2f} s CPU, {seconds[1]:.2f} s wall")
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
