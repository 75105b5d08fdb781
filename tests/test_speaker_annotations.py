"""Speaker annotations: loading, applying to gold records, and the PolNeAR dev file's offsets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from saidwhat.errors import SaidwhatError
from saidwhat.evaluate.metrics import score
from saidwhat.evaluate.polnear import load_polnear
from saidwhat.evaluate.speakers import (
    POLNEAR_DEV_SPEAKERS,
    apply_speaker_annotations,
    load_speaker_annotations,
    speaker_key,
    unmatched_annotations,
)

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
TEXT = "Ann Lee said the plan works. “It is ready,” she added. Sources said it failed."


def at(sub: str) -> list[int]:
    start = TEXT.index(sub)
    return [start, start + len(sub)]


def gold_record() -> dict[str, Any]:
    """An invented gold record in the PolNeAR loader's shape."""
    quotes = [
        {"spans": [at("the plan works")], "speaker": "Ann Lee", "speaker_spans": [at("Ann Lee")]},
        {"spans": [at("“It is ready,”")], "speaker": "she", "speaker_spans": [at("she")]},
        {"spans": [at("it failed")], "speaker": "Sources", "speaker_spans": [at("Sources")]},
    ]
    return {"id": "demo", "text": TEXT, "quotes": quotes}


def write_annotations(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


ROWS: list[dict[str, Any]] = [
    {"id": "demo", "spans": [at("the plan works")], "speaker": "Ann Lee", "named": True},
    {"id": "demo", "spans": [at("“It is ready,”")], "speaker": "Ann Lee", "named": True},
    {"id": "demo", "spans": [at("it failed")], "speaker": "sources", "named": False},
]


def test_load_and_apply(tmp_path: Path) -> None:
    annotations = load_speaker_annotations(write_annotations(tmp_path / "a.jsonl", ROWS))
    assert annotations[speaker_key("demo", [at("“It is ready,”")])] == ("Ann Lee", True)
    other = {"id": "other", "text": "x", "quotes": []}
    gold = [gold_record(), other]

    named = apply_speaker_annotations(gold, annotations)
    assert [r["id"] for r in named] == ["demo"]  # only annotated articles
    assert [q["speaker"] for q in named[0]["quotes"]] == ["Ann Lee", "Ann Lee", None]
    assert named[0]["quotes"][1]["speaker_spans"] == [at("she")]  # other fields kept
    assert gold[0]["quotes"][1]["speaker"] == "she"  # input unchanged

    every = apply_speaker_annotations(gold, annotations, named_only=False)
    assert [q["speaker"] for q in every[0]["quotes"]] == ["Ann Lee", "Ann Lee", "sources"]

    # Speaker accuracy counts the two named quotes only; a system that says "Lee" for both is right.
    system = {"demo": {"quotes": [{"spans": row["spans"], "speaker": "Lee"} for row in ROWS]}}
    result = score({r["id"]: r for r in named}, system)
    assert result["speaker_acc@0.3"] == 1.0
    assert result["who_said_what@0.3"]["gold"] == 2


def test_mismatches_raise(tmp_path: Path) -> None:
    missing = load_speaker_annotations(write_annotations(tmp_path / "m.jsonl", ROWS[:2]))
    with pytest.raises(ValueError, match="no speaker annotation"):
        apply_speaker_annotations([gold_record()], missing)
    moved = [*ROWS, {"id": "demo", "spans": [[0, 3]], "speaker": "Ann", "named": True}]
    extra = load_speaker_annotations(write_annotations(tmp_path / "x.jsonl", moved))
    assert unmatched_annotations([gold_record()], extra) == [("demo", ((0, 3),))]
    with pytest.raises(ValueError, match="match no gold quote"):
        apply_speaker_annotations([gold_record()], extra)


@pytest.mark.parametrize(
    "line",
    [
        "not json",
        "[1, 2]",
        '{"id": "demo", "spans": [], "speaker": "A", "named": true}',
        '{"id": "demo", "spans": [[1, 2]], "speaker": "A", "named": "yes"}',
        '{"id": "demo", "spans": [[1, 2]], "speaker": 3, "named": true}',
    ],
)
def test_bad_lines(tmp_path: Path, line: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(SaidwhatError) as info:
        load_speaker_annotations(path)
    assert info.value.code == "E002"


def test_duplicate_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SaidwhatError, match="second annotation"):
        load_speaker_annotations(write_annotations(tmp_path / "d.jsonl", [ROWS[0], ROWS[0]]))
    with pytest.raises(SaidwhatError) as info:
        load_speaker_annotations(tmp_path / "absent.jsonl")
    assert info.value.code == "E001"


def test_packaged_file_is_well_formed() -> None:
    annotations = load_speaker_annotations()
    assert len(annotations) == 893
    assert len({article_id for article_id, _ in annotations}) == 32
    assert sum(named for _, named in annotations.values()) == 691
    assert all(name for name, named in annotations.values() if named)


@pytest.mark.shared
def test_polnear_dev_annotations_match_the_corpus() -> None:
    root = SHARED / "data" / "polnear"
    if not root.is_dir():
        pytest.skip("../shared is not available")
    annotations = load_speaker_annotations(POLNEAR_DEV_SPEAKERS)
    gold = load_polnear(root, "dev")
    assert unmatched_annotations(gold, annotations) == []
    # The sample is the first 32 articles with attributions, in sorted order, every attribution.
    sample = [r for r in gold if r["quotes"]][:32]
    assert {r["id"] for r in sample} == {article_id for article_id, _ in annotations}
    applied = apply_speaker_annotations(gold, annotations, named_only=False)
    assert [r["id"] for r in applied] == [r["id"] for r in sample]
    assert sum(len(r["quotes"]) for r in applied) == len(annotations)
