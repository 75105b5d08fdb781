"""Typed records that flow out of the engine: article, quotes, entities, captions, warnings.

Every offset is a Python ``str`` index into ``Article.text``, the full original text (metadata
header included), so a record can always be checked against the text it came from.
``Article.to_dict``
writes the shape of ``shared/reference/GOLD_FORMAT.md`` plus richer, versioned fields (see
docs/schema.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

SCHEMA_VERSION = "saidwhat/1"

Offsets = tuple[int, int]
QuoteKind = Literal["direct", "partial", "indirect", "nested"]
EntityType = Literal["PERSON", "ORG", "GROUP", "UNKNOWN"]


@dataclass(slots=True)
class Notice:
    """A coded warning or error about one record (codes are listed in ``saidwhat.errors``)."""

    code: str
    message: str
    record_id: str | None = None
    offset: int | None = None

    def __str__(self) -> str:
        where = (
            f" [{self.record_id}" + (f" @{self.offset}" if self.offset is not None else "") + "]"
        )
        return f"{self.code}{where if self.record_id else ''} {self.message}"


@dataclass(slots=True)
class Entity:
    """A person or group of one article, with every mention that refers to it."""

    id: str
    name: str
    type: EntityType = "UNKNOWN"
    mentions: list[Offsets] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Quote:
    """One quotation (or indirect report) and its attribution.

    ``spans`` cover the content without quote marks; several spans for a split or multi-paragraph
    quotation. ``evidence`` names the rules or models that decided detection and speaker, in order,
    so a user can see why a speaker was chosen. ``parent`` links a nested quote to the quote around
    it; ``continues`` links the second part of an utterance split by its attribution
    (“…,” she said. “…”) to the first.
    """

    id: str
    spans: list[Offsets]
    text: str
    kind: QuoteKind
    speaker: str | None = None
    speaker_id: str | None = None
    speaker_spans: list[Offsets] = field(default_factory=list)
    cue: str | None = None
    cue_spans: list[Offsets] = field(default_factory=list)
    medium: str | None = None
    addressee: str | None = None
    parent: str | None = None
    continues: str | None = None
    confidence: float = 0.0
    evidence: list[str] = field(default_factory=list)

    @property
    def start(self) -> int:
        return self.spans[0][0]

    @property
    def end(self) -> int:
        return self.spans[-1][1]


@dataclass(slots=True)
class NotQuote:
    """A quoted string that is not a quotation: a title, a nickname, a scare quote."""

    start: int
    end: int
    text: str
    reason: str


@dataclass(slots=True)
class Caption:
    """A photo caption (never used as body text); ``credit`` is the photographer/agency line."""

    start: int
    end: int
    text: str
    credit: str | None = None
    credit_span: Offsets | None = None


@dataclass(slots=True)
class Article:
    """Everything saidwhat found in one article."""

    id: str
    text: str
    published: str | None = None
    outlet: str | None = None
    url: str | None = None
    title: str | None = None
    author: str | None = None
    body_start: int = 0
    quotes: list[Quote] = field(default_factory=list)
    not_quotes: list[NotQuote] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    captions: list[Caption] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)

    @classmethod
    def shell(cls, raw: RawArticle, fields: Mapping[str, str], body_start: int) -> Article:
        """The record of ``raw`` before extraction: metadata from the source first, else from the
        text's header ``fields``."""
        return cls(
            id=raw.id,
            text=raw.text,
            published=raw.published or fields.get("published"),
            outlet=raw.outlet or fields.get("outlet"),
            url=raw.url or fields.get("url"),
            title=raw.title or fields.get("title"),
            author=raw.author or fields.get("author"),
            body_start=body_start,
        )

    def to_dict(self, *, with_text: bool = True) -> dict[str, Any]:
        """The JSON record: GOLD_FORMAT keys first, then the richer saidwhat fields."""
        out: dict[str, Any] = {"id": self.id}
        if with_text:
            out["text"] = self.text
        out.update(published=self.published, outlet=self.outlet, url=self.url)
        out["quotes"] = [_quote_dict(q) for q in self.quotes]
        out["not_quotes"] = [[n.start, n.end] for n in self.not_quotes]
        out["captions"] = [[c.start, c.end] for c in self.captions]
        out.update(schema=SCHEMA_VERSION, title=self.title, author=self.author)
        out["body_start"] = self.body_start
        out["not_quotes_info"] = [asdict(n) for n in self.not_quotes]
        out["captions_info"] = [_caption_dict(c) for c in self.captions]
        out["entities"] = [_entity_dict(e) for e in self.entities]
        out["warnings"] = [asdict(w) for w in self.warnings]
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        """Read back a record written by :meth:`to_dict` (used by the store and by tests)."""
        quotes = [_quote_from(q, i) for i, q in enumerate(data.get("quotes") or [])]
        return cls(
            id=str(data["id"]),
            text=data.get("text") or "",
            published=data.get("published"),
            outlet=data.get("outlet"),
            url=data.get("url"),
            title=data.get("title"),
            author=data.get("author"),
            body_start=int(data.get("body_start") or 0),
            quotes=quotes,
            not_quotes=[NotQuote(**n) for n in data.get("not_quotes_info") or []],
            entities=[_entity_from(e) for e in data.get("entities") or []],
            captions=[_caption_from(c) for c in data.get("captions_info") or []],
            warnings=[Notice(**w) for w in data.get("warnings") or []],
        )


