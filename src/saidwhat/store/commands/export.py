"""``saidwhat export --format parquet|csv|jsonl OUT``: the store in the export format of
docs/store.md (Parquet partitioned by year/month; CSV and JSONL one file per table)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from saidwhat.store.commands.common import add_db, guarded

FORMATS = ("parquet", "csv", "jsonl")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", type=Path, metavar="OUT", help="folder to write")
    parser.add_argument("--format", choices=FORMATS, default="parquet")
    parser.add_argument("--overwrite", action="store_true", help="replace an earlier export")
    add_db(parser)


def run(args: argparse.Namespace) -> int:
    def body() -> int:
        from saidwhat.store import db
        from saidwhat.store.export import export

        con = db.connect(args.db, read_only=True)
        try:
            counts = export(con, args.out, args.format, overwrite=args.overwrite)
        finally:
            con.close()
        rows = ", ".join(f"{k}: {v}" for k, v in counts.items())
        print(f"exported to {args.out} ({args.format}): {rows}", file=sys.stderr)
        return 0

    return guarded("export", body)
