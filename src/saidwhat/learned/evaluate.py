"""Score the learned tagger on PolNeAR, end to end (rule engine, then the tagger on its chunks).

Usage::

    python -m saidwhat.learned.evaluate --polnear ../shared/data/polnear/data [--split dev]
        [--limit N] [--model PATH] [--json]

From Python: :func:`system_records` gives the tagger's records for gold records (GOLD_FORMAT
dicts, by id) and :func:`score_polnear` the metrics (subset ``all``, exact spans) the model card
reports, with the rule engine's own scores beside them when ``rules=True``.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from saidwhat.evaluate.metrics import Record, apply_subset, score
from saidwhat.evaluate.polnear import load_polnear, polnear_view
from saidwhat.learned.corpus import CapturingEngine, extract
from saidwhat.learned.tagger import Tagger
from saidwhat.records import RawArticle

HEADLINE = (
    "detect@0.8",
    "detect@0.3",
    "exact",
    "span_exact_content",
    "span_exact_source",
    "span_exact_cue",
)


def system_records(
    gold: Iterable[Record], tagger: Tagger, engine: CapturingEngine | None = None
) -> tuple[dict[str, Record], dict[str, Record]]:
    """``(learned, rules)``: records (without text) per article id from the tagger and from the
    rule engine alone, both in saidwhat's shape (apply ``polnear_view`` before scoring)."""
    engine = engine or CapturingEngine()
    raws = (RawArticle(id=str(r["id"]), text=str(r["text"])) for r in gold)
    learned: dict[str, Record] = {}
    rules: dict[str, Record] = {}
    for article, chunks in extract(engine, raws):
        rules[article.id] = article.to_dict(with_text=False)
        article.quotes = tagger.attributions(chunks, article.quotes)
        learned[article.id] = article.to_dict(with_text=False)
    return learned, rules


def polnear_scores(gold: Mapping[str, Record], system: Mapping[str, Record]) -> dict[str, Any]:
    """The headline metrics (subset ``all``, exact spans) of saidwhat records against gold."""
    views = {k: polnear_view(v) for k, v in system.items()}
    g, s = apply_subset(gold, views, "all")
    result = score(g, s, spans=True)
    return {k: result[k] for k in HEADLINE}


def score_polnear(
    root: Path | str,
    split: str = "dev",
    *,
    limit: int | None = None,
    tagger: Tagger | None = None,
    rules: bool = False,
) -> dict[str, Any]:
    """Run the engine and the tagger on a PolNeAR split and score them; also the seconds taken
    and, with ``rules``, the rule engine's own scores."""
    gold_list = load_polnear(root, split, limit=limit)
    gold = {str(r["id"]): r for r in gold_list}
    start = time.perf_counter()
    learned, by_rules = system_records(gold_list, tagger or Tagger.load())
    out: dict[str, Any] = {
        "split": split,
        "articles": len(gold),
        "seconds": round(time.perf_counter() - start, 1),
        "learned": polnear_scores(gold, learned),
    }
    if rules:
        out["rules"] = polnear_scores(gold, by_rules)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """The ``python -m saidwhat.learned.evaluate`` command."""
    ap = argparse.ArgumentParser(prog="python -m saidwhat.learned.evaluate")
    ap.add_argument("--polnear", required=True, type=Path, help="PolNeAR data folder")
    ap.add_argument("--split", default="dev")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--model", type=Path, default=None, help="a .crfsuite file (default: shipped)")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args(argv)
    tagger = Tagger.load(args.model)
    result = score_polnear(args.polnear, args.split, limit=args.limit, tagger=tagger, rules=True)
    if args.json:
        print(json.dumps(result, indent=1))
        return 0
    print(f"PolNeAR {result['split']}: {result['articles']} articles, {result['seconds']}s")
    print(f"{'metric':<20} {'rules P/R/F1':>22} {'learned P/R/F1':>22}")
    for key in HEADLINE:
        cells = [result[side][key] for side in ("rules", "learned")]
        text = [f"{c['p']:.3f}/{c['r']:.3f}/{c['f1']:.3f}" for c in cells]
        print(f"{key:<20} {text[0]:>22} {text[1]:>22}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