def _pairs(spans: list[Offsets]) -> list[list[int]]:
    return [[a, b] for a, b in spans]


def _quote_dict(q: Quote) -> dict[str, Any]:
    return {
        "spans": _pairs(q.spans),
        "text": q.text,
        "kind": q.kind,
        "speaker": q.speaker,
        "speaker_spans": _pairs(q.speaker_spans),
        "cue_spans": _pairs(q.cue_spans),
        "id": q.id,
        "speaker_id": q.speaker_id,
        "cue": q.cue,
        "medium": q.medium,
        "addressee": q.addressee,
        "parent": q.parent,
        "continues": q.continues,
        "confidence": round(q.confidence, 3),
        "evidence": list(q.evidence),
    }


def _quote_from(d: dict[str, Any], index: int) -> Quote:
    def tup(spans: Any) -> list[Offsets]:
        return [(int(a), int(b)) for a, b in spans or []]

    return Quote(
        id=str(d.get("id") or f"Q{index + 1}"),
        spans=tup(d.get("spans")),
        text=d.get("text") or "",
        kind=d.get("kind") or "direct",
        speaker=d.get("speaker"),
        speaker_id=d.get("speaker_id"),
        speaker_spans=tup(d.get("speaker_spans")),
        cue=d.get("cue"),
        cue_spans=tup(d.get("cue_spans")),
        medium=d.get("medium"),
        addressee=d.get("addressee"),
        parent=d.get("parent"),
        continues=d.get("continues"),
        confidence=float(d.get("confidence") or 0.0),
        evidence=list(d.get("evidence") or []),
    )


def _entity_dict(e: Entity) -> dict[str, Any]:
    d = asdict(e)
    d["mentions"] = _pairs(e.mentions)
    return d


def _entity_from(d: dict[str, Any]) -> Entity:
    mentions = [(int(a), int(b)) for a, b in d.get("mentions") or []]
    return Entity(
        id=d["id"],
        name=d["name"],
        type=d.get("type", "UNKNOWN"),
        mentions=mentions,
        aliases=list(d.get("aliases") or []),
    )


def _caption_dict(c: Caption) -> dict[str, Any]:
    d = asdict(c)
    d["credit_span"] = list(c.credit_span) if c.credit_span else None
    return d


def _caption_from(d: dict[str, Any]) -> Caption:
    span = d.get("credit_span")
    return Caption(
        start=d["start"],
        end=d["end"],
        text=d["text"],
        credit=d.get("credit"),
        credit_span=(int(span[0]), int(span[1])) if span else None,
    )


@dataclass(slots=True)
class RawArticle:
    """One article as read from a source, before extraction.

    ``text`` is the full original text; metadata given by the source (JSONL fields, HTML meta) is
    kept here and a metadata header inside the text is parsed later by ``saidwhat.text.layout``.
    ``origin`` says where it came from (``path``, ``path:line``) for error messages.
    """

    id: str
    text: str
    published: str | None = None
    outlet: str | None = None
    url: str | None = None
    title: str | None = None
    author: str | None = None
    origin: str | None = None
    notices: list[Notice] = field(default_factory=list)
