"""Transcript turns (turns.py): which paragraphs are turns, where a turn ends, what it replaces."""

from __future__ import annotations

import pytest

from saidwhat.records import Quote
from saidwhat.turns import Turn, apply_turns, find_turns, label_name


def _paragraphs(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for part in text.split("\n\n"):
        out.append((pos, pos + len(part)))
        pos += len(part) + 2
    return out


def _turns(text: str) -> list[tuple[str, list[str]]]:
    found = find_turns(text, _paragraphs(text))
    return [(text[t.label[0] : t.label[1]], [text[a:b] for a, b in t.spans]) for t in found]


def test_two_speakers_take_turns() -> None:
    text = "Intro.\n\nMARR: Why now?\n\nSEN. WELK: Because the bids were high.\n\nMARR: Thanks."
    assert _turns(text) == [
        ("MARR", ["Why now?"]),
        ("SEN. WELK", ["Because the bids were high."]),
        ("MARR", ["Thanks."]),
    ]


def test_one_label_is_no_transcript() -> None:
    assert _turns("WASHINGTON: The council met.\n\nIt voted twice.") == []


@pytest.mark.parametrize(
    "label",
    [
        "Update",
        "NOTE",
        "EDITOR'S NOTE",
        "Q",
        "A",
        "ROUND 2",
        "THE FORMER SECRETARY OF STATE",
        "Q&A",
    ],
)
def test_labels_that_name_no_speaker(label: str) -> None:
    text = f"{label}: one.\n\nMARR: two.\n\nWELK: three."
    assert [lab for lab, _ in _turns(text)] == ["MARR", "WELK"]


def test_a_turn_runs_on_until_the_next_label_or_a_stage_note() -> None:
    text = (
        "WELK: One.\n\nTwo.\n\nMARR: Three?\n\n(CROSSTALK)\n\nFour.\n\n"
        "WELK: Five.\n\nThe show airs on Sundays."
    )
    assert _turns(text) == [("WELK", ["One.", "Two."]), ("MARR", ["Three?"]), ("WELK", ["Five."])]


def test_quote_marks_around_a_turn_are_not_content() -> None:
    text = '"MARR: Why now?\n\n"WELK: Because.\n\n"Follow us."'
    assert _turns(text) == [("MARR", ["Why now?"]), ("WELK", ["Because."])]


def test_a_colon_must_be_followed_by_a_space() -> None:
    assert _turns("MARR:WELK is here.\n\nMARR: Hi.\n\nWELK:10 a.m.") == []


def test_label_name_reads_capitals_as_a_name() -> None:
    assert label_name("SEN. ELIZABETH WARREN") == "Sen. Elizabeth Warren"


def _quote(spans: list[tuple[int, int]], cue: list[tuple[int, int]] | None = None) -> Quote:
    return Quote(id="q", spans=spans, text="", kind="direct", cue_spans=cue or [])


def test_apply_turns_drops_what_the_turn_replaces_and_keeps_nested_attributions() -> None:
    turn = Turn(label=(10, 14), cue=(14, 15), spans=[(16, 100)])
    across = _quote([(5, 60)])  # quote marks paired over the label
    no_cue = _quote([(30, 50)])  # a piece of the turn without its own cue
    same = _quote([(16, 99)], cue=[(40, 44)])  # the turn again
    nested = _quote([(50, 80)], cue=[(40, 44)])  # "Cuban has been saying X" inside the turn
    outside = _quote([(120, 140)])
    kept = apply_turns([across, no_cue, same, nested, outside], [turn])
    assert kept == [nested, outside]


def test_questions_and_answers_count_only_together() -> None:
    interview = "Intro.\n\nQ: Why now?\n\nA: Because the bids were high.\n\nQ: And next?\n\nA: May."
    assert [lab for lab, _ in _turns(interview)] == ["Q", "A", "Q", "A"]
    answers_alone = "Intro.\n\nA: Because.\n\nA: May."
    assert _turns(answers_alone) == []
