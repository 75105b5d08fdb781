"""``saidwhat.Store``: the Python face of a store — search, speakers, stats, articles, export.

Reads open the DuckDB file read-only (several readers may share it). Searches go to the side
index, which is brought up to date first when the store can be read; while an ingest holds the
store, searches use the index as it is (warning ``W101``).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import duckdb

from saidwhat.errors import SaidwhatError, notice
from saidwhat.store import db, index, search
from saidwhat.store.results import (
    Appearance,
    CountRow,
    ErrorRow,
    MentionRow,
    QuotationRow,
    Results,
    SearchHit,
    SpeakerRow,
    Stats,
    StoredArticle,
    columns_of,
)

if TYPE_CHECKING:
    import pandas as pd


def _date(value: str | dt.date | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


class Store:
    """A saidwhat store (DuckDB file + search side index), opened for reading.

    >>> with Store("saidwhat.duckdb") as store:              # doctest: +SKIP
    ...     hits = store.search('"close a library"', date_from="2024-01-01")
    ...     frame = hits.to_frame()
    """

    def __init__(self, path: str | Path = db.DEFAULT_DB, *, sync: bool = True) -> None:
        self.path = Path(path)
        self.index_path = db.index_path(self.path)
        self._sync = sync
        self._duck: duckdb.DuckDBPyConnection | None = None
        self._index: sqlite3.Connection | None = None
        self.warnings: list[str] = []
        if not self.path.exists():
            raise SaidwhatError("E001", f"{self.path}: no such store (run saidwhat ingest first)")

    # -- connections ---------------------------------------------------------------------------
    @property
    def duck(self) -> duckdb.DuckDBPyConnection:
        """The read-only DuckDB connection (opened on first use)."""
        if self._duck is None:
            self._duck = db.connect(self.path, read_only=True)
        return self._duck

    @property
    def index(self) -> sqlite3.Connection:
        """The side index, synced with the store when the store can be read."""
        if self._index is None:
            try:
                if self._sync and not index.is_current(self.duck, self.index_path):
                    index.sync(self.duck, self.index_path)
            except SaidwhatError as exc:
                if exc.code != "E109" or not self.index_path.exists():
                    raise
                self.warnings.append(str(notice("W101", "the store is being written")))
                print(self.warnings[-1], file=sys.stderr)
            self._index = index.open_index(self.index_path)
        return self._index

    def close(self) -> None:
        """Close both connections."""
        if self._duck is not None:
            self._duck.close()
            self._duck = None
        if self._index is not None:
            self._index.close()
            self._index = None

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- search --------------------------------------------------------------------------------
    def search(
        self,
        text: str | None = None,
        *,
        speaker: str | None = None,
        date_from: str | dt.date | None = None,
        date_to: str | dt.date | None = None,
        outlet: str | None = None,
        kind: str | None = None,
        limit: int = 20,
        phrase: bool = False,
    ) -> Results[SearchHit]:
        """Ranked full-text search over quotations (see :mod:`saidwhat.store.search`)."""
        filters = search.Filters(speaker, _date(date_from), _date(date_to), outlet, kind)
        return search.search(self.index, text, filters, limit, phrase=phrase)

    def speakers(self, name: str | None = None, limit: int = 20) -> Results[SpeakerRow]:
        """Corpus-level speakers matching ``name`` (all when ``None``), most quoted first."""
        return search.speakers(self.index, name, limit)

    # -- DuckDB queries ------------------------------------------------------------------------
    def sql(self, query: str, params: list[Any] | None = None) -> pd.DataFrame:
        """Any read-only SQL on the store (tables and views of ``docs/store.md``) as a DataFrame."""
        return self.duck.execute(query, params or []).df()

    def stats(self, top: int = 10) -> Stats:
        """Totals, quotations per outlet and month, unattributed share, top speakers, errors."""
        d = self.duck

        def one(query: str) -> int:
            return int((d.execute(query).fetchone() or [0])[0] or 0)

        mentions = one("SELECT count(*) FROM mentions WHERE is_latest")
        unattributed = one("SELECT count(*) FROM mentions WHERE is_latest AND speaker_id IS NULL")
        per = d.execute(
            "SELECT coalesce(outlet, '(unknown)'), coalesce(strftime(published, '%Y-%m'), "
            "'(undated)') AS month, count(DISTINCT quotation_id) FROM mentions WHERE is_latest "
            "GROUP BY ALL ORDER BY 1, 2"
        ).fetchall()
        speakers = d.execute(
            "SELECT speaker_id, name, type, aliases, quote_count, quotation_count, article_count, "
            "first_seen, last_seen FROM speakers ORDER BY quote_count DESC, name LIMIT ?",
            [top],
        ).fetchall()
        codes = d.execute(
            "SELECT code, count(*) FROM errors GROUP BY code ORDER BY code"
        ).fetchall()
        return Stats(
            articles=one("SELECT count(*) FROM articles WHERE is_latest"),
            article_versions=one("SELECT count(*) FROM articles"),
            mentions=mentions,
            quotations=one("SELECT count(DISTINCT quotation_id) FROM mentions WHERE is_latest"),
            speakers=one("SELECT count(DISTINCT speaker_id) FROM article_speakers WHERE is_latest"),
            unattributed_share=(unattributed / mentions) if mentions else 0.0,
            errors=one("SELECT count(*) FROM errors"),
            per_outlet_month=Results(
                [CountRow(str(o), int(c), str(m)) for o, m, c in per], columns_of(CountRow)
            ),
            top_speakers=Results([_speaker(r) for r in speakers], columns_of(SpeakerRow)),
            errors_by_code=Results(
                [CountRow(str(c), int(n)) for c, n in codes], columns_of(CountRow)
            ),
        )

    def article(self, article_id: str, version: int | None = None) -> StoredArticle:
        """One stored article (latest version unless ``version``) with its quotations."""
        d = self.duck
        cond = "version = $2" if version is not None else "is_latest"
        params: list[Any] = [article_id] + ([version] if version is not None else [])
        row = d.execute(
            "SELECT article_id, version, content_hash, story_id, published, outlet, url, title, "
            f"author, text, body_start, source FROM articles WHERE article_id = $1 AND {cond}",
            params,
        ).fetchone()
        if row is None:
            raise SaidwhatError("E001", f"no article {article_id!r} in {self.path}")
        versions = int(
            (
                d.execute(
                    "SELECT count(*) FROM articles WHERE article_id = ?", [article_id]
                ).fetchone()
                or [0]
            )[0]
        )
        mentions = d.execute(
            'SELECT m.quote_id, m.quotation_id, m.start, m."end", m.spans, m.text, m.kind, '
            "m.speaker, m.speaker_id, m.cue, m.medium, m.confidence, m.evidence, "
            "(SELECT count(DISTINCT a.story_id) FROM mentions x JOIN articles a "
            " USING (article_id, version) WHERE x.quotation_id = m.quotation_id AND x.is_latest) "
            "FROM mentions m WHERE m.article_id = ? AND m.version = ? ORDER BY m.start",
            [row[0], row[1]],
        ).fetchall()
        return StoredArticle(
            article_id=row[0],
            version=int(row[1]),
            versions=versions,
            content_hash=row[2],
            story_id=row[3],
            published=row[4],
            outlet=row[5],
            url=row[6],
            title=row[7],
            author=row[8],
            text=row[9],
            body_start=int(row[10]),
            source=row[11],
            mentions=[
                MentionRow(
                    quote_id=m[0],
                    quotation_id=m[1],
                    start=int(m[2]),
                    end=int(m[3]),
                    spans=[(int(s["start"]), int(s["end"])) for s in m[4]],
                    text=m[5],
                    kind=m[6],
                    speaker=m[7],
                    speaker_id=m[8],
                    cue=m[9],
                    medium=m[10],
                    confidence=float(m[11]),
                    evidence=list(m[12] or []),
                    quotation_count=int(m[13] or 0),
                )
                for m in mentions
            ],
        )

    def quotation(self, quotation_id: str) -> QuotationRow:
        """One corpus-level quotation with every appearance, earliest first."""
        d = self.duck
        row = d.execute(
            "SELECT quotation_id, text, kind, speaker, speaker_id, first_published, "
            "first_article_id, first_outlet, outlets, mention_count, count FROM quotations "
            "WHERE quotation_id = ?",
            [quotation_id],
        ).fetchone()
        if row is None:
            raise SaidwhatError("E001", f"no quotation {quotation_id!r} in {self.path}")
        apps = d.execute(
            "SELECT m.article_id, m.version, m.quote_id, m.outlet, m.published, a.story_id, "
            "m.text FROM mentions m JOIN articles a USING (article_id, version) "
            "WHERE m.quotation_id = ? AND m.is_latest "
            "ORDER BY m.published NULLS LAST, m.mention_seq",
            [quotation_id],
        ).fetchall()
        return QuotationRow(
            quotation_id=row[0],
            text=row[1],
            kind=row[2],
            speaker=row[3],
            speaker_id=row[4],
            first_published=row[5],
            first_article_id=row[6],
            first_outlet=row[7],
            outlets=list(row[8] or []),
            mention_count=int(row[9]),
            count=int(row[10]),
            appearances=[Appearance(a[0], int(a[1]), a[2], a[3], a[4], a[5], a[6]) for a in apps],
        )

    def errors(self, limit: int = 100) -> Results[ErrorRow]:
        """Stored bad records, newest first."""
        rows = self.duck.execute(
            'SELECT source, code, message, article_id, run_id, "at" FROM errors '
            'ORDER BY "at" DESC, source LIMIT ?',
            [limit],
        ).fetchall()
        return Results([ErrorRow(*r) for r in rows], columns_of(ErrorRow))

    def export(self, out: str | Path, fmt: str = "parquet") -> dict[str, int]:
        """Write the store in the export format (``parquet``, ``csv`` or ``jsonl``) to ``out``."""
        from saidwhat.store.export import export

        return export(self.duck, Path(out), fmt)


def _speaker(r: tuple[Any, ...]) -> SpeakerRow:
    return SpeakerRow(
        speaker_id=r[0],
        name=r[1],
        type=r[2],
        aliases=list(r[3] or []),
        quote_count=int(r[4]),
        quotation_count=int(r[5]),
        article_count=int(r[6]),
        first_seen=r[7],
        last_seen=r[8],
    )
