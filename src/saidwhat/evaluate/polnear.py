"""PolNeAR (brat standoff) as GOLD_FORMAT gold records.

Layout: ``ROOT/<split>/text/NAME.txt`` and ``ROOT/<split>/attributions/NAME_ANNOTATOR.ann``
(``ROOT`` may also be the corpus folder holding ``data/``). In the ``.ann`` files ``T`` lines are
Source, Cue and Content spans (character offsets; discontinuous spans ``;``-separated) and ``E``
lines tie one Attribution's Source, Cue and Content (``Content2`` is a second content argument).
Each attribution becomes one quote; one annotator's file is used per article (the first in sorted
order).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from saidwhat.errors import SaidwhatError
from saidwhat.evaluate.metrics import Record, Span, quote_kind

_T_LINE = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t?(.*)$")
_E_LINE = re.compile(r"^(E\d+)\t(.*)$")
_ANY_ANNOTATION = re.compile(r"^(?:[TERAMN]\d+|#\d*|\*)\t")
_NAME = re.compile(r"^(?P<outlet>[a-z-]+)_(?P<date>\d{4}-\d{2}-\d{2})_")


@dataclass(slots=True)
class TextBound:
    """A ``T`` line: a typed, possibly discontinuous span and the text the annotator saw."""

    id: str
    type: str
    spans: list[Span]
    text: str


@dataclass(slots=True)
class Event:
    """An ``E`` line: a trigger (``Type:Tn``) and role arguments (``Role:Tn``), in file order."""

    id: str
    type: str
    trigger: str
    args: list[tuple[str, str]]


@dataclass(slots=True)
class BratDoc:
    """The text-bound annotations (by id) and events of one ``.ann`` file."""

    bounds: dict[str, TextBound] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)


@dataclass(slots=True)
class PolnearStats:
    """What loading found: counts of articles, attributions, skips and offset problems."""

    articles: int = 0
    articles_without_annotations: int = 0
    attributions: int = 0
    quotes: int = 0
    skipped_no_content: int = 0
    missing_references: int = 0
    spans_checked: int = 0
    offset_mismatches: int = 0
    text_fixes: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


@dataclass(slots=True)
class PolnearCorpus:
    """Gold records in GOLD_FORMAT and the loading statistics."""

    records: list[Record]
    stats: PolnearStats


# -------------------------------------------------------------------------------------------------
# brat standoff


def _parse_spans(field_text: str) -> list[Span]:
    """``"12 20;25 30"`` -> ``[(12, 20), (25, 30)]``."""
    spans = []
    for part in field_text.split(";"):
        start, end = part.split()
        spans.append((int(start), int(end)))
    return spans


def _parse_event(event_id: str, body: str) -> Event:
    """``Attribution:T4 Content:T3 Cue:T2`` -> an :class:`Event` (arguments without ids dropped)."""
    parts = [p.split(":", 1) for p in body.split() if ":" in p]
    etype, trigger = parts[0] if parts else ("", "")
    args = [(role, ref) for role, ref in parts[1:] if ref]
    return Event(event_id, etype, trigger, args)


def parse_brat(source: str) -> BratDoc:
    """Parse brat standoff text.

    A line that starts no annotation continues the previous ``T`` line's text (brat writes the
    covered text verbatim, newlines included). Lines other than ``T`` and ``E`` are ignored.
    """
    doc = BratDoc()
    last: TextBound | None = None
    for line in source.split("\n"):
        line = line.removesuffix("\r")
        t_match = _T_LINE.match(line)
        e_match = _E_LINE.match(line)
        if t_match:
            tid, ttype, spans, text = t_match.groups()
            last = TextBound(tid, ttype, _parse_spans(spans), text)
            doc.bounds[tid] = last
        elif e_match:
            doc.events.append(_parse_event(*e_match.groups()))
            last = None
        elif _ANY_ANNOTATION.match(line):
            last = None
        elif last is not None:
            last.text += "\n" + line
    for bound in doc.bounds.values():
        bound.text = bound.text.rstrip("\n")
    return doc


def read_brat(path: Path) -> BratDoc:
    """Read and parse one ``.ann`` file."""
    return parse_brat(_read_text(path))


def _read_text(path: Path) -> str:
    """A file's text exactly as Python decodes it (no newline translation)."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise SaidwhatError("E001", f"{path}: {exc}") from exc


