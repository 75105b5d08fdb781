"""``saidwhat spark INPUT… OUTPUT [--partitions N] [--model NAME] [--master URL] [--conf K=V]…``:
extract who said what from JSONL, Parquet or WARC files on Apache Spark, writing the store's
export format (Parquet by year/month) and an errors table.

Exit status: 0 when every record was written, 1 when some records became error rows (the job
still completed), 2 when the job could not run (no PySpark or Java, unreadable input, an output
folder that is not a saidwhat output). The same options work for ``spark-submit`` with
``python -m saidwhat.scale.spark``; there ``--master`` and ``--conf`` are best left to
spark-submit.
"""

from __future__ import annotations

import argparse
import sys

from saidwhat.errors import SaidwhatError
from saidwhat.ingest.command import positive
from saidwhat.pipeline import DEFAULT_MODEL
from saidwhat.scale.rows import BATCH, DEFAULT_EXTRACTOR
from saidwhat.text.tables import Columns


def _conf(value: str) -> tuple[str, str]:
    key, eq, val = value.partition("=")
    if not eq or not key.strip():
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {value!r}")
    return key.strip(), val


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``spark`` options to ``parser``."""
    parser.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="files or folders, local or any Hadoop URI (hdfs://, s3a://, ...): "
        ".jsonl[.gz|.bz2], .parquet, .warc[.gz]",
    )
    parser.add_argument("output", metavar="OUTPUT", help="output folder (replaced when rerun)")
    parser.add_argument(
        "--partitions",
        type=positive,
        metavar="N",
        help="extraction tasks (default: 4 x the cluster's cores)",
    )
    parser.add_argument("--model", default=DEFAULT_MODEL, help="installed spaCy pipeline")
    parser.add_argument(
        "--format",
        dest="fmt",
        choices=("auto", "jsonl", "parquet", "warc"),
        default="auto",
        help="read every file as this kind (default: by file name)",
    )
    parser.add_argument("--text-column", default="text", help="Parquet: column with the text")
    parser.add_argument("--id-column", default="id", help="Parquet: column with the article id")
    parser.add_argument("--run-id", help="id written to the errors table (default: generated)")
    parser.add_argument(
        "--no-derived",
        dest="derived",
        action="store_false",
        help="skip the derived quotations and speakers tables (an import recomputes them)",
    )
    parser.add_argument(
        "--files-per-month",
        type=int,
        default=0,
        metavar="K",
        help="shuffle each table into at most K files per year/month (default: one per task)",
    )
    spark = parser.add_argument_group("Spark")
    spark.add_argument("--master", help="Spark master (default: spark-submit's, else local[*])")
    spark.add_argument(
        "--conf",
        type=_conf,
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a Spark setting (repeatable), e.g. spark.executor.memory=4g",
    )
    spark.add_argument("--app-name", default="saidwhat", help="Spark application name")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON on stdout")
    parser.add_argument("--quiet", action="store_true", help="no summary on stderr")
    # Advanced and test-only knobs (documented in docs/spark.md, hidden from --help).
    parser.add_argument("--batch-size", type=positive, default=BATCH, help=argparse.SUPPRESS)
    parser.add_argument("--extractor", default=DEFAULT_EXTRACTOR, help=argparse.SUPPRESS)
    parser.add_argument("--fault", help=argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:
    """Start (or join) the Spark session, run the job, print the summary."""
    from saidwhat.scale.spark import JobOptions, run_job, session, summary_json

    cols = Columns(text=args.text_column, id=args.id_column)
    opts = JobOptions(
        inputs=list(args.inputs),
        output=args.output,
        partitions=args.partitions,
        model=args.model,
        fmt=args.fmt,
        columns=cols,
        run_id=args.run_id,
        derived=args.derived,
        files_per_month=max(0, args.files_per_month),
        batch_size=args.batch_size,
        extractor=args.extractor,
        fault=args.fault,
    )
    try:
        spark = session(args.master, args.conf, args.app_name)
        if args.master is None or args.master.startswith("local"):
            spark.sparkContext.setLogLevel("WARN")
        summary = run_job(spark, opts)
    except SaidwhatError as exc:
        print(f"{exc.code} {exc.message}", file=sys.stderr)
        return 2
    except Exception as exc:  # a Spark job failure: the stage's reason, shortened
        detail = " ".join(str(exc).split())[:500]
        print(f"E203 Spark job failed: {type(exc).__name__}: {detail}", file=sys.stderr)
        return 2
    if args.json:
        print(summary_json(summary))
    if not args.quiet:
        print(summary.line(), file=sys.stderr)
    return 1 if summary.counts.get("errors") else 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``saidwhat spark`` to the ``saidwhat`` command's subparsers."""
    parser = sub.add_parser(
        "spark",
        help="extract on Apache Spark, writing the export format",
        description="Extract who said what from JSONL, Parquet or WARC files on Apache Spark, "
        "writing the store's export format (Parquet by year/month) and an errors table "
        "(docs/spark.md).",
    )
    add_arguments(parser)
    parser.set_defaults(func=run)
