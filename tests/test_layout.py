"""Tests for saidwhat.text.layout: metadata header, dates, paragraphs and photo captions.

Every text here is invented for the test.
"""

from __future__ import annotations

import time

import pytest

from saidwhat.text.layout import (
    find_captions,
    layout,
    load_lexicon,
    normalize_date,
    parse_header,
    split_paragraphs,
)

# --- header ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fields", "body"),
    [
        pytest.param(
            " date 2021-10-25 Baby Otter will always be loved.",
            {"published": "2021-10-25"},
            "Baby Otter",
            id="same-line-body",
        ),
        pytest.param(
            "date 2021-10-25\n\nThe body.", {"published": "2021-10-25"}, "The body", id="own-line"
        ),
        pytest.param(
            "Date: 2021/10/25\nThe body.", {"published": "2021-10-25"}, "The body", id="colon-slash"
        ),
        pytest.param(
            "PUBLISHED Oct. 5, 2021\nBody.", {"published": "2021-10-05"}, "Body", id="mdy"
        ),
        pytest.param("date 25 October 2021 Body.", {"published": "2021-10-25"}, "Body", id="dmy"),
        pytest.param(
            "date 2021-10-25T08:30:00Z\nBody.",
            {"published": "2021-10-25"},
            "Body",
            id="iso-datetime",
        ),
        pytest.param(
            "date: Monday, October 25, 2021\nBody.",
            {"published": "2021-10-25"},
            "Body",
            id="weekday",
        ),
        pytest.param(
            "title: Otters Return\n\nBody.", {"title": "Otters Return"}, "Body", id="title"
        ),
        pytest.param("Author: Jo Writer\nBody.", {"author": "Jo Writer"}, "Body", id="author"),
        pytest.param(
            "outlet: The Harbor Weekly\nBody.", {"outlet": "The Harbor Weekly"}, "Body", id="outlet"
        ),
        pytest.param(
            "url https://example.org/otters The otters.",
            {"url": "https://example.org/otters"},
            "The otters",
            id="url-no-colon",
        ),
        pytest.param(
            "title: Otters\ndate: 2020-02-29\nurl: https://example.org/o\n"
            "author: Jo Writer\n\nBody.",
            {
                "title": "Otters",
                "published": "2020-02-29",
                "url": "https://example.org/o",
                "author": "Jo Writer",
            },
            "Body",
            id="several-lines",
        ),
    ],
)
def test_header_shapes(text: str, fields: dict[str, str], body: str) -> None:
    header = parse_header(text)
    assert header.fields == fields
    assert text[header.body_start :].startswith(body)
    assert header.notices == []


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Date palms are grown along the river.", id="date-palms"),
        pytest.param("Title IX funding was cut on Monday.", id="title-ix"),
        pytest.param("Published 2021-10-25, the report said otters thrive.", id="published-comma"),
        pytest.param("URL shorteners hide where a link goes.", id="url-word"),
        pytest.param("Author unknown, the poem was found in a drawer.", id="author-word"),
        pytest.param("Dated 2021-10-25, the letter arrived late.", id="dated"),
        pytest.param("The council met on Monday.", id="no-header"),
        pytest.param("", id="empty"),
    ],
)
def test_body_is_not_eaten_as_header(text: str) -> None:
    header = parse_header(text)
    assert (header.fields, header.body_start, header.notices) == ({}, 0, [])


@pytest.mark.parametrize(
    ("text", "body"),
    [
        pytest.param("date: sometime last spring\nBody.", "Body", id="words"),
        pytest.param("date 2021-13-45 Body.", "Body", id="impossible-date"),
        pytest.param("date 03/04/2021 Body.", "Body", id="ambiguous-day-month"),
        pytest.param("url: not a link\nBody.", "Body", id="url-colon-not-link"),
    ],
)
def test_header_value_not_understood_gives_w008(text: str, body: str) -> None:
    header = parse_header(text)
    assert [n.code for n in header.notices] == ["W008"]
    assert "published" not in header.fields and "url" not in header.fields
    assert text[header.body_start :].startswith(body)


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2021-10-25", "2021-10-25"),
        ("2021-1-5", "2021-01-05"),
        ("2021/10/25", "2021-10-25"),
        ("2021-10-25T10:00:00+02:00", "2021-10-25"),
        ("2021-10-25 10:00", "2021-10-25"),
        ("Oct. 25, 2021", "2021-10-25"),
        ("Sept. 3, 2021", "2021-09-03"),
        ("October 25 2021", "2021-10-25"),
        ("25 October 2021", "2021-10-25"),
        ("25th Oct 2021", "2021-10-25"),
        ("10/25/2021", "2021-10-25"),
        ("25/10/2021", "2021-10-25"),
        ("2021-02-30", None),
        ("03/04/2021", None),
        ("yesterday", None),
        ("2021-10-25 and more", None),
    ],
)
def test_normalize_date(value: str, iso: str | None) -> None:
    assert normalize_date(value) == iso