# -------------------------------------------------------------------------------------------------
# Offsets against the text


def _covered(text: str, spans: Sequence[Span]) -> str | None:
    """The text at the spans as brat writes it (fragments joined by a space); None if outside."""
    if any(not 0 <= a <= b <= len(text) for a, b in spans):
        return None
    return " ".join(text[a:b] for a, b in spans)


def _mismatches(text: str, bounds: Iterable[TextBound]) -> int:
    """How many text-bound annotations disagree with the text at their offsets."""
    return sum(_covered(text, b.spans) != b.text for b in bounds)


def _text_variants(raw: str) -> list[tuple[str, str]]:
    """The text as read, then repairs that could explain offset mismatches."""
    no_bom = raw.removeprefix("\ufeff")
    return [
        ("exact", raw),
        ("crlf->lf", raw.replace("\r\n", "\n")),
        ("bom removed", no_bom),
        ("bom removed, crlf->lf", no_bom.replace("\r\n", "\n")),
        ("cr->lf", raw.replace("\r\n", "\n").replace("\r", "\n")),
    ]


def align_text(raw: str, bounds: Sequence[TextBound]) -> tuple[str, str, int]:
    """Choose the text the offsets index into: ``(text, how, mismatches)``.

    The text as read wins when every span matches; otherwise the variant with the fewest
    mismatches (CRLF or BOM removed), the text as read on ties.
    """
    best: tuple[str, str, int] | None = None
    for how, text in _text_variants(raw):
        count = _mismatches(text, bounds)
        if best is None or count < best[2]:
            best = (text, how, count)
        if count == 0:
            break
    assert best is not None
    return best


# -------------------------------------------------------------------------------------------------
# Attributions -> quotes


def _role(name: str) -> str:
    """``Content2`` -> ``Content``."""
    return name.rstrip("0123456789")


def _merge(spans: Iterable[Span]) -> list[Span]:
    """Distinct spans in text order."""
    return sorted(set(spans))


@dataclass(slots=True)
class _Roles:
    """An attribution's spans by role."""

    content: list[Span] = field(default_factory=list)
    source: list[Span] = field(default_factory=list)
    cue: list[Span] = field(default_factory=list)
    missing: int = 0


def _collect_roles(event: Event, bounds: dict[str, TextBound], size: int) -> _Roles:
    """The event's Content, Source and Cue spans (spans outside the text dropped)."""
    roles = _Roles()
    for role, ref in event.args:
        bound = bounds.get(ref)
        if bound is None:
            roles.missing += 1
            continue
        target = {"Content": roles.content, "Source": roles.source, "Cue": roles.cue}.get(
            _role(role)
        )
        if target is not None:
            target.extend(s for s in bound.spans if 0 <= s[0] <= s[1] <= size)
    return roles


def _pairs(spans: Iterable[Span]) -> list[list[int]]:
    return [[a, b] for a, b in spans]


def attribution_quote(text: str, event: Event, roles: _Roles) -> Record:
    """One GOLD_FORMAT quote for an attribution that has content."""
    content, source, cue = _merge(roles.content), _merge(roles.source), _merge(roles.cue)
    speaker = " ".join(text[a:b] for a, b in source) or None
    return {
        "spans": _pairs(content),
        "text": " ".join(text[a:b] for a, b in content),
        "kind": quote_kind(text, content),
        "speaker": speaker,
        "speaker_spans": _pairs(source),
        "cue_spans": _pairs(cue),
        "id": event.id,
    }


