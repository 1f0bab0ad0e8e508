"""Build the real-article evaluation sets from their hand-labelled sources.

    python bench/labels_build.py claims SRC_DIR      # unattributed-claim set (issue 13)
    python bench/labels_build.py loaded SRC_DIR      # loaded-terms set (issue 15)

A source is one article per file, labelled by a person reading it (not by
running copydesk), with a header and the article's body sentences in order,
one per line, a blank line between paragraphs:

    outlet: VOA
    url: https://…
    licence: public domain (Voice of America, US government work)
    topic: conflict                 # claims set: conflict/disaster/politics/business/crime
    lean: state-funded              # loaded set: how the outlet is usually described
    split: dev                      # dev or heldout, chosen per ARTICLE
    ---
    U: death toll, no source | Nearly 50 people were killed in fighting …
    A | The Syrian Observatory for Human Rights … said …

Claims labels: A attributed, U unattributed (check-worthy, no source), V vague,
P plain; U and V carry a one-line reason before the bar.  Loaded-set lines
are `- | text` with the spans a standards editor would strike marked
`{{span|class}}` and loaded words that are attributed (and must NOT be
flagged) marked `((span))`.

Outputs:
- the committed YAML (tests/data/claims_real.yaml or loaded_terms_real.yaml):
  every article's outlet, URL, licence, topic, split and each sentence's label
  (and spans); the sentence text itself only for `dev` articles whose licence
  allows it (public domain, CC BY, OGL), otherwise its sha1;
- DEV_DIR/<id>.txt (default /work/data/<set>): the text of every dev
  article, one sentence a line, blank line between paragraphs, read by the
  bench scripts from a path argument;
- HELDOUT_DIR/<id>.txt and HELDOUT_DIR/labels.yaml (default
  /work/data/<set>-heldout): the held-out articles, kept apart so the people
  tuning the checks do not read them.
"""
from __future__ import annotations

import argparse
import hashlib
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CLAIM_LABELS = {"A": "attributed", "U": "unattributed", "V": "vague", "P": "plain"}
OPEN_LICENCES = ("public domain", "cc by", "open government licence")
SPAN = re.compile(r"\{\{(.+?)\|([a-z-]+)\}\}|\(\((.+?)\)\)")
DEFAULTS = {
    "claims": ("claims_real.yaml", "claims"),
    "loaded": ("loaded_terms_real.yaml", "loaded"),
}


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def committable(licence: str) -> bool:
    low = licence.lower()
    return low.startswith(OPEN_LICENCES)


def parse_source(path: Path, kind: str) -> dict:
    head, _, body = path.read_text(encoding="utf-8").partition("\n---\n")
    meta = {}
    for line in head.splitlines():
        if line.strip():
            key, _, value = line.partition(":")
            meta[key.strip()] = value.strip()
    for key in ("outlet", "url", "licence", "split") + (("topic",) if kind == "claims" else ()):
        if not meta.get(key):
            raise SystemExit(f"{path.name}: header lacks {key}")
    if meta["split"] not in ("dev", "heldout"):
        raise SystemExit(f"{path.name}: split must be dev or heldout")
    sentences = []
    para = 0
    for block in re.split(r"\n\s*\n", body.strip()):
        for line in block.splitlines():
            spec, sep, text = line.partition(" | ")
            if not sep or not text.strip():
                raise SystemExit(f"{path.name}: bad line {line!r}")
            item = {"para": para}
            if kind == "claims":
                code, _, reason = spec.partition(":")
                code = code.strip()
                if code not in CLAIM_LABELS:
                    raise SystemExit(f"{path.name}: unknown label {code!r}")
                if code in "UV" and not reason.strip():
                    raise SystemExit(f"{path.name}: {code} needs a reason: {text[:60]}")
                item["label"] = CLAIM_LABELS[code]
                if reason.strip():
                    item["reason"] = reason.strip()
                item["text"] = text
            else:
                plain, spans, spared = strip_marks(text)
                item["text"] = plain
                item["spans"] = spans
                item["spared"] = spared
                note = spec.strip().lstrip("-").strip()
                if note:
                    item["note"] = note
            sentences.append(item)
        para += 1
    return {"id": path.stem, **meta, "sentences": sentences}


def strip_marks(marked: str):
    """Text without marks, gold spans [{start, end, text, class}], spared spans."""
    out, spans, spared, pos = [], [], [], 0
    for m in SPAN.finditer(marked):
        out.append(marked[pos:m.start()])
        start = sum(len(s) for s in out)
        word = m.group(1) if m.group(1) is not None else m.group(3)
        out.append(word)
        rec = {"start": start, "end": start + len(word), "text": word}
        if m.group(1) is not None:
            spans.append({**rec, "class": m.group(2)})
        else:
            spared.append(rec)
        pos = m.end()
    out.append(marked[pos:])
    text = "".join(out)
    if "{{" in text or "((" in text:
        raise SystemExit(f"unbalanced mark in: {marked}")
    return text, spans, spared


