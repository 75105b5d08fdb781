"""``saidwhat import EXPORT [--db saidwhat.duckdb]``: build a new store from a Parquet export
(written by ``saidwhat export`` or by any tool following docs/store.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from saidwhat.store.commands.common import add_db, guarded


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("export", type=Path, metavar="EXPORT", help="export folder")
    add_db(parser)


def run(args: argparse.Namespace) -> int:
    def body() -> int:
        from saidwhat.store import db, index
        from saidwhat.store.export import import_export

        counts = import_export(args.export, args.db)
        con = db.connect(args.db, read_only=True)
        try:
            index.sync(con, db.index_path(args.db), rebuild=True)
        finally:
            con.close()
        rows = ", ".join(f"{k}: {v}" for k, v in counts.items())
        print(f"imported {args.export} into {args.db}: {rows}", file=sys.stderr)
        return 0

    return guarded("import", body)
