"""The learned attributions' filters and source resolution (saidwhat.learned.sources), on short
invented sentences parsed by the shipped spaCy pipeline."""

from __future__ import annotations

import pytest

from saidwhat.entities import EntityTable
from saidwhat.learned.sources import reports_proposition, reports_topic, resolve_sources
from saidwhat.mentions import Chunk, iter_names, number_sentences
from saidwhat.pipeline import load_model
from saidwhat.records import Quote


def _chunk(text: str) -> Chunk:
    nlp = load_model()
    doc = nlp(text, disable=["ner", "lemmatizer", "attribute_ruler"])
    number_sentences(doc)
    return Chunk(doc, 0, 0, [], [])


def _names_table(ch: Chunk) -> EntityTable:
    """An entity table that has seen the chunk's proper names."""
    table = EntityTable()
    for m in iter_names(ch):
        table.observe(m)
    return table


def _quote(text: str, content: str, cue: str = "", source: str = "") -> Quote:
    a = text.index(content)
    q = Quote("L1", [(a, a + len(content))], content, "indirect")
    if cue:
        c = text.index(cue)
        q.cue_spans, q.cue = [(c, c + len(cue))], cue
    if source:
        s = text.index(source)
        q.speaker_spans, q.speaker = [(s, s + len(source))], source
    return q


@pytest.mark.parametrize(
    ("text", "content", "cue", "topic"),
    [
        ("Ada Marsh talked about how the ferry changed her town.", "how the ferry", "talked", True),
        ("Ada Marsh wrote about the loss of the ferry.", "the loss of the ferry", "wrote", True),
        ("Ada Marsh said the ferry changed her town.", "the ferry changed", "said", False),
        ("Ada Marsh spoke regarding the ferry.", "the ferry", "spoke regarding", True),
    ],
)
def test_reports_topic(text: str, content: str, cue: str, topic: bool) -> None:
    assert reports_topic(text, _quote(text, content, cue)) is topic


@pytest.mark.parametrize(
    ("text", "content", "statement"),
    [
        ("Ada Marsh said that the ferry would run all winter.", "that the ferry would run", True),
        ("Ada Marsh said the ferry would run all winter.", "the ferry would run all winter", True),
        ("Ada Marsh praised the design of the new ferry.", "the design of the new ferry", False),
        (
            "Ada Marsh announced the injury that ended her career.",
            "the injury that ended her career",
            False,
        ),
        ("Ada Marsh agreed to share river data.", "to share river data", False),
    ],
)
def test_reports_proposition(text: str, content: str, statement: bool) -> None:
    ch = _chunk(text)
    a = text.index(content)
    q = Quote("L1", [(a, a + len(content))], content, "indirect")
    assert reports_proposition([ch], q) is statement


def test_sources_resolve_through_the_entity_table() -> None:
    text = "Ada Marsh runs the ferry. She said the boats were ready. The captain said little."
    ch = _chunk(text)
    table = _names_table(ch)
    she = _quote(text, "the boats were ready", "said", "She")
    cue_only = _quote(text, "the boats were ready", "said")
    resolve_sources([ch], table, [she, cue_only], [])
    assert she.speaker == "Ada Marsh" and she.speaker_id is not None
    assert she.speaker_spans == [(text.index("She"), text.index("She") + 3)]
    # without a source span, the cue's subject becomes the source
    assert cue_only.speaker == "Ada Marsh"
    assert "source:cue-subject" in cue_only.evidence


@pytest.mark.parametrize(
    ("text", "cue", "kept"),
    [
        ("Ada Marsh said Monday that the ferry would run.", "said Monday", "said"),
        ("Ada Marsh said on Tuesday that the ferry would run.", "said on Tuesday", "said"),
        ("Ada Marsh warned that the ferry would stop.", "warned", "warned"),
    ],
)
def test_a_statement_cue_drops_the_time_it_ends_with(text: str, cue: str, kept: str) -> None:
    from saidwhat.learned.sources import cue_without_time

    q = _quote(text, "the ferry", cue)
    cue_without_time(text, q)
    start = text.index(cue)
    assert q.cue == kept and q.cue_spans == [(start, start + len(kept))]