def article_text(sentences) -> str:
    lines, last = [], None
    for s in sentences:
        if last is not None and s["para"] != last:
            lines.append("")
        lines.append(s["text"])
        last = s["para"]
    return "\n".join(lines) + "\n"


def build(kind: str, src: Path, out_yaml: Path, dev_dir: Path, heldout_dir: Path) -> dict:
    articles = [parse_source(p, kind) for p in sorted(src.glob("*.txt"))]
    dev_dir.mkdir(parents=True, exist_ok=True)
    heldout_dir.mkdir(parents=True, exist_ok=True)
    committed, heldout_full = [], []
    for art in articles:
        held = art["split"] == "heldout"
        inline = committable(art["licence"]) and not held
        target = heldout_dir if held else dev_dir
        (target / f"{art['id']}.txt").write_text(article_text(art["sentences"]), encoding="utf-8")
        entry = {k: art[k] for k in ("id", "outlet", "url", "licence", "topic", "lean", "split") if k in art}
        entry["text_committed"] = inline
        rows = []
        for s in art["sentences"]:
            row = {"para": s["para"]}
            if kind == "claims":
                row["label"] = s["label"]
                if not held and "reason" in s:
                    row["reason"] = s["reason"]
            else:
                if not held:
                    row["spans"] = [{"start": x["start"], "end": x["end"], "class": x["class"]}
                                    for x in s["spans"]]
                    row["spared"] = [{"start": x["start"], "end": x["end"]} for x in s["spared"]]
                    if "note" in s:
                        row["note"] = s["note"]
                else:
                    row["n_spans"] = len(s["spans"])
            if inline:
                row["text"] = s["text"]
            else:
                row["sha1"] = sha1(s["text"])
            rows.append(row)
        entry["sentences"] = rows
        committed.append(entry)
        if held:
            heldout_full.append(art)
    header = HEADERS[kind]
    out_yaml.write_text(header + yaml.safe_dump({"articles": committed}, sort_keys=False,
                                                allow_unicode=True, width=100), encoding="utf-8")
    (heldout_dir / "labels.yaml").write_text(
        yaml.safe_dump({"articles": heldout_full}, sort_keys=False, allow_unicode=True, width=100),
        encoding="utf-8")
    return {"articles": len(articles), "sentences": sum(len(a["sentences"]) for a in articles)}


HEADERS = {
    "claims": """\
# Real-article labels for attribution/unattributed-claim (issue 13).
# Built by bench/labels_build.py from hand-labelled sources; how the set was
# made (queries, outlets, licences, who labelled it and when, BEFORE any
# tuning) is in tests/data/README.md.  Scored by bench/claims_real.py.
#
# One entry per article, its body sentences in order (`para` numbers the
# paragraphs, so carry-over can apply).  label: attributed | unattributed
# (check-worthy, no source: the editor writes "who says?") | vague (only an
# unnamed crowd or a passive as source) | plain (not check-worthy); reason for
# unattributed and vague.  `text` only where the licence allows it
# (text_committed: true); otherwise `sha1` of the sentence, and the text is
# read from the folder given to the bench script.  Held-out articles carry
# no text and no reasons here: they are kept out of the repository so that
# the checks are not tuned on them.
""",
    "loaded": """\
# Real-sentence labels for the loaded-terms rules (issue 15).
# Built by bench/labels_build.py from hand-labelled sources; how the set was
# made is in tests/data/README.md.  Scored by bench/loaded_terms_real.py.
#
# One entry per article, sentences in order (`para` numbers paragraphs, so a
# quote's speaker in the next sentence counts).  spans: what a standards
# editor would strike as the writer's own label, as character offsets into
# the sentence, with a class; spared: loaded words that are attributed (in a
# quote with a speaker, "which X designates …") and must not be flagged.
# Held-out articles carry only the number of gold spans per sentence.
""",
}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("kind", choices=sorted(DEFAULTS))
    ap.add_argument("src", type=Path)
    ap.add_argument("--yaml", type=Path)
    ap.add_argument("--dev-dir", type=Path)
    ap.add_argument("--heldout-dir", type=Path)
    args = ap.parse_args(argv)
    name, folder = DEFAULTS[args.kind]
    res = build(args.kind, args.src,
                args.yaml or ROOT / "tests" / "data" / name,
                args.dev_dir or Path("/work/data") / folder,
                args.heldout_dir or Path("/work/data") / f"{folder}-heldout")
    print(f"{res['articles']} articles, {res['sentences']} sentences")
    return 0


if __name__ == "__main__":
    sys.exit(main())
