"""``saidwhat speakers [NAME] [--limit N] [--format table|jsonl|csv]``: corpus-level speakers,
most quoted first; NAME matches every word in the name or an alias."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from saidwhat.store.api import Store
from saidwhat.store.commands.common import (
    add_db,
    add_format,
    clip,
    guarded,
    positive,
    write_rows,
)
from saidwhat.store.results import SpeakerRow


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", nargs="?", help="name or part of it")
    parser.add_argument("--limit", type=positive, default=20, metavar="N")
    add_format(parser)
    add_db(parser)


def table(rows: Sequence[SpeakerRow]) -> list[str]:
    if not rows:
        return ["no speakers found"]
    lines = [
        f"{'speaker':32} {'type':8} {'quotes':>7} {'distinct':>8} {'articles':>8} "
        f"{'first seen':10} {'last seen':10}  aliases"
    ]
    for r in rows:
        first = r.first_seen.isoformat() if r.first_seen else "-"
        last = r.last_seen.isoformat() if r.last_seen else "-"
        lines.append(
            f"{clip(r.name, 32):32} {r.type:8} {r.quote_count:>7} {r.quotation_count:>8} "
            f"{r.article_count:>8} {first:10} {last:10}  {clip(', '.join(r.aliases), 40)}"
        )
    return lines


def run(args: argparse.Namespace) -> int:
    def body() -> int:
        with Store(args.db) as store:
            write_rows(store.speakers(args.name, args.limit), args.format, table)
        return 0

    return guarded("speakers", body)
