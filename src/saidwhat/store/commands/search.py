"""``saidwhat search [TEXT] [--speaker NAME] [--from DATE] [--to DATE] [--outlet X] [--kind K]
[--limit N] [--format table|jsonl|csv]``: ranked full-text search over quotations.

TEXT: every word must occur; ``"double quoted"`` parts are phrases (quote them for the shell:
``saidwhat search '"close a library"'``); ``word*`` is a prefix. Without TEXT, the newest
quotations matching the filters come first.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from saidwhat.store.api import Store
from saidwhat.store.commands.common import (
    add_db,
    add_format,
    clip,
    date,
    end_date,
    guarded,
    positive,
    width,
    write_rows,
)
from saidwhat.store.results import SearchHit


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", nargs="?", help='words and "phrases" to find')
    parser.add_argument("--speaker", metavar="NAME", help="speaker name (or part of it)")
    parser.add_argument(
        "--from",
        dest="date_from",
        type=date,
        metavar="DATE",
        help="appeared on or after (YYYY[-MM[-DD]])",
    )
    parser.add_argument(
        "--to",
        dest="date_to",
        type=end_date,
        metavar="DATE",
        help="appeared on or before (YYYY[-MM[-DD]])",
    )
    parser.add_argument("--outlet", metavar="X", help="appeared in this outlet")
    parser.add_argument("--kind", choices=("direct", "partial", "indirect", "nested"))
    parser.add_argument("--phrase", action="store_true", help="TEXT is one phrase")
    parser.add_argument("--limit", type=positive, default=20, metavar="N")
    add_format(parser)
    add_db(parser)


def table(hits: Sequence[SearchHit]) -> list[str]:
    if not hits:
        return ["no quotations found"]
    w = width()
    lines = []
    for i, h in enumerate(hits, 1):
        when = h.published.isoformat() if h.published else "undated"
        reports = f"{h.count} report(s)" + (
            f", {h.mention_count} article(s)" if h.mention_count != h.count else ""
        )
        lines.append(f"{i:>3}. “{clip(h.text, w - 8)}”")
        lines.append(
            f"     — {h.speaker or '(unattributed)'} · {h.outlet or '(unknown outlet)'} · {when}"
            f" · {h.article_id} {h.quote_id} · {reports}"
        )
    return lines


def run(args: argparse.Namespace) -> int:
    def body() -> int:
        with Store(args.db) as store:
            hits = store.search(
                args.text,
                speaker=args.speaker,
                date_from=args.date_from,
                date_to=args.date_to,
                outlet=args.outlet,
                kind=args.kind,
                limit=args.limit,
                phrase=args.phrase,
            )
            write_rows(hits, args.format, table)
        return 0

    return guarded("search", body)
