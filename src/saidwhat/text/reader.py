"""Read articles from bytes, text files, JSONL streams (plain, gzip, bzip2), directories and stdin.

Readers turn every source into :class:`~saidwhat.records.RawArticle` records. Problems with one
record never stop the others: they come out as coded :class:`~saidwhat.records.Notice` objects,
either attached to the article (warnings such as ``W003``) or yielded in its place (errors such as
``E002``). JSONL input is streamed line by line, so a file of any size is never held in memory as a
whole.
"""

from __future__ import annotations

import bz2
import gzip
import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator
from io import BufferedIOBase
from pathlib import Path
from typing import IO, Any

from saidwhat.errors import SaidwhatError, notice
from saidwhat.records import Notice, RawArticle
from saidwhat.text.layout import normalize_date

Item = RawArticle | Notice

_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_REPLACEMENT = "\ufffd"
# C0 controls and DEL, except the whitespace ones (tab, newline, vertical tab, form feed, return).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_BINARY_SHARE = 0.05

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})
JSONL_SUFFIXES = frozenset({".jsonl", ".jsonlines", ".ndjson", ".json"})
_COMPRESSED: dict[str, Callable[[Path], BufferedIOBase]] = {  # opened lazily, closed by the caller
    ".gz": lambda p: gzip.GzipFile(p, "rb"),
    ".bz2": lambda p: bz2.BZ2File(p, "rb"),
}
_META_KEYS = ("outlet", "url", "title", "author")


def decode_bytes(data: bytes, record_id: str) -> tuple[str, list[Notice]]:
    """Decode UTF-8 bytes into text and say what was repaired; never raises.

    A UTF-8 byte-order mark is stripped (a UTF-16 one switches to UTF-16), invalid bytes become
    U+FFFD (``W003``, with their count), binary-looking data loses its control characters (``W004``)
    and empty or whitespace-only text is flagged (``W002``), so the caller can always go on with a
    string.
    """
    if data.startswith(_UTF16_BOMS):
        text, bad = _decode(data, "utf-16")
    else:
        text, bad = _decode(data.removeprefix(_BOM), "utf-8")
    notices: list[Notice] = []
    if bad:
        notices.append(notice("W003", f"{bad} invalid byte sequence(s)", record_id))
    text, more = check_text(text, record_id)
    return text, notices + more


def _decode(data: bytes, encoding: str) -> tuple[str, int]:
    """Decode strictly when possible; else with replacement, counting the replaced sequences."""
    try:
        return data.decode(encoding), 0
    except UnicodeDecodeError:
        text = data.decode(encoding, errors="replace")
        legit = data.count(_REPLACEMENT.encode(encoding)) if encoding == "utf-8" else 0
        return text, max(1, text.count(_REPLACEMENT) - legit)


def check_text(text: str, record_id: str | None) -> tuple[str, list[Notice]]:
    """Drop control characters from binary-looking text (``W004``) and flag empty text (``W002``).

    Ordinary text is returned unchanged, so offsets into it stay those of the source. Text counts as
    binary when it holds a NUL character or when more than 5% of its characters are control
    characters.
    """
    notices: list[Notice] = []
    if text and ("\x00" in text or _control_share(text) > _BINARY_SHARE):
        text, dropped = _CONTROL.subn("", text)
        notices.append(notice("W004", f"{dropped} control character(s) dropped", record_id))
    if not text.strip():
        notices.append(notice("W002", "", record_id))
    return text, notices


def _control_share(text: str) -> float:
    """Share of control characters in ``text`` (one linear regex scan)."""
    return sum(1 for _ in _CONTROL.finditer(text)) / len(text)


def read_text_file(path: str | Path) -> RawArticle:
    """Read one plain-text article; its id is the file name without extension.

    Raises :class:`SaidwhatError` ``E001`` when the file cannot be read; decoding problems are
    notices.
    """
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise SaidwhatError("E001", f"{path}: {exc.strerror or exc}") from exc
    text, notices = decode_bytes(data, p.stem)
    return RawArticle(id=p.stem, text=text, origin=str(path), notices=notices)


def read_jsonl(lines: Iterable[str | bytes], origin: str) -> Iterator[Item]:
    """Stream JSONL records: ``{"id", "text"}`` plus optional published, url, outlet, title, author.

    Each good line yields a :class:`RawArticle`; a line that is not JSON yields an ``E002`` notice
    naming ``origin:line``, a record without usable text an ``E003`` notice, and reading goes on. A
    record without id gets ``<origin name>:<line>``. Blank lines are skipped.
    """
    base = _base_name(origin)
    for lineno, raw in enumerate(lines, start=1):
        line, notices = _line_text(raw, f"{base}:{lineno}", first=lineno == 1)
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as exc:
            yield notice("E002", f"{origin}:{lineno}: {exc}")
            continue
        yield _record(obj, f"{origin}:{lineno}", f"{base}:{lineno}", notices)


