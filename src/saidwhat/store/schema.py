"""The export format of the saidwhat store: Parquet tables, their columns, partitioning, versioning.

This module is the contract between ``saidwhat export`` (and ``saidwhat import``) and any other
writer or reader of the format (a Spark job, pandas, DuckDB). It only needs ``pyarrow``. The prose
version, with the meaning of every column, is ``docs/store.md``.

Layout of an export folder::

    OUT/
      _saidwhat.json                      manifest: format name, version, tables, row counts
      articles/year=2024/month=5/*.parquet
      mentions/year=2024/month=5/*.parquet
      article_speakers/year=2024/month=5/*.parquet
      quotations/year=2024/month=5/*.parquet   (derived: first appearance's year/month)
      speakers/*.parquet                       (derived, not partitioned)
      errors/*.parquet                         (not partitioned)

Partitioning is Hive style (``year=YYYY/month=M``, integers without zero padding, as Spark's
``partitionBy("year", "month")`` writes them); the partition columns live in the path, not in the
files. A row without a known date goes to ``year=0/month=0``. ``articles``, ``mentions`` and
``article_speakers`` are the *primary* tables: an import rebuilds a store from them alone.
``quotations`` and ``speakers`` are derived from them (written for readers' convenience; an import
recomputes them). Lists are Parquet LIST columns, offsets are ``str`` (code point) indices into
``articles.text``.

Compatibility rule: within one ``EXPORT_VERSION`` columns are never removed, renamed or retyped;
a reader must ignore columns it does not know. Any other change bumps the version.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa

EXPORT_FORMAT = "saidwhat-export"
EXPORT_VERSION = 1
MANIFEST = "_saidwhat.json"
PARTITION_COLUMNS = ("year", "month")
UNKNOWN_PARTITION = (0, 0)
PARQUET_METADATA_KEY = b"saidwhat.export"

SPAN = pa.struct([pa.field("start", pa.int32()), pa.field("end", pa.int32())])
"""An offset pair ``[start, end)`` into ``articles.text``."""

ARTICLES = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("version", pa.int32(), nullable=False),
        pa.field("content_hash", pa.string(), nullable=False),
        pa.field("story_id", pa.string(), nullable=False),
        pa.field("published", pa.date32()),
        pa.field("outlet", pa.string()),
        pa.field("url", pa.string()),
        pa.field("title", pa.string()),
        pa.field("author", pa.string()),
        pa.field("text", pa.string(), nullable=False),
        pa.field("body_start", pa.int32(), nullable=False),
        pa.field("source", pa.string()),
        pa.field("ingested_at", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("quote_count", pa.int32(), nullable=False),
        pa.field("warnings", pa.list_(pa.string())),
    ]
)
"""One row per article version. Key: (article_id, version)."""

MENTIONS = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("version", pa.int32(), nullable=False),
        pa.field("quote_id", pa.string(), nullable=False),
        pa.field("quotation_id", pa.string(), nullable=False),
        pa.field("start", pa.int32(), nullable=False),
        pa.field("end", pa.int32(), nullable=False),
        pa.field("spans", pa.list_(SPAN), nullable=False),
        pa.field("text", pa.string(), nullable=False),
        pa.field("kind", pa.string(), nullable=False),
        pa.field("speaker", pa.string()),
        pa.field("speaker_id", pa.string()),
        pa.field("entity_id", pa.string()),
        pa.field("speaker_spans", pa.list_(SPAN)),
        pa.field("cue", pa.string()),
        pa.field("cue_spans", pa.list_(SPAN)),
        pa.field("medium", pa.string()),
        pa.field("addressee", pa.string()),
        pa.field("parent", pa.string()),
        pa.field("continues", pa.string()),
        pa.field("confidence", pa.float32(), nullable=False),
        pa.field("evidence", pa.list_(pa.string())),
        pa.field("published", pa.date32()),
        pa.field("outlet", pa.string()),
    ]
)
"""One quotation in one article version. Key: (article_id, version, quote_id)."""

ARTICLE_SPEAKERS = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("version", pa.int32(), nullable=False),
        pa.field("entity_id", pa.string(), nullable=False),
        pa.field("speaker_id", pa.string(), nullable=False),
        pa.field("name", pa.string(), nullable=False),
        pa.field("type", pa.string(), nullable=False),
        pa.field("aliases", pa.list_(pa.string())),
        pa.field("quote_count", pa.int32(), nullable=False),
        pa.field("published", pa.date32()),
        pa.field("outlet", pa.string()),
    ]
)
"""One speaking entity of one article version, linked to its corpus-level speaker.
Key: (article_id, version, entity_id)."""

QUOTATIONS = pa.schema(
    [
        pa.field("quotation_id", pa.string(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
        pa.field("kind", pa.string(), nullable=False),
        pa.field("speaker_id", pa.string()),
        pa.field("speaker", pa.string()),
        pa.field("first_published", pa.date32()),
        pa.field("first_article_id", pa.string(), nullable=False),
        pa.field("first_outlet", pa.string()),
        pa.field("article_ids", pa.list_(pa.string()), nullable=False),
        pa.field("outlets", pa.list_(pa.string()), nullable=False),
        pa.field("mention_count", pa.int32(), nullable=False),
        pa.field("count", pa.int32(), nullable=False),
    ]
)
"""Derived: one quotation at corpus level (latest article versions only). ``count`` counts
independent reports (distinct stories), so syndicated copies do not inflate it."""

SPEAKERS = pa.schema(
    [
        pa.field("speaker_id", pa.string(), nullable=False),
        pa.field("name", pa.string(), nullable=False),
        pa.field("type", pa.string(), nullable=False),
        pa.field("aliases", pa.list_(pa.string()), nullable=False),
        pa.field("quote_count", pa.int64(), nullable=False),
        pa.field("quotation_count", pa.int64(), nullable=False),
        pa.field("article_count", pa.int64(), nullable=False),
        pa.field("first_seen", pa.date32()),
        pa.field("last_seen", pa.date32()),
    ]
)
"""Derived: one speaker at corpus level (latest article versions only)."""

ERRORS = pa.schema(
    [
        pa.field("source", pa.string(), nullable=False),
        pa.field("code", pa.string(), nullable=False),
        pa.field("message", pa.string(), nullable=False),
        pa.field("article_id", pa.string()),
        pa.field("run_id", pa.string()),
        pa.field("at", pa.timestamp("us", tz="UTC"), nullable=False),
    ]
)
"""A record that could not be stored: where it was, a coded reason (``saidwhat.errors.CODES``)."""

TABLES: dict[str, pa.Schema] = {
    "articles": ARTICLES,
    "mentions": MENTIONS,
    "article_speakers": ARTICLE_SPEAKERS,
    "quotations": QUOTATIONS,
    "speakers": SPEAKERS,
    "errors": ERRORS,
}
"""Every exported table, in the order an export writes them."""

PRIMARY_TABLES = ("articles", "mentions", "article_speakers")
"""The tables an import needs; the others are derived from these."""

PARTITIONED = {
    "articles": "published",
    "mentions": "published",
    "article_speakers": "published",
    "quotations": "first_published",
}
"""Partitioned tables and the date column whose year/month names the partition."""


def partition_of(day: dt.date | None) -> tuple[int, int]:
    """The ``(year, month)`` partition of a date; ``(0, 0)`` when the date is unknown."""
    return (day.year, day.month) if day is not None else UNKNOWN_PARTITION


def partition_path(table: str, day: dt.date | None) -> str:
    """The folder (relative to the export root) that holds ``table``'s rows dated ``day``."""
    if table not in PARTITIONED:
        return table
    year, month = partition_of(day)
    return f"{table}/year={year}/month={month}"


