"""Many articles: the model is loaded once per process, and ``jobs > 1`` spreads batches of articles
over worker processes that return plain records (never spaCy Docs), in input order."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Iterator
from functools import cache
from itertools import islice

from saidwhat.pipeline import DEFAULT_MODEL, SCOPES, Engine
from saidwhat.records import Article, RawArticle

BATCH = 16


@cache
def get_engine(model: str = DEFAULT_MODEL, scope: str = SCOPES[0]) -> Engine:
    """The process's engine for ``model`` and ``scope`` (loaded on first use)."""
    return Engine(model, scope=scope)


def _batches(raws: Iterable[RawArticle], size: int) -> Iterator[list[RawArticle]]:
    it = iter(raws)
    while batch := list(islice(it, size)):
        yield batch


def _work(args: tuple[str, str, list[RawArticle]]) -> list[Article]:
    model, scope, batch = args
    return list(get_engine(model, scope).extract_many(batch))


def extract_many(
    raws: Iterable[RawArticle],
    model: str = DEFAULT_MODEL,
    jobs: int = 1,
    batch_size: int = BATCH,
    scope: str = SCOPES[0],
) -> Iterator[Article]:
    """Extract every article of ``raws`` (streamed, order kept); ``scope`` as in
    :data:`saidwhat.pipeline.SCOPES`."""
    if jobs <= 1:
        yield from get_engine(model, scope).extract_many(raws, batch_size=batch_size)
        return
    ctx = multiprocessing.get_context("spawn")
    work = ((model, scope, b) for b in _batches(raws, batch_size))
    with ctx.Pool(jobs) as pool:
        for articles in pool.imap(_work, work, chunksize=1):
            yield from articles
