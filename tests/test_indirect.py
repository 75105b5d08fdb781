"""Pure logic of the rules' reported speech (saidwhat.indirect) on hand-built records."""

from __future__ import annotations

import pytest

from saidwhat.indirect import question_put
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
