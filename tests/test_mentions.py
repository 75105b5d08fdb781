"""Speaker mentions read from the parse (saidwhat.mentions), on short invented sentences parsed
by the shipped spaCy pipeline (no recogniser: names are read from the tagger's proper nouns)."""

from __future__ import annotations

import pytest

from saidwhat.mentions import (
    Chunk,
    dateline_length,
    iter_description_links,
    iter_names,
    iter_new_speakers,
    number_sentences,
    speaker_mention,
)
from saidwhat.pipeline import load_model


def _chunk(text: str) -> Chunk:
    doc = load_model()(text, disable=["ner", "lemmatizer", "attribute_ruler"])
    number_sentences(doc)
    return Chunk(doc, 0, 0, [], [])


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("The Bureau of Land Records said it would review the sale.", "Bureau of Land Records"),
        (
            "The Alliance to Restore Rural Clinics filed a complaint on Monday.",
            "Alliance to Restore Rural Clinics",
        ),
        (
            "The Society of the Riverside Museum said the survey missed teenagers.",
            "Society of the Riverside Museum",
        ),
    ],
)
def test_an_organisation_name_runs_on_after_its_organisation_word(text: str, name: str) -> None:
    assert name in [m.text for m in iter_names(_chunk(text))]


@pytest.mark.parametrize(
    ("text", "head", "mention"),
    [
        (
            "Teenagers were not counted, according to a survey by the Harbor Trust.",
            "survey",
            "Harbor Trust",
        ),
        (
            "The statement from Mayor Lena Ostrova said the road would reopen.",
            "statement",
            "Mayor Lena Ostrova",
        ),
        ("The union's statement said the strike would go on.", "statement", "The union"),
        ("The statement said the strike would go on.", "statement", "The statement"),
    ],
)
def test_a_message_noun_stands_for_its_author(text: str, head: str, mention: str) -> None:
    ch = _chunk(text)
    tok = next(t for t in ch.doc if t.text == head)
    m = speaker_mention(ch, tok)
    assert m.text == mention


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Park Ji-hoon, the trade minister, said the talks had stalled.", "Park Ji-hoon"),
        ("The council kept a Brannigan-era rule on ferry fares.", "Brannigan"),
    ],
)
def test_a_hyphenated_name_keeps_its_lower_case_part_but_not_a_modifier(
    text: str, name: str
) -> None:
    assert [m.text for m in iter_names(_chunk(text))] == [name]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("HALIFAX -- Mayor Ruth Okafor said the ferry was late.", ["Mayor Ruth Okafor"]),
        ("BELMONT, N.S. — Dockworkers at Port Ash voted.", ["Port Ash"]),
        ("OTTAWA (CP) — Minister Jan Toft resigned.", ["Minister Jan Toft"]),
        ("NASA said the probe was lost.", ["NASA"]),
    ],
)
def test_a_dateline_names_nobody(text: str, names: list[str]) -> None:
    assert [m.text for m in iter_names(_chunk(text))] == names


@pytest.mark.parametrize(
    ("text", "start", "length"),
    [
        ("HALIFAX -- Mayor Ruth Okafor", 0, len("HALIFAX -- ")),
        ("Ferry\nBELMONT, N.S. — Dockworkers", 6, len("BELMONT, N.S. — ")),
        ("OTTAWA (CP) — Jan Toft", 0, len("OTTAWA (CP) — ")),
        ("She said HALIFAX -- was cold", 9, 0),
        ("NASA said so", 0, 0),
    ],
)
def test_dateline_length(text: str, start: int, length: int) -> None:
    assert dateline_length(text, start) == length


