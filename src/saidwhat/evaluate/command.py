"""``saidwhat eval``: score system output (or a fresh extraction) against gold records.

Usage::

    saidwhat eval GOLD.jsonl SYSTEM.jsonl          # score a system file
    saidwhat eval GOLD.jsonl                       # extract from the gold texts, then score
    saidwhat eval --polnear DIR --split dev        # PolNeAR gold, extract, score
    saidwhat eval --polnear DIR SYSTEM.jsonl       # PolNeAR gold, score a system file

Options: ``--subset quote-mark|all``, ``--limit N``, ``--json``, ``--errors``, ``--spans``,
``--model NAME``, ``--jobs N``, ``--save-system PATH``, ``--scope statements|attributions``
(default: ``attributions`` with ``--polnear``, whose annotation covers every attribution,
reported acts and topics included; ``statements`` otherwise, as ``saidwhat extract``).
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, cast

from saidwhat.errors import SaidwhatError
from saidwhat.evaluate.metrics import SUBSETS, Record, Records, Subset, apply_subset, score
from saidwhat.evaluate.metrics import list_errors as find_errors
from saidwhat.evaluate.polnear import polnear_view, read_polnear
from saidwhat.evaluate.report import format_errors, format_json, format_table
from saidwhat.records import Article, RawArticle

Extractor = Callable[..., Iterable[Article]]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``eval`` options to ``parser``."""
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="FILE",
        help="GOLD.jsonl [SYSTEM.jsonl]; with --polnear only [SYSTEM.jsonl]. "
        "Without a system file the gold texts are extracted first.",
    )
    parser.add_argument("--polnear", metavar="DIR", type=Path, help="PolNeAR corpus folder as gold")
    parser.add_argument("--split", default="dev", help="PolNeAR split (default: dev)")
    parser.add_argument(
        "--subset",
        choices=SUBSETS,
        default="all",
        help="quote-mark: only quotations opening with a quote mark (gold), direct quotes "
        "opening with one (system); all: every quotation (default)",
    )
    parser.add_argument("--limit", type=_positive, metavar="N", help="score the first N articles")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--errors", action="store_true", help="list misses, false alarms, speakers")
    parser.add_argument(
        "--spans",
        action="store_true",
        help="exact content/source/cue segments (always with --polnear, which annotates them)",
    )
    parser.add_argument("--model", metavar="NAME", help="spaCy pipeline for the extraction")
    parser.add_argument("--jobs", type=_positive, default=1, metavar="N", help="worker processes")
    parser.add_argument(
        "--scope",
        choices=("statements", "attributions"),
        default=None,
        help="what the extraction reports (default: attributions with --polnear, whose "
        "annotation covers every attribution; statements otherwise)",
    )
    parser.add_argument("--save-system", type=Path, metavar="PATH", help="write system JSONL here")
    parser.add_argument(
        "--named-speakers",
        action="store_true",
        help="with --polnear: score speakers against the project's canonical-name annotation "
        "(evaluate/annotations; annotated articles only, named speakers only)",
    )


def _positive(value: str) -> int:
    """An argparse type: an integer >= 1."""
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a number >= 1, got {value}")
    return number


def run(args: argparse.Namespace) -> int:
    """Run ``saidwhat eval``; 0 on success, 2 on bad usage, 1 when an input fails."""
    problem = _usage_problem(args)
    if problem:
        print(f"saidwhat eval: {problem}", file=sys.stderr)
        return 2
    try:
        return _evaluate(args)
    except SaidwhatError as exc:
        print(f"saidwhat eval: {exc}", file=sys.stderr)
        return 1


def _usage_problem(args: argparse.Namespace) -> str | None:
    """What is wrong with the positional files, if anything."""
    most = 1 if args.polnear else 2
    if len(args.paths) > most:
        return f"expected at most {most} file(s), got {len(args.paths)}"
    if not args.polnear and not args.paths:
        return "give GOLD.jsonl [SYSTEM.jsonl] or --polnear DIR"
    return None