def manifest(counts: Mapping[str, int], **extra: Any) -> dict[str, Any]:
    """The ``_saidwhat.json`` object for an export with ``counts`` rows per table."""
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "partitioning": {"columns": list(PARTITION_COLUMNS), "by": dict(PARTITIONED)},
        "tables": {name: {"rows": int(counts.get(name, 0))} for name in TABLES},
        **extra,
    }


def write_manifest(root: Path, counts: Mapping[str, int], **extra: Any) -> Path:
    """Write the manifest of the export at ``root``; returns its path."""
    path = root / MANIFEST
    path.write_text(json.dumps(manifest(counts, **extra), indent=2) + "\n", encoding="utf-8")
    return path


def read_manifest(root: Path) -> dict[str, Any]:
    """Read and check an export's manifest: raises ``ValueError`` when it is not a saidwhat export
    of a version this code reads (a missing manifest means version 1 when the tables are there)."""
    path = root / MANIFEST
    if not path.exists():
        if all((root / name).is_dir() for name in PRIMARY_TABLES):
            return manifest({})
        raise ValueError(f"{root}: no {MANIFEST} and no {'/'.join(PRIMARY_TABLES)} folders")
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise ValueError(f"{path}: not a {EXPORT_FORMAT} manifest")
    if data.get("version") != EXPORT_VERSION:
        raise ValueError(f"{path}: export version {data.get('version')}, expected {EXPORT_VERSION}")
    return data


def file_schema(table: str) -> pa.Schema:
    """The schema of ``table``'s Parquet files (the partition columns are in the path only),
    with the format's key in the schema metadata."""
    meta = {PARQUET_METADATA_KEY: f"{EXPORT_FORMAT}/{EXPORT_VERSION}/{table}".encode()}
    return TABLES[table].with_metadata(meta)


def conform(table: str, data: pa.Table) -> pa.Table:
    """``data`` with exactly ``table``'s columns, in order and cast to their types.

    Extra columns (partition columns included) are dropped; a missing nullable column is filled
    with nulls; a missing non-nullable one raises ``ValueError``. Readers of exports from other
    writers (Spark writes ``int64`` counts, for example) call this to get the canonical types.
    """
    schema = TABLES[table]
    columns = []
    for f in schema:
        if f.name in data.column_names:
            columns.append(data.column(f.name).cast(f.type))
        elif f.nullable:
            columns.append(pa.nulls(data.num_rows, f.type))
        else:
            raise ValueError(f"{table}: column {f.name!r} is missing")
    return pa.Table.from_arrays(columns, schema=schema)
