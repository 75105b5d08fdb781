"""Speaker mentions read from the parse (saidwhat.mentions), on short invented sentences parsed
by the shipped spaCy pipeline (no recogniser: names are read from the tagger's proper nouns)."""

from __future__ import annotations

import pytest

from saidwhat.mentions import Chunk, iter_names, number_sentences, speaker_mention
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
