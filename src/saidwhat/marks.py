"""Quote-mark pairing: which marks open and close a quotation, and which are apostrophes.

The pairing works paragraph by paragraph in one left-to-right pass with a stack of open marks, so it
is linear in the number of marks. Each mark is first classified from its neighbours alone (an
apostrophe, a mark that can open, one that can close, or either); the stack then decides. In short:

* marks pair by type and direction: “…” ‘…’ "…" '…' «…» (and »…«) „…“ ‚…‘ ‹…› 「…」 『…』, and the
  doubled straight quotes ``''…''`` of old newspaper archives; curly and straight marks of the same
  kind may close each other (“…" happens in real text);
* straight marks take their direction from context (opening after a space, a bracket or a dash;
  closing before a space, punctuation or the end);
* apostrophes are never quote marks: don’t, o’clock, Netflix's, the ’90s, ’em, rock ’n’ roll; a
  possessive ``Jones’`` only closes a pending single quote when no later closing mark could;
* nested quotes use the other mark (‘…’ inside “…”) and may close right before their parent
  (``it,’”``);
* a quotation never crosses a paragraph, except by the multi-paragraph convention: the quote is left
  open at the end of a paragraph and the next paragraph starts with an opening mark again;
* an unbalanced mark never raises: it is skipped and its offset listed in ``orphans`` (W001).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import NamedTuple

from saidwhat.errors import notice
from saidwhat.records import Notice

Span = tuple[int, int]

MAX_DEPTH = 8
"""Deepest nesting kept; deeper opening marks are orphans (real text rarely goes past 2)."""

_MARK_RE = re.compile("'''|''|``|[“”„‘’‚\"'«»‹›「」『』]")
_WORD_RE = re.compile(r"[^\W\d_]+|\d+")
_HEIGHT_RE = re.compile(r"\d['’]\d{1,2}$")

_FAMILY: dict[str, str] = {
    "“": "d", "”": "d", "„": "d", '"': "d", "''": "d", "``": "d",
    "‘": "s", "’": "s", "‚": "s", "'": "s",
    "«": "g", "»": "g", "‹": "gs", "›": "gs",
    "「": "cj", "」": "cj", "『": "cjd", "』": "cjd",
}  # fmt: skip
"""Double, single, guillemet... marks; the possessive look-ahead works within the single family."""

_CLOSERS: dict[str, frozenset[str]] = {
    "“": frozenset('”“"'), "”": frozenset('”"'), "„": frozenset('“”"'), '"': frozenset('"”“'),
    "‘": frozenset("’‘'"), "’": frozenset("’'"), "‚": frozenset("‘’"), "'": frozenset("'’"),
    "''": frozenset(["''"]), "``": frozenset(["''"]),
    "«": frozenset("»"), "»": frozenset("«"), "‹": frozenset("›"), "›": frozenset("‹"),
    "「": frozenset("」"), "『": frozenset("』"),
}  # fmt: skip
"""Opening mark -> the marks that may close it (curly and straight mix in real text)."""

_REOPENERS: dict[str, frozenset[str]] = {
    "“": frozenset("“"), "”": frozenset("”"), "„": frozenset("„"),
    "''": frozenset(["''"]), "``": frozenset(["``"]),
    "‘": frozenset("‘"), "’": frozenset("’"), "‚": frozenset("‚"),
    '"': frozenset('"'), "'": frozenset("'"),
    "«": frozenset("«»"), "»": frozenset("»"), "‹": frozenset("‹›"), "›": frozenset("›"),
    "「": frozenset("「"), "『": frozenset("『"),
}  # fmt: skip
"""Opening mark -> marks that may start the next paragraph of a multi-paragraph quotation."""

_OPENING_MARKS = frozenset("“„‘‚\"'«‹「『")
_CLOSING_MARKS = frozenset("”’\"'»›」』“‘")
_OPEN_BEFORE = frozenset("([{<—–-/=") | _OPENING_MARKS
_CLOSE_AFTER = frozenset(".,;:!?)]}>—–-/…*") | _CLOSING_MARKS
_REPORT_BEFORE = frozenset(".,;:!?…—–-")
"""Punctuation before a closing single mark that makes it a quote mark for sure (``it,’``)."""
_DOUBLE_CLOSERS = frozenset('”"»›」』')
_SINGLES = frozenset("‘’'")
_DOUBLE_OPENERS = frozenset('“"„')


@dataclass(slots=True)
class QuotedSpan:
    """One pair of quote marks and the content between them.

    ``spans`` hold the content without the marks, one span per paragraph of a multi-paragraph
    quotation; ``reopens`` are the offsets of the opening marks that restart it in later paragraphs.
    ``parent`` is the index in :attr:`MarkResult.quotes` of the quotation it is nested in.
    """

    open: int
    close: int | None
    spans: list[Span]
    depth: int = 0
    parent: int | None = None
    open_char: str = ""
    close_char: str = ""
    reopens: list[int] = field(default_factory=list)

    @property
    def start(self) -> int:
        """First content offset."""
        return self.spans[0][0]

    @property
    def end(self) -> int:
        """Offset just past the content."""
        return self.spans[-1][1]


@dataclass(slots=True)
class MarkResult:
    """Paired quotations in text order, skipped marks and the notices about them."""

    quotes: list[QuotedSpan] = field(default_factory=list)
    orphans: list[int] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)


class _Mark(NamedTuple):
    """A quote-like mark classified from its context alone."""

    pos: int
    char: str
    family: str
    opens: bool
    can_close: bool
    weak: bool
    report: bool


@dataclass(slots=True)
class _Open:
    """An opening mark waiting on the stack; ``parts`` are finished paragraphs of its content."""

    pos: int
    char: str
    family: str
    start: int
    parts: list[Span] = field(default_factory=list)
    reopens: list[int] = field(default_factory=list)


@cache
def _elisions() -> frozenset[str]:
    """Words written with a leading apostrophe (data/marks.txt), lower-case."""
    raw = files("saidwhat").joinpath("data", "marks.txt").read_text(encoding="utf-8")
    lines = (ln.strip().lower() for ln in raw.splitlines())
    return frozenset(ln for ln in lines if ln and not ln.startswith("#"))


_INVISIBLE = frozenset(
    "\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
)
"""Format characters (direction marks, zero-width space) that count as space around a mark."""


def _space(c: str | None) -> bool:
    """True at a paragraph edge, a whitespace character or an invisible format character."""
    return c is None or c.isspace() or c in _INVISIBLE


def _alnum(c: str | None) -> bool:
    """True for a letter or digit."""
    return c is not None and c.isalnum()


def _elided_word_after(text: str, i: int, hi: int, mark: str) -> bool:
    """True when the mark at ``i`` starts an elided word (’em, ’tis) or a decade (’90s, ’20)."""
    m = _WORD_RE.match(text, i + 1, hi)
    if m is None:
        return False
    word = m.group()
    if word.isdigit():
        return len(word) == 2
    if mark == "‘" and not word.islower():
        return False  # ‘Cause I said so’ is more likely a quotation than ‘cause
    return word.lower() in _elisions()


def _rock_n_roll(text: str, i: int, lo: int, hi: int) -> bool:
    """True for either mark of `` ’n’ `` (rock ’n’ roll), straight or curly."""
    if i + 2 < hi and text[i + 1] in "nN" and text[i + 2] in _SINGLES:
        first = i
    elif i - 2 >= lo and text[i - 1] in "nN" and text[i - 2] in _SINGLES:
        first = i - 2
    else:
        return False
    edge_before = first == lo or text[first - 1].isspace()
    edge_after = first + 3 >= hi or text[first + 3].isspace()
    return edge_before and edge_after


def _is_apostrophe(
    text: str, i: int, lo: int, hi: int, before: str | None, after: str | None
) -> bool:
    """True when a single mark (‘ ’ ') is an apostrophe: in a word, ’90s, ’em, rock ’n’ roll."""
    if _alnum(before) and _alnum(after):
        return True
    if _rock_n_roll(text, i, lo, hi):
        return True
    if after in ("s", "S") and not _alnum(text[i + 2] if i + 2 < hi else None):
        return True  # D.C.’s, U.N.'s
    at_word_start = _space(before) or before in _OPEN_BEFORE
    if at_word_start and _elided_word_after(text, i, hi, text[i]):
        return True
    # ’ never opens a quotation in careful typography (’ before a word is an apostrophe), except
    # right inside an opening double mark: “’House of Cards,’” is a misdirected nested opener.
    return text[i] == "’" and at_word_start and _alnum(after) and before not in _DOUBLE_OPENERS


def _inch_mark(text: str, i: int, lo: int) -> bool:
    """True for the inch mark of a height such as 6’2” or 5'11"."""
    head = text[max(lo, i - 4) : i]
    return bool(_HEIGHT_RE.search(head))


def _role(before: str | None, after: str | None) -> str:
    """ "open", "close" or "either", from the characters on both sides of a mark."""
    open_like = (_space(before) or before in _OPEN_BEFORE) and not _space(after)
    close_like = (_space(after) or after in _CLOSE_AFTER) and not _space(before)
    if open_like != close_like:
        return "open" if open_like else "close"
    return "either"


def _classify(text: str, i: int, c: str, lo: int, hi: int) -> _Mark | None:
    """Classify the mark ``c`` at ``i`` inside paragraph ``[lo, hi)``; None for an apostrophe."""
    before = text[i - 1] if i > lo else None
    after = text[i + len(c)] if i + len(c) < hi else None
    if c in _SINGLES and _is_apostrophe(text, i, lo, hi, before, after):
        return None
    if c in '"”' and _inch_mark(text, i, lo):
        return None
    role = _role(before, after)
    fam = _FAMILY[c]
    if c in "“”„‚":
        return _classify_curly_double(i, c, fam, role, before is None)
    if c in _SINGLES:
        return _classify_single(i, c, fam, role, before, after)
    if c == "``":
        return _Mark(i, c, fam, True, False, False, True)
    if c == "''":
        return _Mark(i, c, fam, role != "close", role != "open", False, True)
    if c == '"':
        inch = before is not None and before.isdigit() and role == "close"
        return _Mark(i, c, fam, role != "close", role != "open", False, not inch)
    if c in "«»‹›":
        return _Mark(i, c, fam, True, True, False, True)
    return _Mark(i, c, fam, c in "「『", c in "」』", False, True)


def _classify_curly_double(i: int, c: str, fam: str, role: str, at_start: bool) -> _Mark | None:
    """“ opens (or closes „ and a misdirected “), ” closes (or opens in ”…” style), „ and ‚ open."""
    if c == "“":
        return _Mark(i, c, fam, role != "close", role != "open", False, True)
    if c == "”":  # it opens in ”…” style, and when misdirected at the start of a paragraph
        return _Mark(i, c, fam, role == "open" or at_start, True, False, True)
    if c == "‚" and role != "open":
        return None  # a low comma-like mark that does not open anything
    return _Mark(i, c, fam, True, False, False, True)


def _classify_single(
    i: int, c: str, fam: str, role: str, before: str | None, after: str | None
) -> _Mark | None:
    """Direction of ‘ ’ ' once apostrophes are ruled out; ``weak`` ones may be possessives."""
    if _space(before) and _space(after):
        return None  # a stray mark between spaces
    misdirected = before in _DOUBLE_OPENERS
    if c == "’" and role == "open" and not misdirected:
        return None
    opens = role != "close" and (c != "’" or misdirected)
    can_close = role != "open"
    weak = can_close and _alnum(before) and _space(after)
    report = opens or before in _REPORT_BEFORE or after in _DOUBLE_CLOSERS
    if c == "‘" and role == "close":
        report = False  # ‘ after a word is more often a misdirected apostrophe than a quote mark
    return _Mark(i, c, fam, opens, can_close, weak, report)


def _later_closer(marks: list[_Mark]) -> list[bool]:
    """For each mark: does a later mark of its single family close before a barrier?

    A barrier is a later opening mark of the same family or a sure closing mark of another family
    (the parent's close). A weak closing mark (``Jones’ house``) only closes when this is False.
    """
    out = [False] * len(marks)
    inf = len(marks)
    next_close = {"s": inf}
    next_barrier = {"s": inf}
    for k in range(len(marks) - 1, -1, -1):
        m = marks[k]
        if m.family in next_close:
            out[k] = next_close[m.family] < next_barrier[m.family]
            if m.can_close:
                next_close[m.family] = k
            if m.opens:
                next_barrier[m.family] = k
        if m.can_close and not m.weak:
            for fam in next_barrier:
                if fam != m.family:
                    next_barrier[fam] = k
    return out


class _Pairer:
    """The stack machine that pairs classified marks, paragraph by paragraph."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.quotes: list[QuotedSpan] = []
        self.orphans: list[int] = []
        self.stack: list[_Open] = []

    def orphan(self, entry: _Open) -> None:
        """Skip an opening mark that never closed (and the marks that reopened it)."""
        self.orphans.append(entry.pos)
        self.orphans.extend(entry.reopens)

    def close(self, entry: _Open, mark: _Mark) -> None:
        """Record a finished quotation; one made only of whitespace is dropped."""
        spans = [*entry.parts, (entry.start, mark.pos)]
        if any(self.text[a:b].strip() for a, b in spans):
            q = QuotedSpan(entry.pos, mark.pos, spans, open_char=entry.char, close_char=mark.char)
            q.reopens = entry.reopens
            self.quotes.append(q)

    def push(self, mark: _Mark) -> None:
        """Open a quotation, nested in the open one if any (an orphan shows at paragraph end)."""
        if len(self.stack) >= MAX_DEPTH:
            self.orphans.append(mark.pos)
            return
        self.stack.append(_Open(mark.pos, mark.char, mark.family, mark.pos + len(mark.char)))

    def close_deeper(self, mark: _Mark) -> bool:
        """Close the nearest open mark below the top that ``mark`` fits; orphan those above."""
        for depth in range(len(self.stack) - 2, -1, -1):
            if mark.char in _CLOSERS[self.stack[depth].char]:
                while len(self.stack) > depth + 1:
                    self.orphan(self.stack.pop())
                self.close(self.stack.pop(), mark)
                return True
        return False

    def feed(self, mark: _Mark, later_closer: bool) -> None:
        """Apply one mark: close the top, open, close deeper, or skip it."""
        top = self.stack[-1] if self.stack else None
        fits_top = top is not None and mark.char in _CLOSERS[top.char]
        if mark.can_close and fits_top and not (mark.weak and later_closer):
            assert top is not None
            self.close(self.stack.pop(), mark)
        elif mark.opens:
            self.push(mark)
        elif mark.can_close and not mark.weak and self.close_deeper(mark):
            return
        elif mark.report:
            self.orphans.append(mark.pos)

    def paragraph(self, marks: list[_Mark]) -> None:
        """Pair the marks of one paragraph (the stack may hold a quotation carried over)."""
        later = _later_closer(marks)
        for mark, lc in zip(marks, later, strict=True):
            self.feed(mark, lc)

    def end_paragraph(self, content_end: int, next_opener: _Mark | None) -> bool:
        """Carry an open quotation into the next paragraph if that paragraph reopens it.

        The carried one is the innermost open mark that the next paragraph's first mark reopens
        (an unclosed mark before it was an orphan); every other open mark is an orphan. Returns
        True when the next paragraph's first mark was used.
        """
        carried = None
        if next_opener is not None:
            fits = [e for e in self.stack if next_opener.char in _REOPENERS[e.char]]
            carried = fits[-1] if fits else None
        for entry in self.stack:
            if entry is not carried:
                self.orphan(entry)
        self.stack.clear()
        if carried is None or next_opener is None:
            return False
        carried.parts.append((carried.start, max(carried.start, content_end)))
        carried.start = next_opener.pos + len(next_opener.char)
        carried.reopens.append(next_opener.pos)
        self.stack.append(carried)
        return True


_BLANK_LINE_RE = re.compile(r"\n[^\S\n]*\n\s*")


def _blocks(text: str, lo: int, hi: int) -> list[Span]:
    """Non-blank blocks of ``text[lo:hi]`` separated by blank lines."""
    out: list[Span] = []
    start = lo
    for m in _BLANK_LINE_RE.finditer(text, lo, hi):
        if text[start : m.start()].strip():
            out.append((start, m.start()))
        start = m.end()
    if text[start:hi].strip():
        out.append((start, hi))
    return out


def _segments(text: str, paragraphs: list[Span]) -> list[Span]:
    """Sorted, non-overlapping paragraphs; text they leave out is split at blank lines."""
    out: list[Span] = []
    pos = 0
    for start, end in sorted(paragraphs):
        start, end = max(start, pos, 0), min(end, len(text))
        if end <= start:
            continue
        out.extend(_blocks(text, pos, start))
        out.append((start, end))
        pos = end
    out.extend(_blocks(text, pos, len(text)))
    return out


def _only_marks(text: str) -> bool:
    """True for a non-empty text made only of quote marks, punctuation and spaces."""
    if not text.strip():
        return False
    return all(c.isspace() or unicodedata.category(c).startswith("P") for c in set(text))


def _outer_end(q: QuotedSpan) -> int:
    """Offset of the closing mark (or the content end when there is none)."""
    return q.close if q.close is not None else q.end


def _assign_nesting(quotes: list[QuotedSpan]) -> None:
    """Sort quotations by opening mark and set ``depth`` and ``parent`` from containment."""
    quotes.sort(key=lambda q: q.open)
    stack: list[int] = []
    for idx, q in enumerate(quotes):
        end = _outer_end(q)
        while stack and _outer_end(quotes[stack[-1]]) < end:
            stack.pop()
        q.parent = stack[-1] if stack else None
        q.depth = len(stack)
        stack.append(idx)


def _find_marks(text: str) -> list[tuple[int, str]]:
    """Offsets and strings of every quote-like mark.

    ``'''`` (a straight single quote next to a doubled one, as in old NYT text) is split in the
    order its side calls for: ``''`` then ``'`` when it opens, ``'`` then ``''`` when it closes.
    """
    out: list[tuple[int, str]] = []
    for m in _MARK_RE.finditer(text):
        pos, mark = m.start(), m.group()
        if mark != "'''":
            out.append((pos, mark))
        elif _space(text[pos - 1] if pos else None) and not _space(text[pos + 3 : pos + 4] or None):
            out += [(pos, "''"), (pos + 2, "'")]
        else:
            out += [(pos, "'"), (pos + 1, "''")]
    return out


def _classified(text: str, segments: list[Span], max_marks: int) -> tuple[list[list[_Mark]], bool]:
    """The classified marks of each segment, at most ``max_marks`` in all; True when capped."""
    found = _find_marks(text)
    out: list[list[_Mark]] = []
    k = count = 0
    for lo, hi in segments:
        marks: list[_Mark] = []
        while k < len(found) and found[k][0] < lo:
            k += 1
        while k < len(found) and found[k][0] < hi:
            mark = _classify(text, *found[k], lo, hi)
            k += 1
            if mark is None:
                continue
            if count >= max_marks:
                out.append(marks)
                return out, True
            marks.append(mark)
            count += 1
        out.append(marks)
    return out, False


def _first_opener(text: str, segment: Span, marks: list[_Mark]) -> _Mark | None:
    """The paragraph's first mark when it is an opening mark right at the paragraph start."""
    if not marks or not marks[0].opens:
        return None
    return marks[0] if not text[segment[0] : marks[0].pos].strip() else None


def pair_quote_marks(text: str, paragraphs: list[Span], max_marks: int = 20000) -> MarkResult:
    """Pair the quote marks of ``text`` into quotations.

    ``paragraphs`` are ``(start, end)`` offsets (from ``saidwhat.text.layout``); text outside them
    is split at blank lines, so an empty list means "blocks between blank lines are paragraphs". At
    most ``max_marks`` marks are paired (W006 beyond). Unbalanced marks are skipped with a W001
    notice each; a text only of quote marks (or punctuation) gives W007 and nothing else. Pairs
    with nothing but whitespace inside are dropped silently.
    """
    result = MarkResult()
    if _only_marks(text):
        result.notices.append(notice("W007", f"{len(text)} characters"))
        return result
    segments = _segments(text, paragraphs)
    per_segment, capped = _classified(text, segments, max_marks)
    pairer = _Pairer(text)
    skip_first = False
    for n, marks in enumerate(per_segment):
        pairer.paragraph(marks[1:] if skip_first else marks)
        lo, hi = segments[n]
        content_end = lo + len(text[lo:hi].rstrip())
        opener = None
        if n + 1 < len(per_segment):
            opener = _first_opener(text, segments[n + 1], per_segment[n + 1])
        skip_first = pairer.end_paragraph(content_end, opener)
    _assign_nesting(pairer.quotes)
    result.quotes = pairer.quotes
    result.orphans = sorted(pairer.orphans)
    result.notices = [notice("W001", f"{text[o]!r} at {o}", offset=o) for o in result.orphans]
    if capped:
        result.notices.append(notice("W006", f"only the first {max_marks} marks were paired"))
    return result
