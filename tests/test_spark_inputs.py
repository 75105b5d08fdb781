"""The Spark job's Python side without Spark: input parsing (JSONL lines, Parquet rows, WARC
files) and extraction into result rows, called directly as the executors call them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import io
import os
from pathlib import Path
from typing import Any

import pyarrow as pa

from saidwhat.errors import notice
from saidwhat.records import RawArticle
from saidwhat.scale import inputs, rows
from saidwhat.text.reader import read_path
from saidwhat.text.tables import Columns

FAKE = "saidwhat.ingest.fake:extract"


def _lines_batch(path: str, block: int, lines: list[bytes]) -> pa.RecordBatch:
    return pa.RecordBatch.from_pydict(
        {
            "file_path": [path] * len(lines),
            "block_start": [block] * len(lines),
            "value": lines,
        },
        schema=pa.schema(
            [("file_path", pa.string()), ("block_start", pa.int64()), ("value", pa.binary())]
        ),
    )


def _rows(batches: Any) -> list[dict[str, Any]]:
    return [r for b in batches for r in b.to_pylist()]


JSONL = [
    b'\xef\xbb\xbf{"id": "a1", "text": "\\u201cYes,\\u201d she said.", "published": "2024-05-02"}',
    b"",
    b"not json",
    b'{"text": "No id here, but \\u201cquotes,\\u201d said Ada Lane."}',
    b'{"id": "e", "text": "   "}',
    b'{"id": "n"}',
    b'{"id": "bad", "text": "caf\xe9 \\u201cok\\u201d"}',
]


def test_kind_of_and_display() -> None:
    assert inputs.kind_of("file:/d/a.jsonl.gz") == "jsonl"
    assert inputs.kind_of("s3a://b/x/a.ndjson.bz2") == "jsonl"
    assert inputs.kind_of("hdfs://nn/c/CC-MAIN-1.warc.gz") == "warc"
    assert inputs.kind_of("file:/d/p.parquet") == "parquet"
    assert inputs.kind_of("file:/d/p.parquet.gz") is None
    assert inputs.kind_of("file:/d/notes.txt") is None
    assert inputs.kind_of("file:/d/_SUCCESS") is None
    assert inputs.display("file:/data/a%20b.jsonl") == "/data/a b.jsonl"
    assert inputs.display("file:///data/a.jsonl") == "/data/a.jsonl"
    assert inputs.display("s3a://bucket/a.jsonl") == "s3a://bucket/a.jsonl"
    assert inputs.splittable("file:/a.jsonl") and not inputs.splittable("file:/a.jsonl.gz")


def test_jsonl_lines_read_as_extract_reads_them(tmp_path: Path) -> None:
    """Same ids, texts, metadata and notices as ``saidwhat extract`` (``read_path``) gives, and
    the records it cannot use become error rows with the same codes."""
    path = tmp_path / "feed.jsonl"
    path.write_bytes(b"\n".join(JSONL) + b"\n")
    out = _rows(inputs.jsonl_batches([_lines_batch(f"file:{path}", 0, JSONL)], {}))
    expected = list(read_path(path))
    arts = [r for r in out if not r["error_code"]]
    got = {r["article_id"]: r for r in arts}
    for item in expected:
        if isinstance(item, RawArticle) and item.text.strip():
            row = got[item.id]
            assert row["text"] == item.text
            assert row["published"] == item.published
            assert row["source"] == item.origin
            assert [n["code"] for n in row["notices"]] == [n.code for n in item.notices]
    assert "feed:4" in got  # no id: <file name>:<line>, as extract names it
    errors = {r["error_code"]: r for r in out if r["error_code"]}
    assert set(errors) == {"E002", "E003", "E105"}
    assert errors["E002"]["source"] == f"{path}:3"
    assert errors["E105"]["article_id"] == "e"
    assert [n["code"] for n in got["bad"]["notices"]] == ["W003"]


def test_jsonl_line_numbers_across_splits() -> None:
    """A file split between tasks keeps the file's line numbers (the job passes, per split, the
    number of lines before it)."""
    first = [b'{"text": "one"}', b'{"text": "two"}']
    second = [b"", b'{"text": "four"}']
    before = {("file:/d/f.jsonl", 100): 2}
    out = _rows(
        inputs.jsonl_batches(
            [
                _lines_batch("file:/d/f.jsonl", 100, second),
                _lines_batch("file:/d/f.jsonl", 0, first),
            ],
            before,
        )
    )
    assert [r["article_id"] for r in out] == ["f:4", "f:1", "f:2"]
    assert [r["source_pos"] for r in out] == [4, 1, 2]
    unknown = _rows(inputs.jsonl_batches([_lines_batch("file:/d/f.jsonl", 100, second)], {}))
    assert unknown[0]["article_id"] == "f@100:2"  # never a wrong line number


def test_parquet_rows_as_ingest_reads_them() -> None:
    batch = pa.RecordBatch.from_pylist(
        [
            {
                "body": "“Fine,” he said.",
                "doc": 7,
                "published": dt.date(2024, 1, 2),
                "url": None,
                "file_path": "file:/d/t.parquet",
                "row_index": 0,
            },
            {
                "body": None,
                "doc": 8,
                "published": None,
                "url": "HTTP://Ex.com/a#x",
                "file_path": "file:/d/t.parquet",
                "row_index": 1,
            },
            {
                "body": "Text.",
                "doc": None,
                "published": None,
                "url": "HTTP://Ex.com/b#x",
                "file_path": "file:/d/t.parquet",
                "row_index": 2,
            },
        ]
    )
    cols = Columns(text="body", id="doc")
    out = _rows(inputs.parquet_batches([batch], cols))
    assert out[0]["article_id"] == "7" and out[0]["published"] == "2024-01-02"
    assert out[0]["source"] == "/d/t.parquet#1"
    assert out[1]["error_code"] == "E003"
    assert out[2]["article_id"] == "http://ex.com/b"


def _warc(pages: list[tuple[str, str, bytes]]) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    for url, ctype, body in pages:
        headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), http_headers=headers
            )
        )
    return buf.getvalue()


def _page(title: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{body}"
        "</article></body></html>"
    ).encode()


PAGE_TEXT = [
    "The harbour board met on Tuesday to discuss the new ferry timetable for the winter.",
    "“We listened to every commuter who wrote to us,” said board chair Imogen Sallow.",
    "The new timetable adds two early crossings and removes the last late-night boat.",
]


def test_warc_pages() -> None:
    data = _warc(
        [
            ("https://news.example/ferry", "text/html; charset=utf-8", _page("Ferry", PAGE_TEXT)),
            ("https://news.example/logo.png", "image/png", b"\x89PNG...."),
        ]
    )
    out = [
        dict(zip(inputs.RAW.names, t, strict=True))
        for t in inputs.warc_rows([("file:/d/c.warc.gz", data)])
    ]
    assert len(out) == 2
    page, image = out
    assert page["article_id"] == "https://news.example/ferry"
    assert "Imogen Sallow" in page["text"]
    assert page["source"].startswith("/d/c.warc.gz@")
    assert image["error_code"] == "E103" and image["source"].startswith("/d/c.warc.gz@")


def _raw(rid: str, text: str, status: str = "keep", **extra: Any) -> dict[str, Any]:
    row = inputs.raw_row(RawArticle(id=rid, text=text, origin=f"f:{rid}"), f"f:{rid}", "f", 1)
    row.update(status=status, **extra)
    return row


SETTINGS = rows.Settings(
    model="", run_id="r1", ingested_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC), extractor=FAKE
)


def test_results_errors_duplicates_and_faults() -> None:
    text = "“We will see,” said Ada Lane on Monday. “Maybe,” Lane said."
    raw_rows = [
        _raw("a", text),
        _raw("a", text, status="duplicate"),
        _raw("a", text + " More.", status="conflict"),
        _raw("b", text),
        _raw("c", "Plain text."),
        {**inputs.raw_row(notice("E002", "f:9: bad"), "f:9", "f", 9), "status": None},
    ]
    settings = dataclasses.replace(SETTINGS, fault="raise:b")
    out = [r for chunk in rows.extract_rows(raw_rows, settings) for r in chunk]
    kinds = [(r["kind"], r["article_id"], r["error_code"]) for r in out]
    assert ("duplicate", "a", None) in kinds
    assert ("error", "a", "E106") in kinds
    assert ("error", "b", "E005") in kinds  # raised: an error row, the task goes on
    assert ("error", None, "E002") in kinds
    arts = {r["article_id"]: r for r in out if r["kind"] == "article"}
    assert set(arts) == {"a", "c"}
    a = arts["a"]
    assert a["story_id"] == a["content_hash"] and a["version"] == 1
    assert [m["speaker"] for m in a["mentions"]] == ["Ada Lane", "Ada Lane"]
    assert a["mentions"][0]["quotation_id"] == rows.quotation_id(
        "We will see,", a["mentions"][0]["speaker_id"]
    )
    assert len(a["speakers"]) == 1 and a["speakers"][0]["quote_count"] == 2
    # the rows fit the Arrow schema mapInArrow declares to Spark
    batches = list(rows.extract_batches([pa.RecordBatch.from_pylist(raw_rows[:1])], SETTINGS))
    assert batches[0].schema == rows.RESULT


def test_quotation_id_ignores_style_not_speaker() -> None:
    assert rows.quotation_id("“We will see,”", "S1") == rows.quotation_id("we WILL see", "S1")
    assert rows.quotation_id("We will see", "S1") != rows.quotation_id("We will see", "S2")


def test_gzip_jsonl_base_name(tmp_path: Path) -> None:
    path = tmp_path / "wire.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"text": "x y"}\n'))
    out = _rows(inputs.jsonl_batches([_lines_batch(f"file:{path}", 0, [b'{"text": "x y"}'])], {}))
    assert out[0]["article_id"] == "wire:1" == next(iter(read_path(path))).id


def test_article_rows_are_the_stores_rows() -> None:
    """The job's row builder gives exactly the rows of ``saidwhat.store.rows.prepare`` (which the
    store's ingest uses), only without the clustering fingerprints."""
    from saidwhat.ingest.fake import extract
    from saidwhat.store.rows import Identity, article_rows, prepare

    text = (
        "date 2024-03-01\n\n“We will see,” said Ada Lane. “Maybe,” Lane said.\n\n"
        "“No,” said a spokesman."
    )
    article = extract([RawArticle(id="x", text=text, outlet="Post")])[0]
    ident = Identity("x", 1, "h", "src")
    mine, theirs = article_rows(article, ident), prepare(article, ident)
    assert mine.article == theirs.article
    assert mine.mentions == theirs.mentions and len(mine.mentions) >= 2
    assert mine.speakers == theirs.speakers
    assert mine.speaker_refs == theirs.speaker_refs
    assert not mine.prints and theirs.prints