def _evaluate(args: argparse.Namespace) -> int:
    """Load gold, get system records, score, print."""
    gold, info = _load_gold(args)
    system_path = args.paths[-1] if len(args.paths) == (1 if args.polnear else 2) else None
    system = load_records(Path(system_path)) if system_path else extract(gold, args)
    if args.save_system:
        write_records(args.save_system, system.values())
    if args.polnear:
        system = {k: polnear_view(v) for k, v in system.items()}
    subset = cast(Subset, args.subset)
    gold, system = apply_subset(gold, system, subset)
    spans = bool(args.spans or args.polnear)
    result = {**score(gold, system, spans=spans), "subset": subset, **info}
    if not system_path:
        result["scope"] = extraction_scope(args)
    errors = find_errors(gold, system) if args.errors else None
    if args.json:
        print(format_json(result, errors))
    else:
        print(format_table(result))
        if errors is not None:
            print("\n" + format_errors(errors))
    return 0


def _load_gold(args: argparse.Namespace) -> tuple[Records, dict[str, Any]]:
    """Gold records by id (first ``--limit`` articles) and facts about where they came from."""
    if args.polnear:
        corpus = read_polnear(args.polnear, args.split, limit=args.limit)
        info = {"polnear": {"split": args.split, **corpus.stats.to_dict()}}
        records = {str(r["id"]): r for r in corpus.records}
        if getattr(args, "named_speakers", False):
            from saidwhat.evaluate.speakers import (
                apply_speaker_annotations,
                load_speaker_annotations,
            )

            annotated = apply_speaker_annotations(
                list(records.values()), load_speaker_annotations()
            )
            records = {str(r["id"]): r for r in annotated}
            info["named_speakers"] = {"annotated_articles": len(records)}
        return records, info
    records = load_records(Path(args.paths[0]))
    if args.limit is not None:
        records = dict(list(records.items())[: args.limit])
    for aid, record in records.items():
        if not isinstance(record.get("text"), str):
            raise SaidwhatError("E003", f"gold record {aid} has no text")
    return records, {}


# -------------------------------------------------------------------------------------------------
# JSONL


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """Numbered non-blank lines of a UTF-8 file."""
    try:
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if line.strip():
                    yield number, line
    except (OSError, UnicodeDecodeError) as exc:
        raise SaidwhatError("E001", f"{path}: {exc}") from exc


def load_records(path: Path) -> Records:
    """GOLD_FORMAT records of a JSONL file by id (a later record with the same id wins)."""
    records: Records = {}
    for number, line in _lines(path):
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SaidwhatError("E002", f"{path}:{number}: {exc}") from exc
        if not isinstance(record, dict) or "id" not in record:
            raise SaidwhatError("E002", f"{path}:{number}: not a record with an id")
        records[str(record["id"])] = record
    return records


def write_records(path: Path, records: Iterable[Mapping[str, Any]]) -> None:
    """Write records as JSONL (UTF-8, one object a line)."""
    try:
        with path.open("w", encoding="utf-8") as handle:
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise SaidwhatError("E001", f"{path}: {exc}") from exc


# -------------------------------------------------------------------------------------------------
# Extraction


def load_extractor() -> Extractor:
    """``saidwhat.batch.extract_many``, imported only when an extraction is needed."""
    module = importlib.import_module("saidwhat.batch")
    return cast(Extractor, module.extract_many)


def extraction_scope(args: argparse.Namespace) -> str:
    """``--scope``, by default the gold's own: PolNeAR annotates every attribution."""
    scope = getattr(args, "scope", None)
    if scope:
        return str(scope)
    return "attributions" if getattr(args, "polnear", None) else "statements"


def raw_article(record: Record) -> RawArticle:
    """The extraction input for one gold record."""
    return RawArticle(
        id=str(record["id"]),
        text=str(record.get("text") or ""),
        published=record.get("published"),
        outlet=record.get("outlet"),
        url=record.get("url"),
    )


def extract(gold: Mapping[str, Record], args: argparse.Namespace) -> Records:
    """Run the extraction on the gold texts; system records by id."""
    extract_many = load_extractor()
    options: dict[str, Any] = {"jobs": args.jobs, "scope": extraction_scope(args)}
    if args.model:
        options["model"] = args.model
    articles = extract_many([raw_article(r) for r in gold.values()], **options)
    return {article.id: article.to_dict() for article in articles}