def test_a_name_set_off_by_commas_after_a_description_names_it() -> None:
    from saidwhat.learned.sources import _named_after

    ch = _chunk("According to the city's finance director, Helen Sorensen, the branch costs more.")
    director = next(t for t in ch.doc if t.text == "director")
    named = _named_after(ch, director)
    assert named is not None and named.text == "Helen Sorensen"
    plain = _chunk("According to the city's finance director, the branch costs more.")
    assert _named_after(plain, next(t for t in plain.doc if t.text == "director")) is None


def test_an_unresolved_pronoun_source_names_nobody() -> None:
    text = "The ferry was late again. It said the boats were ready."
    ch = _chunk(text)
    it = _quote(text, "the boats were ready", "said", "It")
    resolve_sources([ch], EntityTable(), [it], [])
    assert it.speaker is None and it.speaker_id is None
    assert "speaker:pronoun-unresolved" in it.evidence


def test_a_message_released_by_someone_stands_for_them() -> None:
    from saidwhat.learned.sources import _released_by

    ch = _chunk("A report published by the harbour authority says that the pier is unsafe.")
    report = next(t for t in ch.doc if t.text == "report")
    agent = _released_by(report)
    assert agent is not None and agent.text == "authority"


def test_the_city_of_a_named_place_is_that_place() -> None:
    from saidwhat.learned.sources import _place_of

    ch = _chunk("The city of Port Elden is suing the ferry company.")
    city = next(t for t in ch.doc if t.text == "city")
    place = _place_of(city)
    assert place is not None and place.text == "Elden"


def test_a_cue_subject_inside_the_content_is_no_source() -> None:
    # "Ada Marsh is supported by …": PolNeAR's content is the subject itself, reported on
    text = "Ada Marsh is supported by the ferry workers."
    ch = _chunk(text)
    table = _names_table(ch)
    q = _quote(text, "Ada Marsh", "is supported")
    resolve_sources([ch], table, [q], [], extents=True)
    assert q.speaker_spans == [] and "source:cue-subject" not in q.evidence


@pytest.mark.parametrize(
    ("evidence", "widened"),
    [
        (["indirect:ccomp", "speaker:name"], True),
        (["indirect:ccomp", "speaker:name", "source:crf"], False),  # the tagger's extent stays
    ],
)
def test_a_rule_source_takes_the_speakers_whole_phrase(evidence: list[str], widened: bool) -> None:
    from saidwhat.learned.sources import widen_rule_sources

    text = "Marsh, the former harbour master, said the pier was unsafe."
    q = _quote(text, "the pier was unsafe", "said", "Marsh")
    q.evidence = list(evidence)
    widen_rule_sources([_chunk(text)], [q])
    phrase = "Marsh, the former harbour master" if widened else "Marsh"
    assert q.speaker_spans == [(0, len(phrase))]


def test_a_source_whose_root_is_no_noun_is_headed_by_its_last_name() -> None:
    from spacy.tokens import Doc

    from saidwhat.learned.sources import _nominal_head

    words = ["Marlow", "police", "Chief", "Ada", "Brennan", "said", "so"]
    tags = ["VB", "NN", "NNP", "NNP", "NNP", "VBD", "RB"]  # the parser's mistake: "Marlow" a verb
    doc = Doc(load_model().vocab, words=words, tags=tags)
    ch = Chunk(doc, 0, 0, [], [])
    end = doc[4].idx + len("Brennan")
    assert _nominal_head(ch, doc[0], 0, end).text == "Brennan"
    assert _nominal_head(ch, doc[2], 0, end).text == "Chief"  # a noun root stays
