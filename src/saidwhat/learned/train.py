"""Train the attribution tagger on PolNeAR train, calibrate and score it on dev.

Usage::

    python -m saidwhat.learned.train --polnear ../shared/data/polnear/data
    python -m saidwhat.learned.train --polnear DIR --limit 40 --out /tmp/model   # a quick try

Steps: the rule engine runs on every train article (its chunks give tokens and parse, its quotes
give features); the cue words of the training data are learned from the gold cue spans; gold
attributions become BIO tags; a CRF (L-BFGS, elastic net) is trained on the paragraphs. On dev
the confidence is calibrated (logistic fit of the marginals against "content found at 0.8") and
the PolNeAR metrics are measured. Writes ``attribution.crfsuite`` and ``attribution.json``
(learned cue words, calibration, settings, timings, dev metrics) to ``--out`` (by default the
package's ``data/models``). PolNeAR text never enters the outputs: only feature weights and
single cue words.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy
import pycrfsuite  # type: ignore[import-untyped]

from saidwhat.evaluate.metrics import (
    Record,
    apply_subset,
    candidates,
    greedy_pairs,
    score,
)
from saidwhat.evaluate.polnear import load_polnear, polnear_view
from saidwhat.learned.clusters import Clusters, fit, pipeline_id, sample_vectors
from saidwhat.learned.corpus import LABELS, CapturingEngine, extract, gold_tags
from saidwhat.learned.features import TokenTable, table_from_chunk
from saidwhat.learned.tagger import (
    MODEL_NAME,
    Calibration,
    Tagger,
    confidence_inputs,
    model_dir,
    quote_from_group,
)
from saidwhat.records import Quote, RawArticle

ALGORITHM = "lbfgs"
"""L-BFGS with elastic net: deterministic, and L1 keeps the model small. (crfsuite's SGD was as
good on average but swung by several points with its shuffling, and diverged when stacked.)"""
DEFAULT_PARAMS: dict[str, Any] = {"c1": 0.1, "c2": 3.0, "max_iterations": 100}
CLASSES = 128
"""Word classes fitted on the parser's token vectors (:mod:`saidwhat.learned.clusters`)."""

LEARNED_MIN_COUNT = 5
LEARNED_MIN_SHARE = 0.25
_WORD = re.compile(r"[A-Za-z]+")


@dataclass(slots=True)
class Prepared:
    """One article ready for training or scoring: its tables, gold tags and rule quotes."""

    id: str
    tables: list[TokenTable]
    tags: list[list[str]]
    rule_quotes: list[Quote]


def fit_classes(engine: CapturingEngine, gold: Sequence[Record], k: int) -> Any:
    """Word-class centroids (seeded k-means) over the parser's token vectors of ``gold``."""
    texts = (str(r["text"]) for r in gold)
    docs = engine.nlp.pipe(texts, disable=engine._skip, batch_size=16)
    return fit(sample_vectors(docs), k, seed=0)


def learn_cue_words(gold: Sequence[Record]) -> list[str]:
    """Lower-case words that are part of a gold cue at least :data:`LEARNED_MIN_COUNT` times and
    in at least :data:`LEARNED_MIN_SHARE` of their occurrences."""
    as_cue: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for rec in gold:
        text = str(rec["text"])
        total.update(w.lower() for w in _WORD.findall(text))
        for q in rec["quotes"]:
            for a, b in q.get("cue_spans") or []:
                as_cue.update(w.lower() for w in _WORD.findall(text[int(a) : int(b)]))
    return sorted(
        w
        for w, n in as_cue.items()
        if n >= LEARNED_MIN_COUNT and n / max(total[w], 1) >= LEARNED_MIN_SHARE
    )


def prepare(
    engine: CapturingEngine, gold: Sequence[Record], learned: frozenset[str]
) -> Iterator[Prepared]:
    """Run the engine on the gold texts and build tables and gold tags, article by article."""
    raws = (RawArticle(id=str(r["id"]), text=str(r["text"])) for r in gold)
    by_id = {str(r["id"]): r for r in gold}
    for article, chunks in extract(engine, raws):
        rec = by_id[article.id]
        size = len(str(rec["text"]))
        tables = [table_from_chunk(ch, article.quotes, learned) for ch in chunks]
        tags = [gold_tags(t, rec["quotes"], size) for t in tables]
        yield Prepared(article.id, tables, tags, list(article.quotes))


