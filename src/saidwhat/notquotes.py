"""Quoted strings that are not quotations: titles of works, nicknames, terms and scare quotes.

Decided from the quoted string and the words right around it, no parser needed. The cue words live
in ``data/title_cues.txt``. A full sentence (terminal punctuation, or nine words or more) is never a
title; a short lower-case string is a scare quote only when no speech cue is nearby, since
``called it “a disgrace”`` is a partial quotation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from saidwhat.lexicons import pronouns
from saidwhat.marks import QuotedSpan

TITLE = "title of a work"
NICKNAME = "nickname"
SCARE = "scare quote"
TERM = "term"
MARKUP = "markup"
"""An attribute value in markup left in the text (`<tweet author="…">`), not a quotation."""

MAX_TITLE_WORDS = 8
"""Longest string (in words) taken for a title, nickname or term; 9 words or more is a sentence."""

MAX_SCARE_WORDS = 3
"""Longest lower-case string taken for a scare quote."""

_QUOTATION = ""
"""Internal verdict: a rule decided that the string *is* a quotation; no later rule applies."""

_CONTEXT = 80
"""Characters of context read on each side of the quote marks."""

_EDGE_PUNCT = "\"'“”‘’«»()[]{}¿¡,;:—–-*"
_SENTENCE_END_RE = re.compile(r"[.,;:]$")
_INNER_SENTENCE_RE = re.compile(r"[.!?;][\"'”’)]*\s+\S")
_POSSESSIVE_RE = re.compile(r"\w(['’]s|s['’])$")
_DETERMINER_RE = re.compile(r"\s+(the|a|an)$")


@cache
def _cues() -> dict[str, frozenset[str]]:
    """Role -> lower-case cue phrases, from data/title_cues.txt."""
    raw = files("saidwhat").joinpath("data", "title_cues.txt").read_text(encoding="utf-8")
    roles: dict[str, set[str]] = {}
    for line in raw.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        phrase, _, role = line.partition("\t")
        roles.setdefault(role.strip(), set()).add(phrase.strip().lower())
    return {role: frozenset(phrases) for role, phrases in roles.items()}


def _cue_set(role: str) -> frozenset[str]:
    """The cue phrases of one role (empty when the data file has none)."""
    return _cues().get(role, frozenset())


@dataclass(slots=True)
class _Around:
    """The quoted string and its surroundings, as the rules need them."""

    content: str
    words: list[str]
    left: str
    """Text before the opening mark, on the same line, trailing spaces and ,:— removed."""
    right: str
    """Text after the closing mark, on the same line."""
    cue_nearby: bool
    colon: bool = False
    """Whether the opening mark follows a colon ("Ostrova: ‘We Cannot Wait’")."""

    def before_tokens(self, n: int) -> list[str]:
        """The last ``n`` words before the string, lower-case, edge punctuation stripped."""
        return [_core(w).lower() for w in self.left.split()[-n:]]

    def last_word(self) -> str:
        """The word right before the string, as written."""
        parts = self.left.split()
        return parts[-1] if parts else ""

    def next_word(self) -> str:
        """The word right after the string when only a space separates them, as written."""
        if not self.right[:1].isspace():
            return ""
        parts = self.right.split(maxsplit=1)
        return parts[0] if parts else ""

    def ends_with(self, role: str) -> str | None:
        """The cue phrase of ``role`` the left context ends with (maybe plus "the"), if any."""
        low = _DETERMINER_RE.sub("", self.left.lower())
        for phrase in _cue_set(role):
            if low.endswith(phrase) and (
                len(low) == len(phrase) or not low[-len(phrase) - 1].isalnum()
            ):
                return phrase
        return None


def _core(word: str) -> str:
    """A word without the punctuation around it."""
    return word.strip(_EDGE_PUNCT)


def _around(text: str, q: QuotedSpan) -> _Around | None:
    """Content and context of a single-span quotation; None when it has several spans."""
    if len(q.spans) != 1:
        return None
    start, end = q.spans[0]
    content = text[start:end].strip()
    left = text[max(0, q.open - _CONTEXT) : q.open].rsplit("\n", 1)[-1].rstrip()
    colon = left.endswith(":")
    left = left.rstrip(",:—–").rstrip()
    after = (q.close + len(q.close_char or " ")) if q.close is not None else end
    right = text[after : after + _CONTEXT].split("\n", 1)[0]
    return _Around(content, content.split(), left, right, cue_nearby=False, colon=colon)


def _sentence_like(content: str) -> bool:
    """True for a string that reads as (part of) a sentence: ends with . , ; : or holds a break."""
    core = content.rstrip("\"'”’)")
    return bool(_SENTENCE_END_RE.search(core) or _INNER_SENTENCE_RE.search(core))


def _title_before_comma(a: _Around) -> bool:
    """American style puts a comma inside the marks: ``The novel, “A House of Small Weather,” has``.
    A Title Case string (one word too: the documentary “13th.”) whose only sentence-like sign is
    that trailing mark is still a title candidate; the rules then want a cue for it."""
    core = a.content.rstrip()
    if not core.endswith((",", ".")) or _INNER_SENTENCE_RE.search(core[:-1]):
        return False
    return _title_case(core[:-1].split())


def _exclaims(content: str) -> bool:
    """True for a string ending with ? or ! (a title such as "Oklahoma!" needs a clear cue)."""
    return content.rstrip("\"'”’)").endswith(("?", "!"))


def _title_case(words: list[str]) -> bool:
    """True when every word but minor ones (of, the, and...) starts with a capital or a digit."""
    seen_capital = False
    for n, word in enumerate(words):
        core = _core(word)
        if not core:
            continue
        if not core[0].isalpha():
            seen_capital = seen_capital or core[0].isdigit()
            continue
        if core[0].isupper():
            seen_capital = True
        elif n == 0 and core.lower() in ("the", "a", "an") and len(words) > 1:
            continue
        elif n == 0 or core.lower() not in _cue_set("minor"):
            return False
    return seen_capital


def _capitalised(content: str) -> bool:
    """True when the string's first letter is a capital."""
    letters = [c for c in content[:20] if c.isalpha()]
    return bool(letters) and letters[0].isupper()


