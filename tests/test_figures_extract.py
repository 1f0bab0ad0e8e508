"""Figure extraction: what number, how sure, counting what."""
import pytest

from copydesk.lang.figures import Extractor, consistent, default_language


@pytest.fixture(scope="module")
def ex():
    return Extractor(default_language())


def one(ex, text):
    figs = ex.extract(text)
    assert len(figs) == 1, [f.text for f in figs]
    return figs[0]


@pytest.mark.parametrize("text, value, kind, group, phrase", [
    ("the most recent fighting has resulted in over 412 deaths, primarily", 412, "lower", "deaths", "over 412"),
    # A count of "people" is a count of what befell them.
    ("strikes resulted in the deaths of at least 12 individuals in Aleppo", 12, "lower", "deaths", "at least 12"),
    ("The offensive has killed more than 500 people, most of them fighters", 500, "lower", "deaths", "more than 500"),
    ("More than 500 people have been killed since Wednesday", 500, "lower", "deaths", "More than 500"),
    ("The clashes left 500 people dead.", 500, "exact", "deaths", "500"),
    ("Some 500 people are thought to have died.", 500, "approx", "deaths", "Some 500"),
    ("About 48,000 people fled their homes.", 48_000, "approx", "displaced", "About 48,000"),
    ("Queues of 300 people formed outside the bakery.", 300, "exact", "people", "300"),
    # ... and a count with its own group keeps it: civilians who died are civilians.
    ("The strikes caused 61 civilian deaths in Idlib.", 61, "exact", "civilians", "61"),
    ("At least 500 died in the fighting.", 500, "lower", "deaths", "At least 500"),
    ("The death toll from the fighting has risen to 500.", 500, "exact", "deaths", "500"),
    ("The toll, according to the health ministry, reached 97.", 97, "exact", "deaths", "97"),
    ("reporting dozens of soldiers killed during violent clashes", None, "vague", "soldiers", "dozens"),
    ("More than 1,000 people fled the city.", 1000, "lower", "displaced", "More than 1,000"),
    ("Aid agencies said 1.5 million refugees had crossed.", 1_500_000, "exact", "displaced", "1.5 million"),
    ("The fighting left more than 300 dead, including", 300, "lower", "deaths", "more than 300"),
    ("including around a hundred government forces and their allies", 100, "approx", "soldiers", "around a hundred"),
    ("but also twenty-eight civilians, according to", 28, "exact", "civilians", "twenty-eight"),
    ("and nine civilians in the rebel stronghold of Idlib", 9, "exact", "civilians", "nine"),
    ("a hold on power of two decades", 20, "exact", "years", "two"),
    ("Hama, located about 230km south of Aleppo", 230, "approx", "km", "about 230"),
    ("Hama, located approximately 230 kilometres south of Aleppo", 230, "approx", "km", "approximately 230"),
    ("Turnout was 40% in the north.", 40, "exact", "percent", "40"),
    ("nearly 500 deaths were recorded", 500, "below", "deaths", "nearly 500"),
    ("up to 300 fighters took part", 300, "upper", "fighters", "up to 300"),
    ("fewer than ten towns remain", 10, "upper", "towns", "fewer than ten"),
    ("the raid, killing at least 12", 12, "lower", "deaths", "at least 12"),
    ("two hundred and fifty thousand people fled", 250_000, "exact", "displaced", "two hundred and fifty thousand"),
    ("The US keeps hundreds of troops in northeastern Syria", None, "vague", "soldiers", "hundreds"),
    ("the army regained several towns that had been overtaken", None, "vague", "towns", "several"),
    ("At least two dozen people were wounded.", 24, "lower", "injured", "At least two dozen"),
    ("Between 200 and 300 fighters were captured.", 300, "range", "fighters", "Between 200 and 300"),
    ("The toll rose from 300 to 412 deaths.", 412, "exact", "deaths", "412"),
    ("The $1.5bn aid package covers 300,000 refugees.", 300_000, "exact", "displaced", "300,000"),
])
def test_figures_with_qualifiers_units_and_counted_nouns(ex, text, value, kind, group, phrase):
    fig = one(ex, text)
    if value is not None:
        assert fig.value == pytest.approx(value)
    assert (fig.kind, fig.group, fig.phrase) == (kind, group, phrase)
    assert text[fig.start:fig.phrase_end] == phrase


