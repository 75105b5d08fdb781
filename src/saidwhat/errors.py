"""Coded warnings and errors, so users can search for them (spaCy's ``W001`` / ``E001`` style).

Warnings (``W``) are attached to the article they concern and never stop a batch. Errors (``E``)
mean a record could not be processed at all; in a batch they are reported and the other records
still go
on.
"""

from __future__ import annotations

from saidwhat.records import Notice

CODES: dict[str, str] = {
    "W001": "unbalanced quote mark skipped",
    "W002": "empty text: nothing to extract",
    "W003": "invalid UTF-8 replaced",
    "W004": "text looks binary; control characters dropped",
    "W005": "very long article processed in chunks",
    "W006": "too many quote marks; quotation pairing capped",
    "W007": "text only of quote marks or punctuation",
    "W008": "metadata header value not understood",
    "E001": "input could not be read",
    "E002": "JSONL line is not valid JSON",
    "E003": "record has no usable text field",
    "E004": "spaCy pipeline not installed",
    "E005": "record failed during extraction",
    "E006": "unknown input format",
    "E007": "unknown extraction scope",
    # store and ingest (saidwhat.store, saidwhat.ingest): codes from 101 on
    "E101": "compressed input is corrupt or truncated",
    "E102": "WARC file is truncated or malformed",
    "E103": "WARC response is not an HTML page",
    "E104": "no article text found in the HTML page",
    "E105": "empty text: article not stored",
    "E106": "same id with a different text in one ingest run",
    "E107": "table input has no such column",
    "E108": "store schema version not supported",
    "E109": "store is in use by another process",
    "E110": "not a saidwhat export",
    "E111": "record could not be stored",
    "W101": "search index is behind the store",
    # scale-out on Spark (saidwhat.scale): codes from 201 on
    "E201": "PySpark or Java is not available",
    "E202": "Spark output folder is not a saidwhat output",
    "E203": "Spark job failed",
}


class SaidwhatError(Exception):
    """An error with a code from :data:`CODES`."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def notice(
    code: str, detail: str = "", record_id: str | None = None, offset: int | None = None
) -> Notice:
    """Build a :class:`Notice` whose message starts with the code's standard text."""
    base = CODES[code]
    return Notice(code, f"{base}: {detail}" if detail else base, record_id, offset)
