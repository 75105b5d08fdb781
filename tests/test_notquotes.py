"""Titles, nicknames, terms and scare quotes: one phenomenon per case, on short invented strings."""

from __future__ import annotations

import pytest

from saidwhat.marks import QuotedSpan, pair_quote_marks
from saidwhat.notquotes import MARKUP, NICKNAME, SCARE, TERM, TITLE, classify


def quote_of(text: str, inner: str) -> QuotedSpan:
    """The quotation of ``text`` whose content is ``inner``."""
    for q in pair_quote_marks(text, []).quotes:
        if "".join(text[a:b] for a, b in q.spans) == inner:
            return q
    raise AssertionError(f"no quotation {inner!r} in {text!r}")


@pytest.mark.parametrize(
    ("text", "inner", "reason"),
    [
        pytest.param("the LA premiere of Zetflix's \"Two Owls: The Movie\" on Sept. 16",
                     "Two Owls: The Movie", TITLE, id="possessive-and-premiere"),
        pytest.param("the “Crumbs” cookbook author said", "Crumbs", TITLE, id="cookbook-after"),
        pytest.param("She starred in the film “Blue Harbor” last year.", "Blue Harbor", TITLE,
                     id="work-before"),
        pytest.param("He wrote a novel, “The Salt Road”, in 2001.", "The Salt Road", TITLE,
                     id="work-before-comma"),
        pytest.param("the “Night Shift” star arrived", "Night Shift", TITLE, id="star-after"),
        pytest.param("a report titled “what the river knows” came out", "what the river knows",
                     TITLE, id="titled-lower-case"),
        pytest.param("The spot, titled “Reckless,” runs in Ohio.", "Reckless,", TITLE,
                     id="titled-one-word-comma"),
        pytest.param("her new documentary “14th.” The film opens Friday.", "14th.", TITLE,
                     id="work-one-word-period"),
        pytest.param('<tweet author="harbourwatch">Fares?</tweet>', "harbourwatch", MARKUP,
                     id="markup-attribute"),
        pytest.param("The band’s “Paper Moons” tour ended.", "Paper Moons", TITLE,
                     id="curly-possessive"),
        pytest.param("Her Second Album: “Paper Moons Rising.”", "Paper Moons Rising.", TITLE,
                     id="title-case-after-colon"),
        pytest.param("a man known as “Shorty” ran the shop", "Shorty", NICKNAME, id="known-as"),
        pytest.param("the boxer nicknamed “Iron Hands” won", "Iron Hands", NICKNAME,
                     id="nicknamed"),
        pytest.param("Tom “Shorty” Smith ran the shop.", "Shorty", NICKNAME, id="between-names"),
        pytest.param("Rivals called him “Slick Sam” for years.", "Slick Sam", NICKNAME,
                     id="called-him"),
        pytest.param("the so-called “quiet zone” near the port", "quiet zone", TERM,
                     id="so-called"),
        pytest.param("a practice known as “redlining” spread", "redlining", TERM,
                     id="known-as-lower-case"),
        pytest.param("he avoided the word “crisis” all day", "crisis", TERM, id="the-word"),
        pytest.param("it was a “great” day for the town", "great", SCARE, id="scare-quote"),
    ],
)  # fmt: skip
def test_not_quotations(text: str, inner: str, reason: str) -> None:
    assert classify(text, quote_of(text, inner), cue_nearby=False) == reason


@pytest.mark.parametrize(
    ("text", "inner"),
    [
        pytest.param("she and Lee “had started to call the little one Max. So he is Max to us.”",
                     "had started to call the little one Max. So he is Max to us.",
                     id="long-partial-quote"),
        pytest.param("“We talk about it a lot,” the author said", "We talk about it a lot,",
                     id="direct-quote"),
        pytest.param("he called the plan “a disaster for farmers.”", "a disaster for farmers.",
                     id="called-partial-quote"),
        pytest.param("he called the plan “a disaster” on Monday", "a disaster",
                     id="called-short-partial-quote"),
        pytest.param("“Yes We Did It Again Today And We Will Do It Again,” Ada said",
                     "Yes We Did It Again Today And We Will Do It Again,", id="nine-words"),
        pytest.param("Ada said it's “Fine” now", "Fine", id="contraction-not-possessive"),
        pytest.param("“Is it over?” Bo asked.", "Is it over?", id="question"),
        pytest.param("Ostrova Slams Board: ‘You Should Resign Today.’", "You Should Resign Today.",
                     id="headline-quote-after-colon"),
    ],
)  # fmt: skip
def test_quotations(text: str, inner: str) -> None:
    assert classify(text, quote_of(text, inner), cue_nearby=False) is None


@pytest.mark.parametrize(
    ("text", "inner", "without_cue"),
    [
        pytest.param("Bo said the plan was “very bad” for them.", "very bad", SCARE,
                     id="short-lower-case"),
        pytest.param("Bo said the plan was “Totally Fine” for them.", "Totally Fine", TITLE,
                     id="title-case-without-work-cue"),
    ],
)  # fmt: skip
def test_cue_nearby_prefers_quotation(text: str, inner: str, without_cue: str) -> None:
    q = quote_of(text, inner)
    assert classify(text, q, cue_nearby=False) == without_cue
    assert classify(text, q, cue_nearby=True) is None


def test_clear_title_wins_over_cue() -> None:
    text = "“We talk a lot,” the “Crumbs” cookbook author said."
    assert classify(text, quote_of(text, "Crumbs"), cue_nearby=True) == TITLE


def test_headline_words_are_not_names() -> None:
    text = "Mayor Calls Rival “A Fraud” Over Park Plan"
    assert classify(text, quote_of(text, "A Fraud"), cue_nearby=True) is None


def test_multi_paragraph_quotation_is_never_a_title() -> None:
    text = "“Blue Harbor\n\n“Red Harbor” film"
    q = pair_quote_marks(text, []).quotes[0]
    assert len(q.spans) == 2
    assert classify(text, q, cue_nearby=False) is None