@pytest.mark.parametrize("text, expected", [
    ("Strikes killed 12 people and displaced 48,000 people.", [("12", "deaths"), ("48,000", "displaced")]),
    ("The death toll from three days of fighting has risen to 500.", [("three", "days"), ("500", "deaths")]),
    ("The raid killed four people, and 300 people were evacuated.", [("four", "deaths"), ("300", "displaced")]),
    ("The toll in the villages rose to 50.", [("50", "deaths")]),
    ("The number of soldiers in the city rose to 500.", [("500", "soldiers")]),
])
def test_each_generic_count_takes_its_own_event(ex, text, expected):
    assert [(f.phrase, f.group) for f in ex.extract(text)] == expected


@pytest.mark.parametrize("text", [
    "For the first time since 2016, the rebels have reached Aleppo.",
    "prompting the Russian Air Force Friday (Nov 29) to launch an aerial offensive",
    "the conflict, which began in 2011 when the government suppressed protests",
    "in alignment with UNSCR 2254, stated a document",
    "referencing the 2015 UN resolution endorsing a peace process",
    "Government forces said so on Wednesday, November 27.",
    "Syria’s fourth-largest city and its second-largest airport",
    "They met at 9 a.m. on 3 March.",
])
def test_dates_identifiers_and_ordinals_are_not_counts(ex, text):
    assert ex.extract(text) == []


def test_offsets_survive_curly_quotes_em_dashes_emoji_and_non_latin_names(ex):
    text = "🔥 “Ḥalab’s toll — at least 61 civilians,” said Umm Mohamed; ‘over 412 deaths’ in حلب."
    figs = ex.extract(text)
    assert [f.text for f in figs] == ["at least 61 civilians", "over 412 deaths"]
    for f in figs:
        assert text[f.start:f.end] == f.text
    assert figs[1].group == "deaths"


def test_a_figure_in_a_sentence_range_keeps_document_offsets(ex):
    text = "First sentence here. The fighting left more than 300 dead."
    start = text.index("The")
    fig = ex.extract(text, start, len(text))[0]
    assert text[fig.start:fig.phrase_end] == "more than 300"


@pytest.mark.parametrize("draft, corpus, agree", [
    ("over 400 deaths", "over 412 deaths", True),
    ("512 deaths", "over 412 deaths", False),
    ("over 500 deaths", "over 412 deaths", False),
    ("over 500 deaths", "more than 300 dead", False),
    ("dozens of soldiers", "dozens of soldiers killed", True),
    ("12 soldiers", "dozens of soldiers", False),
    ("hundreds of soldiers", "dozens of soldiers", False),
    ("nine civilians", "nine civilians", True),
    ("9 civilians", "nine civilians", True),
    ("about 400 deaths", "over 412 deaths", True),
    ("nearly 420 deaths", "over 412 deaths", True),
    ("up to 300 dead", "more than 300 dead", True),
    ("fewer than 200 dead", "more than 300 dead", False),
    ("two decades", "20 years", True),
    ("between 200 and 300 fighters", "250 fighters", True),
    ("between 200 and 300 fighters", "hundreds of fighters", True),
    ("between 200 and 300 fighters", "dozens of fighters", False),
])
def test_consistency_treats_qualifiers_as_intervals(ex, draft, corpus, agree):
    a, b = one(ex, draft), one(ex, corpus)
    assert a.group == b.group
    assert consistent(a, b) is agree


from hypothesis import given, settings, strategies as st

_PIECES = st.sampled_from(["over", "at least", "412", "1,000", "1.5", "million", "nine", "twenty-eight", "a",
                           "hundred", "dozens", "of", "soldiers", "deaths", "dead", "in", "Aleppo", "since",
                           "2016", "Nov", "29", "km", "%", "“", "”", "—", "🔥", ",", ".", "between", "and",
                           "killing", "UNSCR", "Ḥalab’s", "civilians"])


@settings(max_examples=200, deadline=None)
@given(st.lists(_PIECES, max_size=25), st.sampled_from([" ", "", "\n"]))
def test_extraction_never_crashes_and_offsets_match_the_text(pieces, sep):
    ex = Extractor(default_language())
    text = sep.join(pieces)
    for f in ex.extract(text):
        assert 0 <= f.start < f.phrase_end <= f.end <= len(text)
        assert text[f.start:f.end] == f.text and text[f.start:f.phrase_end] == f.phrase
        lo, hi = f.interval()
        assert lo <= hi


