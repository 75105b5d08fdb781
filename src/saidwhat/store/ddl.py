"""The DuckDB schema of the store, its version, and the migrations between versions.

``STORE_VERSION`` counts changes of the *store file's* layout (this module); the export format
has its own version in :mod:`saidwhat.store.schema`. Opening a store older than this code runs
the missing migrations in one transaction; a newer one is refused (``E108``).

Tables (columns of the export tables plus bookkeeping):

- ``articles``, ``mentions``, ``article_speakers``, ``errors``: the export tables, plus
  ``run_id`` / ``batch_no`` (which run and which committed batch stored a row), ``is_latest``
  (the newest version of its article) and ``superseded_batch`` (the batch that superseded it);
  ``articles.seen_run`` is the last run that met the article unchanged (so a run can tell that an
  id it already met comes back with another text, even after a kill and resume);
  ``mentions.mention_seq`` numbers mentions in the order they were stored.
- ``quotation_reps`` / ``quotation_keys``: each corpus-level quotation's representative text and
  its candidate keys (see :mod:`saidwhat.store.identity`).
- ``story_sigs`` / ``story_keys``: each stored article version's MinHash signature and band keys.
- ``runs``, ``sources``: ingest runs (resumable by key) and the input files they finished.
- ``meta``: ``store_version``, ``batch_no`` (last committed batch), ``store_uuid``.
- views ``quotations`` and ``speakers``: the derived corpus-level tables of the export format.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from saidwhat.errors import SaidwhatError

STORE_VERSION = 1

_SPAN = 'STRUCT(start INTEGER, "end" INTEGER)'

TABLES_V1 = f"""
CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE runs (
    run_id VARCHAR PRIMARY KEY, key VARCHAR NOT NULL, args VARCHAR,
    started_at TIMESTAMPTZ NOT NULL, finished_at TIMESTAMPTZ, summary VARCHAR
);
CREATE TABLE sources (
    path VARCHAR PRIMARY KEY, size BIGINT, mtime_ns BIGINT, records BIGINT, run_id VARCHAR,
    done_at TIMESTAMPTZ
);
CREATE TABLE articles (
    article_id VARCHAR NOT NULL, version INTEGER NOT NULL, content_hash VARCHAR NOT NULL,
    story_id VARCHAR NOT NULL, published DATE, outlet VARCHAR, url VARCHAR, title VARCHAR,
    author VARCHAR, text VARCHAR NOT NULL, body_start INTEGER NOT NULL, source VARCHAR,
    ingested_at TIMESTAMPTZ NOT NULL, quote_count INTEGER NOT NULL, warnings VARCHAR[],
    run_id VARCHAR, batch_no BIGINT NOT NULL, is_latest BOOLEAN NOT NULL,
    superseded_batch BIGINT, seen_run VARCHAR,
    PRIMARY KEY (article_id, version)
);
CREATE TABLE mentions (
    article_id VARCHAR NOT NULL, version INTEGER NOT NULL, quote_id VARCHAR NOT NULL,
    quotation_id VARCHAR NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    spans {_SPAN}[] NOT NULL, text VARCHAR NOT NULL, kind VARCHAR NOT NULL, speaker VARCHAR,
    speaker_id VARCHAR, entity_id VARCHAR, speaker_spans {_SPAN}[], cue VARCHAR,
    cue_spans {_SPAN}[], medium VARCHAR, addressee VARCHAR, parent VARCHAR, continues VARCHAR,
    confidence FLOAT NOT NULL, evidence VARCHAR[], published DATE, outlet VARCHAR,
    mention_seq BIGINT NOT NULL, batch_no BIGINT NOT NULL, is_latest BOOLEAN NOT NULL
);
CREATE TABLE article_speakers (
    article_id VARCHAR NOT NULL, version INTEGER NOT NULL, entity_id VARCHAR NOT NULL,
    speaker_id VARCHAR NOT NULL, name VARCHAR NOT NULL, type VARCHAR NOT NULL,
    aliases VARCHAR[], quote_count INTEGER NOT NULL, published DATE, outlet VARCHAR,
    speaker_key VARCHAR, batch_no BIGINT NOT NULL, is_latest BOOLEAN NOT NULL
);
CREATE TABLE errors (
    source VARCHAR NOT NULL, code VARCHAR NOT NULL, message VARCHAR NOT NULL,
    article_id VARCHAR, run_id VARCHAR, "at" TIMESTAMPTZ NOT NULL, batch_no BIGINT,
    PRIMARY KEY (source, code)
);
CREATE TABLE quotation_reps (
    quotation_id VARCHAR NOT NULL, norm VARCHAR NOT NULL, speaker_id VARCHAR,
    surname VARCHAR, local BOOLEAN NOT NULL, batch_no BIGINT NOT NULL
);
CREATE TABLE quotation_keys (key BIGINT NOT NULL, quotation_id VARCHAR NOT NULL);
CREATE TABLE story_sigs (
    article_id VARCHAR NOT NULL, version INTEGER NOT NULL, story_id VARCHAR NOT NULL,
    sig UBIGINT[] NOT NULL
);
CREATE TABLE story_keys (
    key BIGINT NOT NULL, article_id VARCHAR NOT NULL, version INTEGER NOT NULL
);
"""

# The order key of a mention: publication date (unknown last), then storage order.
_FIRST = "(coalesce(m.published, DATE '9999-12-31'), m.mention_seq)"

QUOTATIONS_SELECT = f"""
SELECT m.quotation_id,
    arg_min(m.text, {_FIRST}) AS text,
    arg_min(m.kind, {_FIRST}) AS kind,
    arg_min(m.speaker_id, {_FIRST}) FILTER (WHERE m.speaker_id IS NOT NULL) AS speaker_id,
    arg_min(m.speaker, {_FIRST}) FILTER (WHERE m.speaker_id IS NOT NULL) AS speaker,
    min(m.published) AS first_published,
    arg_min(m.article_id, {_FIRST}) AS first_article_id,
    arg_min(m.outlet, {_FIRST}) AS first_outlet,
    list_sort(list(DISTINCT m.article_id)) AS article_ids,
    coalesce(list_sort(list(DISTINCT m.outlet) FILTER (WHERE m.outlet IS NOT NULL)), [])
        AS outlets,
    count(DISTINCT m.article_id)::INTEGER AS mention_count,
    count(DISTINCT a.story_id)::INTEGER AS count
