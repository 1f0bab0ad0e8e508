"""The syntactic layer's faster model load (lang/syntax.py: the tokenizer is
built once, from the pipeline's own serialised tokenizer, not first from the
language defaults) gives exactly the pipeline a plain ``spacy.load`` gives:
the same tokenizer bytes, the same components, the same parses (tokens,
offsets, tags, parts of speech, lemmas, dependency labels, heads, sentences)
on real news sentences and on text that exercises the tokenizer's special
cases, prefixes, suffixes, infixes, URLs and emoji."""
from pathlib import Path

import pytest
import yaml

from copydesk.lang import syntax
from copydesk.text.sentences import split

spacy = pytest.importorskip("spacy")
ROOT = Path(__file__).resolve().parents[1]

TRICKY = [
    "Don't they'll won't can't Y'all gonna U.S. Jan. 5 a.m. Mr. Smith's e.g. etc.",
    "The toll rose to 1,200 (up from 900) — “a massacre,” he said; see https://example.com/a?b=1 or mail x@y.org.",
    "Anti-regime protesters gathered in Idlib — some waving flags 🇸🇾 :) at 10:30pm, 3km away, $5.5bn, 50%.",
    "‘We’re not leaving,’ said Dr. Ahmad al-Hassan, 45, of Aleppo's al-Shaar district...",
    "I'm, you're, he's, she'd, we've, 'tis, o'clock, ma'am, ain't, n't, 'em, cannot, gotta.",
    "St. Louis, Calif., Gen. Mattis, Sen. Rubio, Inc., Ltd., Co. and No. 10 Downing St.",
]


def _sentences() -> list[str]:
    out = list(TRICKY)
    for path in sorted((ROOT / "seeds").glob("*.txt")) + sorted((ROOT / "examples").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        out += [s.text.strip() for s in split(text) if s.text.strip()]
    for name in ("attribution_labels.yaml", "claims_real.yaml"):  # labelled real sentences
        out += list(_strings(yaml.safe_load((ROOT / "tests" / "data" / name).read_text(encoding="utf-8"))))
    return out


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


def _rows(doc):
    return ([(t.text, t.idx, t.tag_, t.pos_, t.lemma_, t.dep_, t.head.i, t.whitespace_) for t in doc],
            [(s.start, s.end) for s in doc.sents])


def test_fast_load_gives_the_pipeline_plain_spacy_load_gives():
    if syntax._model_name() != syntax.MODEL or not syntax._serialized_tokenizer(syntax.MODEL):
        pytest.skip("the default model is not installed here")
    override = syntax._tokenizer_override(spacy, syntax.MODEL)
    assert override  # the fast path is what this test is about
    fast = spacy.load(syntax.MODEL, exclude=list(syntax.EXCLUDE), config=override)
    plain = spacy.load(syntax.MODEL, exclude=list(syntax.EXCLUDE))
    assert fast.pipe_names == plain.pipe_names == ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"]
    assert fast.tokenizer.to_bytes() == plain.tokenizer.to_bytes()
    assert fast.tokenizer.faster_heuristics == plain.tokenizer.faster_heuristics
    sentences = _sentences()
    assert len(sentences) > 300
    for a, b, text in zip(fast.pipe(sentences), plain.pipe(sentences), sentences):
        assert _rows(a) == _rows(b), text
    # And through copydesk's own conversion (what the checks read).
    for text in sentences[:40]:
        assert syntax._convert(fast(text), text) == syntax._convert(plain(text), text)


def test_the_layer_loads_with_the_fast_tokenizer_and_parses():
    if syntax.status() is not None:
        pytest.skip(syntax.status())
    nlp = syntax._nlp
    assert nlp.config["nlp"]["tokenizer"]["@tokenizers"] == syntax._TOKENIZER
    parse = syntax.parse("Officials said the regime attacked the town on Tuesday.")
    said = next(t for t in parse.tokens if t.text == "said")
    assert said.dep == "ROOT" and parse.tokens[0].dep == "nsubj" and parse.tokens[0].head == said.i


def test_a_pipeline_folder_without_a_tokenizer_file_loads_as_spacy_would(tmp_path):
    assert not syntax._serialized_tokenizer(str(tmp_path))
    assert syntax._tokenizer_override(spacy, str(tmp_path)) == {}
    assert not syntax._serialized_tokenizer("no_such_pipeline_package")
