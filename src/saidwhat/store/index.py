"""The search side index: an SQLite file with FTS5 tables next to the DuckDB store.

DuckDB is the store of record; this file is a derived, rebuildable copy of what searching needs:
quotations (FTS5 over their text, ranked by BM25, phrase queries), mentions (date, outlet, kind
and speaker filters through B-tree indexes) and speakers (FTS5 over names and aliases). SQLite's
FTS5 ships with Python, so nothing is downloaded; unlike DuckDB's ``fts`` extension it keeps stop
words and answers phrase queries.

:func:`sync` brings the index up to the store incrementally: the index remembers the last store
batch it has seen (``watermark``); mentions and speakers of later batches are added, those of
superseded article versions removed, and the quotations and speakers they touch are recomputed
from the store's ``quotations``/``speakers`` views. Everything happens in one SQLite transaction,
so a killed sync leaves the previous, consistent index. A store of another identity
(``store_uuid``) or a damaged file means a rebuild from scratch.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from saidwhat.store import ddl
from saidwhat.store.db import meta

INDEX_VERSION = "1"
_CHUNK = 20_000
MMAP_BYTES = 1 << 30
"""How much of the index SQLite reads through a memory map: pages come straight from the OS
cache, shared by every connection and process, instead of being copied into each connection's
own cache (a server has one connection per worker thread)."""

_DDL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE quotations (
    qid INTEGER PRIMARY KEY, quotation_id TEXT NOT NULL UNIQUE, text TEXT, kind TEXT,
    speaker TEXT, speaker_id TEXT, first_published TEXT, first_article_id TEXT,
    first_outlet TEXT, mention_count INTEGER, count INTEGER
);
CREATE VIRTUAL TABLE quotations_fts USING fts5(text, tokenize = 'unicode61 remove_diacritics 2');
CREATE TABLE mentions (
    seq INTEGER PRIMARY KEY, quotation_id TEXT NOT NULL, article_id TEXT, version INTEGER,
    quote_id TEXT, published TEXT, outlet TEXT COLLATE NOCASE, kind TEXT, speaker_id TEXT,
    speaker TEXT
);
CREATE INDEX mentions_quotation ON mentions (quotation_id, published);
CREATE INDEX mentions_published ON mentions (published);
CREATE INDEX mentions_speaker ON mentions (speaker_id, published);
CREATE INDEX mentions_outlet ON mentions (outlet, published);
CREATE INDEX mentions_article ON mentions (article_id);
CREATE TABLE speakers (
    sid INTEGER PRIMARY KEY, speaker_id TEXT NOT NULL UNIQUE, name TEXT, type TEXT,
    aliases TEXT, quote_count INTEGER, quotation_count INTEGER, article_count INTEGER,
    first_seen TEXT, last_seen TEXT
);
CREATE VIRTUAL TABLE speakers_fts USING fts5(
    name, aliases, tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TEMP TABLE touched (id TEXT PRIMARY KEY);
"""

_Q_COLS = (
    "quotation_id, text, kind, speaker, speaker_id, first_published, first_article_id, "
    "first_outlet, mention_count, count"
)
_S_COLS = (
    "speaker_id, name, type, aliases, quote_count, quotation_count, article_count, first_seen, "
    "last_seen"
)


@dataclass(slots=True)
class SyncResult:
    """What a sync did."""

    rebuilt: bool
    from_batch: int
    to_batch: int
    mentions_added: int = 0
    mentions_removed: int = 0
    quotations: int = 0
    speakers: int = 0


def open_index(path: Path) -> sqlite3.Connection:
    """Open the index for reading (and syncing); WAL mode so readers never block on a sync."""
    con = sqlite3.connect(str(path), timeout=30, isolation_level=None)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA synchronous = NORMAL")
    con.execute("PRAGMA temp_store = MEMORY")
    con.execute("PRAGMA cache_size = -65536")
    con.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
    return con


