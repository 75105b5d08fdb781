"""Typed records that store queries return, and :class:`Results`, a list that turns into a
pandas DataFrame."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field, fields
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    import pandas as pd

T = TypeVar("T")


class Results(list[T], Generic[T]):
    """Query results: a list of typed records, with :meth:`to_frame` for a pandas DataFrame."""

    columns: tuple[str, ...] = ()

    def __init__(self, items: list[T] | None = None, columns: tuple[str, ...] = ()) -> None:
        super().__init__(items or [])
        self.columns = columns

    def to_frame(self) -> pd.DataFrame:
        """The results as a DataFrame, one column per record field."""
        import pandas as pd

        rows = [asdict(r) for r in self]  # type: ignore[call-overload]
        return pd.DataFrame(rows, columns=list(self.columns) or None)


def columns_of(cls: type) -> tuple[str, ...]:
    """The field names of a record class, in order."""
    return tuple(f.name for f in fields(cls))


@dataclass(slots=True)
class SearchHit:
    """One quotation found by a search, shown through its earliest matching appearance."""

    quotation_id: str
    text: str
    speaker: str | None
    speaker_id: str | None
    kind: str
    outlet: str | None
    published: dt.date | None
    article_id: str
    quote_id: str
    count: int
    mention_count: int
    score: float | None = None


@dataclass(slots=True)
class SpeakerRow:
    """One corpus-level speaker."""

    speaker_id: str
    name: str
    type: str
    aliases: list[str]
    quote_count: int
    quotation_count: int
    article_count: int
    first_seen: dt.date | None
    last_seen: dt.date | None


@dataclass(slots=True)
class Appearance:
    """One appearance of a quotation: an article (version) that reports it."""

    article_id: str
    version: int
    quote_id: str
    outlet: str | None
    published: dt.date | None
    story_id: str
    text: str


@dataclass(slots=True)
class QuotationRow:
    """One corpus-level quotation with every appearance."""

    quotation_id: str
    text: str
    kind: str
    speaker: str | None
    speaker_id: str | None
    first_published: dt.date | None
    first_article_id: str
    first_outlet: str | None
    outlets: list[str]
    mention_count: int
    count: int
    appearances: list[Appearance] = field(default_factory=list)


@dataclass(slots=True)
class MentionRow:
    """A quotation as stored in one article (offsets into the stored text)."""

    quote_id: str
    quotation_id: str
    start: int
    end: int
    spans: list[tuple[int, int]]
    text: str
    kind: str
    speaker: str | None
    speaker_id: str | None
    cue: str | None
    medium: str | None
    confidence: float
    evidence: list[str]
    quotation_count: int


@dataclass(slots=True)
class StoredArticle:
    """One stored article version with its quotations."""

    article_id: str
    version: int
    versions: int
    content_hash: str
    story_id: str
    published: dt.date | None
    outlet: str | None
    url: str | None
    title: str | None
    author: str | None
    text: str
    body_start: int
    source: str | None
    mentions: list[MentionRow]


@dataclass(slots=True)
class CountRow:
    """A labelled count (stats tables)."""

    label: str
    count: int
    month: str | None = None


@dataclass(slots=True)
class Stats:
    """Corpus statistics: totals, quotations per outlet and month, unattributed share, top
    speakers, errors by code."""

    articles: int
    article_versions: int
    mentions: int
    quotations: int
    speakers: int
    unattributed_share: float
    errors: int
    per_outlet_month: Results[CountRow]
    top_speakers: Results[SpeakerRow]
    errors_by_code: Results[CountRow]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly dict."""
        out = asdict(self)
        for key in ("per_outlet_month", "top_speakers", "errors_by_code"):
            out[key] = [asdict(r) for r in getattr(self, key)]
        return out


@dataclass(slots=True)
class ErrorRow:
    """One stored bad record."""

    source: str
    code: str
    message: str
    article_id: str | None
    run_id: str | None
    at: dt.datetime
