"""Reading a Spark job's output folder without Spark: as Articles, as Arrow tables, or with DuckDB.

For the store and its commands (``saidwhat ingest`` / ``import`` / ``search``) and for tests:

- :func:`check` says whether a folder is a *complete* output (manifest present, no run marker);
- :func:`read_table` reads one table as a canonical Arrow table (``schema.conform``);
- :func:`read_articles` rebuilds :class:`~saidwhat.records.Article` records (quotes, speaking
  entities, warning codes) partition by partition, so memory follows one year/month, not the
  corpus; what the export format does not hold (not-quotes, captions, entities that never speak,
  warning messages) is not there;
- :func:`connect` opens DuckDB with one view per table over the Parquet files (hive partitions),
  for queries on corpora too big for one store file; :func:`find_quotations` is the reference
  query for ``saidwhat search``-style lookups.

Only local paths (pyarrow and DuckDB read them directly); for ``s3://``/``gs://`` outputs DuckDB's
``httpfs`` extension works with the same views.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.dataset as ds

from saidwhat.errors import CODES, SaidwhatError
from saidwhat.records import Article, Entity, Notice, Quote
from saidwhat.store import schema

RUN_MARKER = "_saidwhat_run.json"


def check(root: str | Path) -> dict[str, Any]:
    """The manifest of a complete output; ``E110`` when ``root`` is not a saidwhat export or
    its job has not finished (a run marker without a manifest: the tables may be partial)."""
    path = Path(root)
    if (path / RUN_MARKER).exists() and not (path / schema.MANIFEST).exists():
        raise SaidwhatError("E110", f"{path}: the job that writes it has not finished")
    if not (path / schema.MANIFEST).exists():
        raise SaidwhatError("E110", f"{path}: no {schema.MANIFEST}")
    try:
        return schema.read_manifest(path)
    except ValueError as exc:
        raise SaidwhatError("E110", str(exc)) from exc


def _dataset(root: Path, table: str) -> ds.Dataset | None:
    folder = root / table
    if not folder.is_dir():
        return None
    partitioning = "hive" if table in schema.PARTITIONED else None
    return ds.dataset(folder, format="parquet", partitioning=partitioning)


def read_table(root: str | Path, table: str) -> pa.Table:
    """One table of the output with the canonical columns and types (empty when absent)."""
    data = _dataset(Path(root), table)
    if data is None:
        return schema.TABLES[table].empty_table()
    return schema.conform(table, data.to_table())


def partitions(root: str | Path) -> list[tuple[int, int]]:
    """The ``(year, month)`` partitions of the ``articles`` table, in order."""
    folder = Path(root) / "articles"
    found = set()
    for month in folder.glob("year=*/month=*"):
        try:
            found.add((int(month.parent.name[5:]), int(month.name[6:])))
        except ValueError:
            continue
    return sorted(found)


def _part(root: Path, table: str, year: int, month: int) -> pa.Table:
    folder = root / table / f"year={year}" / f"month={month}"
    if not folder.is_dir():
        return schema.TABLES[table].empty_table()
    return schema.conform(table, ds.dataset(folder, format="parquet").to_table())


def read_articles(root: str | Path) -> Iterator[Article]:
    """Every article of the output as an :class:`Article`, by partition then article id."""
    base = Path(root)
    check(base)
    for year, month in partitions(base):
        arts = _part(base, "articles", year, month).sort_by("article_id").to_pylist()
        quotes: dict[tuple[str, int], list[dict[str, Any]]] = {}
        for m in _part(base, "mentions", year, month).to_pylist():
            quotes.setdefault((m["article_id"], m["version"]), []).append(m)
        speakers: dict[tuple[str, int], list[dict[str, Any]]] = {}
        for s in _part(base, "article_speakers", year, month).to_pylist():
            speakers.setdefault((s["article_id"], s["version"]), []).append(s)
        for row in arts:
            key = (row["article_id"], row["version"])
            yield article_of(row, quotes.get(key, []), speakers.get(key, []))


def _spans(items: list[dict[str, int]] | None) -> list[tuple[int, int]]:
    return [(int(s["start"]), int(s["end"])) for s in items or []]


def _quote_order(q: dict[str, Any]) -> tuple[int, str]:
    qid = str(q["quote_id"])
    return (int(qid[1:]) if qid[1:].isdigit() else 1 << 30, qid)


def article_of(
    row: dict[str, Any], mentions: list[dict[str, Any]], speakers: list[dict[str, Any]]
) -> Article:
    """An :class:`Article` from its ``articles`` row, ``mentions`` and ``article_speakers``."""
    published = row.get("published")
    quotes = [
        Quote(
            id=str(m["quote_id"]),
            spans=_spans(m.get("spans")),
            text=m["text"],
            kind=m["kind"],
            speaker=m.get("speaker"),
            speaker_id=m.get("entity_id"),
            speaker_spans=_spans(m.get("speaker_spans")),
            cue=m.get("cue"),
            cue_spans=_spans(m.get("cue_spans")),
            medium=m.get("medium"),
            addressee=m.get("addressee"),
            parent=m.get("parent"),
            continues=m.get("continues"),
            confidence=float(m["confidence"]),
            evidence=list(m.get("evidence") or []),
        )
        for m in sorted(mentions, key=_quote_order)
    ]
    entities = [
        Entity(id=s["entity_id"], name=s["name"], type=s["type"], aliases=list(s["aliases"] or []))
        for s in sorted(speakers, key=lambda s: str(s["entity_id"]))
    ]
    return Article(
        id=row["article_id"],
        text=row["text"],
        published=published.isoformat() if isinstance(published, dt.date) else published,
        outlet=row.get("outlet"),
        url=row.get("url"),
        title=row.get("title"),
        author=row.get("author"),
        body_start=int(row["body_start"]),
        quotes=quotes,
        entities=entities,
        warnings=[
            Notice(code, CODES.get(code, code), row["article_id"]) for code in row["warnings"] or []
        ],
    )


# --- DuckDB --------------------------------------------------------------------------------------


def connect(root: str | Path, con: Any = None) -> Any:
    """A DuckDB connection (``con`` or a new in-memory one) with a view per table of the output
    (``articles``, ``mentions``, …, ``year``/``month`` from the path) over its Parquet files."""
    import duckdb

    base = Path(root)
    check(base)
    con = con if con is not None else duckdb.connect()
    for table in schema.TABLES:
        files = (
            sorted(str(p) for p in (base / table).rglob("*.parquet"))
            if (base / table).is_dir()
            else []
        )
        if not files:
            empty = schema.TABLES[table].empty_table()
            con.register(f"_empty_{table}", empty)
            con.execute(f"CREATE OR REPLACE VIEW {table} AS SELECT * FROM _empty_{table}")
            continue
        hive = "true" if table in schema.PARTITIONED else "false"
        con.execute(
            f"CREATE OR REPLACE VIEW {table} AS SELECT * FROM read_parquet("
            f"{json.dumps(files)}, hive_partitioning={hive}, union_by_name=true)"
        )
    return con


def find_quotations(
    con: Any,
    words: str | None = None,
    *,
    speaker: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    outlet: str | None = None,
    kind: str | None = None,
    limit: int = 20,
) -> list[dict[str, Any]]:
    """Mentions matching every filter on a :func:`connect` connection, newest first.

    ``words``: every word must occur in the quotation (case-insensitive); ``speaker``: every
    word must occur in the speaker's name. Partition pruning applies to the date filters
    (``year``/``month`` are the path's). A plain scan, no ranking: for relevance ranking import
    the output into a store (``saidwhat import``), which builds the full-text index.
    """
    conds: list[str] = []
    params: list[Any] = []
    for word in (words or "").split():
        conds.append("m.text ILIKE ?")
        params.append(f"%{word}%")
    for word in (speaker or "").split():
        conds.append("m.speaker ILIKE ?")
        params.append(f"%{word}%")
    if date_from:
        conds.append("m.published >= ? AND m.year >= ?")
        params += [date_from, date_from.year]
    if date_to:
        conds.append("m.published <= ? AND m.year <= ?")
        params += [date_to, date_to.year]
    if outlet:
        conds.append("m.outlet = ?")
        params.append(outlet)
    if kind:
        conds.append("m.kind = ?")
        params.append(kind)
    where = " AND ".join(conds) or "true"
    sql = (
        "SELECT m.quotation_id, m.text, m.kind, m.speaker, m.speaker_id, m.published, m.outlet, "
        f"m.article_id, m.quote_id, m.cue FROM mentions m WHERE {where} "
        "ORDER BY m.published DESC NULLS LAST, m.article_id, m.start LIMIT ?"
    )
    cur = con.execute(sql, [*params, int(limit)])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
