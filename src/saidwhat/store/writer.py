"""Writing to the store in transactional batches.

A :class:`Writer` collects prepared articles, errors and finished sources, and :meth:`Writer.flush`
commits them in **one** DuckDB transaction: an article is stored with all its mentions and
speakers or not at all, and a source file is marked done only in the transaction that stores its
last record. Rows go in through Arrow tables (bulk ``INSERT ... BY NAME``), never row by row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from saidwhat.store import cluster, schema
from saidwhat.store.rows import Prepared, Row

_EXTRA = {
    "articles": [
        pa.field("run_id", pa.string()),
        pa.field("batch_no", pa.int64()),
        pa.field("is_latest", pa.bool_()),
        pa.field("superseded_batch", pa.int64()),
        pa.field("seen_run", pa.string()),
    ],
    "mentions": [
        pa.field("mention_seq", pa.int64()),
        pa.field("batch_no", pa.int64()),
        pa.field("is_latest", pa.bool_()),
    ],
    "article_speakers": [
        pa.field("speaker_key", pa.string()),
        pa.field("batch_no", pa.int64()),
        pa.field("is_latest", pa.bool_()),
    ],
    "errors": [pa.field("batch_no", pa.int64())],
}
_INTERNAL = {
    "quotation_reps": pa.schema(
        [
            ("quotation_id", pa.string()),
            ("norm", pa.string()),
            ("speaker_id", pa.string()),
            ("surname", pa.string()),
            ("local", pa.bool_()),
            ("batch_no", pa.int64()),
        ]
    ),
    "quotation_keys": pa.schema([("key", pa.int64()), ("quotation_id", pa.string())]),
    "story_sigs": pa.schema(
        [
            ("article_id", pa.string()),
            ("version", pa.int32()),
            ("story_id", pa.string()),
            ("sig", pa.list_(pa.uint64())),
        ]
    ),
    "story_keys": pa.schema(
        [("key", pa.int64()), ("article_id", pa.string()), ("version", pa.int32())]
    ),
    "sources": pa.schema(
        [
            ("path", pa.string()),
            ("size", pa.int64()),
            ("mtime_ns", pa.int64()),
            ("records", pa.int64()),
            ("run_id", pa.string()),
            ("done_at", pa.timestamp("us", tz="UTC")),
        ]
    ),
}


def table_schema(name: str) -> pa.Schema:
    """The Arrow schema of a store table (export columns plus bookkeeping columns)."""
    if name in _INTERNAL:
        return _INTERNAL[name]
    base = schema.TABLES[name]
    return pa.schema(list(base) + _EXTRA.get(name, []))


def insert(con: duckdb.DuckDBPyConnection, name: str, rows: list[Row], how: str = "") -> None:
    """Bulk-insert ``rows`` into table ``name`` through Arrow (``how``: ``OR IGNORE`` etc.)."""
    if not rows:
        return
    table = pa.Table.from_pylist(rows, schema=table_schema(name))
    view = f"_in_{name}"
    con.register(view, table)
    try:
        con.execute(f"INSERT {how} INTO {name} BY NAME SELECT * FROM {view}")
    finally:
        con.unregister(view)


@dataclass(slots=True)
class FlushResult:
    """What one committed batch stored."""

    batch_no: int
    articles: int = 0
    mentions: int = 0
    errors: int = 0
    sources: int = 0
    new_quotations: int = 0


@dataclass(slots=True)
class Writer:
    """Collects rows for the next batch; :meth:`flush` commits them atomically."""

    con: duckdb.DuckDBPyConnection
    run_id: str | None = None
    articles: list[Prepared] = field(default_factory=list)
    errors: list[Row] = field(default_factory=list)
    sources: list[Row] = field(default_factory=list)
    seen: list[str] = field(default_factory=list)
    batch_no: int = 0
    next_seq: int = 0

    def __post_init__(self) -> None:
        row = self.con.execute("SELECT value FROM meta WHERE key = 'batch_no'").fetchone()
        self.batch_no = int(row[0]) if row else 0
        seq = self.con.execute("SELECT coalesce(max(mention_seq), 0) FROM mentions").fetchone()
        self.next_seq = int(seq[0] if seq else 0) + 1

    @property
    def pending(self) -> int:
        """Rows waiting for the next flush."""
        return len(self.articles) + len(self.errors) + len(self.sources) + len(self.seen)

    def add(self, prepared: Prepared) -> None:
        self.articles.append(prepared)

    def mark_seen(self, article_id: str) -> None:
        """Record that this run met ``article_id`` unchanged."""
        self.seen.append(article_id)

    def add_error(
        self, source: str, code: str, message: str, article_id: str | None = None
    ) -> None:
        self.errors.append(
            {"source": source, "code": code, "message": message, "article_id": article_id}
        )

    def source_done(self, path: str, size: int, mtime_ns: int, records: int) -> None:
        self.sources.append({"path": path, "size": size, "mtime_ns": mtime_ns, "records": records})

    def flush(self) -> FlushResult:
        """Commit everything collected, in one transaction; nothing is kept on failure."""
        batch_no = self.batch_no + 1
        result = FlushResult(batch_no)
        if not self.pending:
            return result
        now = dt.datetime.now(dt.UTC)
        tables = self._rows(batch_no, now, result)
        superseded = sorted({p.key[0] for p in self.articles if p.key[1] > 1})
        self.con.execute("BEGIN TRANSACTION")
        try:
            if superseded:
                self._supersede(superseded, batch_no)
            if self.seen:
                self.con.execute(
                    "UPDATE articles SET seen_run = $2 "
                    "WHERE is_latest AND article_id IN (SELECT unnest($1::VARCHAR[]))",
                    [sorted(set(self.seen)), self.run_id],
                )
            for name, rows in tables.items():
                insert(self.con, name, rows, "OR IGNORE" if name == "errors" else "")
            for row in self.sources:
                self.con.execute("DELETE FROM sources WHERE path = ?", [row["path"]])
            insert(
                self.con,
                "sources",
                [{**r, "run_id": self.run_id, "done_at": now} for r in self.sources],
            )
            self.con.execute("UPDATE meta SET value = ? WHERE key = 'batch_no'", [str(batch_no)])
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.batch_no = batch_no
        self.next_seq += result.mentions
        result.sources = len(self.sources)
        self.articles, self.errors, self.sources, self.seen = [], [], [], []
        return result

    def _rows(self, batch_no: int, now: dt.datetime, result: FlushResult) -> dict[str, list[Row]]:
        """Every row of the batch, with the clusters assigned."""
        arts = self.articles
        story_items = [
            cluster.StoryItem(
                p.key[0], p.key[1], str(p.article["content_hash"]), p.story_sig, p.story_keys
            )
            for p in arts
        ]
        stories, sig_rows, story_key_rows = cluster.assign_stories(self.con, story_items)
        quote_items = [
            cluster.QuoteItem(qp, ref, f"{p.key[0]}#{p.key[1]}#{m['quote_id']}")
            for p in arts
            for m, qp, ref in zip(p.mentions, p.prints, p.speaker_refs, strict=True)
        ]
        qids, reps, key_rows = cluster.assign_quotations(self.con, quote_items, batch_no)
        articles: list[Row] = []
        mentions: list[Row] = []
        speakers: list[Row] = []
        qit = iter(qids)
        seq = self.next_seq
        for p, story in zip(arts, stories, strict=True):
            articles.append(
                {
                    **p.article,
                    "story_id": story,
                    "ingested_at": now,
                    "run_id": self.run_id,
                    "batch_no": batch_no,
                    "is_latest": True,
                    "superseded_batch": None,
                }
            )
            for m in p.mentions:
                mentions.append(
                    {
                        **m,
                        "quotation_id": next(qit),
                        "mention_seq": seq,
                        "batch_no": batch_no,
                        "is_latest": True,
                    }
                )
                seq += 1
            speakers.extend({**s, "batch_no": batch_no, "is_latest": True} for s in p.speakers)
        unique = {(e["source"], e["code"]): e for e in reversed(self.errors)}
        errors = [
            {**e, "run_id": self.run_id, "at": now, "batch_no": batch_no}
            for e in reversed(unique.values())
        ]
        result.articles, result.mentions = len(articles), len(mentions)
        result.errors, result.new_quotations = len(errors), len(reps)
        return {
            "articles": articles,
            "mentions": mentions,
            "article_speakers": speakers,
            "errors": errors,
            "quotation_reps": reps,
            "quotation_keys": key_rows,
            "story_sigs": sig_rows,
            "story_keys": story_key_rows,
        }

    def _supersede(self, article_ids: Iterable[str], batch_no: int) -> None:
        ids = list(article_ids)
        self.con.execute(
            "UPDATE articles SET is_latest = false, superseded_batch = $2 "
            "WHERE is_latest AND article_id IN (SELECT unnest($1::VARCHAR[]))",
            [ids, batch_no],
        )
        for table in ("mentions", "article_speakers"):
            self.con.execute(
                f"UPDATE {table} SET is_latest = false "
                "WHERE is_latest AND article_id IN (SELECT unnest($1::VARCHAR[]))",
                [ids],
            )
