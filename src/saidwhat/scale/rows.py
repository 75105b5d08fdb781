"""Extraction in the Spark executors: raw rows in, one *result row* per input record out.

:func:`extract_batches` is the function ``DataFrame.mapInArrow`` runs in every Python worker. The
engine is loaded once per worker process (``saidwhat.batch.get_engine`` caches it, and Spark
reuses workers between tasks), articles go through it in small batches, and only plain Arrow
rows come back — never spaCy objects. A result row holds one article with its ``mentions`` and
``speakers`` (the export tables' rows, nested), or one error. The rows are built by
:func:`saidwhat.store.rows.article_rows`, which the store's own ingest uses too (through
:func:`~saidwhat.store.rows.prepare`, which adds the clustering fingerprints this job does not
need), so a Spark output and a store export agree column by column.

Failures never fail the task: an article whose extraction raises, or that the engine marks
``E005``, becomes an ``E005`` error row; a second record with an id already seen and a different
text becomes ``E106`` (the first in input order is kept, as ``saidwhat ingest`` keeps it); an
exact duplicate is dropped.

Ids the store derives by clustering are derived here from the row alone, so they are the same on
every retry and every run: ``story_id`` is the ``content_hash`` (a lone article's story, as the
export format allows), ``quotation_id`` joins mentions with the same normalised text and the same
speaker (:func:`quotation_id`). ``saidwhat import`` keeps them as given.

Failure drills (``--fault``): ``kill-once:PATH`` kills the Python worker at its second batch
when ``PATH`` does not exist yet (creating it first), so Spark must retry the task;
``raise:ID`` makes the extractor raise for article ``ID``.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from saidwhat.errors import notice
from saidwhat.ingest.worker import Extractor, resolve
from saidwhat.records import Article, RawArticle
from saidwhat.scale.inputs import raw_article
from saidwhat.store import identity, schema
from saidwhat.store.rows import Identity, article_rows

DEFAULT_EXTRACTOR = "saidwhat.ingest.worker:engine_extract"
BATCH = 16


def _loose(fields: Iterable[pa.Field]) -> list[pa.Field]:
    """Fields as nullable (Spark gives every column of a Python function's output as nullable)."""
    return [pa.field(f.name, f.type) for f in fields]


MENTION = pa.struct(_loose(schema.MENTIONS))
SPEAKER = pa.struct(_loose(schema.ARTICLE_SPEAKERS))

RESULT = pa.schema(
    [
        pa.field("kind", pa.string()),
        *_loose(schema.ARTICLES),
        pa.field("mentions", pa.list_(MENTION)),
        pa.field("speakers", pa.list_(SPEAKER)),
        pa.field("error_code", pa.string()),
        pa.field("error_message", pa.string()),
    ]
)
"""One result: ``kind`` ``"article"`` (the ``articles`` columns, ``mentions`` and ``speakers``
nested), ``"error"`` (``source``, ``article_id``, ``error_code``, ``error_message``) or
``"duplicate"`` (an exact copy of a record already kept: counted, written nowhere)."""


@dataclass(frozen=True, slots=True)
class Settings:
    """What every worker needs to know; pickled once into the task closure (small, plain)."""

    model: str
    run_id: str
    ingested_at: dt.datetime
    extractor: str = DEFAULT_EXTRACTOR
    batch_size: int = BATCH
    fault: str | None = None


def quotation_id(text: str, speaker_id: str | None) -> str:
    """The quotation a mention belongs to: same normalised text (case, punctuation and quote-mark
    style ignored) and same speaker. Computed from the mention alone, so it is deterministic;
    fuzzy merges (truncated or slightly edited reports), which the store's clustering makes,
    are not made here."""
    norm = " ".join(identity.tokens(text))
    return identity.short_id("Q", f"x:{norm}\x1f{speaker_id or ''}")


def _error(row: dict[str, Any], code: str, message: str) -> dict[str, Any]:
    out: dict[str, Any] = {name: None for name in RESULT.names}
    out.update(
        kind="error",
        source=row.get("source"),
        article_id=row.get("article_id"),
        error_code=code,
        error_message=message,
    )
    return out


def _extract(
    extractor: Extractor, raws: list[RawArticle], model: str, fault: str | None
) -> list[Article | None]:
    """Articles for ``raws`` in order; ``None`` where extraction raised (found one by one)."""
    raise_for = fault.partition(":")[2] if fault and fault.startswith("raise:") else None

    def call(batch: list[RawArticle]) -> list[Article]:
        if raise_for is not None and any(r.id == raise_for for r in batch):
            raise RuntimeError(f"fault drill: raise for {raise_for}")
        return list(extractor(batch, model))

    try:
        found = call(raws)
        if len(found) == len(raws):
            return list(found)
    except Exception:
        pass
    out: list[Article | None] = []
    for raw in raws:
        try:
            out.append(call([raw])[0])
        except Exception:
            out.append(None)
    return out


def article_result(raw_row: dict[str, Any], article: Article | None, s: Settings) -> dict[str, Any]:
    """The result row of one extracted article (an ``E005`` error when extraction failed)."""
    where = raw_row.get("source") or raw_row.get("article_id") or ""
    if article is None:
        return _error(raw_row, "E005", notice("E005", f"{where}: extraction raised").message)
    failed = [w for w in article.warnings if w.code == "E005"]
    if failed:
        return _error(raw_row, "E005", notice("E005", f"{where}: {failed[0].message}").message)
    for key in ("published", "outlet", "url", "title", "author"):
        if getattr(article, key) is None and raw_row.get(key) is not None:
            setattr(article, key, raw_row[key])
    digest = str(raw_row["content_hash"])
    prepared = article_rows(article, Identity(str(raw_row["article_id"]), 1, digest, where))
    row: dict[str, Any] = {name: None for name in RESULT.names}
    row.update(prepared.article)
    row.update(kind="article", story_id=digest, ingested_at=s.ingested_at)
    mentions = []
    for m in prepared.mentions:
        m["quotation_id"] = quotation_id(str(m["text"]), m.get("speaker_id"))
        mentions.append({name: m.get(name) for name in MENTION.names})
    row["mentions"] = mentions
    row["speakers"] = [{name: sp.get(name) for name in SPEAKER.names} for sp in prepared.speakers]
    return row


def _kill_once(fault: str | None) -> None:
    """The ``kill-once:PATH`` drill: the first worker to get here without PATH dies."""
    if not fault or not fault.startswith("kill-once:"):
        return
    marker = Path(fault.partition(":")[2])
    if marker.exists():
        return
    marker.write_text(f"killed pid {os.getpid()}\n", encoding="utf-8")
    os.kill(os.getpid(), signal.SIGKILL)


def extract_rows(rows: Iterable[dict[str, Any]], s: Settings) -> Iterator[list[dict[str, Any]]]:
    """Result rows for raw rows (with their ``status``), one list per extraction batch."""
    extractor = resolve(s.extractor)
    pending: list[dict[str, Any]] = []
    out: list[dict[str, Any]] = []
    batches = 0

    def flush() -> list[dict[str, Any]]:
        nonlocal batches
        if batches == 1:
            _kill_once(s.fault)
        batches += 1
        raws = [raw_article(r) for r in pending]
        articles = _extract(extractor, raws, s.model, s.fault)
        done = [article_result(r, a, s) for r, a in zip(pending, articles, strict=True)]
        pending.clear()
        return done

    for row in rows:
        status = row.get("status")
        if row.get("error_code"):
            out.append(_error(row, str(row["error_code"]), str(row.get("error_message") or "")))
        elif status == "conflict":
            where = row.get("source") or ""
            err = notice("E106", f"{where}: {row.get('article_id')}", row.get("article_id"))
            out.append(_error(row, err.code, err.message))
        elif status == "duplicate":
            dup = _error(row, "", "")
            dup.update(kind="duplicate", error_code=None, error_message=None)
            out.append(dup)
        else:
            pending.append(row)
            if len(pending) >= s.batch_size:
                out.extend(flush())
                yield out
                out = []
    if pending:
        out.extend(flush())
    if out:
        yield out


def extract_batches(batches: Iterable[pa.RecordBatch], s: Settings) -> Iterator[pa.RecordBatch]:
    """``mapInArrow``: raw rows (:data:`saidwhat.scale.inputs.RAW` plus ``status``) to
    :data:`RESULT` rows, a batch per extraction batch so memory stays small."""

    def rows() -> Iterator[dict[str, Any]]:
        for batch in batches:
            yield from batch.to_pylist()

    for out in extract_rows(rows(), s):
        yield pa.RecordBatch.from_pylist(out, schema=RESULT)
