"""Quality gate: PolNeAR dev metrics must stay above pinned floors (set just under what the engine
reaches), so that a change cannot quietly lower quality. Skipped when ../shared is absent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from saidwhat.evaluate import apply_subset, load_polnear, score
from saidwhat.evaluate.polnear import polnear_view
from saidwhat.pipeline import Engine
from saidwhat.records import RawArticle

POLNEAR = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "polnear" / "data"

# metric -> floor (F1 unless noted). Raise a floor when quality improves; never lower one silently.
FLOORS: dict[str, dict[str, float]] = {
    "quote-mark": {"detect@0.8": 0.89, "detect@0.3": 0.90, "exact": 0.83},
    "all": {"detect@0.8": 0.46, "span_exact_source": 0.45, "span_exact_cue": 0.50},
}


@pytest.fixture(scope="module")
def polnear_scores() -> dict[str, dict[str, Any]]:
    if not POLNEAR.is_dir():
        pytest.skip("../shared/data/polnear not present")
    gold = {g["id"]: g for g in load_polnear(POLNEAR, "dev")}
    engine = Engine()
    raws = (RawArticle(id=k, text=g["text"]) for k, g in gold.items())
    system = {a.id: polnear_view(a.to_dict(with_text=False)) for a in engine.extract_many(raws)}
    out: dict[str, dict[str, Any]] = {}
    for subset in FLOORS:
        g, s = apply_subset(gold, system, subset)  # type: ignore[arg-type]
        out[subset] = score(g, s, spans=True)
    return out


@pytest.mark.slow
@pytest.mark.parametrize(
    ("subset", "metric"), [(s, m) for s, floors in FLOORS.items() for m in floors]
)
def test_polnear_dev_floor(
    polnear_scores: dict[str, dict[str, Any]], subset: str, metric: str
) -> None:
    value = polnear_scores[subset][metric]["f1"]
    assert value >= FLOORS[subset][metric], f"{subset} {metric} F1 {value:.4f} below floor"
