"""Input files of an ingest: finding them, and reading each one as a stream of articles.

Formats, by file name: ``.txt`` (metadata header in the text), ``.jsonl``/``.ndjson``/``.json``,
``.html``/``.htm``, ``.warc``/``.warc.gz``, ``.csv``, ``.parquet``; text, JSONL, HTML and CSV
files may also be compressed (``.gz``, ``.bz2``, ``.zst``). Folders are walked recursively in
sorted order, hidden files and folders skipped.

Reading never raises for a bad record: it yields a coded notice in its place (``E002`` bad JSON,
``E003`` no text, ``E101`` corrupt compressed stream, ``E102`` truncated WARC, ``E103``
non-HTML payload, ``E104`` page without text, ``E107`` missing column) and goes on with the next
record, or the next file when the rest of this one cannot be read. :class:`Reading` also tells how
far into the file (compressed bytes) reading has come, for the progress bar.
"""

from __future__ import annotations

import bz2
import gzip
import io
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, cast

from saidwhat.errors import notice
from saidwhat.records import Notice, RawArticle
from saidwhat.text.reader import _base_name, _read_json_stream, decode_bytes
from saidwhat.text.tables import Columns, read_csv, read_parquet

Item = RawArticle | Notice

_KINDS = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".jsonl": "jsonl",
    ".jsonlines": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".warc": "warc",
    ".arc": "warc",
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
}
_COMPRESSION = (".gz", ".bz2", ".zst")


@dataclass(slots=True)
class SourceFile:
    """One input file: where, what kind, compression, and its size and mtime (resume key)."""

    path: Path
    kind: str
    compression: str | None
    size: int
    mtime_ns: int
    rel: str

    @property
    def key(self) -> str:
        """The file's absolute path: its identity in the store's ``sources`` table."""
        return str(self.path.resolve())

    @property
    def stem(self) -> str:
        """The relative path without format and compression extensions (a default id)."""
        name = self.rel
        for _ in range(2):
            stem, dot, ext = name.rpartition(".")
            if dot and stem and (f".{ext.lower()}" in _KINDS or f".{ext.lower()}" in _COMPRESSION):
                name = stem
        return name


def kind_of(path: Path) -> tuple[str, str | None] | None:
    """``(kind, compression)`` of a supported file name, else ``None``."""
    suffixes = [s.lower() for s in path.suffixes[-2:]]
    if not suffixes:
        return None
    comp = suffixes[-1] if suffixes[-1] in _COMPRESSION else None
    ext = (suffixes[-2] if len(suffixes) == 2 else "") if comp else suffixes[-1]
    kind = _KINDS.get(ext)
    if kind is None or (comp and kind == "parquet") or (comp and comp != ".gz" and kind == "warc"):
        return None
    return kind, comp


@dataclass(slots=True)
class Walk:
    """The files to read, the notices for paths that could not be read, unsupported skips."""

    files: list[SourceFile] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    unsupported: int = 0

    @property
    def total_bytes(self) -> int:
        return sum(f.size for f in self.files)


def walk(paths: list[str | Path]) -> Walk:
    """Every supported file under ``paths`` (files and folders), each once, in order."""
    out = Walk()
    seen: set[Path] = set()
    for given in paths:
        root = Path(given)
        if root.is_dir():
            candidates = sorted(
                p
                for p in root.rglob("*")
                if not any(part.startswith(".") for part in p.relative_to(root).parts)
            )
            items = [(p, p.relative_to(root).as_posix()) for p in candidates if p.is_file()]
        elif root.exists():
            items = [(root, root.name)]
        else:
            out.notices.append(notice("E001", f"{given}: no such file or directory"))
            continue
        for path, rel in items:
            kind = kind_of(path)
            if kind is None:
                out.unsupported += 1
                continue
            real = path.resolve()
            if real in seen:
                continue
            seen.add(real)
            try:
                st = path.stat()
            except OSError as exc:
                out.notices.append(notice("E001", f"{path}: {exc.strerror or exc}"))
                continue
            out.files.append(SourceFile(path, kind[0], kind[1], st.st_size, st.st_mtime_ns, rel))
    return out


