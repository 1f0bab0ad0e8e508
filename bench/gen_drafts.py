#!/usr/bin/env python3
"""Generate benchmark drafts: deterministic, ~600 words each, built from
sentences of the seed articles with altered numbers and inserted loaded terms.

    python bench/gen_drafts.py OUT_DIR [--count 1000] [--words 600] [--seed 7] [--dated]

The same arguments always give byte-identical files. --dated adds YAML front
matter (title, and a date: one draft a day over two weeks from 2024-11-25)
for `copydesk report`'s timeline; without it the drafts are as they always were.
"""
from __future__ import annotations

import argparse
import datetime
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))

from copydesk.text.sentences import split  # noqa: E402  (ships with the package)

NUMBER = re.compile(r"\b\d[\d,]*(?:\.\d+)?\b")
# Words a reporter might swap for a loaded label, and the labels.
SWAPS = [
    (re.compile(r"\brebels\b"), ["jihadists", "terrorists", "Islamists", "freedom fighters"]),
    (re.compile(r"\bgovernment\b"), ["regime"]),
    (re.compile(r"\boffensive\b"), ["blitzkrieg"]),
    (re.compile(r"\bfighters\b"), ["thugs", "jihadists"]),
    (re.compile(r"\bsetback\b"), ["crushing blow"]),
]
EXTRA = [
    "The regime’s forces fell back towards Hama.",
    "So-called moderate groups joined the assault.",
    "Critics called the fighters “thugs” and “terrorists”.",
    "“The regime is finished,” a commander told reporters.",
    "Local media described the dead as martyrs.",
    "Anti-regime protesters gathered in Idlib — some waving flags 🇸🇾.",
]


def seed_sentences() -> list[str]:
    out = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for line in text.splitlines():
            for s in split(line):
                if 6 <= len(s.text.split()) <= 60:
                    out.append(s.text)
    return out


def alter(sentence: str, rng: random.Random) -> str:
    def number(m: re.Match) -> str:
        raw = m.group(0).replace(",", "")
        if "." in raw:
            return m.group(0)
        value = int(raw)
        if 1900 <= value <= 2100:  # a year: leave it
            return m.group(0)
        new = max(1, int(value * rng.uniform(0.6, 1.5)))
        return f"{new:,}" if "," in m.group(0) else str(new)

    sentence = NUMBER.sub(number, sentence)
    for pattern, labels in SWAPS:
        if rng.random() < 0.3:
            sentence = pattern.sub(lambda _m: rng.choice(labels), sentence, count=1)
    return sentence


def draft(rng: random.Random, sentences: list[str], words: int, n: int, dated: bool = False) -> str:
    title = rng.choice(sentences).split(",")[0].rstrip(".")
    parts = [f"# {title}\n"]
    count = 0
    while count < words:
        par = []
        for _ in range(rng.randint(2, 4)):
            s = rng.choice(EXTRA) if rng.random() < 0.08 else alter(rng.choice(sentences), rng)
            par.append(s)
            count += len(s.split())
        parts.append(" ".join(par) + "\n")
    body = f"<!-- bench draft {n} -->\n" + "\n".join(parts)
    if dated:
        day = datetime.date(2024, 11, 25) + datetime.timedelta(days=n % 14)
        title = title.replace('"', "'")
        return f'---\ntitle: "{title}"\ndate: {day.isoformat()}\n---\n' + body
    return body


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--words", type=int, default=600)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--dated", action="store_true", help="add front matter with a title and a date")
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    sentences = seed_sentences()
    args.out.mkdir(parents=True, exist_ok=True)
    total = 0
    for n in range(args.count):
        text = draft(rng, sentences, args.words, n, args.dated)
        total += len(text.split())
        (args.out / f"draft-{n:04}.md").write_text(text, encoding="utf-8", newline="\n")
    print(f"{args.count} drafts, {total:,} words, in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