def train_model(
    data: Sequence[Prepared],
    path: Path | str,
    params: Mapping[str, Any],
    verbose: bool = False,
    algorithm: str = ALGORITHM,
) -> float:
    """Train the CRF on every paragraph of ``data``; return the seconds it took."""
    trainer = pycrfsuite.Trainer(verbose=verbose)
    for item in data:
        for table, tags in zip(item.tables, item.tags, strict=True):
            for seq in table.sequences:
                xs = pycrfsuite.ItemSequence([table.features[i] for i in seq])
                trainer.append(xs, [tags[i] for i in seq])
    trainer.select(algorithm, "crf1d")
    trainer.set_params(dict(params))
    start = time.perf_counter()
    trainer.train(str(path))
    return time.perf_counter() - start


def predict(tagger: Tagger, data: Sequence[Prepared]) -> tuple[dict[str, Record], list[Any]]:
    """System records (GOLD_FORMAT dicts) per article, and the confidence inputs of every quote
    (in record order) for calibration."""
    records: dict[str, Record] = {}
    inputs: list[list[float]] = []
    for item in data:
        quotes: list[Quote] = []
        for table in item.tables:
            tagged = tagger.tag(table)
            for group in tagger.groups(tagged):
                row = confidence_inputs(tagged, group)
                inputs.append(row)
                quotes.append(
                    quote_from_group(table, group, item.rule_quotes, tagger.calibration(row))
                )
        records[item.id] = {"id": item.id, "quotes": [_as_dict(q) for q in quotes]}
    return records, inputs


def _as_dict(q: Quote) -> Record:
    return {
        "spans": [list(s) for s in q.spans],
        "text": q.text,
        "kind": q.kind,
        "speaker": q.speaker,
        "speaker_spans": [list(s) for s in q.speaker_spans],
        "cue_spans": [list(s) for s in q.cue_spans],
        "confidence": q.confidence,
        "id": q.id,
    }


def found_flags(gold: Mapping[str, Record], system: Mapping[str, Record]) -> list[bool]:
    """Per system quote (in record order): matched to a gold quote at coverage 0.8."""
    flags: list[bool] = []
    for aid, rec in system.items():
        g = gold[aid]
        sys_quotes = rec["quotes"]
        ranked = candidates(str(g["text"]), g["quotes"], sys_quotes)
        matched = {s for _, s in greedy_pairs(ranked, 0.8)}
        flags.extend(i in matched for i in range(len(sys_quotes)))
    return flags


def fit_calibration(inputs: Sequence[Sequence[float]], flags: Sequence[bool]) -> Calibration:
    """Logistic regression (Newton steps, light L2) of the found flags on the inputs."""
    import numpy as np

    x = np.array([[*row, 1.0] for row in inputs], dtype=float)
    y = np.array(flags, dtype=float)
    w = np.zeros(x.shape[1])
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        grad = x.T @ (p - y) + 0.01 * w
        hess = (x.T * (p * (1 - p))) @ x + 0.01 * np.eye(x.shape[1])
        step = np.linalg.solve(hess, grad)
        w -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return Calibration([round(float(v), 4) for v in w[:-1]], round(float(w[-1]), 4))


def calibration_table(confidences: Sequence[float], flags: Sequence[bool]) -> list[dict[str, Any]]:
    """Share found per confidence bin (0.1 wide)."""
    bins: dict[int, list[bool]] = {}
    for c, f in zip(confidences, flags, strict=True):
        bins.setdefault(min(int(c * 10), 9), []).append(f)
    return [
        {"bin": f"{k / 10:.1f}-{(k + 1) / 10:.1f}", "n": len(v), "found": round(sum(v) / len(v), 3)}
        for k, v in sorted(bins.items())
    ]


def brier(confidences: Sequence[float], flags: Sequence[bool]) -> float:
    """Mean squared error of the confidences against the found flags."""
    pairs = list(zip(confidences, flags, strict=True))
    return round(sum((c - f) ** 2 for c, f in pairs) / max(len(pairs), 1), 4)


def headline(result: Mapping[str, Any]) -> dict[str, Any]:
    """The metrics the model card reports."""
    keys = [
        *("detect@0.8", "detect@0.3", "exact"),
        *("span_exact_content", "span_exact_source", "span_exact_cue"),
    ]
    return {k: result[k] for k in keys if k in result}


