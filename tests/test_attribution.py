"""Cue frames and their speakers (saidwhat.attribution) on hand-built parses: each case fixes the
parse the rule is about, so the test does not depend on what the shipped parser makes of a
sentence."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc

from handparse import Row
from handparse import parsed as _doc
from saidwhat.attribution import SPEECH, _reporting_cue, _subordinate, cue_at, subject_of


def _never(_tok: object) -> bool:
    return False


def _cue(doc: Doc, word: str) -> object:
    hit = cue_at(next(t for t in doc if t.text == word), SPEECH)
    assert hit is not None
    return hit


SPEAKER_CASES: dict[str, tuple[list[Row], str, str]] = {
    # "made public ― Okafor boasted": the parser made the dash a subject too
    "dash-subject": (
        [
            ("public", "JJ", "amod", 1),
            ("―", "NN", "nsubj", 3),
            ("Okafor", "NNP", "nsubj", 3),
            ("boasted", "VBD", "ROOT", 3),
        ],
        "boasted",
        "Okafor",
    ),
    # "HALIFAX -- Mayor Okafor said so": the dateline read as the subject
    "dateline-subject": (
        [
            ("HALIFAX", "NNP", "nsubj", 4),
            ("--", ":", "punct", 0),
            ("Mayor", "NNP", "compound", 3),
            ("Okafor", "NNP", "appos", 0),
            ("said", "VBD", "ROOT", 4),
            ("so", "RB", "advmod", 4),
        ],
        "said",
        "Okafor",
    ),
    # "The ad uses footage of Okafor asking": the name right before an "-ing" cue
    "name-before-ing": (
        [
            ("The", "DT", "det", 1),
            ("ad", "NN", "nsubj", 2),
            ("uses", "VBZ", "ROOT", 2),
            ("footage", "NN", "dobj", 2),
            ("of", "IN", "prep", 3),
            ("Okafor", "NNP", "pobj", 4),
            ("asking", "VBG", "xcomp", 2),
        ],
        "asking",
        "Okafor",
    ),
    # "Okafor posted early Friday saying": a day before the cue is no speaker
    "day-before-ing": (
        [
            ("Okafor", "NNP", "nsubj", 1),
            ("posted", "VBD", "ROOT", 1),
            ("early", "RB", "advmod", 3),
            ("Friday", "NNP", "npadvmod", 1),
            ("saying", "VBG", "advcl", 1),
        ],
        "saying",
        "Okafor",
    ),
    # "…, Mansour, said officials were confident" with no subject for "said": the name before
    # the comma speaks, not the next clause's subject
    "name-before-comma": (
        [
            ("spokesperson", "NN", "dobj", 4),
            (",", ",", "punct", 0),
            ("Mansour", "NNP", "appos", 0),
            (",", ",", "punct", 4),
            ("said", "VBD", "ROOT", 4),
            ("officials", "NNS", "nsubj", 6),
            ("were", "VBD", "ccomp", 4),
            ("confident", "JJ", "acomp", 6),
        ],
        "said",
        "Mansour",
    ),
}


@pytest.mark.parametrize("case", list(SPEAKER_CASES))
def test_the_speaker_of_a_cue(case: str) -> None:
    rows, cue, speaker = SPEAKER_CASES[case]
    subj = subject_of(_cue(_doc(rows), cue), _never)  # type: ignore[arg-type]
    assert subj is not None and subj.text == speaker


def _report(subject: str) -> Doc:
    """ "Okafor said SUBJECT would tell a story" """
    return _doc(
        [
            ("Okafor", "NNP", "nsubj", 1),
            ("said", "VBD", "ROOT", 1),
            (subject, "PRP" if subject == "it" else "NNP", "nsubj", 4),
            ("would", "MD", "aux", 4),
            ("tell", "VB", "ccomp", 1),
            ("a", "DT", "det", 6),
            ("story", "NN", "dobj", 4),
        ]
    )


@pytest.mark.parametrize(("subject", "cue"), [("it", "said"), ("Whitlock", "tell")])
def test_an_impersonal_cue_gives_way_to_the_cue_that_reports_it(subject: str, cue: str) -> None:
    doc = _report(subject)
    hit = _reporting_cue(_cue(doc, "tell"), list(doc), _never)  # type: ignore[arg-type]
    assert hit.verb.text == cue


@pytest.mark.parametrize(
    ("first", "tag", "dep", "subordinate"),
    [
        ("when", "WRB", "advmod", True),
        ("because", "IN", "mark", True),
        ("as", "IN", "mark", False),  # "“…,” as she put it"
        ("Whitlock", "NNP", "nsubj", False),  # "“…,” Whitlock said"
    ],
)
def test_a_subordinate_clause_after_a_quote(
    first: str, tag: str, dep: str, subordinate: bool
) -> None:
    """The words after a quote: FIRST Okafor asked."""
    doc = _doc([(first, tag, dep, 2), ("Okafor", "NNP", "nsubj", 2), ("asked", "VBD", "ROOT", 2)])
    assert _subordinate(list(doc)) is subordinate
