"""Article layout: the metadata header, body paragraphs and photo captions.

Everything here works on offsets into the full original text and runs in linear time (compiled
regexes, one pass per stage, caption patterns tried on a paragraph's last few hundred characters
only), because the layout runs on every article, including multi-megabyte ones.

The photo-credit words (agencies, "Photo:" labels, ...) live in ``saidwhat/data/credits.txt``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib.resources import files
from typing import Any

from saidwhat.errors import notice
from saidwhat.records import Caption, Notice

Span = tuple[int, int]

HEADER_KEYS = ("published", "title", "url", "outlet", "author")


@dataclass(slots=True)
class Header:
    """Metadata found at the very start of a text.

    ``fields`` uses the keys of :data:`HEADER_KEYS` (``date`` is stored as ``published``, ISO
    ``YYYY-MM-DD``); ``body_start`` is the offset of the first body character (0 without a header).
    """

    fields: dict[str, str] = field(default_factory=dict)
    body_start: int = 0
    notices: list[Notice] = field(default_factory=list)


@dataclass(slots=True)
class Layout:
    """One article's layout: header fields, body paragraphs (captions excluded) and captions."""

    fields: dict[str, str]
    body_start: int
    paragraphs: list[Span]
    captions: list[Caption]
    notices: list[Notice]


# --- dates ----------------------------------------------------------------------------------------

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_MONTH_ABBR = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTHS = {m: i for i, m in enumerate(_MONTH_ABBR, 1)}
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|wednes|thu|thur|thurs|fri|sat|satur|sun)(?:day)?\.?,?\s+)"
_DATE = re.compile(
    rf"""{_WEEKDAY}?(?:
      (?P<y1>\d{{4}})(?P<s1>[-/.])(?P<m1>\d{{1,2}})(?P=s1)(?P<d1>\d{{1,2}})
        (?:[T\ ]\d{{1,2}}:\d{{2}}(?::\d{{2}}(?:\.\d+)?)?(?:\ ?(?:Z|UTC|GMT|[+-]\d{{2}}:?\d{{2}}))?)?
    | (?P<mon2>{_MONTH})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{{4}})
    | (?P<d3>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon3>{_MONTH}),?\s+(?P<y3>\d{{4}})
    | (?P<a4>\d{{1,2}})(?P<s4>[/.])(?P<b4>\d{{1,2}})(?P=s4)(?P<y4>\d{{4}})
    )(?![\w:/-])""",
    re.IGNORECASE | re.VERBOSE,
)
# Something shaped like a numeric date that may still not be understood ("2021-13-45").
_DATEISH = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}[\w:.+\-]*(?=\s|\Z)")


def normalize_date(value: str) -> str | None:
    """``value`` as ISO ``YYYY-MM-DD`` when the whole string is a date we understand, else ``None``.

    Accepts ISO dates and datetimes, ``2021/10/25``, ``Oct. 25, 2021``, ``25 October 2021`` (with an
    optional weekday) and unambiguous day/month orders such as ``10/25/2021``.
    """
    value = value.strip()
    m = _DATE.match(value)
    return _iso(m) if m and m.end() == len(value) else None


def _iso(m: re.Match[str]) -> str | None:
    """The ISO date of a :data:`_DATE` match, or ``None`` for an impossible or ambiguous date."""
    g = m.groupdict()
    if g["y1"]:
        y, mo, d = int(g["y1"]), int(g["m1"]), int(g["d1"])
    elif g["y2"] or g["y3"]:
        mon, day, year = (g["mon2"], g["d2"], g["y2"]) if g["y2"] else (g["mon3"], g["d3"], g["y3"])
        y, mo, d = int(year), _MONTHS[mon[:3].lower()], int(day)
    else:
        a, b = int(g["a4"]), int(g["b4"])
        if a <= 12 and b <= 12 and a != b:
            return None  # 03/04/2021: April or March?
        y, mo, d = (int(g["y4"]), a, b) if b > 12 else (int(g["y4"]), b, a)
    try:
        return date(y, mo, d).isoformat()
    except ValueError:
        return None


# --- header ---------------------------------------------------------------------------------------

_KEY = re.compile(
    r"(?P<key>date|published|title|url|outlet|author)\b(?P<colon>[ \t]*:)?[ \t]*", re.IGNORECASE
)
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_SPACE = re.compile(r"\s*")


