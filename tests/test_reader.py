"""Tests for saidwhat.text.reader: decoding, text files, JSONL streams, paths and stdin."""

from __future__ import annotations

import bz2
import gzip
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from saidwhat.errors import SaidwhatError
from saidwhat.records import Notice, RawArticle
from saidwhat.text.reader import (
    check_text,
    decode_bytes,
    read_jsonl,
    read_path,
    read_stdin,
    read_text_file,
)


def codes(notices: list[Notice]) -> list[str]:
    return [n.code for n in notices]


def articles(items: list[RawArticle | Notice]) -> list[RawArticle]:
    return [x for x in items if isinstance(x, RawArticle)]


def errors(items: list[RawArticle | Notice]) -> list[Notice]:
    return [x for x in items if isinstance(x, Notice)]


def jsonl(*records: object) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


# --- decode_bytes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "text", "expected"),
    [
        pytest.param(b"The mayor spoke.", "The mayor spoke.", [], id="plain"),
        pytest.param("Caf\u00e9 owner".encode(), "Caf\u00e9 owner", [], id="utf8"),
        pytest.param(b"\xef\xbb\xbfWith BOM", "With BOM", [], id="bom-stripped"),
        pytest.param("Wide text".encode("utf-16"), "Wide text", [], id="utf16-bom"),
        pytest.param(b"bad \xff byte", "bad \ufffd byte", ["W003"], id="invalid-byte"),
        pytest.param(b"", "", ["W002"], id="empty"),
        pytest.param(b" \n\t \r\n", " \n\t \r\n", ["W002"], id="whitespace-only"),
        pytest.param(b"tab\there\r\nline", "tab\there\r\nline", [], id="whitespace-controls-kept"),
    ],
)
def test_decode_bytes(data: bytes, text: str, expected: list[str]) -> None:
    got, notices = decode_bytes(data, "r1")
    assert got == text
    assert codes(notices) == expected
    assert all(n.record_id == "r1" for n in notices)


def test_decode_counts_invalid_sequences() -> None:
    text, notices = decode_bytes(b"a\xffb\xfec\xc3", "r1")
    assert text == "a\ufffdb\ufffdc\ufffd"
    assert codes(notices) == ["W003"]
    assert "3 invalid" in notices[0].message


def test_decode_keeps_genuine_replacement_characters_out_of_the_count() -> None:
    text, notices = decode_bytes("ok \ufffd then ".encode() + b"\xff", "r1")
    assert text.count("\ufffd") == 2
    assert "1 invalid" in notices[0].message


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"PK\x03\x04\x00\x00binary\x00stuff", id="nul-bytes"),
        pytest.param(b"a\x01b\x02c\x03d\x04e\x05f\x06", id="many-controls"),
    ],
)
def test_decode_binary_drops_control_characters(data: bytes) -> None:
    text, notices = decode_bytes(data, "r1")
    assert "W004" in codes(notices)
    assert not any(ord(c) < 32 and c not in "\t\n\r\x0b\x0c" for c in text)


def test_decode_never_raises_on_random_bytes() -> None:
    data = bytes(range(256)) * 20
    text, notices = decode_bytes(data, "r1")
    assert isinstance(text, str)
    assert {"W003", "W004"} <= set(codes(notices))


def test_check_text_leaves_a_stray_control_character_alone() -> None:
    text = "A long enough ordinary sentence with one \x07 bell in it."
    assert check_text(text, "r1") == (text, [])


# --- read_text_file -------------------------------------------------------------------------------


def test_read_text_file(tmp_path: Path) -> None:
    path = tmp_path / "council-vote.txt"
    path.write_bytes(b"date 2024-01-02 The council voted.\n")
    art = read_text_file(path)
    assert (art.id, art.origin) == ("council-vote", str(path))
    assert art.text == "date 2024-01-02 The council voted.\n"
    assert art.published is None  # the header is parsed later, by layout
    assert art.notices == []


def test_read_text_file_with_bad_bytes(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"bad \x80 byte")
    assert codes(read_text_file(path).notices) == ["W003"]


def test_read_text_file_missing_raises_e001(tmp_path: Path) -> None:
    with pytest.raises(SaidwhatError) as info:
        read_text_file(tmp_path / "nope.txt")
    assert info.value.code == "E001"