def test_local_defaults_only_for_local_masters() -> None:
    from saidwhat.scale import spark

    assert spark._local_cores("local") == 1
    assert spark._local_cores("local[2]") == spark._local_cores("local[2,3]") == 2
    assert spark._local_cores("local[*]") == (os.cpu_count() or 1)
    for master in ("yarn", "spark://host:7077", "local-cluster[2,1,1024]", "k8s://https://x"):
        assert spark._local_cores(master) is None, master
    defaults = spark.local_defaults(2)
    assert defaults["spark.sql.shuffle.partitions"] == "4"
    assert defaults["spark.ui.enabled"] == "false"
    # JVM options go to defaultJavaOptions, so a user's extraJavaOptions come after and win
    assert "spark.driver.extraJavaOptions" not in defaults
    assert "-XX:TieredStopAtLevel=1" in defaults["spark.driver.defaultJavaOptions"]
    assert "-XX:+UseSerialGC" in defaults["spark.driver.defaultJavaOptions"]
    # a collector of the user's replaces ours: the JVM refuses to start with two
    mine = spark.local_defaults(2, {"spark.driver.extraJavaOptions": "-Xss4m -XX:+UseG1GC"})
    assert mine["spark.driver.defaultJavaOptions"] == "-XX:TieredStopAtLevel=1"
