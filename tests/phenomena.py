"""Phenomenon fixtures: short fictional articles with a hand annotation, turned into gold records.

Each ``tests/fixtures/phenomena/<name>.json`` holds one invented news article that exercises one
phenomenon (a quote-mark type, a cue shape, a way of naming the speaker, ...) and its annotation in
a form that is easy to write by hand: quoted texts instead of offsets. :func:`to_gold` finds every
text in the article by substring search and returns a record in the shape of
``shared/reference/GOLD_FORMAT.md``, so engine output can be scored against it. A text that is not
found, or that does not sit where its kind says it should (between quote marks, in a paragraph of
its own, inside its parent quote), raises :class:`FixtureError`: a fixture is never silently wrong.

Fixture keys::

    phenomenon   what the article is about (one line)
    text         the full article; paragraphs separated by blank lines
    published    "YYYY-MM-DD" or null (from a ``date`` header line when there is one)
    quotes       list of {"text", "occurrence", "kind", "speaker", "cue", "medium", "addressee",
                 "parent_text"}
    not_quotes   list of {"text", "occurrence", "reason"}: quoted strings that are no quotations
    captions     list of exact caption paragraphs (credit included)
    credits      optional: the credit line inside each caption, same order as ``captions``
    warnings     optional: notice codes the engine is expected to raise (e.g. ["W001"])

Annotation conventions (the same as the seed gold in shared/reference):

- ``text`` of a direct, partial or nested quote is everything between its quote marks, trailing
  punctuation inside the marks included (``We talk about it a lot,``), spaces next to the marks
  excluded; a nested quote's marks are part of its parent's text. A quotation interrupted by its
  attribution inside one sentence (``“…,” she said, “…”``) or running over several paragraphs is
  one quote whose ``text`` is a list of parts; a new sentence after ``she said.`` is a new quote.
- A transcript turn (``"turn": true``, kind ``direct``) is the paragraph after its speaker label
  and colon (``WELK: …``), and the label-less paragraphs that continue it; it has no quote marks.
- ``text`` of an indirect quote is the reported clause without ``that`` and without the final
  full stop.
- ``occurrence`` (default 1) picks the n-th match of the (first) text in the article; later parts
  of a list are searched after the end of the part before.
- ``speaker`` is a canonical name (the fullest name in the article, honorifics dropped; a group of
  people as "A and B"; an unnamed group or person as a short description), or null.
- ``cue`` is the cue words as written ("said", "according to"; compare case-insensitively), null
  when the quote has none of its own (floating quotes, dash bylines).
- ``medium`` is the channel the words were delivered through ("Instagram", "Medium",
  "Harbor Weekly" for an interview with it, "statement"); quotes after "in an interview with X"
  carry X until the setting changes. ``addressee`` is who was told ("reporters", "Daily Planet").
- ``not_quotes`` texts exclude punctuation that sits inside the marks (``“The Glass Orchard,”``
  gives ``The Glass Orchard``).

API: :func:`fixture_names`, :func:`load_fixture`, :func:`to_gold`, :func:`gold_record`,
:func:`all_gold`, :func:`raw_article`, :func:`write_gold_jsonl`, :func:`find_span`. Run
``python tests/phenomena.py`` to check every fixture and print a summary.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

FIXTURE_DIR = Path(__file__).resolve().parent / "fixtures" / "phenomena"

OPENING_MARKS = frozenset("“‘\"'«»„‚‹›")
CLOSING_MARKS = frozenset("”’\"'»«“‘›‹")
QUOTE_KINDS = frozenset({"direct", "partial", "nested", "indirect"})
# The figures the reference scorer (shared/tools/score.py) prints, which saidwhat eval must match.
REFERENCE_KEYS = (
    "articles",
    "articles_missing_in_system",
    "detect@0.3",
    "detect@0.8",
    "exact",
    "speaker_acc@0.3",
    "who_said_what@0.3",
    "who_said_what@0.8",
)
_SPACES = " \u00a0\u202f\u2009"

Span = tuple[int, int]


class FixtureError(ValueError):
    """A fixture that does not agree with its own text."""


def fixture_names() -> list[str]:
    """Names (file stems) of all phenomenon fixtures, sorted."""
    return sorted(p.stem for p in FIXTURE_DIR.glob("*.json"))


def load_fixture(name: str | Path) -> dict[str, Any]:
    """The raw fixture dict, by name (``"nested"``) or path; ``"name"`` is added."""
    path = Path(name) if isinstance(name, Path) or str(name).endswith(".json") else None
    path = path or FIXTURE_DIR / f"{name}.json"
    if not path.is_file():
        raise FixtureError(f"no such fixture: {path}")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    for key in ("phenomenon", "text", "quotes"):
        if key not in data:
            raise FixtureError(f"{path.name}: missing key {key!r}")
    data["name"] = path.stem
    return data


def find_span(text: str, needle: str, occurrence: int = 1, start: int = 0) -> Span:
    """Offsets of the ``occurrence``-th match of ``needle`` in ``text`` at or after ``start``."""
    if not needle:
        raise FixtureError("empty text to find")
    if occurrence < 1:
        raise FixtureError(f"occurrence must be >= 1, got {occurrence}")
    pos = start - 1
    for _ in range(occurrence):
        pos = text.find(needle, pos + 1)
        if pos < 0:
            found = text.count(needle, start)
            raise FixtureError(
                f"{needle!r} occurrence {occurrence} not found after offset {start} "
                f"(found {found} time(s))"
            )
    return pos, pos + len(needle)


def _prev_char(text: str, i: int) -> str:
    while i > 0 and text[i - 1] in _SPACES:
        i -= 1
    return text[i - 1] if i > 0 else "\n"


def _next_char(text: str, i: int) -> str:
    while i < len(text) and text[i] in _SPACES:
        i += 1
    return text[i] if i < len(text) else "\n"


def _check_marks(text: str, spans: list[Span], where: str) -> None:
    """Each part opens after a quote mark; it closes at a mark, or at a paragraph end (not last)."""
    for n, (s, e) in enumerate(spans):
        before, after = _prev_char(text, s), _next_char(text, e)
        if before not in OPENING_MARKS:
            raise FixtureError(
                f"{where}: part {n + 1} is not preceded by a quote mark ({before!r})"
            )
        last = n == len(spans) - 1
        if after not in CLOSING_MARKS and (last or after != "\n"):
            raise FixtureError(f"{where}: part {n + 1} is not followed by a quote mark ({after!r})")


def _check_turn(text: str, spans: list[Span], where: str) -> None:
    """A transcript turn's first part follows its label at a paragraph start ("WELK: …"); every
    part runs to the end of its paragraph, and later parts are whole paragraphs."""
    for n, (s, e) in enumerate(spans):
        line_start = text.rfind("\n", 0, s) + 1
        head = text[line_start:s]
        if n == 0 and not (head.endswith(": ") and head[:-2].isupper()):
            raise FixtureError(f"{where}: a turn opens after a label in capitals ({head!r})")
        if n > 0 and head:
            raise FixtureError(f"{where}: part {n + 1} of a turn is not a whole paragraph")
        if text[e : e + 1] not in ("", "\n"):
            raise FixtureError(f"{where}: part {n + 1} of a turn does not end its paragraph")


def _quote_spans(text: str, q: dict[str, Any], where: str) -> list[Span]:
    parts = q["text"] if isinstance(q["text"], list) else [q["text"]]
    spans: list[Span] = []
    pos = 0
    for i, part in enumerate(parts):
        try:
            span = find_span(text, part, int(q.get("occurrence", 1)) if i == 0 else 1, pos)
        except FixtureError as exc:
            raise FixtureError(f"{where}: {exc}") from None
        spans.append(span)
        pos = span[1]
    return spans


def _paragraph_span(text: str, para: str, where: str) -> Span:
    pos = 0
    while True:
        try:
            s, e = find_span(text, para, 1, pos)
        except FixtureError as exc:
            raise FixtureError(f"{where}: {exc}") from None
        if (s == 0 or text[s - 1] == "\n") and (e == len(text) or text[e] == "\n"):
            return s, e
        pos = s + 1


def to_gold(fixture: dict[str, Any], record_id: str | None = None) -> dict[str, Any]:
    """A GOLD_FORMAT record for ``fixture`` (quotes with spans, not_quotes, captions), checked.

    Besides the GOLD_FORMAT keys each quote has ``id`` (Q1, Q2, ... in fixture order), ``cue``,
    ``medium``, ``addressee`` and ``parent`` (the id of the enclosing quote for a nested one); the
    record has ``phenomenon``, ``not_quotes_info`` ({start, end, text, reason}), ``captions_info``
    ({start, end, text, credit, credit_span}) and ``warnings`` (expected notice codes).
    """
    name = str(fixture.get("name", "fixture"))
    text: str = fixture["text"]
    quotes: list[dict[str, Any]] = []
    by_text: dict[str, dict[str, Any]] = {}
    for i, q in enumerate(fixture["quotes"]):
        where = f"{name} quote {i + 1}"
        kind = q.get("kind")
        if kind not in QUOTE_KINDS:
            raise FixtureError(f"{where}: kind must be one of {sorted(QUOTE_KINDS)}, got {kind!r}")
        spans = _quote_spans(text, q, where)
        if q.get("turn"):
            _check_turn(text, spans, where)
        elif kind != "indirect":
            _check_marks(text, spans, where)
        parts = q["text"] if isinstance(q["text"], list) else [q["text"]]
        rec = {
            "spans": [[s, e] for s, e in spans],
            "text": " ".join(parts),
            "kind": kind,
            "speaker": q.get("speaker"),
            "speaker_spans": [],
            "cue_spans": [],
            "id": f"Q{i + 1}",
            "cue": q.get("cue"),
            "medium": q.get("medium"),
            "addressee": q.get("addressee"),
            "parent": None,
        }
        quotes.append(rec)
        by_text.setdefault(parts[0], rec)
    for i, (q, rec) in enumerate(zip(fixture["quotes"], quotes, strict=True)):
        parent_text = q.get("parent_text")
        if (rec["kind"] == "nested") != bool(parent_text):
            raise FixtureError(f"{name} quote {i + 1}: a nested quote needs parent_text, only it")
        if not parent_text:
            continue
        parent = by_text.get(parent_text)
        if parent is None:
            raise FixtureError(f"{name} quote {i + 1}: parent_text is not a quote of this fixture")
        (ps, pe), (cs, ce) = parent["spans"][0], rec["spans"][0]
        if not (ps <= cs and rec["spans"][-1][1] <= parent["spans"][-1][1] and ce <= pe):
            raise FixtureError(f"{name} quote {i + 1}: nested quote lies outside its parent")
        rec["parent"] = parent["id"]

    not_quotes_info = []
    for i, nq in enumerate(fixture.get("not_quotes") or []):
        where = f"{name} not_quote {i + 1}"
        try:
            s, e = find_span(text, nq["text"], int(nq.get("occurrence", 1)))
        except FixtureError as exc:
            raise FixtureError(f"{where}: {exc}") from None
        if _prev_char(text, s) not in OPENING_MARKS:
            raise FixtureError(f"{where}: not preceded by a quote mark")
        not_quotes_info.append({"start": s, "end": e, "text": nq["text"], "reason": nq["reason"]})

    credits = list(fixture.get("credits") or [])
    captions_info = []
    for i, para in enumerate(fixture.get("captions") or []):
        s, e = _paragraph_span(text, para, f"{name} caption {i + 1}")
        credit = credits[i] if i < len(credits) else None
        credit_span = None
        if credit is not None:
            cs = text.find(credit, s, e)
            if cs < 0:
                raise FixtureError(f"{name} caption {i + 1}: credit {credit!r} not in the caption")
            credit_span = [cs, cs + len(credit)]
        captions_info.append(
            {"start": s, "end": e, "text": para, "credit": credit, "credit_span": credit_span}
        )

    return {
        "id": record_id or name,
        "text": text,
        "published": fixture.get("published"),
        "outlet": fixture.get("outlet"),
        "url": fixture.get("url"),
        "quotes": quotes,
        "not_quotes": [[n["start"], n["end"]] for n in not_quotes_info],
        "captions": [[c["start"], c["end"]] for c in captions_info],
        "phenomenon": fixture["phenomenon"],
        "not_quotes_info": not_quotes_info,
        "captions_info": captions_info,
        "warnings": list(fixture.get("warnings") or []),
    }


def gold_record(name: str) -> dict[str, Any]:
    """:func:`to_gold` of the fixture called ``name``."""
    return to_gold(load_fixture(name))


def all_gold() -> list[dict[str, Any]]:
    """Gold records of every fixture, sorted by name."""
    return [gold_record(n) for n in fixture_names()]


def raw_article(name: str) -> Any:
    """The fixture as a ``saidwhat.records.RawArticle`` (the engine's input)."""
    from saidwhat.records import RawArticle

    fx = load_fixture(name)
    return RawArticle(id=fx["name"], text=fx["text"], origin=f"phenomena/{fx['name']}.json")


def write_gold_jsonl(path: str | Path, names: Iterable[str] | None = None) -> Path:
    """Write gold records as JSONL (for ``shared/tools/score.py GOLD SYSTEM``)."""
    out = Path(path)
    with out.open("w", encoding="utf-8") as fh:
        for name in names if names is not None else fixture_names():
            fh.write(json.dumps(gold_record(name), ensure_ascii=False) + "\n")
    return out


def _main(argv: list[str]) -> int:
    """Check every fixture (or the ones named) and print a one-line summary of each."""
    failed = 0
    for name in argv or fixture_names():
        try:
            g = gold_record(name)
        except FixtureError as exc:
            failed += 1
            print(f"FAIL {name}: {exc}")
            continue
        kinds = ",".join(sorted({q["kind"] for q in g["quotes"]}))
        print(
            f"ok   {name:24} {len(g['quotes'])} quotes ({kinds}), {len(g['not_quotes'])} not, "
            f"{len(g['captions'])} captions: {g['phenomenon'][:60]}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
