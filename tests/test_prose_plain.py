"""A Markdown draft without markup is extracted without loading the Markdown
parser (text/prose.py's ``_plain_markdown``): its result must be exactly
markdown-it's on every text it accepts.  Real text (the seeds, examples/),
re-shaped into paragraphs and lines, and the same text with Markdown and
whitespace characters dropped in at random places (seeded), go through both."""
import random
from pathlib import Path

import yaml

from copydesk.text.document import Document
from copydesk.text.prose import _parsed_markdown_state, _plain_markdown, extract
from copydesk.text.sentences import split

ROOT = Path(__file__).resolve().parents[1]

# Characters and strings that start (or might start) Markdown structure, or
# whitespace markdown-it and Python's str methods treat differently.
TRICKY = ["*", "_", "`", "[", "]", "(", ")", "<", ">", "&", "&amp;", "\\", "~", "|", "#", "=", "-", "+",
          "1.", "2)", "12.", ":", "@", "/", "www.", "a.b", "x.com", "3.5", "!", "![", "---", "***", "  ",
          " ", "\t", "\u00a0", "\u2028", "\x0c", "\x1c", "\r", "\r\n", "\n", "\n\n", "\n    ", "\n-", "\n>",
          "\n1. ", "\n#", "\n===", "\n|", "\x00", "“", "’", "—", "'", '"', "é", "日本", "🇸🇾", "localhost",
          "https://", "<!-- copydesk-disable -->", "\n```\n", "\n~~~\n"]


def _real_texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").glob("*.md"))]
    for name in ("attribution_labels.yaml", "claims_real.yaml"):  # labelled real sentences
        texts += list(_strings(yaml.safe_load((ROOT / "tests" / "data" / name).read_text(encoding="utf-8"))))
    return texts


def _strings(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "text" and isinstance(v, str):
                yield v
            else:
                yield from _strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from _strings(v)


def _shapes(rng: random.Random, sentences: list[str]) -> list[str]:
    """Sentences as one-line drafts, paragraphs, hard-wrapped paragraphs."""
    out = []
    for i in range(0, len(sentences), 3):
        group = sentences[i:i + 3]
        out.append(group[0])
        out.append(group[0] + "\n")
        out.append(" ".join(group) + "\n")
        out.append("\n".join(group))
        out.append("\n\n".join(group) + "\n\n")
        out.append("\n" + "\n".join(group[:2]) + "\n\n\n" + " ".join(group[1:]) + "\n")
    rng.shuffle(out)
    return out


def _same(doc: Document) -> bool | None:
    """None when the fast path declines; else whether it equals the parse."""
    fast = _plain_markdown(doc)
    if fast is None:
        return None
    return fast == _parsed_markdown_state(doc)


def test_plain_drafts_extract_exactly_as_markdown_it_does():
    rng = random.Random(12)
    sentences = []
    for text in _real_texts():
        sentences += [s.text.strip() for s in split(text) if s.text.strip()]
    assert len(sentences) > 200
    accepted = declined = 0
    for text in _real_texts() + _shapes(rng, sentences):
        result = _same(Document(text, path="d.md"))
        if result is None:
            declined += 1
        else:
            assert result, repr(text[:200])
            accepted += 1
    # Both branches are exercised on real text: many sentences are plain,
    # many are not (URLs, "U.S.", colons, Markdown in examples/).
    assert accepted > 200 and declined > 50, (accepted, declined)


def test_markdown_characters_anywhere_never_change_the_result():
    rng = random.Random(5)
    sentences = []
    for text in _real_texts():
        sentences += [s.text.strip() for s in split(text) if s.text.strip()]
    plain = [s for s in _shapes(rng, sentences) if _plain_markdown(Document(s, path="d.md")) is not None]
    assert len(plain) > 200
    accepted = 0
    for n in range(6000):
        text = rng.choice(plain)
        for _ in range(rng.randint(1, 3)):
            at = rng.randint(0, len(text))
            text = text[:at] + rng.choice(TRICKY) + text[at:]
        result = _same(Document(text, path="d.md"))
        if result is not None:
            assert result, repr(text[:300])
            accepted += 1
    assert accepted > 500, accepted


def test_extract_takes_the_fast_path_and_the_parse_for_markup():
    plain = Document("Officials said the regime attacked the town on Tuesday.\n", path="one.md")
    assert extract(plain).blocks == _parsed_markdown_state(plain)[0].blocks
    marked = Document("Officials *said* the regime attacked the town.\n", path="one.md")
    assert _plain_markdown(marked) is None
    assert extract(marked).mask == "Officials  said  the regime attacked the town.\n"
