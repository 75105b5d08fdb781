"""Quote-mark pairing: one phenomenon per case, on short invented strings."""

from __future__ import annotations

import pytest

from saidwhat.marks import MarkResult, QuotedSpan, pair_quote_marks


def content(text: str, q: QuotedSpan) -> str:
    """The quoted content, paragraph parts joined with " | "."""
    return " | ".join(text[a:b] for a, b in q.spans)


def contents(text: str, paragraphs: list[tuple[int, int]] | None = None) -> list[str]:
    """Every quotation's content, in text order."""
    result = pair_quote_marks(text, paragraphs or [])
    return [content(text, q) for q in result.quotes]


def codes(result: MarkResult) -> list[str]:
    """The notice codes, in order."""
    return [n.code for n in result.notices]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Ada said “we won” today.", ["we won"], id="curly-double"),
        pytest.param("Ada said ‘we won’ today.", ["we won"], id="curly-single"),
        pytest.param('Ada said "we won" today.', ["we won"], id="straight-double"),
        pytest.param("Ada said 'we won' today.", ["we won"], id="straight-single"),
        pytest.param(
            "Ada a dit « nous avons gagné » hier.", [" nous avons gagné "], id="guillemets"
        ),
        pytest.param(
            "Ada sagte »wir haben gewonnen« heute.", ["wir haben gewonnen"], id="guill-rev"
        ),
        pytest.param("Ada sagte „wir haben gewonnen“ heute.", ["wir haben gewonnen"], id="german"),
        pytest.param(
            "Ada sagte ‚wir haben gewonnen‘ heute.", ["wir haben gewonnen"], id="german-1"
        ),
        pytest.param("Ada a dit ‹ oui › hier.", [" oui "], id="single-guillemets"),
        pytest.param("エイダは「勝った」と言った。", ["勝った"], id="corner-brackets"),
        pytest.param("Ada said ''we won,'' today.", ["we won,"], id="doubled-straight"),
        pytest.param('Ada said “we won" today.', ["we won"], id="curly-closed-straight"),
        pytest.param('Ada said "we won” today.', ["we won"], id="straight-closed-curly"),
        pytest.param('Ada said:"we won" today.', ["we won"], id="straight-after-colon"),
        pytest.param("(“We won”) she said.", ["We won"], id="after-bracket"),
        pytest.param("The vote—“a rout”—ended.", ["a rout"], id="after-dash"),
        pytest.param("“We won,”she said.", ["We won,"], id="no-space-after"),
    ],
)
def test_mark_types(text: str, expected: list[str]) -> None:
    result = pair_quote_marks(text, [])
    assert [content(text, q) for q in result.quotes] == expected
    assert result.orphans == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("“I don’t know,” Bo said.", ["I don’t know,"], id="contraction-curly"),
        pytest.param('"I don\'t know," Bo said.', ["I don't know,"], id="contraction-straight"),
        pytest.param("“We met the Joneses’ dog,” Bo said.", ["We met the Joneses’ dog,"],
                     id="plural-possessive-in-quote"),
        pytest.param("Bo fed the students' cat.", [], id="plural-possessive-straight"),
        pytest.param("Bo fed the students’ cat.", [], id="plural-possessive-curly"),
        pytest.param("“It was the ’90s,” Bo said.", ["It was the ’90s,"], id="decade"),
        pytest.param("“It was the ‘90s,” Bo said.", ["It was the ‘90s,"], id="decade-misdirected"),
        pytest.param("Bo liked the '90s.", [], id="decade-straight"),
        pytest.param("“I love rock ’n’ roll,” Bo said.", ["I love rock ’n’ roll,"],
                     id="rock-n-roll"),
        pytest.param("Bo loves rock 'n' roll.", [], id="rock-n-roll-straight"),
        pytest.param("“Tell ’em now,” Bo said.", ["Tell ’em now,"], id="em"),
        pytest.param("“’Tis done,” Bo said.", ["’Tis done,"], id="tis"),
        pytest.param("“At six o’clock,” Bo said.", ["At six o’clock,"], id="oclock"),
        pytest.param("Bo's show on Zeta's channel.", [], id="possessive-straight"),
        pytest.param("The U.N.’s vote was late.", [], id="possessive-after-period"),
        pytest.param("“He is 6’2”,” Bo said.", ["He is 6’2”,"], id="height"),
        pytest.param("‘The students’ books are here,’ Bo said.", ["The students’ books are here,"],
                     id="possessive-inside-single-quote"),
        pytest.param("He calls them ‘Tall Tim’ and ‘Lyin’ Larry.’", ["Tall Tim", "Lyin’ Larry."],
                     id="elided-g-inside-single-quote"),
    ],
)  # fmt: skip
def test_apostrophes_are_not_quote_marks(text: str, expected: list[str]) -> None:
    result = pair_quote_marks(text, [])
    assert [content(text, q) for q in result.quotes] == expected
    assert result.orphans == []