def _decompress(raw: IO[bytes], comp: str | None) -> IO[bytes]:
    if comp == ".gz":
        return cast(IO[bytes], gzip.GzipFile(fileobj=raw, mode="rb"))
    if comp == ".bz2":
        return cast(IO[bytes], bz2.BZ2File(raw, "rb"))
    if comp == ".zst":
        import zstandard

        reader = zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True)
        return cast(IO[bytes], io.BufferedReader(reader))
    return raw


def _corrupt_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [EOFError, zlib.error, OSError]
    try:
        import zstandard

        errors.append(zstandard.ZstdError)
    except ImportError:  # pragma: no cover - zstandard is a dependency
        pass
    return tuple(errors)


class Reading:
    """Reads one :class:`SourceFile`; iterate it for items, ask :meth:`position` for progress."""

    def __init__(self, src: SourceFile, columns: Columns | None = None) -> None:
        self.src = src
        self.columns = columns or Columns()
        self._raw: IO[bytes] | None = None
        self.records = 0

    def position(self) -> int:
        """Bytes of the file read so far (compressed bytes for a compressed file)."""
        raw = self._raw
        if raw is None or raw.closed:
            return 0
        try:
            return min(raw.tell(), self.src.size)
        except (OSError, ValueError):
            return 0

    def __iter__(self) -> Iterator[Item]:
        src = self.src
        origin = str(src.path)
        try:
            self._raw = open(src.path, "rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            yield notice("E001", f"{origin}: {exc.strerror or exc}")
            return
        last = origin
        try:
            for item in self._items(self._raw, origin):
                if isinstance(item, RawArticle):
                    last = item.origin or last
                    self.records += 1
                yield item
        except _corrupt_errors() as exc:
            detail = " ".join(str(exc).split())[:200] or type(exc).__name__
            after = f" (after {last})" if last != origin else ""
            yield notice("E101", f"{origin}{after}: {detail}")
        finally:
            self._raw.close()

    def _items(self, raw: IO[bytes], origin: str) -> Iterator[Item]:
        src = self.src
        readers: dict[str, Callable[[], Iterator[Item]]] = {
            "text": lambda: self._text(raw, origin),
            "jsonl": lambda: self._jsonl(raw, origin),
            "html": lambda: self._html(raw, origin),
            "warc": lambda: self._warc(raw, origin),
            "csv": lambda: read_csv(_decompress(raw, src.compression), origin, self.columns),
            "parquet": lambda: read_parquet(src.path, self.columns),
        }
        yield from readers[src.kind]()

    def _text(self, raw: IO[bytes], origin: str) -> Iterator[Item]:
        data = _decompress(raw, self.src.compression).read()
        rid = self.src.stem
        text, notices = decode_bytes(data, rid)
        yield RawArticle(id=rid, text=text, origin=origin, notices=notices)

    def _jsonl(self, raw: IO[bytes], origin: str) -> Iterator[Item]:
        from saidwhat.store.identity import normalize_url

        base = _base_name(origin.removesuffix(".zst"))
        stream = _decompress(raw, self.src.compression)
        whole_json = self.src.path.name.lower().removesuffix(self.src.compression or "")
        items = _read_json_stream(
            cast(io.BufferedIOBase, stream), origin, document_ok=whole_json.endswith(".json")
        )
        for item in items:
            if isinstance(item, RawArticle) and item.url and _positional(item, base):
                item.id = normalize_url(item.url)  # no id given: the URL is the stable one
            yield item

    def _html(self, raw: IO[bytes], origin: str) -> Iterator[Item]:
        from saidwhat.text.html import read_html

        data = _decompress(raw, self.src.compression).read()
        yield read_html(data, origin, default_id=self.src.stem)

    def _warc(self, raw: IO[bytes], origin: str) -> Iterator[Item]:
        from saidwhat.text.warc import read_warc

        yield from read_warc(raw, origin)


def _positional(item: RawArticle, base: str) -> bool:
    """Whether a JSONL record's id was made up from its position (``name:line``, ``name:i``):
    none was given."""
    origin = item.origin or ""
    line = origin.rpartition(":")[2].strip("[]")
    index = origin.rpartition("[")[2].rstrip("]")
    return item.id in (f"{base}:{line}", f"{base}:{index}")