# --- read_jsonl -----------------------------------------------------------------------------------


def test_jsonl_bad_line_in_the_middle_does_not_stop_the_others() -> None:
    lines = [
        jsonl({"id": "a", "text": "First story."}),
        '{"id": "b", "text": "broken\n',
        jsonl({"id": "c", "text": "Third story."}),
    ]
    items = list(read_jsonl(lines, "feed.jsonl"))
    assert [a.id for a in articles(items)] == ["a", "c"]
    [bad] = errors(items)
    assert bad.code == "E002"
    assert "feed.jsonl:2" in bad.message
    assert isinstance(items[1], Notice)  # reported in place, in order


@pytest.mark.parametrize(
    ("record", "code"),
    [
        pytest.param({"id": "x"}, "E003", id="missing-text"),
        pytest.param({"id": "x", "text": 42}, "E003", id="number-text"),
        pytest.param({"id": "x", "text": None}, "E003", id="null-text"),
        pytest.param(["not", "an", "object"], "E003", id="array-record"),
    ],
)
def test_jsonl_record_without_usable_text(record: object, code: str) -> None:
    [item] = list(read_jsonl([json.dumps(record)], "feed.jsonl"))
    assert isinstance(item, Notice)
    assert item.code == code
    assert "feed.jsonl:1" in item.message


def test_jsonl_missing_id_comes_from_origin_and_line() -> None:
    lines = ["\n", jsonl({"text": "No id here."})]
    [art] = articles(list(read_jsonl(lines, "/data/feed.jsonl.gz")))
    assert art.id == "feed:2"
    assert art.origin == "/data/feed.jsonl.gz:2"


def test_jsonl_metadata_fields() -> None:
    record = {
        "id": 7,
        "text": "Body.",
        "published": "Oct. 25, 2021",
        "url": "https://example.org/a",
        "outlet": "The Daily Example",
        "title": "A title",
        "author": "Jo Writer",
    }
    [art] = articles(list(read_jsonl([json.dumps(record)], "f.jsonl")))
    assert art.id == "7"
    assert art.published == "2021-10-25"
    assert (art.url, art.outlet, art.title, art.author) == (
        "https://example.org/a",
        "The Daily Example",
        "A title",
        "Jo Writer",
    )


def test_jsonl_unparsed_published_is_kept_with_w008() -> None:
    [art] = articles(list(read_jsonl([jsonl({"id": "a", "text": "B", "published": "soon"})], "f")))
    assert art.published == "soon"
    assert codes(art.notices) == ["W008"]


def test_jsonl_bytes_lines_with_invalid_utf8_and_bom() -> None:
    lines = [b'\xef\xbb\xbf{"id": "a", "text": "ok"}\n', b'{"id": "b", "text": "bad \xff"}\n']
    arts = articles(list(read_jsonl(lines, "f.jsonl")))
    assert [a.id for a in arts] == ["a", "b"]
    assert codes(arts[1].notices) == ["W003"]
    assert arts[1].notices[0].record_id == "b"


def test_jsonl_empty_text_gets_w002() -> None:
    [art] = articles(list(read_jsonl([jsonl({"id": "a", "text": "  "})], "f")))
    assert codes(art.notices) == ["W002"]


def test_jsonl_is_streamed_lazily() -> None:
    def lines() -> Iterator[str]:
        yield jsonl({"id": "a", "text": "One."})
        raise AssertionError("read past the first record")

    first = next(read_jsonl(lines(), "f"))
    assert isinstance(first, RawArticle) and first.id == "a"


# --- read_path ------------------------------------------------------------------------------------

RECORDS = jsonl({"id": "a", "text": "One."}) + "not json\n" + jsonl({"id": "b", "text": "Two."})


