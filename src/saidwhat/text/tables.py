"""Read articles from tables: CSV files and Parquet files with a text column.

Which column holds what is given by :class:`Columns` (``saidwhat ingest --text-column body
--id-column doc_id ...``). A missing text column is an ``E107`` notice for the whole file; a row
without text an ``E003`` notice for that row. A row's id is its id column, else its URL, else
``<file name>:<row>``. Both readers stream: CSV row by row, Parquet batch by batch.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from saidwhat.errors import notice
from saidwhat.records import Notice, RawArticle
from saidwhat.text.layout import normalize_date
from saidwhat.text.reader import check_text

Item = RawArticle | Notice


@dataclass(slots=True)
class Columns:
    """Column names of a table input; ``None``: no such column."""

    text: str = "text"
    id: str | None = "id"
    title: str | None = "title"
    published: str | None = "published"
    url: str | None = "url"
    outlet: str | None = "outlet"
    author: str | None = "author"

    def wanted(self) -> list[str]:
        return [
            c
            for c in (
                self.text,
                self.id,
                self.title,
                self.published,
                self.url,
                self.outlet,
                self.author,
            )
            if c
        ]


def _value(row: Mapping[str, Any], column: str | None) -> str | None:
    if not column:
        return None
    value = row.get(column)
    if value is None or isinstance(value, bool):
        return None
    if hasattr(value, "isoformat"):
        value = value.isoformat()
    text = str(value).strip()
    return text or None


def row_article(row: Mapping[str, Any], cols: Columns, where: str, default_id: str) -> Item:
    """One table row as a :class:`RawArticle`, or ``E003`` when it has no text."""
    from saidwhat.store.identity import normalize_url

    url = _value(row, cols.url)
    rid = _value(row, cols.id) or (normalize_url(url) if url else None) or default_id
    text = row.get(cols.text)
    if not isinstance(text, str):
        what = "missing" if text is None else f"a {type(text).__name__}"
        return notice("E003", f"{where}: '{cols.text}' is {what}", rid)
    text, notices = check_text(text, rid)
    published = _value(row, cols.published)
    return RawArticle(
        id=rid,
        text=text,
        published=(normalize_date(published) or published) if published else None,
        outlet=_value(row, cols.outlet),
        url=url,
        title=_value(row, cols.title),
        author=_value(row, cols.author),
        origin=where,
        notices=notices,
    )


def read_csv(stream: IO[bytes], origin: str, cols: Columns) -> Iterator[Item]:
    """Rows of a CSV file with a header line (UTF-8, invalid bytes replaced)."""
    csv.field_size_limit(sys.maxsize)
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
    reader = csv.DictReader(text)
    header = reader.fieldnames or []
    if cols.text not in header:
        yield notice("E107", f"{origin}: no column {cols.text!r} (columns: {', '.join(header)})")
        return
    base = Path(origin).name.split(".")[0]
    for number, row in enumerate(reader, start=2):
        yield row_article(row, cols, f"{origin}:{number}", f"{base}:{number}")


def read_parquet(path: Path, cols: Columns) -> Iterator[Item]:
    """Rows of a Parquet file, read in batches of the wanted columns only."""
    import pyarrow.parquet as pq

    origin = str(path)
    try:
        pf = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid / OSError on broken files
        yield notice("E001", f"{origin}: {exc}"[:300])
        return
    names = pf.schema_arrow.names
    if cols.text not in names:
        yield notice("E107", f"{origin}: no column {cols.text!r} (columns: {', '.join(names)})")
        return
    base = path.name.split(".")[0]
    row_no = 0
    try:
        for batch in pf.iter_batches(
            batch_size=1000, columns=[c for c in cols.wanted() if c in names]
        ):
            for row in batch.to_pylist():
                row_no += 1
                yield row_article(row, cols, f"{origin}#{row_no}", f"{base}:{row_no}")
    except Exception as exc:
        yield notice("E001", f"{origin}#{row_no + 1}: {exc}"[:300])
