"""The server's read side: :class:`saidwhat.Store` per worker thread, plus the few queries the
pages need that the Store API does not offer yet (a thin adapter; see docs/web.md).

DuckDB connections and SQLite connections must not be shared between threads, so queries run on
a few worker threads that each open their own read-only :class:`Store` (DuckDB shares one
database instance between them inside the process). Everything here reads;
the store file is never written by the server. Derived numbers that scan the whole store
(overview statistics, outlet list) are cached until the store's last committed batch changes.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import datetime as dt
import json
import queue
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any, TypeVar

from saidwhat.errors import SaidwhatError
from saidwhat.records import Article
from saidwhat.serve import models
from saidwhat.store import search as store_search
from saidwhat.store.api import Store
from saidwhat.store.db import meta
from saidwhat.store.results import SearchHit, SpeakerRow

T = TypeVar("T")
LRU_SIZE = 1024
"""Search results kept (per server) until the store changes."""


_Task = tuple[Callable[..., Any], tuple[Any, ...], "concurrent.futures.Future[Any]"]
_open_readers: weakref.WeakSet[Reader] = weakref.WeakSet()


@atexit.register
def _close_all() -> None:
    """Close readers left open (a test without lifespan), so no connection dies with the
    process."""
    for reader in list(_open_readers):
        reader.close()


class NotFound(LookupError):
    """The asked-for article, speaker or quotation is not in the store."""


class _SpeakerIdFilters(store_search.Filters):
    """Search filters with an exact corpus-level speaker id (the Store API filters by name)."""

    __slots__ = ("speaker_id",)

    def __init__(self, speaker_id: str | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.speaker_id = speaker_id

    def sql(self, con: Any) -> tuple[list[str], list[Any]] | None:
        where = super().sql(con)
        if where is None or self.speaker_id is None:
            return where
        conds, params = where
        # The same form as the store's name filter: with it SQLite keeps the per-quotation
        # index for the ranked search (``m.speaker_id = ?`` makes it scan the speaker's rows).
        return (
            [*conds, "m.speaker_id IN (SELECT value FROM json_each(?))"],
            [*params, json.dumps([self.speaker_id])],
        )


def _hit(h: SearchHit) -> models.QuotationHit:
    return models.QuotationHit(**asdict(h))


def _speaker(s: SpeakerRow) -> models.Speaker:
    return models.Speaker(**asdict(s))


def _spans(value: Any) -> list[tuple[int, int]]:
    return [(int(s["start"]), int(s["end"])) for s in value or []]


def _month(value: Any) -> str:
    return value if isinstance(value, str) else "(undated)"


class Reader:
    """Read access to one store for a multi-threaded server.

    Queries run on a fixed set of worker threads, each with its own read-only :class:`Store`
    (DuckDB and SQLite connections stay in the thread that opened them, and are closed there by
    :meth:`close`). :meth:`call` hands a query to a free worker and awaits its result.
    """

    def __init__(self, path: str | Path, workers: int = 8) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[str, Any]] = {}
        self._lru: OrderedDict[str, tuple[str, Any]] = OrderedDict()
        self._tasks: queue.SimpleQueue[_Task | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        first = Store(self.path)  # fails early (E001, E108) when the store cannot be read
        try:
            _ = first.index  # brings the search index up to the store once, before serving
        finally:
            first.close()
        self.workers = workers
        self._start()

    def _start(self) -> None:
        """Start the worker threads (again, after :meth:`close`)."""
        with self._lock:
            if self._threads:
                return
            for n in range(self.workers):
                thread = threading.Thread(
                    target=self._work,
                    args=(self._tasks,),
                    name=f"saidwhat-store-{n}",
                    daemon=True,
                )
                thread.start()
                self._threads.append(thread)
            _open_readers.add(self)

    def _work(self, tasks: queue.SimpleQueue[_Task | None]) -> None:
        store: Store | None = None
        try:
            while (task := tasks.get()) is not None:
                fn, args, future = task
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    if store is None:
                        store = Store(self.path)
                    self._local.store = store
                    future.set_result(fn(*args))
                except BaseException as exc:
                    future.set_exception(exc)
        finally:
            if store is not None:
                store.close()

    async def call(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` on a worker thread (where :meth:`store` is that thread's store)."""
        if not self._threads:
            self._start()
        future: concurrent.futures.Future[T] = concurrent.futures.Future()
        self._tasks.put((fn, args, future))
        return await asyncio.wrap_future(future)

    def store(self) -> Store:
        """The store of the worker thread running the current query."""
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            raise RuntimeError("Reader queries run through Reader.call")
        return store

    def close(self) -> None:
        """Stop the workers; each closes its own connections. A later :meth:`call` starts new
        ones (an application's lifespan may run more than once)."""
        with self._lock:
            threads, self._threads = self._threads, []
            tasks, self._tasks = self._tasks, queue.SimpleQueue()
            _open_readers.discard(self)
        for _ in threads:
            tasks.put(None)
        for thread in threads:
            thread.join(timeout=10)

    # -- helpers -------------------------------------------------------------------------------
    def _batch(self) -> str:
        return meta(self.store().duck, "batch_no") or "0"

    def _cached(self, key: str, compute: Callable[[], T], *, lru: bool = False) -> T:
        """``compute()``, remembered until the store's batch number changes (``lru``: in a
        bounded cache of recent results, for searches)."""
        batch = self._batch()
        cache = self._lru if lru else self._cache
        with self._lock:
            hit = cache.get(key)
            if hit is not None and lru:
                self._lru.move_to_end(key)
        if hit is not None and hit[0] == batch:
            value: T = hit[1]
            return value
        value = compute()
        with self._lock:
            cache[key] = (batch, value)
            while len(self._lru) > LRU_SIZE:
                self._lru.popitem(last=False)
        return value

    # -- queries -------------------------------------------------------------------------------
    def search(
        self,
        text: str | None,
        speaker: str | None,
        speaker_id: str | None,
        outlet: str | None,
        kind: str | None,
        date_from: dt.date | None,
        date_to: dt.date | None,
        phrase: bool,
        limit: int,
        offset: int,
    ) -> models.QuotationPage:
        """One page of quotations (``limit + 1`` asked for, to know whether more exist)."""
        key = repr(
            (
                "search",
                text,
                speaker,
                speaker_id,
                outlet,
                kind,
                date_from,
                date_to,
                phrase,
                limit,
                offset,
            )
        )
        return self._cached(
            key,
            lambda: self._search(
                text, speaker, speaker_id, outlet, kind, date_from, date_to, phrase, limit, offset
            ),
            lru=True,
        )

    def _search(
        self,
        text: str | None,
        speaker: str | None,
        speaker_id: str | None,
        outlet: str | None,
        kind: str | None,
        date_from: dt.date | None,
        date_to: dt.date | None,
        phrase: bool,
        limit: int,
        offset: int,
    ) -> models.QuotationPage:
        store = self.store()
        want = offset + limit + 1
        if speaker_id is None:
            hits = store.search(
                text,
                speaker=speaker,
                date_from=date_from,
                date_to=date_to,
                outlet=outlet,
                kind=kind,
                limit=want,
                phrase=phrase,
            )
        else:
            filters = _SpeakerIdFilters(
                speaker_id,
                speaker=speaker,
                date_from=date_from,
                date_to=date_to,
                outlet=outlet,
                kind=kind,
            )
            hits = store_search.search(store.index, text, filters, want, phrase=phrase)
        page = hits[offset : offset + limit]
        return models.QuotationPage(
            items=[_hit(h) for h in page],
            limit=limit,
            offset=offset,
            has_more=len(hits) > offset + limit,
        )

    def quotation(self, quotation_id: str) -> models.Quotation:
        """One corpus-level quotation with its appearances."""
        try:
            q = self.store().quotation(quotation_id)
        except SaidwhatError as exc:
            raise NotFound(f"no quotation {quotation_id!r}") from exc
        return models.Quotation(**asdict(q))

    def speakers(self, name: str | None, limit: int, offset: int) -> models.SpeakerPage:
        """Speakers matching every word of ``name`` (all when empty), most quoted first."""
        rows = self.store().speakers(name or None, limit=offset + limit + 1)
        page = rows[offset : offset + limit]
        return models.SpeakerPage(
            items=[_speaker(s) for s in page],
            limit=limit,
            offset=offset,
            has_more=len(rows) > offset + limit,
        )

    def speaker(self, speaker_id: str) -> models.SpeakerDetail:
        """One speaker: aliases and counts, quotations per month, outlets quoting them."""
        con = self.store().index
        row = con.execute(
            "SELECT speaker_id, name, type, aliases, quote_count, quotation_count, article_count, "
            "first_seen, last_seen FROM speakers WHERE speaker_id = ?",
            [speaker_id],
        ).fetchone()
        if row is None:
            raise NotFound(f"no speaker {speaker_id!r}")
        speaker = models.Speaker(
            speaker_id=row[0],
            name=row[1],
            type=row[2],
            aliases=json.loads(row[3] or "[]"),
            quote_count=int(row[4] or 0),
            quotation_count=int(row[5] or 0),
            article_count=int(row[6] or 0),
            first_seen=dt.date.fromisoformat(row[7]) if row[7] else None,
            last_seen=dt.date.fromisoformat(row[8]) if row[8] else None,
        )
        months = con.execute(
            "SELECT substr(published, 1, 7) AS month, count(DISTINCT quotation_id) FROM mentions "
            "WHERE speaker_id = ? GROUP BY month ORDER BY month IS NULL, month",
            [speaker_id],
        ).fetchall()
        outlets = con.execute(
            "SELECT coalesce(outlet, '(unknown)'), count(DISTINCT quotation_id) AS n "
            "FROM mentions WHERE speaker_id = ? GROUP BY 1 ORDER BY n DESC, 1 LIMIT 50",
            [speaker_id],
        ).fetchall()
        return models.SpeakerDetail(
            speaker=speaker,
            per_month=[models.MonthCount(month=_month(m), count=int(c)) for m, c in months],
            outlets=[models.OutletCount(outlet=str(o), count=int(c)) for o, c in outlets],
        )

    def article(self, article_id: str, version: int | None) -> models.ArticleView:
        """One stored article with its quotations (nesting, split parts, cue and speaker
        offsets), its captions and its not-quotes."""
        store = self.store()
        try:
            art = store.article(article_id, version)
        except SaidwhatError as exc:
            raise NotFound(f"no article {article_id!r}") from exc
        extra = {
            r[0]: r[1:]
            for r in store.duck.execute(
                "SELECT quote_id, parent, continues, addressee, cue_spans, speaker_spans "
                "FROM mentions WHERE article_id = ? AND version = ?",
                [art.article_id, art.version],
            ).fetchall()
        }
        warnings = store.duck.execute(
            "SELECT warnings FROM articles WHERE article_id = ? AND version = ?",
            [art.article_id, art.version],
        ).fetchone()
        quotes = []
        for m in art.mentions:
            parent, continues, addressee, cue_spans, speaker_spans = extra.get(
                m.quote_id, (None, None, None, [], [])
            )
            quotes.append(
                models.ArticleQuote(
                    quote_id=m.quote_id,
                    quotation_id=m.quotation_id,
                    start=m.start,
                    end=m.end,
                    spans=m.spans,
                    text=m.text,
                    kind=m.kind,
                    speaker=m.speaker,
                    speaker_id=m.speaker_id,
                    cue=m.cue,
                    cue_spans=_spans(cue_spans),
                    speaker_spans=_spans(speaker_spans),
                    medium=m.medium,
                    addressee=addressee,
                    parent=parent,
                    continues=continues,
                    confidence=round(m.confidence, 3),
                    evidence=m.evidence,
                    reports=m.quotation_count,
                )
            )
        from saidwhat.text.layout import layout

        captions = [
            models.Caption(start=c.start, end=c.end, text=c.text, credit=c.credit)
            for c in layout(art.text).captions
        ]
        return models.ArticleView(
            article_id=art.article_id,
            version=art.version,
            versions=art.versions,
            published=art.published.isoformat() if art.published else None,
            outlet=art.outlet,
            url=art.url,
            title=art.title,
            author=art.author,
            text=art.text,
            body_start=art.body_start,
            quotes=quotes,
            captions=captions,
            not_quotes=[],
            warnings=list((warnings or [[]])[0] or []),
        )

    def outlets(self) -> list[models.OutletCount]:
        """Every outlet with its number of quotations, most first (cached per store batch)."""

        def compute() -> list[models.OutletCount]:
            rows = (
                self.store()
                .index.execute(
                    "SELECT outlet, count(*) AS n FROM mentions WHERE outlet IS NOT NULL "
                    "GROUP BY outlet ORDER BY n DESC, outlet LIMIT 500"
                )
                .fetchall()
            )
            return [models.OutletCount(outlet=str(o), count=int(n)) for o, n in rows]

        return self._cached("outlets", compute)

    def stats(self, top: int = 10) -> models.Stats:
        """The overview numbers (cached per store batch)."""
        return self._cached(f"stats:{top}", lambda: self._stats(top))

    def _stats(self, top: int) -> models.Stats:
        s = self.store().stats(top=top)
        per = [
            models.OutletMonthCount(outlet=r.label, month=str(r.month), count=r.count)
            for r in s.per_outlet_month
        ]
        months: dict[str, int] = {}
        outlets: dict[str, int] = {}
        for r in per:
            months[r.month] = months.get(r.month, 0) + r.count
            outlets[r.outlet] = outlets.get(r.outlet, 0) + r.count
        return models.Stats(
            articles=s.articles,
            mentions=s.mentions,
            quotations=s.quotations,
            speakers=s.speakers,
            unattributed_share=s.unattributed_share,
            errors=s.errors,
            per_outlet_month=per,
            per_month=[models.MonthCount(month=m, count=c) for m, c in sorted(months.items())],
            per_outlet=[
                models.OutletCount(outlet=o, count=c)
                for o, c in sorted(outlets.items(), key=lambda kv: (-kv[1], kv[0]))
            ],
            top_speakers=[_speaker(r) for r in s.top_speakers],
        )

    def articles(self) -> int:
        """Number of (latest) articles in the store."""
        row = self.store().duck.execute("SELECT count(*) FROM articles WHERE is_latest").fetchone()
        return int(row[0]) if row else 0


