"""Input records of the Spark job: JSONL lines, Parquet rows and WARC files turned into *raw rows*.

Spark reads the bytes (any Hadoop-compatible URI, gzip/bzip2 decompressed by Hadoop); these
functions, which run in the executors' Python workers, turn them into rows of :data:`RAW` — one
per article, or one per record that could not be read (an error row with a code) — using the same
readers as ``saidwhat extract`` and ``saidwhat ingest``, so ids, metadata and notices are the
same. Nothing here imports PySpark: the functions take and yield ``pyarrow`` record batches (the
shape of ``DataFrame.mapInArrow``) or plain tuples (for the RDD that reads WARC files), and the
unit tests call them directly.

Ids: a JSONL record without ``id`` gets ``<file name>:<line>`` exactly as ``saidwhat extract``
gives it. Spark may split a large uncompressed file between tasks; then the job first counts the
lines of every split (:data:`LINE_KEY`) and passes the counts in, so line numbers stay those of
the file.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote

import pyarrow as pa

from saidwhat.errors import notice
from saidwhat.records import Notice, RawArticle
from saidwhat.store.identity import content_hash
from saidwhat.text.reader import _base_name, _line_text, _record
from saidwhat.text.tables import Columns, row_article

NOTICE = pa.struct(
    [
        pa.field("code", pa.string()),
        pa.field("message", pa.string()),
        pa.field("record_id", pa.string()),
        pa.field("offset", pa.int64()),
    ]
)

RAW = pa.schema(
    [
        pa.field("source", pa.string()),
        pa.field("source_file", pa.string()),
        pa.field("source_pos", pa.int64()),
        pa.field("article_id", pa.string()),
        pa.field("text", pa.string()),
        pa.field("content_hash", pa.string()),
        pa.field("published", pa.string()),
        pa.field("outlet", pa.string()),
        pa.field("url", pa.string()),
        pa.field("title", pa.string()),
        pa.field("author", pa.string()),
        pa.field("notices", pa.list_(NOTICE)),
        pa.field("error_code", pa.string()),
        pa.field("error_message", pa.string()),
    ]
)
"""One input record: an article (``error_code`` null) or a record that could not be read.
``source`` says where (``path:line``, ``path#row``, ``file.warc.gz@offset``); ``source_file`` and
``source_pos`` order the records of the input (the first of two records with one id wins)."""

LINE_KEY = tuple[str, int]
"""A split of a text file as Spark names it: ``(_metadata.file_path,
_metadata.file_block_start)``."""

JSONL_SUFFIXES = (".jsonl", ".jsonlines", ".ndjson", ".json")
PARQUET_SUFFIXES = (".parquet", ".pq")
WARC_SUFFIXES = (".warc", ".arc")
COMPRESSED = (".gz", ".bz2")
KINDS = ("jsonl", "parquet", "warc")


def kind_of(path: str) -> str | None:
    """``"jsonl"``, ``"parquet"`` or ``"warc"`` for a supported file name, else ``None``.

    JSONL may be gzip or bzip2 compressed (Hadoop decompresses both; bzip2 files even split),
    WARC gzip compressed; Parquet files carry their own compression.
    """
    name = PurePosixPath(unquote(path)).name.lower()
    if name.startswith((".", "_")):
        return None
    stem = name
    for comp in COMPRESSED:
        if stem.endswith(comp):
            stem = stem[: -len(comp)]
            break
    compressed = stem != name
    if stem.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if stem.endswith(WARC_SUFFIXES) and (not compressed or name.endswith(".gz")):
        return "warc"
    if stem.endswith(PARQUET_SUFFIXES) and not compressed:
        return "parquet"
    return None


def splittable(path: str) -> bool:
    """Whether Spark may split a text file between tasks (uncompressed or bzip2)."""
    return not PurePosixPath(unquote(path)).name.lower().endswith(".gz")


def display(uri: str) -> str:
    """A file URI as people write it: ``file:/data/a.jsonl`` -> ``/data/a.jsonl``; other
    schemes (``hdfs://``, ``s3a://``) are kept."""
    if uri.startswith("file:"):
        rest = uri[len("file:") :]
        if rest.startswith("//"):
            rest = rest[2:]
            rest = rest[rest.index("/") :] if "/" in rest else rest
        return unquote(rest)
    return uri


def _notices(items: Iterable[Notice]) -> list[dict[str, Any]]:
    return [
        {"code": n.code, "message": n.message, "record_id": n.record_id, "offset": n.offset}
        for n in items
    ]


def raw_row(item: RawArticle | Notice, source: str, source_file: str, pos: int) -> dict[str, Any]:
    """The :data:`RAW` row of one reader item.

    An article with empty text becomes an ``E105`` error row, as in ``saidwhat ingest``: there is
    nothing to extract or store.
    """
    base: dict[str, Any] = {name: None for name in RAW.names}
    base.update(source=source, source_file=source_file, source_pos=pos, notices=[])
    if isinstance(item, Notice):
        base.update(article_id=item.record_id, error_code=item.code, error_message=item.message)
        return base
    if not item.text.strip():
        err = notice("E105", source, item.id)
        base.update(article_id=item.id, error_code=err.code, error_message=err.message)
        return base
    base.update(
        article_id=item.id,
        text=item.text,
        content_hash=content_hash(item.text),
        published=item.published,
        outlet=item.outlet,
        url=item.url,
        title=item.title,
        author=item.author,
        notices=_notices(item.notices),
    )
    return base


def raw_article(row: Mapping[str, Any]) -> RawArticle:
    """A :data:`RAW` article row back as the :class:`RawArticle` the engine takes."""
    return RawArticle(
        id=str(row["article_id"]),
        text=str(row["text"]),
        published=row.get("published"),
        outlet=row.get("outlet"),
        url=row.get("url"),
        title=row.get("title"),
        author=row.get("author"),
        origin=row.get("source"),
        notices=[
            Notice(n["code"], n["message"], n.get("record_id"), n.get("offset"))
            for n in row.get("notices") or []
        ],
    )


def _batch(rows: list[dict[str, Any]]) -> pa.RecordBatch:
    return pa.RecordBatch.from_pylist(rows, schema=RAW)


# --- JSONL ---------------------------------------------------------------------------------------


def jsonl_line(
    value: bytes | None, origin: str, lineno: int, *, base: str | None = None
) -> RawArticle | Notice | None:
    """One JSONL line (bytes without its ``\\n``) as ``saidwhat extract`` reads it: an article,
    an ``E002``/``E003`` notice, or ``None`` for a blank line."""
    base = base if base is not None else _base_name(origin)
    line, notices = _line_text(value or b"", f"{base}:{lineno}", first=lineno == 1)
    if not line.strip():
        return None
    try:
        obj = json.loads(line)
    except ValueError as exc:
        return notice("E002", f"{origin}:{lineno}: {exc}")
    return _record(obj, f"{origin}:{lineno}", f"{base}:{lineno}", notices)


def jsonl_batches(
    batches: Iterable[pa.RecordBatch], lines_before: Mapping[LINE_KEY, int]
) -> Iterator[pa.RecordBatch]:
    """``mapInArrow`` over ``spark.read.text`` rows (``file_path``, ``block_start``, ``value``
    as binary): every line of one task, in file order, to :data:`RAW` rows.

    ``lines_before`` gives, for a split that does not start a file, how many lines the file has
    before it; a split at offset 0 needs none. A split missing from it (the job counts every
    split that may exist) numbers its lines ``<block>+<n>`` instead, so ids stay unique.
    """
    seen: dict[LINE_KEY, int] = {}
    names: dict[str, tuple[str, str]] = {}
    for batch in batches:
        paths = batch.column("file_path").to_pylist()
        blocks = batch.column("block_start").to_pylist()
        values = batch.column("value").to_pylist()
        out: list[dict[str, Any]] = []
        for path, block, value in zip(paths, blocks, values, strict=True):
            key = (str(path), int(block))
            index = seen.get(key, 0)
            seen[key] = index + 1
            if key[0] not in names:
                shown = display(key[0])
                names[key[0]] = (shown, _base_name(shown))
            origin, base = names[key[0]]
            before = 0 if key[1] == 0 else lines_before.get(key)
            if before is None:
                lineno, pos = index + 1, key[1] * 1_000_000 + index
                item = jsonl_line(value, f"{origin}@{key[1]}", lineno, base=f"{base}@{key[1]}")
            else:
                lineno = pos = before + index + 1
                item = jsonl_line(value, origin, lineno, base=base)
            if item is None:
                continue
            where = item.origin if isinstance(item, RawArticle) else f"{origin}:{lineno}"
            out.append(raw_row(item, where or origin, origin, pos))
        if out:
            yield _batch(out)


# --- Parquet -------------------------------------------------------------------------------------


def parquet_batches(batches: Iterable[pa.RecordBatch], cols: Columns) -> Iterator[pa.RecordBatch]:
    """``mapInArrow`` over Parquet rows (the wanted columns plus ``file_path`` and
    ``row_index``) to :data:`RAW` rows, as ``saidwhat ingest`` reads a Parquet file: the id
    column, else the URL, else ``<file name>:<row>``."""
    for batch in batches:
        out: list[dict[str, Any]] = []
        for row in batch.to_pylist():
            origin = display(str(row["file_path"]))
            row_no = int(row["row_index"]) + 1
            stem = PurePosixPath(origin).name.split(".")[0]
            item = row_article(row, cols, f"{origin}#{row_no}", f"{stem}:{row_no}")
            out.append(raw_row(item, f"{origin}#{row_no}", origin, row_no))
        if out:
            yield _batch(out)


# --- WARC ----------------------------------------------------------------------------------------


def warc_rows(files: Iterable[tuple[str, bytes]]) -> Iterator[tuple[Any, ...]]:
    """``mapPartitions`` over ``SparkContext.binaryFiles``: every HTML page of every WARC file
    as a :data:`RAW` tuple (pages that are not articles become ``E103``/``E104`` error rows, a
    truncated file ``E102`` after the records before the damage)."""
    from saidwhat.text.warc import read_warc

    for uri, content in files:
        origin = display(uri)
        for item in read_warc(io.BytesIO(content), origin):
            where = item.origin if isinstance(item, RawArticle) else None
            where = where or _where_of(item, origin)
            pos = _offset(where)
            row = raw_row(item, where, origin, pos)
            yield tuple(row[name] for name in RAW.names)


def _where_of(item: RawArticle | Notice, origin: str) -> str:
    """The ``file@offset`` a WARC notice names in its message, else the file."""
    if isinstance(item, Notice):
        found = re.search(re.escape(origin) + r"@\d+", item.message)
        if found:
            return found.group(0)
    return origin


def _offset(where: str) -> int:
    tail = where.rpartition("@")[2]
    return int(tail) if tail.isdigit() else 0
