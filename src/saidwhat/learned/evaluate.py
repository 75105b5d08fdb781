"""Score the learned tagger on PolNeAR, end to end (rule engine, then the tagger on its chunks).

Usage::

    python -m saidwhat.learned.evaluate --polnear ../shared/data/polnear/data [--split dev]
        [--limit N] [--model PATH] [--json]

From Python: :func:`system_records` gives the records of the rule engine, the tagger and their
combination for gold records (GOLD_FORMAT dicts), and :func:`score_polnear` the metrics (exact
spans, subsets ``all`` and ``quote-mark``) the model card reports.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from saidwhat.evaluate.metrics import SUBSETS, Record, Subset, apply_subset, score
from saidwhat.evaluate.polnear import load_polnear, polnear_view
from saidwhat.learned.clusters import Clusters
from saidwhat.learned.corpus import CapturingEngine, extract
from saidwhat.learned.tagger import Tagger, combine
from saidwhat.records import RawArticle

HEADLINE = (
    "detect@0.8",
    "detect@0.3",
    "exact",
    "span_exact_content",
    "span_exact_source",
    "span_exact_cue",
)


SYSTEMS = ("rules", "learned", "combined")


def system_records(
    gold: Iterable[Record], tagger: Tagger, engine: CapturingEngine | None = None
) -> dict[str, dict[str, Record]]:
    """Records (without text) per article id for each of :data:`SYSTEMS`: the rule engine alone,
    the tagger alone, and :func:`~saidwhat.learned.tagger.combine` of both. All are in saidwhat's
    shape (apply ``polnear_view`` before scoring against PolNeAR). The engine assigns the word
    classes of ``tagger`` (its features need them)."""
    engine = engine or CapturingEngine()
    engine.clusters = Clusters.from_meta(tagger.meta, engine.nlp)
    raws = (RawArticle(id=str(r["id"]), text=str(r["text"])) for r in gold)
    out: dict[str, dict[str, Record]] = {name: {} for name in SYSTEMS}
    for article, chunks in extract(engine, raws):
        rules = list(article.quotes)
        out["rules"][article.id] = article.to_dict(with_text=False)
        learned = tagger.attributions(chunks, rules)
        article.quotes = learned
        out["learned"][article.id] = article.to_dict(with_text=False)
        article.quotes = combine(rules, learned, extents=True)  # PolNeAR conventions
        out["combined"][article.id] = article.to_dict(with_text=False)
    return out


def polnear_scores(
    gold: Mapping[str, Record], system: Mapping[str, Record], subset: Subset = "all"
) -> dict[str, Any]:
    """The headline metrics (exact spans) of saidwhat records against gold, on ``subset``."""
    views = {k: polnear_view(v) for k, v in system.items()}
    g, s = apply_subset(gold, views, subset)
    result = score(g, s, spans=True)
    return {k: result[k] for k in HEADLINE}


def score_polnear(
    root: Path | str,
    split: str = "dev",
    *,
    limit: int | None = None,
    tagger: Tagger | None = None,
) -> dict[str, Any]:
    """Run the engine and the tagger on a PolNeAR split and score every system on both subsets
    (``all`` and ``quote-mark``, the quality gate's); also the seconds taken."""
    gold_list = load_polnear(root, split, limit=limit)
    gold = {str(r["id"]): r for r in gold_list}
    start = time.perf_counter()
    systems = system_records(gold_list, tagger or Tagger.load())
    out: dict[str, Any] = {
        "split": split,
        "articles": len(gold),
        "seconds": round(time.perf_counter() - start, 1),
    }
    for subset in SUBSETS:
        out[subset] = {name: polnear_scores(gold, recs, subset) for name, recs in systems.items()}
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
    result = score_polnear(args.polnear, args.split, limit=args.limit, tagger=tagger)
    if args.json:
        print(json.dumps(result, indent=1))
        return 0
    print(f"PolNeAR {result['split']}: {result['articles']} articles, {result['seconds']}s")
    for subset in SUBSETS:
        print(f"\nsubset {subset}: P/R/F1")
        print(f"{'metric':<20}" + "".join(f"{name:>22}" for name in SYSTEMS))
        for key in HEADLINE:
            cells = [result[subset][name][key] for name in SYSTEMS]
            text = "".join(f"{c['p']:.3f}/{c['r']:.3f}/{c['f1']:.3f}".rjust(22) for c in cells)
            print(f"{key:<20}{text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