# --- paragraphs -----------------------------------------------------------------------------------


def spans_text(text: str, spans: list[tuple[int, int]]) -> list[str]:
    return [text[a:b] for a, b in spans]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("One.\n\nTwo.\n \nThree.", ["One.", "Two.", "Three."], id="blank-lines"),
        pytest.param("One\nstill one.\n\nTwo.", ["One\nstill one.", "Two."], id="inner-newline"),
        pytest.param("One.\nTwo.\nThree.", ["One.", "Two.", "Three."], id="no-blank-line"),
        pytest.param("  One.  \n\n\n\n  Two.  \n", ["One.", "Two."], id="trimmed"),
        pytest.param("One.\r\n\r\nTwo.", ["One.", "Two."], id="crlf"),
        pytest.param("", [], id="empty"),
        pytest.param(" \n \n", [], id="whitespace"),
    ],
)
def test_split_paragraphs(text: str, expected: list[str]) -> None:
    assert spans_text(text, split_paragraphs(text)) == expected


def test_split_paragraphs_start_and_end() -> None:
    text = "head\n\nOne.\n\nTwo.\n\nThree."
    start, end = text.index("One"), text.index("Three")
    assert spans_text(text, split_paragraphs(text, start, end)) == ["One.", "Two."]


# --- captions -------------------------------------------------------------------------------------

SCENE = "Mayor Ann Lee cuts the ribbon at the new harbor bridge on May 2, 2024, in Port Alder."


@pytest.mark.parametrize(
    "credit",
    [
        pytest.param("Jon Kim via Getty Images", id="name-via-agency"),
        pytest.param("AFP via Getty Images", id="agency-via-agency"),
        pytest.param("(AP Photo/Jane Doe)", id="ap-photo"),
        pytest.param("(AP Photo/J. Scott Doe, File)", id="ap-photo-file"),
        pytest.param("( Photo by Jane Doe/Getty Images )", id="paren-photo-by"),
        pytest.param("Photo: Jane Doe/Reuters", id="photo-label"),
        pytest.param("REUTERS/Jane Doe", id="agency-slash-name"),
        pytest.param("REUTERS/Jane Doe/File Photo", id="agency-slash-name-file"),
        pytest.param("Jane Doe/AFP", id="name-slash-agency"),
        pytest.param("Jane Doe/Getty Images for Harbor Fest", id="getty-for-client"),
        pytest.param("Photograph: Jane Doe/AFP via Getty Images", id="photograph-label"),
        pytest.param("Credit: Jane Doe", id="credit-label"),
        pytest.param("Image: Courtesy of the Lee family", id="image-label"),
        pytest.param("Jane Doe for The Washington Post", id="name-for-outlet"),
    ],
)
def test_caption_credit_shapes(credit: str) -> None:
    para = f"{SCENE} {credit}"
    text = f"date 2024-05-03 Body first.\n\n{para}\n\nBody after."
    [cap] = find_captions(text, split_paragraphs(text))
    assert (cap.start, cap.end) == (text.index(para), text.index(para) + len(para))
    assert cap.text == para
    bare = credit.strip("() ")  # a credit in parentheses is given without them
    assert cap.credit == bare
    assert cap.credit_span is not None
    assert text[cap.credit_span[0] : cap.credit_span[1]] == bare


