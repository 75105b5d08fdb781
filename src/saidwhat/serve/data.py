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
import json
import queue
import threading
import time
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
SEARCH_CACHE = 1024
"""Search results kept (per server process) until the store changes; ``serve --search-cache``."""
BATCH_CHECK_S = 1.0
"""How often (seconds, at most) the store's last committed batch is read to invalidate caches."""


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


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON (what the models' serialiser writes, without the validation)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def _hit_json(h: SearchHit) -> dict[str, Any]:
    """A search hit as the JSON of :class:`models.QuotationHit`."""
    return {
        "quotation_id": h.quotation_id,
        "text": h.text,
        "speaker": h.speaker,
        "speaker_id": h.speaker_id,
        "kind": h.kind,
        "outlet": h.outlet,
        "published": h.published.isoformat() if h.published is not None else None,
        "article_id": h.article_id,
        "quote_id": h.quote_id,
        "count": h.count,
        "mention_count": h.mention_count,
        "score": h.score,
    }


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

    def __init__(
        self, path: str | Path, workers: int = 8, search_cache: int = SEARCH_CACHE
    ) -> None:
        self.path = Path(path)
        self.search_cache = search_cache
        self._local = threading.local()
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[str, Any]] = {}
        self._lru: OrderedDict[str, tuple[str, Any]] = OrderedDict()
        self._batch_seen: tuple[float, str] = (-BATCH_CHECK_S, "")
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
        """The store's last committed batch, read at most every :data:`BATCH_CHECK_S` seconds
        (a DuckDB query costs more than a whole cached answer)."""
        now = time.monotonic()
        seen_at, batch = self._batch_seen
        if now - seen_at < BATCH_CHECK_S:
            return batch
        batch = meta(self.store().duck, "batch_no") or "0"
        self._batch_seen = (now, batch)
        return batch

    def _cached(self, key: str, compute: Callable[[], T], *, lru: bool = False) -> T:
        """``compute()``, remembered until the store's batch number changes (``lru``: in a
        bounded cache of recent results, for searches; none when ``search_cache`` is 0)."""
        if lru and self.search_cache <= 0:
            return compute()
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
            while len(self._lru) > self.search_cache:
                self._lru.popitem(last=False)
        return value

    # -- queries -------------------------------------------------------------------------------
    def search(
        self,
        text: str | None,
        filters: store_search.Filters,
        phrase: bool,
        limit: int,
        offset: int,
    ) -> bytes:
        """One page of quotations as the JSON of :class:`models.QuotationPage` (``limit + 1``
        asked for, to know whether more exist). Built without pydantic: validating and
        serialising a page of 20 through the models takes about 0.35 ms of CPU, six times
        building the JSON directly (tests check the body against the model)."""

        def compute() -> bytes:
            hits = store_search.search(
                self.store().index, text, filters, offset + limit + 1, phrase=phrase
            )
            page = {
                "items": [_hit_json(h) for h in hits[offset : offset + limit]],
                "limit": limit,
                "offset": offset,
                "has_more": len(hits) > offset + limit,
            }
            return dumps(page)

        key = repr(("search", text, filters, phrase, limit, offset))
        return self._cached(key, compute, lru=True)

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
        row = store_search.speaker(con, speaker_id)
        if row is None:
            raise NotFound(f"no speaker {speaker_id!r}")
        speaker = _speaker(row)
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
