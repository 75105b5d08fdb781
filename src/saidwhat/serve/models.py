"""The HTTP API's response and request bodies (pydantic models, so they are in the OpenAPI schema).

Dates are ISO ``YYYY-MM-DD`` strings or ``null``; offsets are Python ``str`` indices into the
article text, half-open ``[start, end)``, as everywhere in saidwhat.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Kind = Literal["direct", "partial", "indirect", "nested"]
Span = tuple[int, int]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class QuotationHit(_Model):
    """One quotation found by a search, shown through its earliest matching appearance."""

    quotation_id: str
    text: str
    speaker: str | None
    speaker_id: str | None
    kind: str
    outlet: str | None
    published: dt.date | None
    article_id: str = Field(description="the article of the appearance shown")
    quote_id: str = Field(description="the quote's id within that article (Q1, …)")
    count: int = Field(description="independent reports (distinct stories)")
    mention_count: int = Field(description="articles it appeared in, copies included")
    score: float | None = Field(None, description="relevance (higher is better); null: no text")


class QuotationPage(_Model):
    """A page of search results."""

    items: list[QuotationHit]
    limit: int
    offset: int
    has_more: bool = Field(description="whether a next page exists")


class Appearance(_Model):
    """One article (version) that reports a quotation."""

    article_id: str
    version: int
    quote_id: str
    outlet: str | None
    published: dt.date | None
    story_id: str
    text: str


class Quotation(_Model):
    """One corpus-level quotation with every appearance, earliest first."""

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
    appearances: list[Appearance]


class Speaker(_Model):
    """One corpus-level speaker."""

    speaker_id: str
    name: str
    type: str
    aliases: list[str]
    quote_count: int = Field(description="mentions attributed to the speaker")
    quotation_count: int = Field(description="distinct quotations")
    article_count: int
    first_seen: dt.date | None
    last_seen: dt.date | None


class SpeakerPage(_Model):
    """A page of speakers, most quoted first."""

    items: list[Speaker]
    limit: int
    offset: int
    has_more: bool


class MonthCount(_Model):
    """A count for one month (``YYYY-MM``, or ``(undated)``)."""

    month: str
    count: int


class OutletCount(_Model):
    """A count for one outlet (``(unknown)`` when the article had none)."""

    outlet: str
    count: int


class OutletMonthCount(_Model):
    """Quotations of one outlet in one month."""

    outlet: str
    month: str
    count: int


class SpeakerDetail(_Model):
    """One speaker: aliases and counts, quotations per month, the outlets that quote them."""

    speaker: Speaker
    per_month: list[MonthCount]
    outlets: list[OutletCount]


class ArticleQuote(_Model):
    """A quotation as found in one article (offsets into the article's text)."""

    quote_id: str
    quotation_id: str | None = Field(description="corpus-level quotation; null for 'Try it'")
    start: int
    end: int
    spans: list[Span]
    text: str
    kind: str
    speaker: str | None
    speaker_id: str | None = Field(
        description="corpus-level speaker id (stored articles) or entity id (extracted text)"
    )
    cue: str | None
    cue_spans: list[Span]
    speaker_spans: list[Span]
    medium: str | None
    addressee: str | None
    parent: str | None = Field(description="quote_id of the quotation around a nested one")
    continues: str | None = Field(description="quote_id of the first part of a split utterance")
    confidence: float
    evidence: list[str]
    reports: int = Field(description="independent reports of this quotation in the store")


class Caption(_Model):
    """A photo caption (never body text); ``credit`` is the photographer or agency."""

    start: int
    end: int
    text: str
    credit: str | None


class NotQuote(_Model):
    """A quoted string that is not a quotation (a title, a nickname, a scare quote)."""

    start: int
    end: int
    text: str
    reason: str


class ArticleView(_Model):
    """One article with its quotations, captions and speakers: everything the article page
    shows. ``version``/``versions`` are 0 for pasted text."""

    article_id: str
    version: int
    versions: int
    published: str | None
    outlet: str | None
    url: str | None
    title: str | None
    author: str | None
    text: str
    body_start: int
    quotes: list[ArticleQuote]
    captions: list[Caption]
    not_quotes: list[NotQuote]
    warnings: list[str]


class Stats(_Model):
    """Corpus overview: totals, quotations per outlet and month, unattributed share, top
    speakers."""

    articles: int
    mentions: int
    quotations: int
    speakers: int
    unattributed_share: float = Field(description="share of mentions without a speaker, 0..1")
    errors: int
    per_outlet_month: list[OutletMonthCount]
    per_month: list[MonthCount]
    per_outlet: list[OutletCount]
    top_speakers: list[Speaker]


class Health(_Model):
    """Whether the server can read its store."""

    status: Literal["ok"]
    store: str
    articles: int


class ExtractRequest(_Model):
    """Text to run the engine on ("Try it"). Metadata is optional."""

    text: str = Field(min_length=1, description="the article text (plain UTF-8)")
    published: str | None = Field(None, max_length=40, description="publication date, ISO")
    outlet: str | None = Field(None, max_length=200)
    title: str | None = Field(None, max_length=500)

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("text is empty")
        return value


class ErrorBody(_Model):
    """An error: a code and a message, never a stack trace."""

    code: str
    message: str


class ErrorResponse(_Model):
    """The body of every 4xx/5xx answer other than FastAPI's 422 validation errors."""

    error: ErrorBody
