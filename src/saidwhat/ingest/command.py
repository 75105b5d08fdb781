"""``saidwhat ingest PATH… [--db saidwhat.duckdb] [--jobs N]``: sources into the store.

Exit status: 0 when every record was stored or already there, 1 when some records went to the
``errors`` table (the run still completed), 2 when the run could not go on (store in use, ...).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from saidwhat.errors import SaidwhatError
from saidwhat.ingest.worker import DEFAULT_EXTRACTOR, DEFAULT_MODEL
from saidwhat.store.db import DEFAULT_DB

if TYPE_CHECKING:
    from saidwhat.ingest.runner import Options


def positive(value: str) -> int:
    """An ``argparse`` type: an integer >= 1 (``saidwhat ingest`` and ``saidwhat spark``)."""
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a number >= 1, got {value}")
    return number


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``ingest`` options to ``parser``."""
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="files or folders (recursive): .txt, .jsonl[.gz|.bz2|.zst], .html, .warc[.gz], "
        ".csv, .parquet",
    )
    parser.add_argument("--db", type=Path, default=Path(DEFAULT_DB), help="store file")
    parser.add_argument(
        "--jobs", type=positive, default=1, metavar="N", help="extraction worker processes"
    )
    parser.add_argument("--model", default=DEFAULT_MODEL, help="installed spaCy pipeline")
    parser.add_argument("--quiet", action="store_true", help="no progress, no summary")
    parser.add_argument(
        "--rescan", action="store_true", help="read files again even when ingested before unchanged"
    )
    parser.add_argument(
        "--batch",
        type=positive,
        default=256,
        metavar="N",
        help="articles per committed batch (default 256)",
    )
    tables = parser.add_argument_group("CSV and Parquet columns")
    tables.add_argument("--text-column", default="text", metavar="NAME")
    tables.add_argument("--id-column", default="id", metavar="NAME")
    tables.add_argument("--title-column", default="title", metavar="NAME")
    tables.add_argument("--date-column", default="published", metavar="NAME")
    tables.add_argument("--url-column", default="url", metavar="NAME")
    tables.add_argument("--outlet-column", default="outlet", metavar="NAME")
    tables.add_argument("--author-column", default="author", metavar="NAME")
    parser.add_argument("--extractor", default=DEFAULT_EXTRACTOR, help=argparse.SUPPRESS)
    parser.add_argument("--progress", choices=("bar", "log", "quiet"), help=argparse.SUPPRESS)
    parser.add_argument("--log-every", type=float, default=10.0, help=argparse.SUPPRESS)


def options(args: argparse.Namespace) -> Options:
    """The run's :class:`Options` from parsed arguments."""
    from saidwhat.ingest.runner import Options
    from saidwhat.text.tables import Columns

    columns = Columns(
        text=args.text_column,
        id=args.id_column,
        title=args.title_column,
        published=args.date_column,
        url=args.url_column,
        outlet=args.outlet_column,
        author=args.author_column,
    )
    return Options(
        db=args.db,
        jobs=args.jobs,
        model=args.model,
        extractor=args.extractor,
        columns=columns,
        batch_articles=args.batch,
        rescan=args.rescan,
        progress="quiet" if args.quiet else args.progress,
        log_every=args.log_every,
    )


def run(args: argparse.Namespace) -> int:
    """Run ``saidwhat ingest``."""
    from saidwhat.ingest.runner import ingest

    try:
        summary = ingest(args.paths, options(args))
    except SaidwhatError as exc:
        print(f"saidwhat ingest: {exc}", file=sys.stderr)
        return 2
    if not args.quiet:
        for line in summary.lines():
            print(line, file=sys.stderr)
    return 1 if summary.errors else 0
