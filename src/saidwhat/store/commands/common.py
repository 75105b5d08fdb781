"""Shared bits of the store commands: the ``--db`` option, output formats, error handling."""

from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime as dt
import json
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from saidwhat.errors import SaidwhatError
from saidwhat.store.db import DEFAULT_DB

FORMATS = ("table", "jsonl", "csv")


def add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=Path, default=Path(DEFAULT_DB), help="store file")


def add_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=FORMATS, default="table", help="output format")


def positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a number >= 1, got {value}")
    return number


def date(value: str) -> dt.date:
    """An argparse type: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (start of the period)."""
    parts = value.split("-")
    try:
        if len(parts) == 1:
            return dt.date(int(parts[0]), 1, 1)
        if len(parts) == 2:
            return dt.date(int(parts[0]), int(parts[1]), 1)
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date: {value}") from exc


def end_date(value: str) -> dt.date:
    """Like :func:`date`, but the end of the period (``--to 2024-05`` includes all of May)."""
    start = date(value)
    parts = value.split("-")
    if len(parts) == 1:
        return dt.date(start.year, 12, 31)
    if len(parts) == 2:
        nxt = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)
    return start


def plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def clip(text: str | None, width: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"


def write_rows(
    rows: Sequence[Any],
    fmt: str,
    table: Callable[[Sequence[Any]], list[str]],
    out: TextIO | None = None,
) -> None:
    """Print dataclass records as a table (``table`` renders it), JSONL or CSV."""
    out = out or sys.stdout
    if fmt == "table":
        for line in table(rows):
            print(line, file=out)
        return
    dicts = [dataclasses.asdict(r) for r in rows]
    if fmt == "jsonl":
        for d in dicts:
            print(json.dumps(d, ensure_ascii=False, default=plain), file=out)
        return
    if not rows:
        return
    writer = csv.writer(out)
    names = list(dicts[0])
    writer.writerow(names)
    for d in dicts:
        writer.writerow(
            json.dumps(v, ensure_ascii=False, default=plain)
            if isinstance(v, list | dict)
            else plain(v)
            for v in d.values()
        )


def width() -> int:
    return max(80, min(shutil.get_terminal_size((120, 20)).columns, 200))


def guarded(name: str, body: Callable[[], int]) -> int:
    """Run a command body; coded errors become a message and exit status 2."""
    try:
        return body()
    except SaidwhatError as exc:
        print(f"saidwhat {name}: {exc}", file=sys.stderr)
        return 2