def watermark(con: sqlite3.Connection) -> tuple[int, str | None]:
    """The last store batch in the index and the store it belongs to (``-1`` when unusable)."""
    try:
        rows = dict(con.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.DatabaseError:
        return -1, None
    if rows.get("index_version") != INDEX_VERSION:
        return -1, None
    return int(rows.get("batch_no", -1)), rows.get("store_uuid")


def is_current(duck: duckdb.DuckDBPyConnection, path: Path) -> bool:
    """Whether the index at ``path`` has every batch of the store."""
    if not path.exists():
        return False
    con = open_index(path)
    try:
        mark, uuid = watermark(con)
    finally:
        con.close()
    return uuid == meta(duck, "store_uuid") and mark == int(meta(duck, "batch_no") or 0)


def sync(duck: duckdb.DuckDBPyConnection, path: Path, *, rebuild: bool = False) -> SyncResult:
    """Bring the index at ``path`` up to the store ``duck`` (see the module docstring)."""
    batch = int(meta(duck, "batch_no") or 0)
    uuid = meta(duck, "store_uuid")
    con = open_index(path) if path.exists() else None
    mark, known = watermark(con) if con is not None else (-1, None)
    if rebuild or known != uuid or mark < 0 or mark > batch:
        if con is not None:
            con.close()
        return _rebuild(duck, path, batch, uuid)
    assert con is not None
    try:
        result = SyncResult(False, mark, batch)
        if mark == batch:
            return result
        con.execute("CREATE TEMP TABLE IF NOT EXISTS touched (id TEXT PRIMARY KEY)")
        con.execute("BEGIN IMMEDIATE")
        try:
            _apply(duck, con, mark, batch, result)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return result
    finally:
        con.close()


def _rebuild(
    duck: duckdb.DuckDBPyConnection, path: Path, batch: int, uuid: str | None
) -> SyncResult:
    """A fresh index written next to ``path`` and moved over it when complete."""
    tmp = path.with_name(path.name + ".tmp")
    for p in (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
        p.unlink(missing_ok=True)
    con = sqlite3.connect(str(tmp), isolation_level=None)
    result = SyncResult(True, -1, batch)
    try:
        con.execute("PRAGMA journal_mode = OFF")
        con.execute("PRAGMA synchronous = OFF")
        con.executescript(_DDL)
        con.execute("BEGIN")
        _apply(duck, con, -1, batch, result)
        con.execute("COMMIT")
        con.execute("PRAGMA journal_mode = WAL")
        con.execute("INSERT INTO quotations_fts(quotations_fts) VALUES ('optimize')")
    finally:
        con.close()
    for p in (Path(str(path) + "-wal"), Path(str(path) + "-shm")):
        p.unlink(missing_ok=True)
    tmp.replace(path)
    _ = uuid
    return result


def _batches(
    duck: duckdb.DuckDBPyConnection, sql: str, params: list[Any]
) -> Iterator[list[tuple[Any, ...]]]:
    """The rows of a DuckDB query in chunks (streamed, bounded memory)."""
    cur = duck.execute(sql, params)
    while rows := cur.fetchmany(_CHUNK):
        yield rows


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _apply(
    duck: duckdb.DuckDBPyConnection,
    con: sqlite3.Connection,
    mark: int,
    batch: int,
    result: SyncResult,
) -> None:
    """Add batches ``mark+1..batch`` of the store to the index (inside the caller's transaction)."""
    full = mark < 0
    superseded = "SELECT article_id, version FROM articles WHERE superseded_batch > $1"
    if not full:
        gone = duck.execute(
            f"SELECT m.mention_seq, m.quotation_id, m.speaker_id FROM mentions m "
            f"JOIN ({superseded}) USING (article_id, version)",
            [mark],
        ).fetchall()
        con.executemany("DELETE FROM mentions WHERE seq = ?", [(g[0],) for g in gone])
        result.mentions_removed = len(gone)
        _drop(con, "quotations", "quotations_fts", "qid", "quotation_id", {g[1] for g in gone})
        gone_s = duck.execute(
            f"SELECT DISTINCT speaker_id FROM article_speakers "
            f"JOIN ({superseded}) USING (article_id, version)",
            [mark],
        ).fetchall()
        _drop(con, "speakers", "speakers_fts", "sid", "speaker_id", {g[0] for g in gone_s})
    sql = (
        "SELECT mention_seq, quotation_id, article_id, version, quote_id, published, outlet, "
        "kind, speaker_id, speaker FROM mentions WHERE is_latest AND batch_no > $1 "
        "AND batch_no <= $2"
    )
    for rows in _batches(duck, sql, [mark, batch]):
        con.executemany(
            "INSERT OR REPLACE INTO mentions VALUES (?,?,?,?,?,?,?,?,?,?)",
            [(*r[:5], _iso(r[5]), *r[6:]) for r in rows],
        )
        result.mentions_added += len(rows)
    touched_q = (
        ""
        if full
        else "AND m.quotation_id IN (SELECT quotation_id FROM mentions WHERE batch_no > $1 UNION "
        f"SELECT quotation_id FROM mentions JOIN ({superseded}) USING (article_id, version))"
    )
    q_sql = f"SELECT {_Q_COLS} FROM ({ddl.QUOTATIONS_SELECT.format(where=touched_q)})"
    for rows in _batches(duck, q_sql, [] if full else [mark]):
        _upsert(
            con,
            "quotations",
            "quotations_fts",
            "qid",
            _Q_COLS,
            [(*r[:5], _iso(r[5]), *r[6:]) for r in rows],
            "text",
        )
        result.quotations += len(rows)
    touched_s = (
        ""
        if full
        else "AND speaker_id IN (SELECT speaker_id FROM article_speakers WHERE batch_no > $1 UNION "
        f"SELECT speaker_id FROM article_speakers JOIN ({superseded}) USING (article_id, version))"
    )
    s_sql = f"SELECT {_S_COLS} FROM ({ddl.SPEAKERS_SELECT.format(where=touched_s)})"
    for rows in _batches(duck, s_sql, [] if full else [mark]):
        _upsert(
            con,
            "speakers",
            "speakers_fts",
            "sid",
            _S_COLS,
            [
                (
                    *r[:3],
                    json.dumps(list(r[3] or []), ensure_ascii=False),
                    *r[4:7],
                    _iso(r[7]),
                    _iso(r[8]),
                )
                for r in rows
            ],
            "name, aliases",
        )
        result.speakers += len(rows)
    con.executemany(
        "INSERT OR REPLACE INTO meta VALUES (?, ?)",
        [
            ("batch_no", str(batch)),
            ("store_uuid", meta(duck, "store_uuid")),
            ("index_version", INDEX_VERSION),
        ],
    )


def _drop(
    con: sqlite3.Connection, table: str, fts: str, rowid: str, key: str, ids: set[Any]
) -> None:
    """Remove rows (and their FTS rows) whose ``key`` is in ``ids``; they are re-added by the
    upsert when still alive."""
    ids.discard(None)
    if not ids:
        return
    con.execute("DELETE FROM touched")
    con.executemany("INSERT OR IGNORE INTO touched VALUES (?)", [(i,) for i in ids])
    con.execute(
        f"DELETE FROM {fts} WHERE rowid IN (SELECT {rowid} FROM {table} "
        f"WHERE {key} IN (SELECT id FROM touched))"
    )
    con.execute(f"DELETE FROM {table} WHERE {key} IN (SELECT id FROM touched)")


def _upsert(
    con: sqlite3.Connection,
    table: str,
    fts: str,
    rowid: str,
    cols: str,
    rows: list[tuple[Any, ...]],
    fts_cols: str,
) -> None:
    """Insert or update ``rows`` (keyed by their first column) and refresh their FTS rows."""
    if not rows:
        return
    names = [c.strip() for c in cols.split(",")]
    key = names[0]
    sets = ", ".join(f"{n} = excluded.{n}" for n in names[1:])
    marks = ", ".join("?" for _ in names)
    con.execute("DELETE FROM touched")
    con.executemany("INSERT OR IGNORE INTO touched VALUES (?)", [(r[0],) for r in rows])
    con.execute(
        f"DELETE FROM {fts} WHERE rowid IN (SELECT {rowid} FROM {table} "
        f"WHERE {key} IN (SELECT id FROM touched))"
    )
    con.executemany(
        f"INSERT INTO {table} ({cols}) VALUES ({marks}) ON CONFLICT({key}) DO UPDATE SET {sets}",
        rows,
    )
    con.execute(
        f"INSERT INTO {fts} (rowid, {fts_cols}) SELECT {rowid}, {fts_cols} FROM {table} "
        f"WHERE {key} IN (SELECT id FROM touched)"
    )