def parse_header(text: str) -> Header:
    """Read the metadata header at the very start of ``text``: ``key value`` or ``key: value``.

    Keys are ``date``/``published``, ``title``, ``url``, ``outlet`` and ``author`` (any case). The
    body may go on on the same line as the header (``" date 2021-10-25 Baby Jack ..."``):
    ``body_start`` is then the offset of ``Baby``. A line only counts as header when its value is
    plausible (a date for ``date``, a URL for ``url`` without colon, the ``key:`` form for the
    others), so bodies starting "Date palms are ..." or "Title IX funding ..." are left alone. A
    ``date:`` value that is not understood is skipped with a ``W008`` notice.
    """
    header = Header()
    pos = _skip_space(text, 0)
    found = False
    while pos < len(text):
        m = _KEY.match(text, pos)
        end = _header_value(text, m, header) if m else None
        if end is None:
            break
        found = True
        pos = _skip_space(text, end)
    header.body_start = pos if found else 0
    return header


def _skip_space(text: str, pos: int) -> int:
    """The first non-whitespace offset at or after ``pos``."""
    m = _SPACE.match(text, pos)
    return m.end() if m else pos


def _line_end(text: str, pos: int) -> int:
    """Offset of the newline ending the line that holds ``pos`` (or the text's end)."""
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def _header_value(text: str, m: re.Match[str], header: Header) -> int | None:
    """Store one header value; return where it ends, or ``None`` when this is no header line."""
    key = m["key"].lower()
    colon = m["colon"] is not None
    pos = m.end()
    if key in ("date", "published"):
        return _date_value(text, pos, colon, header)
    if key == "url":
        u = _URL.match(text, pos)
        if u:
            header.fields.setdefault("url", u.group().rstrip(".,;)"))
            return u.end()
    if not colon:
        return None
    end = _line_end(text, pos)
    value = text[pos:end].strip()
    if key == "url" and value:
        header.notices.append(notice("W008", f"url {value[:60]!r}", offset=pos))
    elif value:
        header.fields.setdefault(key, value)
    return end


def _date_value(text: str, pos: int, colon: bool, header: Header) -> int | None:
    """Parse the date after ``date``/``published``; ``W008`` for a date-like value not understood.

    Without a colon the value must be followed by whitespace (or the end), so a body sentence such
    as "Published 2021-10-25, the report ..." is not taken for a header.
    """
    m = _DATE.match(text, pos)
    spaced = m is not None and (m.end() == len(text) or text[m.end()].isspace())
    iso = _iso(m) if m is not None and (spaced or colon) else None
    if m is not None and iso is not None:
        header.fields.setdefault("published", iso)
        return m.end()
    bad = _DATEISH.match(text, pos)
    if bad is None and not colon:
        return None
    end = bad.end() if bad else _line_end(text, pos)
    shown = text[pos:end].strip()[:60]
    header.notices.append(notice("W008", f"date {shown!r}", offset=pos))
    return end


# --- paragraphs -----------------------------------------------------------------------------------

_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
_NEWLINE = re.compile(r"\n")