def _alias_rule(a: _Around) -> str | None:
    """Right after "nicknamed", "known as", "dubbed", "so-called", "the word": nickname or term."""
    if a.ends_with("nickname"):
        return NICKNAME
    if a.ends_with("alias"):
        return NICKNAME if _capitalised(a.content) else TERM
    if a.ends_with("term"):
        return TERM
    return None


def _name_like(word: str) -> bool:
    """True for a capitalised word (a first or last name, or an initial)."""
    return word[:1].isalpha() and word[:1].isupper()


def _between_names(a: _Around) -> bool:
    """True for ``Tom “Shorty” Smith``: a short capitalised string between two names."""
    if len(a.words) > MAX_SCARE_WORDS or not _capitalised(a.content):
        return False
    last, nxt = a.last_word(), _core(a.next_word())
    if not (a.left.endswith(last) and _name_like(last) and _name_like(nxt)):
        return False
    if _core(last).lower() in _cue_set("not_name") or nxt.lower() in _cue_set("not_name"):
        return False
    return not _headline(a)


def _headline(a: _Around) -> bool:
    """True when the line around the string is in Title Case (a headline, where every word has a
    capital and "between two names" means nothing)."""
    words = [_core(w) for w in (a.left.split()[-6:] + a.right.split()[:6])]
    words = [w for w in words if w[:1].isalpha()]
    lower = [w for w in words if w[0].islower() and w.lower() not in _cue_set("minor")]
    return len(words) >= 4 and not lower


def _named(a: _Around) -> str | None:
    """After "called"/"named": a nickname for a person (``called him “X”``), else a term."""
    phrase = a.ends_with("named")
    if phrase is not None:
        before = a.left[: -len(phrase)].split()
        person = bool(before) and _core(before[-1]).lower() in _cue_set("person")
        return NICKNAME if person else TERM
    if any(w in _cue_set("named") for w in a.before_tokens(4)):
        return NICKNAME  # called the 1996 winner “Miss X”, called him “Y”
    return None


