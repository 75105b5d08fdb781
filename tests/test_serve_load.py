"""A small loopback load test of ``saidwhat serve`` (the machinery of tests/e2e/loadtest.py on a
20,000-quotation synthetic store): 20 concurrent clients, a bounded number of searches, zero
errors. The 1,000,000-quotation run and its numbers are in docs/web.md."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("uvicorn", reason="the 'serve' extra is not installed")
pytest.importorskip("httpx", reason="the 'serve' extra is not installed")

sys.path.insert(0, str(Path(__file__).resolve().parent / "e2e"))
import bigstore
import loadtest


@pytest.mark.slow
def test_search_under_concurrent_load(tmp_path: Path) -> None:
    db = tmp_path / "load.duckdb"
    built = bigstore.build(db, mentions=20_000, chunk=2_000)
    assert built["mentions"] == 20_000
    result = loadtest.load_test(db, requests=400, clients=20, seconds=120, warmup=40)
    assert result.errors == 0, result
    assert result.requests == 400
    assert set(result.mix) >= {"word", "two", "phrase", "speaker", "outlet"}
    # generous here (a loaded 2-core CI machine); the 100 ms budget is the full run's
    assert result.p95_ms < 1000, result
