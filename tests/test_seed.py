"""Acceptance: the reference article of ../shared through the real CLI, scored two ways.

The article and its gold live in ``../shared/reference`` (skipped when absent). Every expected
offset is read from the gold files at test time; nothing is copied from them into this file.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from phenomena import REFERENCE_KEYS
from saidwhat.evaluate.metrics import match_quotes, score, trim_span

STEM = "000_608ada083e2f446a"


def _read_jsonl(path: Path) -> dict[str, dict[str, Any]]:
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return {str(r["id"]): r for r in records}


def _write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    return path


@pytest.fixture(scope="module")
def seed(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Run ``saidwhat extract`` on the reference article once; gold and system records."""
    ref = shared_dir / "reference"
    out = tmp_path_factory.mktemp("seed")
    proc = subprocess.run(
        [sys.executable, "-m", "saidwhat.cli", "extract", str(ref / f"{STEM}.txt")],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    system_path = out / "system.jsonl"
    system_path.write_text(proc.stdout, encoding="utf-8")
    gold_path = ref / f"{STEM}.gold.jsonl"
    gold = _read_jsonl(gold_path)
    (gold_id,) = gold
    detail = json.loads((ref / f"{STEM}.gold.json").read_text(encoding="utf-8"))
    return {
        "proc": proc,
        "dir": out,
        "gold_path": gold_path,
        "system_path": system_path,
        "gold": gold[gold_id],
        "system": _read_jsonl(system_path),
        "detail": detail,
        "score_py": shared_dir / "tools" / "score.py",
    }


def _reference_score(score_py: Path, gold: Path, system: Path) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, str(score_py), str(gold), str(system), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def _top_level(record: dict[str, Any]) -> dict[str, Any]:
    return {**record, "quotes": [q for q in record["quotes"] if q["kind"] != "nested"]}


def _system_record(seed: dict[str, Any]) -> dict[str, Any]:
    assert list(seed["system"]) == [seed["gold"]["id"]], "one record, with the gold's id"
    record: dict[str, Any] = seed["system"][seed["gold"]["id"]]
    return record


def test_cli_ran_cleanly(seed: dict[str, Any]) -> None:
    proc = seed["proc"]
    assert proc.returncode == 0, proc.stderr
    assert not [line for line in proc.stderr.splitlines() if line[:1] == "E"], proc.stderr
    assert len(proc.stdout.splitlines()) == 1
    record = _system_record(seed)
    assert record["text"] == seed["gold"]["text"]


@pytest.mark.parametrize("scorer", ["score.py", "saidwhat.evaluate"])
def test_top_level_quotations_all_found(seed: dict[str, Any], scorer: str) -> None:
    gold = _top_level(seed["gold"])
    assert len(gold["quotes"]) == 9
    if scorer == "score.py":
        gold_path = _write_jsonl(seed["dir"] / "gold_top.jsonl", [gold])
        result = _reference_score(seed["score_py"], gold_path, seed["system_path"])
    else:
        result = score({gold["id"]: gold}, seed["system"])
    assert result["articles_missing_in_system"] == 0
    assert result["detect@0.8"]["tp"] == 9
    assert result["detect@0.8"]["r"] == 1.0
    assert result["who_said_what@0.8"]["r"] == 1.0


def test_scorers_agree_on_full_gold(seed: dict[str, Any]) -> None:
    reference = _reference_score(seed["score_py"], seed["gold_path"], seed["system_path"])
    ours = score({seed["gold"]["id"]: seed["gold"]}, seed["system"])
    assert {k: ours[k] for k in REFERENCE_KEYS} == {k: reference[k] for k in REFERENCE_KEYS}
    assert reference["detect@0.3"]["gold"] == 13


def test_top_level_speakers(seed: dict[str, Any]) -> None:
    gold, system = seed["gold"], _system_record(seed)["quotes"]
    top = _top_level(gold)["quotes"]
    assert {q["speaker"] for q in top} == {"Chrissy Teigen"}
    pairs = dict(match_quotes(gold["text"], top, system, 0.8))
    assert len(pairs) == len(top)
    for gi, si in pairs.items():
        assert system[si]["speaker"] == top[gi]["speaker"], system[si]["text"]
        assert system[si]["kind"] == top[gi]["kind"], system[si]["text"]


def test_nested_quotations(seed: dict[str, Any]) -> None:
    gold, system = seed["gold"], _system_record(seed)["quotes"]
    quotes = gold["quotes"]
    nested = [i for i, q in enumerate(quotes) if q["kind"] == "nested"]
    assert len(nested) == 4
    pairs = dict(match_quotes(gold["text"], quotes, system, 0.8))
    for gi in nested:
        (start, end), *_ = quotes[gi]["spans"]
        parent = next(
            i
            for i, q in enumerate(quotes)
            if q["kind"] != "nested" and q["spans"][0][0] <= start and end <= q["spans"][-1][1]
        )
        assert gi in pairs, f"nested {quotes[gi]['text']!r} not found"
        assert parent in pairs
        sys_q = system[pairs[gi]]
        assert sys_q["kind"] == "nested", sys_q["text"]
        assert sys_q["parent"] == system[pairs[parent]]["id"], sys_q["text"]


def test_not_quotes(seed: dict[str, Any]) -> None:
    text = seed["gold"]["text"]
    want = {
        trim_span(text, (n["span"][0], n["span"][1])): n["why"]
        for n in seed["detail"]["not_quotes"]
    }
    assert len(want) == 3
    assert {tuple(s) for s in seed["gold"]["not_quotes"]} == set(want)
    got = {
        trim_span(text, (n["start"], n["end"])): n["reason"]
        for n in _system_record(seed)["not_quotes_info"]
    }
    assert got == want


def test_captions_with_credits(seed: dict[str, Any]) -> None:
    want = {(c["span"][0], c["span"][1]): c["credit"] for c in seed["detail"]["captions"]}
    assert len(want) == 2
    record = _system_record(seed)
    assert {tuple(c) for c in record["captions"]} == set(want)
    got = {(c["start"], c["end"]): c["credit"] for c in record["captions_info"]}
    assert got == want
    text = seed["gold"]["text"]
    for c in record["captions_info"]:
        a, b = c["credit_span"]
        assert text[a:b] == c["credit"]


def test_published(seed: dict[str, Any]) -> None:
    assert seed["gold"]["published"] == seed["detail"]["published"]
    assert _system_record(seed)["published"] == seed["gold"]["published"] == "2021-10-25"