def _possessive(a: _Around) -> bool:
    """True when the word right before the string is a possessive (``Netflix's “X”``)."""
    last = a.last_word()
    if not a.left.endswith(last) or not _POSSESSIVE_RE.search(last):
        return False
    return last.lower().replace("’", "'") not in _cue_set("contraction")


def _title_rule(a: _Around) -> str | None:
    """A Title Case string with a cue for a work (possessive, "film", "“X” star") is a title
    ("titled" right before is read first, by :func:`classify`)."""
    if not _title_case(a.words):
        return None
    works = _cue_set("work")
    if _possessive(a):
        return TITLE
    if any(w in works for w in a.before_tokens(3)):
        return TITLE
    nxt = _core(a.next_word()).lower()
    if nxt in works or nxt in _cue_set("work_after"):
        return TITLE
    if _appositive_work(a, works):
        return TITLE
    return None


def _appositive_work(a: _Around, works: frozenset[str]) -> bool:
    """``“The Glass Orchard,” a new play by …``: a work noun in the apposition right after."""
    right = a.right.lstrip()
    if a.content.rstrip().endswith(","):
        pass
    elif right.startswith(","):
        right = right[1:]
    else:
        return False
    words = [_core(w).lower() for w in right.split()[:4]]
    return bool(words) and words[0] in ("a", "an", "the") and any(w in works for w in words[1:])


def _name_rule(a: _Around) -> str | None:
    """Names: ``Tom “Shorty” Smith``, ``called him “Shorty”``, ``a group called “The Few”``."""
    if _between_names(a):
        return NICKNAME
    if _title_case(a.words) and not _exclaims(a.content):
        return _named(a)
    return None


def _lower_case_rule(a: _Around) -> str | None:
    """Lower-case strings: a partial quote after "called"; otherwise a scare quote if short."""
    if _capitalised(a.content) or _exclaims(a.content):
        return None
    if any(w in _cue_set("named") for w in a.before_tokens(3)):
        return _QUOTATION  # called the plan “a disaster for farmers”
    if len(a.words) <= MAX_SCARE_WORDS and not a.cue_nearby:
        return SCARE
    return None


def _plain_title_rule(a: _Around) -> str | None:
    """Several Title Case words with no speech cue nearby read as a title, unless they follow a
    colon and open with a pronoun: a headline's quotation ("Ostrova Slams Board: ‘You Should
    Resign’")."""
    if a.colon and _core(a.words[0]).lower() in pronouns():
        return None
    if len(a.words) >= 2 and _title_case(a.words) and not a.cue_nearby and not _exclaims(a.content):
        return TITLE
    return None


_RULES = (_alias_rule, _title_rule, _name_rule, _lower_case_rule, _plain_title_rule)


def classify(text: str, q: QuotedSpan, cue_nearby: bool) -> str | None:
    """Why the quoted string ``q`` is not a quotation, or None when it is one.

    Reasons: ``"title of a work"``, ``"nickname"``, ``"term"``, ``"scare quote"``, ``"markup"``.
    ``cue_nearby`` says a speech cue (said, told...) is close to the string; it tips short or Title
    Case strings without any other cue towards quotation, but not clear titles (``the “Cravings”
    author said``).
    """
    if q.open > 0 and text[q.open - 1] == "=":  # an attribute's value: <tweet author="…">
        return MARKUP
    a = _around(text, q)
    if a is None or not a.words or len(a.words) > MAX_TITLE_WORDS:
        return None
    if a.ends_with("titled"):  # "The spot, titled “Arrogant,” features …"
        return TITLE
    if _sentence_like(a.content) and not _title_before_comma(a):
        return None
    a.cue_nearby = cue_nearby
    for rule in _RULES:
        verdict = rule(a)
        if verdict is not None:
            return verdict or None
    return None