@pytest.mark.parametrize(
    ("text", "name", "headline"),
    [
        ("Union Rejects Offer as Strike Looms at Port of Belmont", "Union Rejects", True),
        ("Elena Brandt Grills Harbour CEO: ‘You Should Resign’", "Elena Brandt", True),
        ("Dock Workers Rip Tomas Ash As A ‘Disgusting Fraud’", "Tomas Ash", True),
        (
            "Title\n\nSen. Elena Brandt questioned Harbour Freight CEO Tomas Ash on Tuesday about"
            " the missing pension funds.",
            "Elena Brandt",
            False,
        ),
    ],
)
def test_a_name_in_headline_style_text(text: str, name: str, headline: bool) -> None:
    mention = next(m for m in iter_names(_chunk(text)) if name in m.text)
    assert mention.titlecase is headline


@pytest.mark.parametrize(
    ("text", "head", "mention"),
    [
        ("The city of Marlow is demanding that the ads stop.", "city", "Marlow"),
        ("The government of Ostrava said the border would stay open.", "government", "Ostrava"),
        ("The city council said the road would reopen.", "council", "The city council"),
    ],
)
def test_an_organisation_word_of_a_name_is_that_name(text: str, head: str, mention: str) -> None:
    ch = _chunk(text)
    tok = next(t for t in ch.doc if t.text == head)
    assert speaker_mention(ch, tok).text == mention


@pytest.mark.parametrize("head", ["Secretary", "Kell"])
def test_a_title_of_a_place_runs_on_into_the_name(head: str) -> None:
    ch = _chunk("Secretary of State Jon Kell said the talks would resume.")
    assert [m.text for m in iter_names(ch)] == ["Secretary of State Jon Kell"]
    tok = next(t for t in ch.doc if t.text == head)
    assert speaker_mention(ch, tok).text == "Secretary of State Jon Kell"


def test_a_courtesy_title_makes_a_person_whose_name_stops_before_of() -> None:
    ch = _chunk("Mr. Halvard Quist of the Prairie Wildlife Trust said the plan was the least bad.")
    assert next(m.text for m in iter_names(ch)) == "Mr. Halvard Quist"


def test_a_hyphenated_subject_the_parser_split_is_one_word() -> None:
    """ "Its vice-president, Gordon Tamsin, told …": the parser makes "vice" and "president"
    both subjects; the apposition hangs on the last part."""
    ch = _chunk("Its vice-president, Gordon Tamsin, told the crowd the company had cut two floors.")
    vice = next(t for t in ch.doc if t.text == "vice")
    assert speaker_mention(ch, vice).text == "Gordon Tamsin"


@pytest.mark.parametrize(
    ("text", "new"),
    [
        ("A young deckhand who asked not to be named said he would leave.", ["A young deckhand"]),
        ("The deckhand said he would leave.", []),  # someone already known
        ("A report said the quota was too low.", []),  # a message, not a person
        ("“We waited all day,” said one woman.", ["one woman"]),
        ("One official said the quota was too low.", []),  # "one" only before a person noun
    ],
)
def test_an_indefinite_description_that_speaks_is_someone_new(text: str, new: list[str]) -> None:
    assert [m.text for m in iter_new_speakers(_chunk(text))] == new


def test_a_role_before_a_name_links_the_role_and_its_words() -> None:
    ch = _chunk("Democratic nominee Lorna Baptiste opened the debate.")
    links = [(head, m.text) for head, m in iter_description_links(ch, list(iter_names(ch)))]
    assert ("nominee", "Lorna Baptiste") in links
    assert ("democratic nominee", "Lorna Baptiste") in links


@pytest.mark.parametrize(("org", "whole"), [(True, True), (False, False)])
def test_an_organisation_name_runs_on_over_a_possessive(org: bool, whole: bool) -> None:
    """ "The Northern Nurses' Association said …": one name where the recogniser reads one
    organisation across the possessive, else the parser's two."""
    text = "The Northern Nurses' Association said the deal includes raises."
    doc = load_model()(text, disable=["ner", "lemmatizer", "attribute_ruler"])
    number_sentences(doc)
    spans = [(4, text.index(" said"), "ORG")] if org else []
    ch = Chunk(doc, 0, 0, [], spans)
    names = [m.text for m in iter_names(ch)]
    assert ("Northern Nurses' Association" in names) is whole