@pytest.mark.parametrize("text, value, group, phrase", [
    # Number forms: unhyphenated compounds, fractions of scales, scales written onto digits.
    ("Sixty two people were killed in the blast.", 62, "deaths", "Sixty two"),
    ("Half a million people fled the city.", 500_000, "displaced", "Half a million"),
    ("The floods displaced 1.2m people.", 1_200_000, "displaced", "1.2m"),
    ("Some 2,000 people were killed.", 2_000, "deaths", "Some 2,000"),
    ("A dozen soldiers were wounded.", 12, "soldiers", "A dozen"),
    # Groups: the missing, bodies and remains with the dead, the injured.
    ("Twelve people are still unaccounted for.", 12, "missing", "Twelve"),
    ("The remains of 30 people were found in the rubble.", 30, "deaths", "30"),
    ("Rescuers recovered 40 bodies from the river.", 40, "deaths", "40"),
    ("She helped pull 40 injured people from the rubble.", 40, "injured", "40"),
    ("Police arrested 15 people after the protest.", 15, "detained", "15"),
    ("The toll was raised to 94 on Tuesday.", 94, "deaths", "94"),
    ("At least 15 had been reported killed in the province.", 15, "deaths", "At least 15"),
])
def test_number_forms_and_groups(ex, text, value, group, phrase):
    fig = next(f for f in ex.extract(text) if f.phrase == phrase)
    assert fig.low <= value <= fig.high and fig.group == group


def test_metres_stay_metres_without_a_counted_noun(ex):
    fig = one(ex, "The wave reached 100m inland.")
    assert fig.group == "km" and fig.value == pytest.approx(0.1)


def test_a_part_of_a_count_is_read_with_its_group(ex):
    figs = ex.extract("Ten people were killed, three of them children.")
    assert [(f.phrase, f.group) for f in figs] == [("Ten", "deaths"), ("three", "deaths")]
    [fig] = ex.extract("Four of the soldiers died.")
    assert fig.group == "soldiers" and fig.value == 4


def test_each_figure_takes_its_own_clause_scope(ex):
    from copydesk.lang.figures import figure_scopes

    lang = ex.lang
    text = ("At least 228 people were killed in Pakistan, with more than 1,000 injured, while Afghan officials "
            "reported 33 dead, the Observatory said.")
    figs = ex.extract(text)
    scopes = figure_scopes(text, 0, len(text), figs, lang)
    by = {f.phrase: s for f, s in zip(figs, scopes)}
    assert by["At least 228"].places == {"Pakistan"}
    assert by["more than 1,000"].names == {"Pakistan"}  # a clause without names takes those before it
    assert by["33"].names == {"Afghanistan"} and not by["33"].places  # "while" opens its own clause
    assert all("Observatory" not in s.names for s in scopes)  # a source is not an event
    text = "Strikes killed 12 people in Aleppo and nine civilians in Idlib, including 3 children."
    figs = ex.extract(text)
    scopes = figure_scopes(text, 0, len(text), figs, lang)
    assert [(f.phrase, sorted(s.places), s.part) for f, s in zip(figs, scopes)] == [
        # "including 3 children" is a part of the toll but the children's whole count.
        ("12", ["Aleppo"], False), ("nine", ["Idlib"], False), ("3", ["Aleppo", "Idlib"], False)]
    text = "Rescuers recovered a further 40 bodies last month; in 2019 floods killed 112 people."
    figs = ex.extract(text)
    a, b = figure_scopes(text, 0, len(text), figs, lang)
    assert a.increment and a.past and b.years == {2019}


def test_article_dates_from_front_matter_meta_and_wire_date_lines(ex):
    import datetime

    from copydesk.lang.figures import article_date

    lang = ex.lang
    assert article_date({"date": "2013-07-22T18:00:00+08:00"}, "", lang) == datetime.date(2013, 7, 22)
    assert article_date({}, "PESHAWAR, PAKISTAN (OCTOBER 26, 2015) (REUTERS) – At least 12 people", lang) \
        == datetime.date(2015, 10, 26)
    assert article_date({}, "BAGHDAD, Sept. 7, 2008 -- A bomb", lang) == datetime.date(2008, 9, 7)
    # A date later in the story is about something else; a date line without a year is no date.
    assert article_date({}, "KUNMING, Aug. 3 (Xinhua) -- A quake.\nIn 1970, on 5 January 1970, a quake…", lang) is None
