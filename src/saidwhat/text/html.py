"""Read one HTML page as an article: main text, title, author, URL and publication date.

trafilatura finds the main text (boilerplate, navigation and comments dropped) and the metadata;
its date extraction (htmldate) looks at meta tags, structured data and the page itself. The text
is rebuilt from trafilatura's element tree so the engine gets one paragraph per block, separated
by blank lines. ``<blockquote>`` blocks are kept as paragraphs; one that is not already in quote
marks is put in “curly quotes”, so the engine sees it as the quotation it is on the page. A
heading equal to the title is left out (the title is metadata).
"""

from __future__ import annotations

import logging
from typing import Any

from saidwhat.errors import notice
from saidwhat.records import Notice, RawArticle
from saidwhat.text.layout import normalize_date
from saidwhat.text.reader import check_text

_OPENERS = "\"'“‘«„‚‹"
_BLOCKS = ("p", "head", "quote", "list", "item", "table", "code", "div")
_HTML_HINTS = (b"<html", b"<!doctype html", b"<body", b"<p", b"<div", b"<article", b"<head")

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)


def looks_like_html(data: bytes) -> bool:
    """Whether the first bytes look like an HTML document (not an image, PDF or JSON)."""
    head = data[:4096].lstrip().lower()
    return b"\x00" not in head[:1024] and any(h in head for h in _HTML_HINTS)


def _block_text(el: Any) -> str:
    return " ".join("".join(el.itertext()).split())


def _paragraphs(body: Any, title: str | None) -> list[str]:
    """One string per block of trafilatura's body tree; blockquotes quoted."""
    out: list[str] = []
    for el in body:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "list":
            out.extend(t for item in el if (t := _block_text(item)))
            continue
        text = _block_text(el)
        if not text:
            continue
        if tag == "head" and title and text.casefold() == title.strip().casefold():
            continue
        if tag == "quote" and text[0] not in _OPENERS:
            text = f"“{text}”"
        out.append(text)
    return out


def read_html(
    data: bytes, origin: str, *, url: str | None = None, default_id: str | None = None
) -> RawArticle | Notice:
    """One page as a :class:`RawArticle` (id: its URL, else ``default_id``), or a coded notice:
    ``E104`` when no article text can be found."""
    import trafilatura

    rid = default_id or url or origin
    if not looks_like_html(data):
        return notice("E104", f"{origin}: not an HTML document", rid)
    try:
        doc = trafilatura.bare_extraction(
            data,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            output_format="python",
            date_extraction_params={"extensive_search": True, "original_date": True},
        )
    except Exception as exc:  # trafilatura raises many kinds on broken markup
        return notice("E104", f"{origin}: {type(exc).__name__}: {exc}"[:300], rid)
    body = getattr(doc, "body", None)
    if body is None:
        return notice("E104", f"{origin}: no main text", rid)
    title = _clean(getattr(doc, "title", None))
    paragraphs = _paragraphs(body, title)
    if not paragraphs:
        return notice("E104", f"{origin}: no main text", rid)
    page_url = _clean(getattr(doc, "url", None)) or url
    from saidwhat.store.identity import normalize_url

    article_id = normalize_url(page_url) if page_url else (default_id or origin)
    text, notices = check_text("\n\n".join(paragraphs), article_id)
    published = _clean(getattr(doc, "date", None))
    return RawArticle(
        id=article_id,
        text=text,
        published=normalize_date(published) or published if published else None,
        outlet=_clean(getattr(doc, "sitename", None)) or _clean(getattr(doc, "hostname", None)),
        url=page_url,
        title=title,
        author=_clean(getattr(doc, "author", None)),
        origin=origin,
        notices=notices,
    )


def _clean(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None