def split_paragraphs(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Paragraph offsets in ``text[start:end]``, split on blank lines (single newlines if none).

    Offsets exclude the whitespace around each paragraph; whitespace-only pieces are dropped.
    """
    stop = len(text) if end is None else min(end, len(text))
    sep = _BLANK_LINE if _BLANK_LINE.search(text, start, stop) else _NEWLINE
    spans: list[Span] = []
    pos = start
    for m in sep.finditer(text, start, stop):
        _add_trimmed(text, pos, m.start(), spans)
        pos = m.end()
    _add_trimmed(text, pos, stop, spans)
    return spans


def _add_trimmed(text: str, a: int, b: int, spans: list[Span]) -> None:
    """Append ``[a, b)`` without its surrounding whitespace, unless nothing is left."""
    piece = text[a:b]
    core = piece.strip()
    if core:
        lead = len(piece) - len(piece.lstrip())
        spans.append((a + lead, a + lead + len(core)))


# --- captions -------------------------------------------------------------------------------------

_TAIL = 320  # credit patterns are only tried on a paragraph's last characters
_MAX_CAPTION = 700  # characters before the credit
_MAX_SENTENCES = 3  # a caption has at most this many sentences before its credit
_MIN_CREDIT = 6  # "AP/Jo" is about the shortest credit there is
_NOT_CREDIT_END = frozenset(".!?,;:\"'”’“‘")

_UPPER = "A-ZÀ-ÖØ-Þ"
_TOK = rf"(?:[{_UPPER}]\.|(?:Jr|Sr|St)\.|[{_UPPER}][\w'’\-]*+)"
_PARTICLE = r"(?:de|da|di|du|del|della|der|den|van|von|la|le|al|el|bin|ben|dos|das|y)"
_NAME = rf"{_TOK}(?:\s+(?:{_PARTICLE}\s+)?{_TOK}){{0,4}}"
# Where a credit may start: after a sentence end (or a "|"), or at the start of a line.
_CREDIT_START = re.compile(r"[.!?…)\]\"”’|][^\S\n]{1,2}(?=\S)|\n\s*(?=\S)")
# A sentence break: a full stop after a lower-case word (not "J." or "Mr."), then a capital.
_SENTENCE = re.compile(r"(?<=[a-z0-9]{2})[.!?…][\"”’)]?\s+(?=[\"“‘(]?[A-Z])")
_QUOTED = re.compile(r"[\"“]([^\"“”\n]{1,600})[\"”]")
_SPEECH_END = frozenset(",.!?…")


@dataclass(frozen=True, slots=True)
class _CreditPatterns:
    """Credit shapes compiled from the lexicon; each matches a credit ending the searched string."""

    hint: re.Pattern[str]
    after_sentence: re.Pattern[str]
    for_outlet: re.Pattern[str]
    label: re.Pattern[str]
    paren: re.Pattern[str]
    paren_ok: re.Pattern[str]


def load_lexicon(name: str) -> dict[str, list[str]]:
    """Read a lexicon from ``saidwhat/data/<name>``: ``[section]`` lines, one entry a line."""
    sections: dict[str, list[str]] = {}
    current = sections.setdefault("", [])
    source = files("saidwhat").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    for raw in source.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1].strip(), [])
        else:
            current.append(line)
    return sections


def _alternation(entries: list[str]) -> str:
    """A case-insensitive, whitespace-tolerant regex for lexicon entries, ending at a word end.

    The entries are merged into a prefix tree ("AP", "AFP" -> ``a(?:fp|p)``), so the regex engine
    rejects a position after one character instead of trying every entry in turn.
    """
    trie: dict[str, dict[str, Any]] = {}
    for entry in entries:
        node = trie
        for ch in " ".join(entry.lower().split()):
            node = node.setdefault(ch, {})
        node[""] = {}
    return "(?i:" + _trie_regex(trie) + r")(?!\w)"


def _trie_regex(node: dict[str, dict[str, Any]]) -> str:
    """The regex of one prefix-tree node: its branches as an alternation, optional where it ends."""
    branches = [
        (r"\s+" if ch == " " else re.escape(ch)) + _trie_regex(child)
        for ch, child in sorted(node.items())
        if ch
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" not in node:
        return body
    return ("(?:" + body + ")" if len(branches) == 1 and len(body) > 1 else body) + "?"


@lru_cache(maxsize=1)
def _credit_patterns() -> _CreditPatterns:
    """Compile the credit shapes once, from ``data/credits.txt``."""
    lex = load_lexicon("credits.txt")
    agency = _alternation(lex["agencies"])
    photo = _alternation(lex["photo_words"])
    label = _alternation(lex["labels"]).replace(r")(?!\w)", r")(?:(?<=:)|(?!\w))")
    for_tail = rf"(?:\s+for\s+{_NAME})?"
    file_tail = r"(?:\s*,\s*(?i:file))?"
    after_sentence = (
        # David Livingston via Getty Images; AFP via Getty Images; Jane Doe/AFP via Getty Images
        rf"(?:{_NAME}|{agency})(?:\s*/\s*(?:{_NAME}|{agency}))?\s+via\s+{agency}{for_tail}",
        # REUTERS/Jane Doe; AP Photo/Jane Doe; REUTERS/Jane Doe/File Photo
        rf"{agency}(?:\s+{photo})?\s*/\s*{_NAME}(?:\s*/\s*{photo})?{file_tail}",
        # Jane Doe/Reuters; Kevin Mazur/Getty Images for The Recording Academy
        rf"{_NAME}\s*/\s*{agency}{for_tail}{file_tail}",
    )
    # Jane Doe for The Washington Post (only after a caption sentence)
    for_outlet = rf"(?<=[.!?…)\"”’]\s)(?P<c>{_TOK}(?:\s+{_TOK}){{1,3}}\s+for\s+{_NAME})\Z"
    paren_ok = (
        rf"\A\s*(?:{label}|(?:{agency}\s+)?{photo}\s*/|{agency}\s*/)"
        rf"|/\s*{agency}(?:\s+via\s+{agency})?{for_tail}{file_tail}\s*\Z|\bvia\s+{agency}\s*\Z"
    )
    return _CreditPatterns(
        hint=_hint(lex["labels"]),
        after_sentence=re.compile(rf"(?:{'|'.join(after_sentence)})\Z"),
        for_outlet=re.compile(for_outlet),
        label=re.compile(rf"(?<!\w)(?=[{_UPPER}])(?P<c>{label}\s*(?P<v>[^\n]{{1,160}}))\Z"),
        paren=re.compile(r"(?<!\S)(?P<c>\((?P<v>[^()\n]{2,160})\))\Z"),
        paren_ok=re.compile(paren_ok),
    )


def _hint(labels: list[str]) -> re.Pattern[str]:
    """A cheap pre-test: every credit shape holds a slash, a parenthesis, a colon, "via", "for" or
    the last word of a label ("Photo by" -> "by"), so paragraphs without any are skipped fast."""
    words = {"via", "for"} | {x.split()[-1].lower() for x in labels if not x.endswith(":")}
    alternation = "|".join(sorted(re.escape(w) for w in words))
    return re.compile(rf"[/(:]|\b(?:{alternation})\b", re.IGNORECASE)


def find_captions(text: str, paragraphs: list[Span]) -> list[Caption]:
    """The paragraphs that are photo captions: short text ending with a photo credit.

    The credit must close the paragraph and have a credit shape (``Name via Agency``,
    ``Agency/Name``, ``Name/Agency``, ``(AP Photo/Name)``, ``Photo: ...``, ``Name for The Outlet``),
    the text before it must be at most a few sentences, and it must not quote speech. A body
    sentence that merely names an agency ("Reuters reported on Monday that ...") is therefore never
    a caption.
    """
    captions: list[Caption] = []
    for a, b in paragraphs:
        credit = _credit(text, a, b)
        if credit is not None and _caption_like(text[a : credit[0]]):
            captions.append(Caption(a, b, text[a:b], text[credit[0] : credit[1]], credit))
    return captions


def _credit(text: str, a: int, b: int) -> Span | None:
    """The span of the photo credit ending paragraph ``[a, b)``, if there is one."""
    if not _MIN_CREDIT <= b - a <= _MAX_CAPTION + _TAIL or text[b - 1] in _NOT_CREDIT_END:
        return None
    off = max(a, b - _TAIL)
    span = _credit_in_tail(text[off:b], paragraph_start=off == a)
    return None if span is None else (off + span[0], off + span[1])


def _credit_in_tail(tail: str, *, paragraph_start: bool) -> Span | None:
    """The earliest-starting credit shape that runs to the end of ``tail`` (a credit in
    parentheses without its parentheses: ``(AP Photo/Jane Doe)`` gives ``AP Photo/Jane Doe``)."""
    pats = _credit_patterns()
    if pats.hint.search(tail) is None:  # cheap test: every credit shape holds one of these
        return None
    end = len(tail)
    starts = [0] if paragraph_start else []
    starts += [m.end() for m in _CREDIT_START.finditer(tail)]
    found = [(s, end) for s in starts if pats.after_sentence.match(tail, s)][:1]
    m = pats.for_outlet.search(tail)
    if m:
        found.append((m.start("c"), end))
    m = pats.label.search(tail)
    if m and _short(m["v"]):
        found.append((m.start("c"), end))
    m = pats.paren.search(tail)
    if m and _short(m["v"]) and pats.paren_ok.search(m["v"]):
        v = m["v"]
        found.append(
            (m.start("v") + len(v) - len(v.lstrip()), m.end("v") - len(v) + len(v.rstrip()))
        )
    return min(found) if found else None


def _short(value: str) -> bool:
    """Whether a credit value is short and holds no sentence break (so it is not body text)."""
    return len(value.split()) <= 15 and _SENTENCE.search(value) is None


def _caption_like(before: str) -> bool:
    """Whether the text before a credit reads like a caption: short, few sentences, no speech."""
    if len(before) > _MAX_CAPTION:
        return False
    if sum(1 for _ in _SENTENCE.finditer(before)) >= _MAX_SENTENCES:
        return False
    return not any(_is_speech(q.group(1)) for q in _QUOTED.finditer(before))


def _is_speech(quoted: str) -> bool:
    """Quoted words look like speech (not a title) when they end with punctuation or run long."""
    inner = quoted.strip()
    return bool(inner) and (inner[-1] in _SPEECH_END or len(inner.split()) >= 10)


# --- layout ---------------------------------------------------------------------------------------


def layout(text: str) -> Layout:
    """Header, body paragraphs and captions of one article (captions are not body paragraphs)."""
    header = parse_header(text)
    paragraphs = split_paragraphs(text, header.body_start)
    captions = find_captions(text, paragraphs)
    caption_starts = {c.start for c in captions}
    body = [p for p in paragraphs if p[0] not in caption_starts]
    return Layout(header.fields, header.body_start, body, captions, header.notices)