@pytest.mark.parametrize(
    ("text", "outer", "inner"),
    [
        pytest.param("“Bo said, ‘I can’t make it,’” Ada said.", "Bo said, ‘I can’t make it,’",
                     "I can’t make it,", id="curly"),
        pytest.param("\"Bo said, 'we lost.'\" Ada said.", "Bo said, 'we lost.'", "we lost.",
                     id="straight"),
        pytest.param("‘Bo said, “we lost”,’ Ada said.", "Bo said, “we lost”,", "we lost",
                     id="british"),
        pytest.param("“They say ‘go home’ every day,” Ada said.", "They say ‘go home’ every day,",
                     "go home", id="nested-mid-sentence"),
        pytest.param("“I read “Moby Dick” twice,” Ada said.", "I read “Moby Dick” twice,",
                     "Moby Dick", id="same-mark-nested"),
    ],
)  # fmt: skip
def test_nesting(text: str, outer: str, inner: str) -> None:
    result = pair_quote_marks(text, [])
    assert [content(text, q) for q in result.quotes] == [outer, inner]
    top, nested = result.quotes
    assert (top.depth, top.parent) == (0, None)
    assert (nested.depth, nested.parent) == (1, 0)
    assert result.orphans == []


def test_nested_close_right_before_parent_close_offsets() -> None:
    text = "“Bo said, ‘OK,’” Ada said."
    top, nested = pair_quote_marks(text, []).quotes
    assert (top.open, top.close, top.spans) == (0, 15, [(1, 15)])
    assert (nested.open, nested.close, nested.spans) == (10, 14, [(11, 14)])
    assert (top.open_char, top.close_char, nested.open_char, nested.close_char) == tuple("“”‘’")


def test_multi_paragraph_quotation_is_one_quote() -> None:
    text = "“First part.\n\n“Second part.\n\n“Third part,” Ada said."
    paragraphs = [(0, 12), (14, 27), (29, len(text))]
    result = pair_quote_marks(text, paragraphs)
    assert len(result.quotes) == 1
    q = result.quotes[0]
    assert [text[a:b] for a, b in q.spans] == ["First part.", "Second part.", "Third part,"]
    assert (q.open, q.close, q.reopens) == (0, text.index("”"), [14, 29])
    assert result.orphans == []


def test_multi_paragraph_from_blank_lines() -> None:
    text = "Ada said: “First part.\n\n“Second part,” she added."
    assert contents(text) == ["First part. | Second part,"]


def test_unclosed_paragraph_then_plain_paragraph_is_an_orphan() -> None:
    text = "Ada said “we will win.\n\nThe vote is on Tuesday."
    result = pair_quote_marks(text, [])
    assert result.quotes == []
    assert result.orphans == [9]
    assert codes(result) == ["W001"]
    assert result.notices[0].offset == 9


def test_orphan_open_does_not_swallow_the_next_quote() -> None:
    text = "Ada said “we will win.\n\nThen “we left,” Bo said."
    result = pair_quote_marks(text, [])
    assert [content(text, q) for q in result.quotes] == ["we left,"]
    assert result.orphans == [9]


def test_orphan_close_is_skipped() -> None:
    text = "We will win,” Ada said. “Next week,” Bo said."
    result = pair_quote_marks(text, [])
    assert [content(text, q) for q in result.quotes] == ["Next week,"]
    assert result.orphans == [12]
    assert codes(result) == ["W001"]


def test_orphan_single_close_after_punctuation_is_reported() -> None:
    text = "We will win,’ Ada said."
    result = pair_quote_marks(text, [])
    assert result.quotes == []
    assert result.orphans == [12]


def test_quotes_never_cross_a_paragraph() -> None:
    text = "Ada said “open here\n\nand close here” later."
    result = pair_quote_marks(text, [])
    assert result.quotes == []
    assert result.orphans == [9, text.index("”")]


def test_explicit_paragraphs_and_uncovered_text() -> None:
    text = "Header “one”\nBody says “two” here."
    result = pair_quote_marks(text, [(13, len(text))])
    assert [content(text, q) for q in result.quotes] == ["one", "two"]


def test_whitespace_only_pair_is_dropped() -> None:
    assert contents("Ada said “ ” and left.") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("'''Big Quiz,''' Ada said.", ["'Big Quiz,'", "Big Quiz,"], id="triple-open"),
        pytest.param("''Bo asked, 'Why?''' Ada said.", ["Bo asked, 'Why?'", "Why?"],
                     id="triple-close"),
    ],
)  # fmt: skip
def test_doubled_straight_quotes_next_to_single(text: str, expected: list[str]) -> None:
    assert contents(text) == expected


def test_twenty_thousand_marks_finish() -> None:
    text = "“a” " * 10_000
    result = pair_quote_marks(text, [])
    assert len(result.quotes) == 10_000
    assert "W006" not in codes(result)


def test_too_many_marks_are_capped() -> None:
    text = "“a” " * 10_001
    result = pair_quote_marks(text, [], max_marks=20_000)
    assert len(result.quotes) == 10_000
    assert codes(result)[-1] == "W006"


def test_many_unbalanced_marks_finish() -> None:
    text = "“a " * 20_000
    result = pair_quote_marks(text, [])
    assert result.quotes == []
    assert len(result.orphans) == 20_000


def test_text_of_only_marks() -> None:
    result = pair_quote_marks("“”‘’\"'«»" * 2_500, [])
    assert result.quotes == []
    assert result.orphans == []
    assert codes(result) == ["W007"]


def test_empty_text() -> None:
    result = pair_quote_marks("", [])
    assert (result.quotes, result.orphans, result.notices) == ([], [], [])