def main(argv: Sequence[str] | None = None) -> int:
    """The ``python -m saidwhat.learned.train`` command."""
    ap = argparse.ArgumentParser(
        prog="python -m saidwhat.learned.train",
        description=(__doc__ or "").split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--polnear", required=True, type=Path, help="PolNeAR data folder")
    ap.add_argument("--out", type=Path, default=None, help="model folder (default: the package's)")
    ap.add_argument("--limit", type=int, default=None, help="use the first N train articles")
    ap.add_argument("--dev-limit", type=int, default=None, help="use the first N dev articles")
    ap.add_argument("--iterations", type=int, default=DEFAULT_PARAMS["max_iterations"])
    ap.add_argument("--c1", type=float, default=DEFAULT_PARAMS["c1"])
    ap.add_argument("--c2", type=float, default=DEFAULT_PARAMS["c2"])
    ap.add_argument(
        "--classes", type=int, default=CLASSES, help="word classes (0: no class features)"
    )
    ap.add_argument("--verbose", action="store_true", help="print the CRF's epochs")
    args = ap.parse_args(argv)
    out_dir: Path = args.out or model_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    clock = _Clock()
    train_gold = load_polnear(args.polnear, "train", limit=args.limit)
    dev_gold = load_polnear(args.polnear, "dev", limit=args.dev_limit)
    learned = learn_cue_words(train_gold)
    engine = CapturingEngine()
    meta: dict[str, Any] = {"learned_cues": learned}
    if args.classes:
        # rounded as stored, so that training sees the classes the shipped model will assign
        centroids = numpy.round(fit_classes(engine, train_gold, args.classes).astype("float64"), 4)
        engine.clusters = Clusters(centroids)
        meta["clusters"] = centroids.tolist()
        meta["clusters_pipeline"] = pipeline_id(engine.nlp)
        clock.lap(f"{len(centroids)} word classes from the parser's vectors")
    train = list(prepare(engine, train_gold, frozenset(learned)))
    tokens = sum(len(s) for p in train for t in p.tables for s in t.sequences)
    clock.lap(f"engine and features on {len(train)} train articles ({tokens} tokens)")
    params = {**DEFAULT_PARAMS, "c1": args.c1, "c2": args.c2, "max_iterations": args.iterations}
    model_path = out_dir / f"{MODEL_NAME}.crfsuite"
    train_model(train, model_path, params, args.verbose)
    clock.lap("final model")
    del train
    tagger = Tagger(model_path, meta)
    dev = list(prepare(engine, dev_gold, frozenset(learned)))
    clock.lap(f"engine and features on {len(dev)} dev articles")
    system, inputs = predict(tagger, dev)
    clock.lap("dev tagging")
    by_id = {str(r["id"]): r for r in dev_gold}
    flags = found_flags(by_id, system)
    calibration = fit_calibration(inputs, flags)
    confidences = [calibration(row) for row in inputs]
    views = {k: polnear_view(v) for k, v in system.items()}
    g, s = apply_subset(by_id, views, "all")
    result = score(g, s, spans=True)
    size = model_path.stat().st_size
    meta.update(
        calibration={"weights": calibration.weights, "bias": calibration.bias},
        labels=list(LABELS),
        trained=date.today().isoformat(),
        command="python -m saidwhat.learned.train --polnear DIR (make model)",
        algorithm=ALGORITHM,
        params=params,
        data={
            "corpus": "PolNeAR",
            "train_articles": len(train_gold),
            "dev_articles": len(dev_gold),
            "train_tokens": tokens,
        },
        seconds=clock.laps,
        model_bytes=size,
        dev=headline(result),
        dev_calibration=calibration_table(confidences, flags),
        dev_brier=brier(confidences, flags),
    )
    (out_dir / f"{MODEL_NAME}.json").write_text(json.dumps(meta, indent=1) + "\n", "utf-8")
    _log(json.dumps(meta["dev"], indent=1))
    _log(f"model {out_dir} ({size / 1e6:.1f} MB), {clock.total():.0f}s in all")
    return 0


class _Clock:
    """Wall and CPU seconds of each step, logged as they end."""

    def __init__(self) -> None:
        self.laps: dict[str, dict[str, float]] = {}
        self._start = self._wall = time.perf_counter()
        self._cpu = time.process_time()

    def lap(self, what: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        self.laps[what] = {"wall": round(wall - self._wall, 1), "cpu": round(cpu - self._cpu, 1)}
        _log(f"{what}: {wall - self._wall:.0f}s (cpu {cpu - self._cpu:.0f}s)")
        self._wall, self._cpu = wall, cpu

    def total(self) -> float:
        return time.perf_counter() - self._start


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