def doc_quotes(text: str, doc: BratDoc, stats: PolnearStats) -> list[Record]:
    """Quotes for every attribution with content, in text order; others counted and skipped."""
    quotes = []
    for event in doc.events:
        if not event.type.startswith("Attribution"):
            continue
        stats.attributions += 1
        roles = _collect_roles(event, doc.bounds, len(text))
        stats.missing_references += roles.missing
        if not roles.content:
            stats.skipped_no_content += 1
            continue
        quotes.append(attribution_quote(text, event, roles))
    stats.quotes += len(quotes)
    return sorted(quotes, key=lambda q: (q["spans"][0], q["id"]))


# -------------------------------------------------------------------------------------------------
# Corpus


def split_dir(root: Path, split: str) -> Path:
    """The folder of one split: ``root/split`` or ``root/data/split``."""
    for candidate in (root / split, root / "data" / split):
        if (candidate / "text").is_dir():
            return candidate
    raise SaidwhatError("E001", f"no PolNeAR split {split!r} under {root} (expected {split}/text)")


def annotation_files(folder: Path) -> dict[str, Path]:
    """The first annotator's ``.ann`` file (sorted order) per article name."""
    chosen: dict[str, Path] = {}
    for path in sorted((folder / "attributions").glob("*.ann")):
        name = path.stem.rsplit("_", 1)[0]
        chosen.setdefault(name, path)
    return chosen


def article_record(name: str, text_path: Path, ann_path: Path, stats: PolnearStats) -> Record:
    """One article's gold record from its text and annotation files."""
    doc = read_brat(ann_path)
    bounds = list(doc.bounds.values())
    text, how, mismatches = align_text(_read_text(text_path), bounds)
    stats.spans_checked += len(bounds)
    stats.offset_mismatches += mismatches
    if how != "exact":
        stats.text_fixes[name] = how
    meta = _NAME.match(name)
    return {
        "id": name,
        "text": text,
        "published": meta.group("date") if meta else None,
        "outlet": meta.group("outlet") if meta else None,
        "url": None,
        "quotes": doc_quotes(text, doc, stats),
        "annotator": ann_path.stem.rsplit("_", 1)[-1],
    }


def read_polnear(root: Path | str, split: str, *, limit: int | None = None) -> PolnearCorpus:
    """Gold records for the articles of one split (sorted by name), with loading statistics."""
    folder = split_dir(Path(root), split)
    annotations = annotation_files(folder)
    stats = PolnearStats()
    records: list[Record] = []
    for text_path in sorted((folder / "text").glob("*.txt")):
        if limit is not None and len(records) >= limit:
            break
        ann_path = annotations.get(text_path.stem)
        if ann_path is None:
            stats.articles_without_annotations += 1
            continue
        records.append(article_record(text_path.stem, text_path, ann_path, stats))
        stats.articles += 1
    return PolnearCorpus(records, stats)


def load_polnear(root: Path | str, split: str, *, limit: int | None = None) -> list[Record]:
    """Gold records (GOLD_FORMAT) for one PolNeAR split: one quote per attribution with content."""
    return read_polnear(root, split, limit=limit).records


def polnear_view(record: Record) -> Record:
    """A saidwhat output record in PolNeAR's convention, for scoring against PolNeAR gold.

    PolNeAR annotates one attribution per utterance and is univocal: the parts of a quotation split
    by its attribution (“…,” she said. “…”), which saidwhat reports as linked records
    (``continues``), form one attribution with several content spans, and quotations nested inside
    another are part of the outer content, not attributions of their own.
    """
    quotes = [dict(q) for q in record.get("quotes") or [] if q.get("kind") != "nested"]
    by_id = {q.get("id"): q for q in quotes}
    kept: list[dict[str, Any]] = []
    for q in quotes:
        head = q
        while head.get("continues") in by_id and head is not by_id[head["continues"]]:
            head = by_id[head["continues"]]
        if head is q:
            kept.append(q)
            continue
        head["spans"] = [*head.get("spans", []), *q.get("spans", [])]
        head["speaker_spans"] = [*head.get("speaker_spans", []), *q.get("speaker_spans", [])]
        head["cue_spans"] = [*head.get("cue_spans", []), *q.get("cue_spans", [])]
    return {**record, "quotes": kept}