def _line_text(raw: str | bytes, where: str, *, first: bool) -> tuple[str, list[Notice]]:
    """One JSONL line as text: bytes decoded with replacement (``W003``), a leading BOM dropped."""
    notices: list[Notice] = []
    if isinstance(raw, bytes):
        line, bad = _decode(raw.removeprefix(_BOM) if first else raw, "utf-8")
        if bad:
            notices.append(notice("W003", f"{bad} invalid byte sequence(s) in line", where))
    else:
        line = raw
    return (line.removeprefix("\ufeff") if first else line), notices


def _record(obj: Any, origin: str, default_id: str, notices: list[Notice]) -> Item:
    """Turn one decoded JSON value into a :class:`RawArticle`, or an ``E003`` notice if unusable."""
    if not isinstance(obj, dict):
        return notice("E003", f"{origin}: record is a JSON {type(obj).__name__}, not an object")
    rid = obj.get("id")
    rid = default_id if rid is None or rid == "" else str(rid)
    text = obj.get("text")
    if not isinstance(text, str):
        what = "missing" if text is None else f"a {type(text).__name__}, not a string"
        return notice("E003", f"{origin}: 'text' is {what}", rid)
    for n in notices:
        n.record_id = rid
    text, more = check_text(text, rid)
    art = RawArticle(id=rid, text=text, origin=origin, notices=notices + more)
    for key in _META_KEYS:
        setattr(art, key, _string(obj.get(key)))
    art.published = _published(obj.get("published", obj.get("date")), rid, art.notices)
    return art


def _string(value: Any) -> str | None:
    """A metadata value as a stripped string, or ``None`` when absent, empty or not a scalar."""
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return str(value).strip() or None
    return None


def _published(value: Any, rid: str, notices: list[Notice]) -> str | None:
    """The record's date as ISO ``YYYY-MM-DD`` when understood; else kept as is, with ``W008``."""
    raw = _string(value)
    if raw is None:
        return None
    iso = normalize_date(raw)
    if iso is None:
        notices.append(notice("W008", f"published {raw!r} kept as given", rid))
        return raw
    return iso


def _base_name(origin: str) -> str:
    """``origin``'s file name without JSONL/compression extensions (``a.jsonl.gz`` -> ``a``)."""
    name = Path(origin).name or origin
    for suffixes in (_COMPRESSED, JSONL_SUFFIXES, TEXT_SUFFIXES):
        stem, dot, ext = name.rpartition(".")
        if dot and stem and f".{ext.lower()}" in suffixes:
            name = stem
    return name


def read_path(path: str | Path) -> Iterator[Item]:
    """Read a file or a directory, choosing the reader by extension.

    ``.txt``/``.text``/``.md`` and unknown extensions are read as one plain-text article;
    ``.jsonl``, ``.jsonlines``, ``.ndjson`` and ``.json`` (optionally ``.gz``/``.bz2``) as JSONL. A
    directory is walked recursively in sorted order over supported files only (hidden ones skipped);
    there, a file that cannot be read yields an ``E001`` notice instead of stopping the walk. A
    missing or unreadable top-level ``path`` raises :class:`SaidwhatError` ``E001``.
    """
    p = Path(path)
    if p.is_dir():
        yield from _read_dir(p)
    elif not p.exists():
        raise SaidwhatError("E001", f"{path}: no such file or directory")
    else:
        yield from _read_file(p)


def _read_dir(root: Path) -> Iterator[Item]:
    """Every supported, non-hidden file under ``root``, in sorted path order."""
    files = sorted(
        f
        for f in root.rglob("*")
        if f.is_file()
        and is_supported(f)
        and not any(part.startswith(".") for part in f.relative_to(root).parts)
    )
    for f in files:
        try:
            yield from _read_file(f)
        except SaidwhatError as exc:
            yield notice("E001", exc.message)


def is_supported(path: Path) -> bool:
    """Whether a directory walk reads ``path`` (plain-text or JSONL, possibly compressed)."""
    return _kind(path) is not None


