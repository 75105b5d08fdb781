"""Quality gate: PolNeAR dev metrics must stay above pinned floors (set just under what the engine
reaches), so that a change cannot quietly lower quality. Skipped when ../shared is absent.

The engine runs with ``scope="attributions"`` (PolNeAR annotates every attribution, as
``saidwhat eval --polnear`` does); the named-speaker floors score the project's canonical-name
annotation of 32 dev articles (evaluate/annotations)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from saidwhat.evaluate import apply_subset, load_polnear, score
from saidwhat.evaluate.polnear import polnear_view
from saidwhat.evaluate.speakers import apply_speaker_annotations, load_speaker_annotations
from saidwhat.pipeline import Engine
from saidwhat.records import RawArticle

POLNEAR = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "polnear" / "data"

# metric -> floor (F1 unless noted). Raise a floor when quality improves; never lower one silently.
FLOORS: dict[str, dict[str, float]] = {
    "quote-mark": {"detect@0.8": 0.90, "detect@0.3": 0.915, "exact": 0.86},
    "all": {
        "detect@0.8": 0.745,
        "span_exact_content": 0.63,
        "span_exact_source": 0.755,
        "span_exact_cue": 0.695,
    },
    "named": {"who_said_what@0.3": 0.66, "speaker_acc@0.3": 0.88},
}


@pytest.fixture(scope="module")
def polnear_scores() -> dict[str, dict[str, Any]]:
    if not POLNEAR.is_dir():
        pytest.skip("../shared/data/polnear not present")
    gold = {g["id"]: g for g in load_polnear(POLNEAR, "dev")}
    engine = Engine(scope="attributions")
    raws = (RawArticle(id=k, text=g["text"]) for k, g in gold.items())
    system = {a.id: polnear_view(a.to_dict(with_text=False)) for a in engine.extract_many(raws)}
    out: dict[str, dict[str, Any]] = {}
    for subset in ("quote-mark", "all"):
        g, s = apply_subset(gold, system, subset)  # type: ignore[arg-type]
        out[subset] = score(g, s, spans=True)
    named = apply_speaker_annotations(list(gold.values()), load_speaker_annotations())
    out["named"] = score({str(r["id"]): r for r in named}, system)
    return out


@pytest.mark.slow
@pytest.mark.parametrize(
    ("subset", "metric"), [(s, m) for s, floors in FLOORS.items() for m in floors]
)
def test_polnear_dev_floor(
    polnear_scores: dict[str, dict[str, Any]], subset: str, metric: str
) -> None:
    found = polnear_scores[subset][metric]
    value = found if isinstance(found, float) else found["f1"]
    assert value >= FLOORS[subset][metric], f"{subset} {metric} F1 {value:.4f} below floor"
