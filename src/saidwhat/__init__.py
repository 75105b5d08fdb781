"""saidwhat: who said what in news articles.

``extract(text, **metadata)`` returns an :class:`Article` with every quotation, its kind, speaker
(resolved to a canonical name), cue, medium, offsets, confidence and evidence.
"""

from __future__ import annotations

from typing import Any

from saidwhat.records import Article, Caption, Entity, Notice, NotQuote, Quote, RawArticle

__version__ = "0.1.0"
__all__ = [
    "Article",
    "Caption",
    "Entity",
    "NotQuote",
    "Notice",
    "Quote",
    "RawArticle",
    "Store",
    "extract",
    "extract_many",
]


def extract(
    text: str, *, id: str = "article", model: str | None = None, **metadata: Any
) -> Article:
    """Extract the quotations of one article. ``metadata``: published, outlet, url, title,
    author."""
    from saidwhat.batch import get_engine
    from saidwhat.pipeline import DEFAULT_MODEL
    from saidwhat.text.reader import check_text

    clean, notices = check_text(text, id)
    raw = RawArticle(id=id, text=clean, notices=notices, **metadata)
    return get_engine(model or DEFAULT_MODEL).extract(raw)


def extract_many(records: Any, *, model: str | None = None, jobs: int = 1) -> Any:
    """Extract many :class:`RawArticle` records (or dicts with id/text/...), model loaded once."""
    from saidwhat.batch import extract_many as run
    from saidwhat.pipeline import DEFAULT_MODEL

    raws = (r if isinstance(r, RawArticle) else RawArticle(**r) for r in records)
    return run(raws, model=model or DEFAULT_MODEL, jobs=jobs)


def __getattr__(name: str) -> Any:
    """``saidwhat.Store`` (the corpus store), imported on first use: DuckDB loads only then."""
    if name == "Store":
        from saidwhat.store.api import Store

        return Store
    raise AttributeError(f"module 'saidwhat' has no attribute {name!r}")
