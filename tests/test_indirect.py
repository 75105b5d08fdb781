"""Pure logic of the rules' reported speech (saidwhat.indirect) on hand-built records and parses."""

from __future__ import annotations

import pytest

from handparse import parsed as _doc
from saidwhat.attribution import cue_at
from saidwhat.indirect import INDIRECT_CLASSES, _according_clause, _around, question_put
from saidwhat.records import Quote


def _indirect(text: str, cue: str, kind: str = "indirect") -> Quote:
    a = text.index(cue)
    q = Quote(id="q", spans=[(a + len(cue) + 1, len(text))], text="", kind=kind)  # type: ignore[arg-type]
    q.cue_spans = [(a, a + len(cue))]
    return q


@pytest.mark.parametrize(
    ("text", "kind", "put"),
    [
        ("Asked whether the ferry would run, Okafor said it would.", "indirect", True),
        ("When asked about the delay, the mayor said nothing new.", "indirect", True),
        ("Reporters asked whether the ferry would run.", "indirect", False),
        ("Okafor asked whether the ferry would run.", "indirect", False),
        ("Asked whether the ferry would run, Okafor said it would.", "direct", False),
    ],
)
def test_a_question_put_to_someone_is_not_their_statement(text: str, kind: str, put: bool) -> None:
    cue = "Asked" if "Asked" in text else "asked"
    assert question_put(text, _indirect(text, cue, kind)) is put


@pytest.mark.parametrize(("comma", "parts"), [(",", ["The plan", "would cost more"]), ("-", [])])
def test_a_cue_set_off_by_commas_splits_its_report(comma: str, parts: list[str]) -> None:
    """ "The plan, she said, would cost more." (the parser's parataxis); not without commas."""
    doc = _doc(
        [
            ("The", "DT", "det", 1),
            ("plan", "NN", "nsubj", 7),
            (comma, ",", "punct", 4),
            ("she", "PRP", "nsubj", 4),
            ("said", "VBD", "parataxis", 7),
            (",", ",", "punct", 4),
            ("would", "MD", "aux", 7),
            ("cost", "VB", "ROOT", 7),
            ("more", "JJR", "dobj", 7),
            (".", ".", "punct", 7),
        ]
    )
    hit = cue_at(doc[4], INDIRECT_CLASSES)
    assert hit is not None
    assert [doc.text[a:b] for a, b in _around(hit)] == parts


def test_according_to_leaves_the_whole_source_phrase_out() -> None:
    """ "According to a statement from the ministry, the team will come." The phrase runs to its
    comma, "from the ministry" included (the parser hangs it on "statement")."""
    doc = _doc(
        [
            ("According", "VBG", "prep", 11),
            ("to", "IN", "prep", 0),
            ("a", "DT", "det", 3),
            ("statement", "NN", "pobj", 1),
            ("from", "IN", "prep", 3),
            ("the", "DT", "det", 6),
            ("ministry", "NN", "pobj", 4),
            (",", ",", "punct", 11),
            ("the", "DT", "det", 9),
            ("team", "NN", "nsubj", 11),
            ("will", "MD", "aux", 11),
            ("come", "VB", "ROOT", 11),
            (".", ".", "punct", 11),
        ]
    )
    span = _according_clause(doc[0])
    assert span is not None
    assert doc.text[span[0] : span[1]].rstrip(" .") == "the team will come"