@pytest.mark.parametrize(
    "credit",
    [
        pytest.param("Jon Kim via Getty Images", id="via"),
        pytest.param("REUTERS/Jane Doe", id="slash"),
        pytest.param("(AP Photo/Jane Doe)", id="paren"),
    ],
)
def test_credit_only_paragraph_is_a_caption(credit: str) -> None:
    [cap] = find_captions(credit, split_paragraphs(credit))
    assert cap.credit == credit.strip("()")


def test_caption_title_in_quotes_is_fine() -> None:
    para = 'Ann Lee attends the premiere of "The Harbor Light" on May 2. Jon Kim via Getty Images'
    assert len(find_captions(para, split_paragraphs(para))) == 1


def test_credit_after_initials_starts_at_the_name() -> None:
    para = "Ann Lee speaks in Washington, D.C. Chip Doe via Getty Images"
    [cap] = find_captions(para, split_paragraphs(para))
    assert cap.credit == "Chip Doe via Getty Images"


@pytest.mark.parametrize(
    "para",
    [
        pytest.param(
            "Reuters reported on Monday that the bridge would open in May.", id="reuters-said"
        ),
        pytest.param("The bridge opened on Monday, Reuters reported", id="reuters-at-end"),
        pytest.param("She sent the statement via Reuters", id="via-lowercase-before"),
        pytest.param("The figures come from a Reuters/Ipsos poll.", id="poll-period"),
        pytest.param("Lee once wrote for The Washington Post", id="for-outlet-no-caption"),
        pytest.param("Jon Kim for The Washington Post", id="byline-alone"),
        pytest.param("Ann Lee at the bridge. photo by Jon Kim", id="lowercase-label"),
        pytest.param(
            '"We will be back next year, I promise," Lee said at the bridge. '
            "Jon Kim via Getty Images",
            id="speech-quote",
        ),
        pytest.param(
            "One sentence here. Two sentences here. Three sentences here. Four sentences here. "
            "Jon Kim via Getty Images",
            id="too-many-sentences",
        ),
        pytest.param(SCENE, id="no-credit"),
    ],
)
def test_not_a_caption(para: str) -> None:
    assert find_captions(para, split_paragraphs(para)) == []


def test_lexicon_sections() -> None:
    lex = load_lexicon("credits.txt")
    assert {"agencies", "photo_words", "labels"} <= set(lex)
    assert "Getty Images" in lex["agencies"]
    assert not any(e.startswith("#") for entries in lex.values() for e in entries)


# --- layout ---------------------------------------------------------------------------------------


def test_layout_same_line_header_and_captions() -> None:
    cap1 = f"{SCENE} Jon Kim via Getty Images"
    cap2 = "Ann Lee waves to the crowd. (AP Photo/Jane Doe)"
    text = (
        " date 2024-05-03 The harbor bridge opened on Friday.\n\n"
        f"{cap1}\n\n"
        "“It took ten years,” Lee said.\n\n"
        f"{cap2}\n\n"
        "The bridge cost $40 million."
    )
    lay = layout(text)
    assert lay.fields == {"published": "2024-05-03"}
    assert text[lay.body_start :].startswith("The harbor bridge")
    assert [text[c.start : c.end] for c in lay.captions] == [cap1, cap2]
    assert [text[a:b] for a, b in lay.paragraphs] == [
        "The harbor bridge opened on Friday.",
        "“It took ten years,” Lee said.",
        "The bridge cost $40 million.",
    ]
    assert lay.notices == []


def test_layout_of_empty_text() -> None:
    lay = layout("")
    assert (lay.fields, lay.body_start, lay.paragraphs, lay.captions) == ({}, 0, [], [])


@pytest.mark.slow
def test_layout_is_fast_on_large_texts() -> None:
    body = "The council met on Tuesday and approved the harbor budget, officials said."
    cap = f"{SCENE} Jon Kim via Getty Images"
    parts = [cap if i % 5 == 0 else body for i in range(40_000)]
    text = "date 2024-05-03 " + "\n\n".join(parts)
    t0 = time.perf_counter()
    lay = layout(text)
    assert time.perf_counter() - t0 < 5.0
    assert len(lay.captions) == 8_000
    for odd in ("x\n" * 500_000, " " * 2_000_000, "Ann Lee via Kim\n" * 50_000, "A/" * 1_000_000):
        t0 = time.perf_counter()
        layout(odd)
        assert time.perf_counter() - t0 < 5.0
