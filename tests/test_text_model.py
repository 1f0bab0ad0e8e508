"""Text model: positions, prose extraction, sentences, quotations."""
from copydesk.lang import Language, default_language
from copydesk.lang.cues import AttributionCues
from copydesk.text.document import Document
from copydesk.text.sentences import split
from copydesk.engine import Engine


def model(text, path="d.md"):
    return Engine().model(Document(text, path=path))


def test_positions_count_utf16_units_after_emoji_and_curly_quotes():
    text = "“Aleppo” — 🔥 Ḥalab’s regime\nsecond"
    doc = Document(text)
    off = text.index("regime")
    pos = doc.position(off)
    assert pos.line == 0
    assert pos.character == len("“Aleppo” — 🔥 Ḥalab’s ")
    assert pos.utf16 == pos.character + 1  # the emoji is a surrogate pair
    assert doc.offset_at(0, pos.utf16) == off
    assert doc.offset_at(1, 3) == text.index("second") + 3
    assert doc.offset_at(5, 0) == len(text)  # past the end clamps


def test_utf8_columns_for_clients_that_negotiate_them():
    doc = Document("é🔥x")
    assert doc.column_in(2, "utf-8") == (0, 6)  # é is 2 bytes, the emoji 4
    assert doc.column_in(3, "utf-8") == (0, 7)
    assert doc.column_in(2, "utf-32") == (0, 2)
    assert doc.offset_at(0, 6, "utf-8") == 2
    assert doc.offset_at(0, 2, "utf-32") == 2


def test_sentence_splitting_handles_abbreviations_and_quotes():
    text = ("Mr. Assad met Gen. Smith in the U.S. on Nov. 29. He left at 9 a.m. The U.N. said so. "
            "“We will win.” He left. “Stop,” he said. St. Mark’s is at No. 10.")
    assert [s.text for s in split(text)] == [
        "Mr. Assad met Gen. Smith in the U.S. on Nov. 29.",
        "He left at 9 a.m.",
        "The U.N. said so.",
        "“We will win.”",
        "He left.",
        "“Stop,” he said.",
        "St. Mark’s is at No. 10.",
    ]


def test_abbreviations_before_numbers_and_company_suffixes_can_end_sentences():
    text = ("Ms. Li said no. She works for Apple Corp. She left. “No.” He left. Fighting continued "
            "(see p. 4). Martin Luther King Jr. was born in Atlanta. Smith & Sons Ltd. announced cuts.")
    assert [s.text for s in split(text)] == [
        "Ms. Li said no.",
        "She works for Apple Corp.",
        "She left.",
        "“No.”",
        "He left.",
        "Fighting continued (see p. 4).",
        "Martin Luther King Jr. was born in Atlanta.",
        "Smith & Sons Ltd. announced cuts.",
    ]


def test_markdown_prose_skips_code_front_matter_urls_and_comments():
    text = (
        "---\ntitle: the regime\n---\n# Heading about X\n\n"
        "Text with `regime` code and [a link](http://regime.example/regime) and https://x.org/regime here.\n\n"
        "```\nregime in a fence\n```\n\n    regime indented\n\n<!-- regime in a comment -->\n"
    )
    m = model(text)
    assert "regime" not in m.mask
    assert "a link" in m.mask and "Text with" in m.mask
    assert [p.kind for p in m.paragraphs] == ["heading", "paragraph"]
    assert len(m.mask) == len(text)


def test_plain_text_one_paragraph_per_line_and_headings():
    text = "A conquering alliance\nThe fighting left more than 300 dead, the OSDH said. It went on.\n"
    m = model(text, "d.txt")
    assert [p.kind for p in m.paragraphs] == ["heading", "paragraph"]
    assert [s.text for s in m.paragraphs[1].sentences] == [
        "The fighting left more than 300 dead, the OSDH said.", "It went on."]


def test_hard_wrapped_plain_text_joins_lines():
    text = "The army said it had regained several towns\nin the north on Sunday.\n\nNext paragraph here.\n"
    m = model(text, "d.txt")
    assert len(m.paragraphs) == 2
    assert m.paragraphs[0].sentences[0].text.endswith("on Sunday.")


def test_quotes_nested_and_attributed():
    text = ("Iran said its consulate was attacked by “terrorist elements”. "
            "The rebels “think that the ‘regime’ is cornered.” "
            "“Hold,” he said.")
    m = model(text)
    par = m.paragraphs[0]
    quotes = {text[q.start:q.end]: q for q in par.quotes}
    assert quotes["“terrorist elements”"].attributed
    assert not quotes["“think that the ‘regime’ is cornered.”"].attributed
    assert quotes["‘regime’"].depth == 1
    assert quotes["“Hold,”"].attributed


def test_quote_attributed_by_following_sentence_counts_as_nearby():
    text = "“A government stripped of Aleppo cannot function.” He added that more was needed."
    par = model(text).paragraphs[0]
    q = par.quotes[0]
    assert not q.attributed and q.attributed_nearby


def test_attribution_cues_from_the_language():
    lexicons = {**default_language().lexicons, "reporting_verbs": ["said"], "attribution_phrases": ["according to"]}
    cues = AttributionCues.for_language(Language("en", lexicons))
    assert cues.present("the ministry said")
    assert cues.present("According  to the Observatory")
    assert not cues.present("the fighting continued")
