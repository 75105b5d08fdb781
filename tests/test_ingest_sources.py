"""Input formats and bad records of ``saidwhat ingest``: every reader, every coded error.

The fixtures are fictional articles written into ``tmp_path`` by each test.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard

from saidwhat.ingest.sources import Reading, kind_of, walk
from saidwhat.ingest.synth import as_html, as_txt, write_warc
from saidwhat.records import Notice, RawArticle
from saidwhat.text.html import read_html
from saidwhat.text.tables import Columns

ARTS = [
    {
        "id": f"wire-{i}",
        "url": f"https://news.example/story/{i}",
        "published": f"2024-03-{i + 10:02d}",
        "outlet": "The Fenwick Herald",
        "title": f"Ferry schedule changes, part {i}",
        "text": (
            f"The ferry board changed the timetable for route {i} on Tuesday.\n\n"
            f"“We heard every complaint about the early crossing,” said Ilvana Corsetti. "
            f"“Route {i} will run later from next month,” Corsetti said."
        ),
    }
    for i in range(3)
]


def read_all(path: Path, columns: Columns | None = None) -> list[RawArticle | Notice]:
    found = walk([path])
    assert not found.notices
    return [item for f in found.files for item in Reading(f, columns)]


def articles(items: list[RawArticle | Notice]) -> list[RawArticle]:
    return [i for i in items if isinstance(i, RawArticle)]


def codes(items: list[RawArticle | Notice]) -> list[str]:
    return [i.code for i in items if isinstance(i, Notice)]


def jsonl(records: list[dict[str, object]]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.txt", ("text", None)),
        ("a.jsonl", ("jsonl", None)),
        ("a.jsonl.gz", ("jsonl", ".gz")),
        ("a.jsonl.bz2", ("jsonl", ".bz2")),
        ("a.jsonl.zst", ("jsonl", ".zst")),
        ("a.html", ("html", None)),
        ("a.warc.gz", ("warc", ".gz")),
        ("a.warc", ("warc", None)),
        ("a.csv", ("csv", None)),
        ("a.parquet", ("parquet", None)),
        ("a.png", None),
        ("a.warc.bz2", None),
    ],
)
def test_kind_of(name: str, expected: tuple[str, str | None] | None) -> None:
    assert kind_of(Path(name)) == expected


def test_txt_with_header(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "ferry.txt").write_text(as_txt(ARTS[0]), encoding="utf-8")
    [art] = articles(read_all(tmp_path))
    assert art.id == "sub/ferry"
    assert art.text.startswith("date 2024-03-10\noutlet: The Fenwick Herald")


@pytest.mark.parametrize(
    ("suffix", "pack"),
    [
        ("jsonl", lambda b: b),
        ("jsonl.gz", gzip.compress),
        ("jsonl.bz2", bz2.compress),
        ("jsonl.zst", lambda b: zstandard.ZstdCompressor().compress(b)),
    ],
)
def test_jsonl_compressed(tmp_path: Path, suffix: str, pack: object) -> None:
    path = tmp_path / f"dump.{suffix}"
    path.write_bytes(pack(jsonl(ARTS)))  # type: ignore[operator]
    arts = articles(read_all(path))
    assert [a.id for a in arts] == ["wire-0", "wire-1", "wire-2"]
    assert arts[1].published == "2024-03-11" and arts[1].outlet == "The Fenwick Herald"
    assert arts[0].origin == f"{path}:1"


def test_jsonl_without_id_uses_url(tmp_path: Path) -> None:
    rec = {k: v for k, v in ARTS[0].items() if k != "id"}
    path = tmp_path / "noid.jsonl"
    path.write_bytes(jsonl([rec, {"text": "No id, no URL. “Fine,” said Ada Lorn."}]))
    arts = articles(read_all(path))
    assert arts[0].id == "https://news.example/story/0"
    assert arts[1].id == "noid:2"


def test_html_page(tmp_path: Path) -> None:
    page = as_html(ARTS[1]).replace(
        "</article>", "<blockquote>Every crossing counts for the island.</blockquote></article>"
    )
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    [art] = articles(read_all(tmp_path))
    assert art.id == "https://news.example/story/1"
    assert art.title == "Ferry schedule changes, part 1"
    assert art.outlet == "The Fenwick Herald"
    assert art.published == "2024-03-11"
    assert art.author == "Staff Reporter"
    assert "Home" not in art.text and "rights reserved" not in art.text
    paragraphs = art.text.split("\n\n")
    assert paragraphs[0].startswith("The ferry board changed the timetable")
    assert "“Every crossing counts for the island.”" in paragraphs
    assert "Ferry schedule changes" not in paragraphs[0]


def test_html_without_text_is_e104() -> None:
    result = read_html(b"<html><body><nav>Home</nav></body></html>", "empty.html")
    assert isinstance(result, Notice) and result.code == "E104"
    result = read_html(b"\x89PNG\r\n\x1a\n\x00\x00", "image.html")
    assert isinstance(result, Notice) and result.code == "E104"


def test_warc(tmp_path: Path) -> None:
    pages = [(a["url"], as_html(a).encode(), "text/html; charset=utf-8") for a in ARTS]
    pages.insert(
        1, ("https://news.example/logo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png")
    )
    pages.append(("https://news.example/api", b'{"ok": true}', "application/json"))
    path = write_warc(tmp_path / "crawl.warc.gz", pages)
    items = read_all(path)
    assert [a.id for a in articles(items)] == [a["url"] for a in ARTS]
    assert codes(items) == ["E103", "E103"]
    assert all("@" in (a.origin or "") for a in articles(items))


def test_warc_uncompressed_and_http_error(tmp_path: Path) -> None:
    page = [(ARTS[0]["url"], as_html(ARTS[0]).encode(), "text/html")]
    assert len(articles(read_all(write_warc(tmp_path / "a.warc", page, compress=False)))) == 1
    missing = read_all(write_warc(tmp_path / "b.warc.gz", page, status=404))
    assert codes(missing) == ["E103"]


def test_truncated_warc_keeps_earlier_records(tmp_path: Path) -> None:
    pages = [(a["url"], as_html(a).encode(), "text/html") for a in ARTS]
    path = write_warc(tmp_path / "cut.warc.gz", pages)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 300])
    items = read_all(path)
    assert len(articles(items)) == 2
    assert codes(items) == ["E102"]


def test_corrupt_and_truncated_gzip(tmp_path: Path) -> None:
    many = [
        {**ARTS[0], "id": f"n{i}", "text": ARTS[0]["text"] + f" Note {i}. " + "x" * (i * 37)}
        for i in range(400)
    ]
    data = gzip.compress(jsonl(many))
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(data[: len(data) // 2])
    items = read_all(cut)
    assert codes(items) == ["E101"] and 0 < len(articles(items)) < 400
    bad = tmp_path / "bad.jsonl.gz"
    bad.write_bytes(data[:2000] + bytes(255 - b for b in data[2000:4000]) + data[4000:])
    items = read_all(bad)
    assert codes(items)[-1] == "E101"
    garbage = tmp_path / "garbage.jsonl.gz"
    garbage.write_bytes(b"this is not gzip at all")
    assert codes(read_all(garbage)) == ["E101"]


def test_json_errors_and_missing_text(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(jsonl([ARTS[0]]) + b"{not json\n" + jsonl([{"id": "t", "text": 5}, ARTS[1]]))
    items = read_all(path)
    assert codes(items) == ["E002", "E003"]
    assert [a.id for a in articles(items)] == ["wire-0", "wire-1"]


def test_csv_columns(tmp_path: Path) -> None:
    path = tmp_path / "table.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["doc", "body", "day", "paper", "headline"])
        for a in ARTS:
            w.writerow([a["id"], a["text"], a["published"], a["outlet"], a["title"]])
        w.writerow(["blank", "", "2024-01-01", "x", "y"])
    cols = Columns(text="body", id="doc", published="day", outlet="paper", title="headline")
    arts = articles(read_all(path, cols))
    assert [a.id for a in arts] == ["wire-0", "wire-1", "wire-2", "blank"]
    assert arts[2].published == "2024-03-12" and arts[2].title == "Ferry schedule changes, part 2"
    assert arts[3].text == ""
    assert codes(read_all(path)) == ["E107"]  # default column 'text' is not there


def test_parquet(tmp_path: Path) -> None:
    path = tmp_path / "table.parquet"
    pq.write_table(pa.Table.from_pylist(ARTS), path)
    arts = articles(read_all(path))
    assert [a.id for a in arts] == ["wire-0", "wire-1", "wire-2"]
    assert arts[0].url == "https://news.example/story/0"
    assert codes(read_all(path, Columns(text="body"))) == ["E107"]
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1 not really")
    assert codes(read_all(broken)) == ["E001"]


def test_walk_skips_hidden_and_unsupported(tmp_path: Path) -> None:
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "a.txt").write_text("x")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    (tmp_path / "b.txt").write_text("text")
    found = walk([tmp_path, tmp_path / "b.txt", tmp_path / "missing"])
    assert [f.rel for f in found.files] == ["b.txt"]
    assert found.unsupported == 1
    assert [n.code for n in found.notices] == ["E001"]


def test_position_tracks_progress(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    path.write_bytes(jsonl([{**ARTS[0], "id": f"p{i}"} for i in range(2000)]))
    [src] = walk([path]).files
    reading = Reading(src)
    it = iter(reading)
    next(it)
    assert 0 < reading.position() <= src.size
    assert sum(1 for _ in it) == 1999
