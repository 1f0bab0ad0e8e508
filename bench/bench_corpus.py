"""Corpus benchmark: index N synthetic articles, then time figure look-ups
and re-indexing.

    python bench/bench_corpus.py                 # 100,000 articles (the target run)
    python bench/bench_corpus.py -n 2000         # a quick run
    python bench/bench_corpus.py -n 50 --json    # what the test suite runs

Articles (~600 words) are made of the seed articles' sentences with their
figures, places and actors varied, so the index sees realistic sentences and
realistic repetition.  Reported: generation and index wall time, peak RSS
(this process and its indexing workers), index size, median and p95 time
to check one draft figure (corpus look-up, context scoring, verdict) and the
time to re-index after touching (and after changing) one file.
Everything is written under a temporary folder (or --dir), never to $HOME.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))

from copydesk.checks.figures import Draft  # noqa: E402
from copydesk.config import Config  # noqa: E402
from copydesk.corpus.sources import read_article, sentences  # noqa: E402
from copydesk.engine import Engine  # noqa: E402
from copydesk.resources import default_corpus_dir  # noqa: E402
from copydesk.text.document import Document  # noqa: E402

PLACES = ("Aleppo Idlib Hama Homs Latakia Tartus Raqqa Deir-ez-Zor Daraa Qamishli Manbij Afrin Azaz Saraqib "
          "Jisr-al-Shughur Maarat Khan-Sheikhun Kafranbel Tal-Rifaat Safira Nubl Zahraa Atarib Darat-Izza "
          "Sarmada Binnish Taftanaz Ariha Kafr-Nabl Suqaylabiyah Mhardeh Salamiyah Palmyra Douma Harasta "
          "Jobar Qusayr Yabroud Nabk Bosra Sanamayn Nawa Inkhil Jasim Tafas Busra Hasakah Ras-al-Ain "
          "Tal-Abyad Kobani Jarablus Bab Mambij Dabiq Akhtarin Marea").split()
PLACES += [f"{a}-{b}" for a in ("Tal", "Kafr", "Deir", "Ain", "Khirbet", "Jabal", "Wadi", "Qasr", "Bir", "Umm")
           for b in ("Hamra", "Souda", "Kabir", "Saghir", "Nahr", "Zeit", "Tin", "Jouz", "Sharqi", "Gharbi",
                     "Shamali", "Janoubi", "Abyad", "Aswad", "Akhdar", "Jadid", "Qadim", "Wasta", "Ali", "Hasan")]
ACTORS = ("HTS Observatory OSDH SANA Hezbollah Russia Iran Turkey Damascus Moscow Tehran Ankara AFP Reuters "
          "UN Kremlin Pentagon").split()
NUMBER_WORDS = "two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty".split()
OUTLETS = ["Wire Desk", "Levant Daily", "Gulf Courier", "Northern Tribune", "Metro Herald"]
_PLACE_RE = re.compile(r"\b(" + "|".join(["Aleppo", "Idlib", "Hama", "Latakia", "Khan Sheikhun",
                                          "Maaret al-Numan", "Damascus", "Ankara"]) + r")\b")
_NUM_RE = re.compile(r"\b\d{1,3}(?:,\d{3})*\b(?!\s*(?:BC|AD))")
_WORD_RE = re.compile(r"\b(" + "|".join(NUMBER_WORDS + ["nine", "five", "two"]) + r")\b")


def seed_sentences() -> list[str]:
    out = []
    for p in sorted(default_corpus_dir().glob("*")):
        art = read_article(str(p), p.read_bytes())
        for a, b in sentences(art):
            s = " ".join(art.mask[a:b].split())
            if len(s.split()) >= 6:
                out.append(s)
    return out


def vary(sentence: str, rng: random.Random) -> str:
    def num(m):
        v = int(m.group(0).replace(",", ""))
        if 1900 <= v <= 2100:
            return m.group(0)  # keep years years
        return f"{max(1, int(v * rng.uniform(0.3, 3))):,}"

    s = _NUM_RE.sub(num, sentence)
    s = _WORD_RE.sub(lambda m: rng.choice(NUMBER_WORDS), s)
    s = _PLACE_RE.sub(lambda m: rng.choice(PLACES), s)
    if rng.random() < 0.3:
        s = s.rstrip(".") + f", {rng.choice(ACTORS)} said."
    return s


def make_article(pool: list[str], rng: random.Random, words: int = 600) -> str:
    body, n = [], 0
    while n < words:
        s = vary(rng.choice(pool), rng)
        body.append(s)
        n += len(s.split())
    paras = [" ".join(body[i:i + 3]) for i in range(0, len(body), 3)]
    return "\n\n".join(paras) + "\n"


def generate(folder: Path, n: int, seed: int = 5) -> float:
    rng = random.Random(seed)
    pool = seed_sentences()
    t0 = time.perf_counter()
    for i in range(n):
        sub = folder / f"{i // 1000:04d}"
        if i % 1000 == 0:
            sub.mkdir(parents=True, exist_ok=True)
        title = vary(rng.choice(pool), rng)[:80]
        if i % 3 == 0:  # a third are Markdown with front matter
            head = (f"---\ntitle: \"{title.replace(chr(34), '')}\"\noutlet: {rng.choice(OUTLETS)}\n"
                    f"date: 2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}\n---\n\n")
            (sub / f"a{i:06d}.md").write_text(head + make_article(pool, rng), encoding="utf-8")
        else:
            path = sub / f"a{i:06d}.txt"
            path.write_text(title + "\n\n" + make_article(pool, rng), encoding="utf-8")
            # Saved on its day of 2024 (an archive's file times): an article
            # without a date of its own is dated by its file.
            day = datetime.datetime(2024, rng.randint(1, 12), rng.randint(1, 28), 12,
                                    tzinfo=datetime.timezone.utc).timestamp()
            os.utime(path, (day, day))
    return time.perf_counter() - t0


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def rss_mib() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, kids


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", "--articles", type=int, default=100_000)
    ap.add_argument("--lookups", type=int, default=2000, help="Draft figures to time")
    ap.add_argument("--dir", help="Work folder (default: a temporary one, removed afterwards)")
    ap.add_argument("--keep", action="store_true", help="Keep the work folder")
    ap.add_argument("--jobs", type=int, default=None, help="Indexing processes (default: CPU count)")
    ap.add_argument("--json", action="store_true", help="Print the results as JSON")
    args = ap.parse_args(argv)

    work = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="copydesk-bench-"))
    articles, cache = work / "articles", work / "cache"
    articles.mkdir(parents=True, exist_ok=True)
    cache.mkdir(exist_ok=True)
    result: dict = {"articles": args.articles}
    try:
        existing = sum(1 for _ in articles.rglob("a*.*"))
        if existing != args.articles:
            shutil.rmtree(articles)
            articles.mkdir()
            result["generate_s"] = round(generate(articles, args.articles), 2)
        result["corpus_mib"] = round(sum(p.stat().st_size for p in articles.rglob("*") if p.is_file()) / 2**20, 1)

        cfg = Config(corpus=(str(articles),), cache=str(cache))
        engine = Engine(cfg)
        corpus = engine.corpus
        if args.jobs is not None:
            corpus.jobs = args.jobs
        result["load_avg_before"] = round(os.getloadavg()[0], 2)
        cpu0 = _cpu()
        t0 = time.perf_counter()
        counts = corpus.refresh()
        result["index_s"] = round(time.perf_counter() - t0, 2)
        # CPU seconds (this process + workers): comparable when the machine is busy.
        result["index_cpu_s"] = round(_cpu() - cpu0, 1)
        result["load_avg_after"] = round(os.getloadavg()[0], 2)
        result["indexed"] = counts
        stats = corpus.stats()
        result.update({k: stats[k] for k in ("files", "sentences", "figures")})
        result["index_mib"] = round(stats.get("bytes", 0) / 2**20, 1)
        own, kids = rss_mib()
        result["peak_rss_index_mib"] = {"main": round(own), "workers": round(kids)}

        # Look-ups: draft figures in sentences like the corpus's (fresh variations).
        check = next(c for c in engine.checks if type(c).__name__ == "Figures")
        rule = check.by_report["mismatch"]
        rng = random.Random(11)
        pool = seed_sentences()
        drafts = []
        while len(drafts) < args.lookups:
            text = vary(rng.choice(pool), rng)
            model = engine.model(Document(text, path="draft.txt"))
            # Dated like the corpus's articles, so the date window applies.
            draft = check.draft_context(model)
            draft = Draft(datetime.date(2024, rng.randint(1, 12), rng.randint(1, 28)), draft.lead, draft.first)
            for par in model.paragraphs:
                drafts.extend((f, t, sc, d) for f, t, sc, d in check._figures(
                    model.mask, par.start, par.end, par.sentences, draft)
                    if check._checks_group(rule, f.group))
        drafts = drafts[:args.lookups]
        times, verdicts = [], {}
        for fig, terms, scope, draft in drafts:
            t = time.perf_counter()
            a = check.assess(fig, terms, rule, scope, draft)
            times.append(time.perf_counter() - t)
            verdicts[a.verdict] = verdicts.get(a.verdict, 0) + 1
        times.sort()
        result["lookups"] = len(times)
        result["lookup_median_ms"] = round(statistics.median(times) * 1000, 3) if times else None
        result["lookup_p95_ms"] = round(times[int(len(times) * 0.95) - 1] * 1000, 3) if times else None
        result["verdicts"] = verdicts

        # Re-index after touching one file (mtime only), then after changing one.
        victim = next(articles.rglob("a*.txt"))
        os.utime(victim)
        t0 = time.perf_counter()
        result["touch_counts"] = corpus.refresh()
        result["reindex_touch_s"] = round(time.perf_counter() - t0, 3)
        with open(victim, "a", encoding="utf-8") as fh:
            fh.write("\nThe fighting left more than 900 dead in Aleppo, the Observatory said.\n")
        t0 = time.perf_counter()
        result["change_counts"] = corpus.refresh()
        result["reindex_change_s"] = round(time.perf_counter() - t0, 3)
        own, kids = rss_mib()
        result["peak_rss_mib"] = {"main": round(own), "workers": round(kids)}
        corpus.close()
    finally:
        if not args.dir and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        elif args.keep or args.dir:
            result["work"] = str(work)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for k, v in result.items():
            print(f"{k:>22}: {v}")
    return result


if __name__ == "__main__":
    main()
