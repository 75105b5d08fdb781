"""``saidwhat stats [--json]``: totals, quotations per outlet and month, share of unattributed
quotes, top speakers, errors by code."""

from __future__ import annotations

import argparse
import json

from saidwhat.store.api import Store
from saidwhat.store.commands.common import add_db, clip, guarded, plain, positive
from saidwhat.store.results import Stats


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--top", type=positive, default=10, metavar="N", help="top speakers")
    parser.add_argument("--json", action="store_true", help="one JSON object")
    add_db(parser)


def render(s: Stats) -> list[str]:
    lines = [
        f"articles: {s.articles} ({s.article_versions} version(s) stored)",
        f"quotation mentions: {s.mentions}; corpus-level quotations: {s.quotations}; "
        f"speakers: {s.speakers}",
        f"unattributed: {s.unattributed_share:.1%} of mentions",
        f"errors: {s.errors}"
        + (
            " (" + ", ".join(f"{r.label}: {r.count}" for r in s.errors_by_code) + ")"
            if s.errors_by_code
            else ""
        ),
        "",
        "quotations per outlet and month:",
    ]
    for r in s.per_outlet_month:
        lines.append(f"  {clip(r.label, 36):36} {r.month or '':10} {r.count:>8}")
    lines += ["", "top speakers:"]
    for sp in s.top_speakers:
        lines.append(
            f"  {clip(sp.name, 36):36} {sp.quote_count:>8} quotes in {sp.article_count} article(s)"
        )
    return lines


def run(args: argparse.Namespace) -> int:
    def body() -> int:
        with Store(args.db, sync=False) as store:
            stats = store.stats(top=args.top)
        if args.json:
            print(json.dumps(stats.to_dict(), ensure_ascii=False, default=plain, indent=2))
        else:
            print("\n".join(render(stats)))
        return 0

    return guarded("stats", body)
