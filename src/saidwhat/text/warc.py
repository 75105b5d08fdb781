"""Read the HTML pages of a web archive (``.warc`` / ``.warc.gz``, WARC 1.0/1.1) as articles.

Only ``response`` (and ``resource``) records are read; requests, metadata, warcinfo and revisit
records are skipped. A response that is not a successful HTML page yields an ``E103`` notice
(image, PDF, JSON, HTTP error); a page without article text ``E104``. A truncated or corrupt file
yields ``E102`` with the offset where reading stopped; the records before it are kept. Each
article's origin is ``file.warc.gz@offset`` (the record's byte offset in the file).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import IO

from saidwhat.errors import notice
from saidwhat.records import Notice, RawArticle
from saidwhat.text.html import looks_like_html, read_html

_READ = ("response", "resource")


def read_warc(stream: IO[bytes], origin: str) -> Iterator[RawArticle | Notice]:
    """Every HTML page of the WARC stream (plain or gzip per record), in file order."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    records = ArchiveIterator(stream, no_record_parse=False, arc2warc=True)
    offset = 0
    try:
        for record in records:
            if record.rec_type not in _READ:
                offset = records.get_record_offset()
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            kind, status = _content_type(record)
            payload = record.content_stream().read()  # read before asking for the offset
            offset = records.get_record_offset()
            where = f"{origin}@{offset}"
            missing = getattr(record.raw_stream, "limit", 0)
            if missing:  # the file ended inside this record
                yield notice("E102", f"{where}: record cut short ({missing} bytes missing)", url)
                return
            if status is not None and not 200 <= status < 300:
                yield notice("E103", f"{where}: HTTP {status}", url)
                continue
            if not _is_html(kind, payload):
                yield notice("E103", f"{where}: {kind or 'unknown content type'}", url)
                continue
            yield read_html(payload, where, url=url, default_id=url)
    except (ArchiveLoadFailed, EOFError, OSError, zlib.error, ValueError) as exc:
        message = " ".join(str(exc).split())[:200] or type(exc).__name__
        yield notice("E102", f"{origin}@{offset}: {message}")


def _content_type(record: object) -> tuple[str | None, int | None]:
    """The payload's content type and the HTTP status (``None`` for a resource record)."""
    http = getattr(record, "http_headers", None)
    if http is not None:
        kind = http.get_header("Content-Type")
        code = http.get_statuscode()
        status = int(code) if code and str(code).isdigit() else None
        return kind, status
    rec = getattr(record, "rec_headers", None)
    return (rec.get_header("Content-Type") if rec is not None else None), None


def _is_html(kind: str | None, payload: bytes) -> bool:
    if kind:
        base = kind.split(";")[0].strip().lower()
        return base in ("text/html", "application/xhtml+xml") and looks_like_html(payload)
    return looks_like_html(payload)