FROM mentions m JOIN articles a USING (article_id, version)
WHERE m.is_latest {{where}}
GROUP BY m.quotation_id
"""

SPEAKERS_SELECT = """
WITH s AS (
    SELECT speaker_id,
        mode(name) FILTER (WHERE length(name) = max_len) AS name,
        mode(type) AS type,
        list_distinct(flatten(list(list_append(coalesce(aliases, []), name)))) AS names,
        min(published) AS first_seen, max(published) AS last_seen,
        count(DISTINCT article_id) AS article_count
    FROM (SELECT *, max(length(name)) OVER (PARTITION BY speaker_id) AS max_len
          FROM article_speakers WHERE is_latest {where})
    GROUP BY speaker_id
), q AS (
    SELECT speaker_id, count(*) AS quote_count, count(DISTINCT quotation_id) AS quotation_count
    FROM mentions WHERE is_latest AND speaker_id IS NOT NULL {where}
    GROUP BY speaker_id
)
SELECT s.speaker_id, s.name, s.type,
    list_sort(list_filter(s.names, lambda x: x <> s.name)) AS aliases,
    coalesce(q.quote_count, 0) AS quote_count, coalesce(q.quotation_count, 0) AS quotation_count,
    s.article_count, s.first_seen, s.last_seen
FROM s LEFT JOIN q USING (speaker_id)
"""

VIEWS_V1 = (
    "CREATE VIEW quotations AS " + QUOTATIONS_SELECT.format(where=""),
    "CREATE VIEW speakers AS " + SPEAKERS_SELECT.format(where=""),
)

Migration = Callable[[duckdb.DuckDBPyConnection], None]


def _create_v1(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(TABLES_V1)
    for view in VIEWS_V1:
        con.execute(view)


MIGRATIONS: dict[int, Migration] = {}
"""``MIGRATIONS[n]`` turns a version ``n - 1`` store into version ``n`` (``n >= 2``). Add one per
layout change and bump :data:`STORE_VERSION`; never edit a released one."""


def stored_version(con: duckdb.DuckDBPyConnection) -> int:
    """The store version recorded in ``meta`` (0 for an empty database)."""
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if "meta" not in tables:
        return 0
    row = con.execute("SELECT value FROM meta WHERE key = 'store_version'").fetchone()
    return int(row[0]) if row else 0


def migrate(
    con: duckdb.DuckDBPyConnection,
    target: int = STORE_VERSION,
    migrations: dict[int, Migration] | None = None,
) -> int:
    """Bring the database to ``target``: create it when empty, else run the migrations it lacks,
    all in one transaction. Returns the version it was at. Raises ``E108`` for a newer store."""
    steps = MIGRATIONS if migrations is None else migrations
    current = was = stored_version(con)
    if current > target:
        raise SaidwhatError("E108", f"store version {current}, this saidwhat reads <= {target}")
    if current == target:
        return current
    con.execute("BEGIN TRANSACTION")
    try:
        if current == 0:
            _create_v1(con)
            import uuid

            con.execute(
                "INSERT INTO meta VALUES ('store_version', '1'), ('batch_no', '0'), "
                "('store_uuid', ?)",
                [uuid.uuid4().hex],
            )
            current = 1
        for version in range(current + 1, target + 1):
            if version not in steps:
                raise SaidwhatError("E108", f"no migration to store version {version}")
            steps[version](con)
            con.execute("UPDATE meta SET value = ? WHERE key = 'store_version'", [str(version)])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return was