def article_view(article: Article) -> models.ArticleView:
    """The article page's data for an article extracted from pasted text."""
    return models.ArticleView(
        article_id=article.id,
        version=0,
        versions=0,
        published=article.published,
        outlet=article.outlet,
        url=article.url,
        title=article.title,
        author=article.author,
        text=article.text,
        body_start=article.body_start,
        quotes=[
            models.ArticleQuote(
                quote_id=q.id,
                quotation_id=None,
                start=q.start if q.spans else 0,
                end=q.end if q.spans else 0,
                spans=list(q.spans),
                text=q.text,
                kind=q.kind,
                speaker=q.speaker,
                speaker_id=q.speaker_id,
                cue=q.cue,
                cue_spans=list(q.cue_spans),
                speaker_spans=list(q.speaker_spans),
                medium=q.medium,
                addressee=q.addressee,
                parent=q.parent,
                continues=q.continues,
                confidence=round(q.confidence, 3),
                evidence=list(q.evidence),
                reports=0,
            )
            for q in article.quotes
        ],
        captions=[
            models.Caption(start=c.start, end=c.end, text=c.text, credit=c.credit)
            for c in article.captions
        ],
        not_quotes=[
            models.NotQuote(start=n.start, end=n.end, text=n.text, reason=n.reason)
            for n in article.not_quotes
        ],
        warnings=[w.code for w in article.warnings],
    )