def _kind(path: Path) -> tuple[str, str, str | None] | None:
    """``("text"|"jsonl", extension, compression suffix or None)`` for a supported name."""
    suffixes = [""] * 2 + [s.lower() for s in path.suffixes[-2:]]
    comp = suffixes[-1] if suffixes[-1] in _COMPRESSED else None
    ext = suffixes[-2] if comp else suffixes[-1]
    if ext in JSONL_SUFFIXES:
        return "jsonl", ext, comp
    if ext in TEXT_SUFFIXES:
        return "text", ext, comp
    return None


def _open(path: Path, comp: str | None) -> BufferedIOBase:
    """Open ``path`` for binary reading, decompressing on the fly for ``.gz``/``.bz2``."""
    return _COMPRESSED[comp](path) if comp else open(path, "rb")


def _read_file(path: Path) -> Iterator[Item]:
    """One file: JSONL (streamed, decompressed on the fly) or a single plain-text article."""
    kind = _kind(path)
    if kind is None or (kind[0] == "text" and kind[2] is None):
        yield read_text_file(path)
        return
    try:
        with _open(path, kind[2]) as fh:
            if kind[0] == "text":
                yield _compressed_text(fh, path)
            else:
                yield from _read_json_stream(fh, str(path), document_ok=kind[1] == ".json")
    except (OSError, EOFError) as exc:
        yield notice("E001", f"{path}: {exc}")


def _compressed_text(fh: BufferedIOBase, path: Path) -> RawArticle:
    """A compressed plain-text article (``a.txt.gz``): id ``a``."""
    rid = _base_name(str(path))
    text, notices = decode_bytes(fh.read(), rid)
    return RawArticle(id=rid, text=text, origin=str(path), notices=notices)


def _read_json_stream(fh: BufferedIOBase, origin: str, *, document_ok: bool) -> Iterator[Item]:
    """JSONL from a binary stream; for ``.json`` files a pretty-printed document also works.

    With ``document_ok``, when the first non-blank line is not JSON by itself but starts with ``[``
    or ``{``, the whole document is parsed (the one case that is not streamed, for ``.json`` files
    written by other tools). Any other file is read line by line, so one bad line (even the first)
    costs only that line.
    """
    head: list[bytes] = []
    for raw in fh:
        head.append(raw)
        if raw.strip(b" \t\r\n" + _BOM):
            break
    first = head[-1].strip(b" \t\r\n").removeprefix(_BOM) if head else b""
    if document_ok and first[:1] in (b"[", b"{") and not _is_json(first):
        yield from _read_json_document(b"".join(head) + fh.read(), origin)
        return
    yield from read_jsonl(itertools.chain(head, fh), origin)


def _is_json(data: bytes) -> bool:
    """Whether ``data`` parses as JSON on its own."""
    try:
        json.loads(data.decode("utf-8", errors="replace"))
    except ValueError:
        return False
    return True


def _read_json_document(data: bytes, origin: str) -> Iterator[Item]:
    """A whole JSON document: one record object, or an array of record objects."""
    text, notices = _decode(data.removeprefix(_BOM), "utf-8")
    try:
        doc = json.loads(text)
    except ValueError:
        yield from read_jsonl(data.splitlines(), origin)  # report the bad lines one by one
        return
    base = _base_name(origin)
    items = doc if isinstance(doc, list) else [doc]
    for i, obj in enumerate(items, start=1):
        where = f"{origin}[{i}]" if isinstance(doc, list) else origin
        default_id = f"{base}:{i}" if isinstance(doc, list) else base
        bad = [notice("W003", f"{notices} invalid byte sequence(s)", default_id)] if notices else []
        yield _record(obj, where, default_id, bad)


def read_stdin(stream: IO[bytes] | IO[str]) -> Iterator[Item]:
    """Read stdin (binary or text stream): JSONL when the first non-space character is ``{``.

    Otherwise the whole stream is one plain-text article with id ``stdin``. Pass
    ``sys.stdin.buffer`` rather than ``sys.stdin`` so invalid UTF-8 becomes a ``W003`` notice
    instead of an exception.
    """
    head: list[Any] = []
    first = ""
    for raw in stream:
        head.append(raw)
        chunk = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
        first = chunk.lstrip().lstrip("\ufeff").lstrip()[:1]
        if first:
            break
    if first == "{":
        yield from read_jsonl(itertools.chain(head, stream), "stdin")
        return
    rest = stream.read()
    if isinstance(rest, bytes):
        text, notices = decode_bytes(b"".join(head) + rest, "stdin")
    else:
        text, notices = check_text(("".join(head) + rest).removeprefix("\ufeff"), "stdin")
    yield RawArticle(id="stdin", text=text, origin="stdin", notices=notices)
