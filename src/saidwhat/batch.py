"""Many articles: the model is loaded once per process, and ``jobs > 1`` spreads batches of articles
over worker processes that return plain records (never spaCy Docs), in input order."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Iterator
from functools import cache
from itertools import islice

from saidwhat.pipeline import DEFAULT_MODEL, Engine
from saidwhat.records import Article, RawArticle

BATCH = 16


@cache
def get_engine(model: str = DEFAULT_MODEL) -> Engine:
    """The process's engine for ``model`` (loaded on first use)."""
    return Engine(model)


def _batches(raws: Iterable[RawArticle], size: int) -> Iterator[list[RawArticle]]:
    it = iter(raws)
    while batch := list(islice(it, size)):
        yield batch


def _work(args: tuple[str, list[RawArticle]]) -> list[Article]:
    model, batch = args
    return list(get_engine(model).extract_many(batch))


def extract_many(
    raws: Iterable[RawArticle], model: str = DEFAULT_MODEL, jobs: int = 1, batch_size: int = BATCH
) -> Iterator[Article]:
    """Extract every article of ``raws`` (streamed, order kept)."""
    if jobs <= 1:
        yield from get_engine(model).extract_many(raws, batch_size=batch_size)
        return
    ctx = multiprocessing.get_context("spawn")
    work = ((model, b) for b in _batches(raws, batch_size))
    with ctx.Pool(jobs) as pool:
        for articles in pool.imap(_work, work, chunksize=1):
            yield from articles
