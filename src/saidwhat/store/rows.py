"""From an extracted :class:`~saidwhat.records.Article` to the rows the store writes.

:func:`prepare` runs in the extraction worker right after the engine, so the CPU work of hashing,
fingerprinting and row building is spread over the workers and the writing process stays light.
What is left for the writer (quotation and story clustering, batch numbers) needs the store.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from saidwhat.records import Article, Entity, Quote
from saidwhat.store import identity
from saidwhat.store.identity import QuotePrint, SpeakerRef

Row = dict[str, Any]


@dataclass(slots=True)
class Identity:
    """What the ingest decided about an article before extraction: its stable id, the version it
    will be stored as, its content hash and where it was read."""

    article_id: str
    version: int
    content_hash: str
    source: str | None = None


@dataclass(slots=True)
class Prepared:
    """One article's rows, ready for the writer, with the fingerprints the clustering needs."""

    article: Row
    mentions: list[Row] = field(default_factory=list)
    prints: list[QuotePrint] = field(default_factory=list)
    speaker_refs: list[SpeakerRef] = field(default_factory=list)
    speakers: list[Row] = field(default_factory=list)
    story_sig: bytes = b""
    story_keys: list[int] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, int]:
        return str(self.article["article_id"]), int(self.article["version"])


def parse_date(value: str | None) -> dt.date | None:
    """An ISO ``YYYY-MM-DD`` prefix as a date; ``None`` when absent or not a date."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _spans(pairs: list[tuple[int, int]]) -> list[dict[str, int]]:
    return [{"start": int(a), "end": int(b)} for a, b in pairs]


def prepare(article: Article, ident: Identity) -> Prepared:
    """Rows and fingerprints of one extracted article stored as ``ident``."""
    out = article_rows(article, ident)
    out.prints = identity.quote_prints([q.text for q in article.quotes])
    sig = identity.story_signature(article.text[article.body_start :])
    if sig is not None:
        out.story_sig = sig.tobytes()
        out.story_keys = identity.story_keys(sig)
    return out


def article_rows(article: Article, ident: Identity) -> Prepared:
    """The ``articles``, ``mentions`` and ``article_speakers`` rows of one article stored as
    ``ident`` (and each mention's speaker reference), without the quotation and story
    fingerprints: what an export needs (the Spark job builds its rows with it) and
    :func:`prepare` completes for the store's clustering."""
    published = parse_date(article.published)
    base: Row = {"article_id": ident.article_id, "version": ident.version}
    row: Row = {
        **base,
        "content_hash": ident.content_hash,
        "published": published,
        "outlet": article.outlet,
        "url": article.url,
        "title": article.title,
        "author": article.author,
        "text": article.text,
        "body_start": int(article.body_start),
        "source": ident.source,
        "quote_count": len(article.quotes),
        "warnings": [w.code for w in article.warnings],
    }
    out = Prepared(article=row)
    entities = {e.id: e for e in article.entities}
    keys: dict[str, tuple[identity.SpeakerKey, Row]] = {}
    for quote in article.quotes:
        ref = _speaker(quote, entities, ident.article_id, keys, base, published, article.outlet)
        out.mentions.append(_mention(quote, base, ref, published, article.outlet))
        out.speaker_refs.append(ref)
    out.speakers = [r for _, r in keys.values()]
    return out


def _speaker(
    quote: Quote,
    entities: dict[str, Entity],
    article_id: str,
    seen: dict[str, tuple[identity.SpeakerKey, Row]],
    base: Row,
    published: dt.date | None,
    outlet: str | None,
) -> SpeakerRef:
    """The corpus-level speaker of a quote (registering its article speaker row once)."""
    if not quote.speaker and not quote.speaker_id:
        return SpeakerRef(None)
    entity = entities.get(quote.speaker_id or "")
    name = (entity.name if entity else None) or quote.speaker or ""
    if not name.strip():
        return SpeakerRef(None)
    etype = entity.type if entity else "UNKNOWN"
    entity_id = entity.id if entity else f"~{name}"
    if entity_id not in seen:
        key = identity.speaker_key(name, etype, article_id)
        seen[entity_id] = (
            key,
            {
                **base,
                "entity_id": entity_id,
                "speaker_id": key.speaker_id,
                "name": name,
                "type": etype,
                "aliases": list(entity.aliases) if entity else [],
                "quote_count": 0,
                "published": published,
                "outlet": outlet,
                "speaker_key": key.key,
            },
        )
    key, srow = seen[entity_id]
    srow["quote_count"] += 1
    return SpeakerRef(key.speaker_id, key.surname, key.local)


def _mention(
    quote: Quote, base: Row, ref: SpeakerRef, published: dt.date | None, outlet: str | None
) -> Row:
    start, end = (quote.start, quote.end) if quote.spans else (0, 0)
    return {
        **base,
        "quote_id": quote.id,
        "start": start,
        "end": end,
        "spans": _spans(quote.spans),
        "text": quote.text,
        "kind": quote.kind,
        "speaker": quote.speaker if ref.speaker_id else None,
        "speaker_id": ref.speaker_id,
        "entity_id": quote.speaker_id,
        "speaker_spans": _spans(quote.speaker_spans),
        "cue": quote.cue,
        "cue_spans": _spans(quote.cue_spans),
        "medium": quote.medium,
        "addressee": quote.addressee,
        "parent": quote.parent,
        "continues": quote.continues,
        "confidence": float(quote.confidence),
        "evidence": list(quote.evidence),
        "published": published,
        "outlet": outlet,
    }