@pytest.mark.parametrize(
    ("name", "write"),
    [
        pytest.param("feed.jsonl", lambda p, s: p.write_text(s), id="jsonl"),
        pytest.param(
            "feed.jsonl.gz", lambda p, s: p.write_bytes(gzip.compress(s.encode())), id="gz"
        ),
        pytest.param(
            "feed.jsonl.bz2", lambda p, s: p.write_bytes(bz2.compress(s.encode())), id="bz2"
        ),
        pytest.param("feed.ndjson", lambda p, s: p.write_text(s), id="ndjson"),
        pytest.param(
            "FEED.JSONL.GZ", lambda p, s: p.write_bytes(gzip.compress(s.encode())), id="upper"
        ),
    ],
)
def test_read_path_jsonl_variants(tmp_path: Path, name: str, write: object) -> None:
    path = tmp_path / name
    write(path, RECORDS)  # type: ignore[operator]
    items = list(read_path(path))
    assert [a.id for a in articles(items)] == ["a", "b"]
    assert codes(errors(items)) == ["E002"]
    assert f"{path}:2" in errors(items)[0].message


@pytest.mark.parametrize("name", ["story.txt", "story.text", "story.md", "story.html", "story"])
def test_read_path_text_and_unknown_extensions(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("A short story.")
    [art] = list(read_path(path))
    assert isinstance(art, RawArticle)
    assert (art.id, art.text) == ("story", "A short story.")


def test_read_path_compressed_text(tmp_path: Path) -> None:
    path = tmp_path / "story.txt.gz"
    path.write_bytes(gzip.compress(b"Packed story."))
    [art] = list(read_path(path))
    assert isinstance(art, RawArticle)
    assert (art.id, art.text) == ("story", "Packed story.")


def test_read_path_json_document(tmp_path: Path) -> None:
    path = tmp_path / "batch.json"
    path.write_text(json.dumps([{"id": "a", "text": "One."}, {"text": "Two."}], indent=2))
    assert [a.id for a in articles(list(read_path(path)))] == ["a", "batch:2"]


def test_read_path_truncated_gzip_keeps_what_came_before(tmp_path: Path) -> None:
    data = gzip.compress(
        ("".join(jsonl({"id": f"r{i}", "text": "x" * 50}) for i in range(200))).encode()
    )
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    items = list(read_path(path))
    assert articles(items)
    assert isinstance(items[-1], Notice) and items[-1].code == "E001"


def test_read_path_directory_recurses_sorted(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "b" / "two.txt").write_text("Two.")
    (tmp_path / "a.txt").write_text("One.")
    (tmp_path / "c.jsonl").write_text(jsonl({"id": "three", "text": "Three."}))
    (tmp_path / "image.png").write_bytes(b"\x89PNG\x00")
    (tmp_path / ".hidden.txt").write_text("Hidden.")
    (tmp_path / ".git" / "x.txt").write_text("Hidden.")
    assert [a.id for a in articles(list(read_path(tmp_path)))] == ["a", "two", "three"]


def test_read_path_missing_raises_e001(tmp_path: Path) -> None:
    with pytest.raises(SaidwhatError) as info:
        list(read_path(tmp_path / "nowhere.jsonl"))
    assert info.value.code == "E001"


# --- read_stdin -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "stream",
    [
        pytest.param(io.BytesIO(b"\n  " + RECORDS.encode()), id="bytes"),
        pytest.param(io.StringIO(RECORDS), id="text"),
    ],
)
def test_read_stdin_sniffs_jsonl(stream: io.IOBase) -> None:
    items = list(read_stdin(stream))  # type: ignore[arg-type]
    assert [a.id for a in articles(items)] == ["a", "b"]
    assert codes(errors(items)) == ["E002"]


@pytest.mark.parametrize(
    ("stream", "text", "expected"),
    [
        pytest.param(io.BytesIO(b"\xef\xbb\xbfPlain\ntext"), "Plain\ntext", [], id="bytes-bom"),
        pytest.param(io.BytesIO(b"bad \xff"), "bad \ufffd", ["W003"], id="bytes-invalid"),
        pytest.param(io.StringIO("  Plain text"), "  Plain text", [], id="text"),
        pytest.param(io.BytesIO(b""), "", ["W002"], id="empty"),
    ],
)
def test_read_stdin_plain_text(stream: io.IOBase, text: str, expected: list[str]) -> None:
    [art] = list(read_stdin(stream))  # type: ignore[arg-type]
    assert isinstance(art, RawArticle)
    assert (art.id, art.text, codes(art.notices)) == ("stdin", text, expected)
