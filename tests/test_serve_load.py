"""A small loopback load test of ``saidwhat serve`` (the machinery of tests/e2e/loadtest.py on a
20,000-quotation synthetic store): 20 concurrent clients, a bounded number of searches, zero
errors, with one server process and with two (``serve --workers 2``). The 1,000,000-quotation
run and its numbers are in docs/web.md."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("uvicorn", reason="the 'serve' extra is not installed")
pytest.importorskip("httpx", reason="the 'serve' extra is not installed")

sys.path.insert(0, str(Path(__file__).resolve().parent / "e2e"))
import bigstore
import loadtest


@pytest.fixture(scope="module")
def load_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("load") / "load.duckdb"
    built = bigstore.build(db, mentions=20_000, chunk=2_000)
    assert built["mentions"] == 20_000
    return db


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_search_under_concurrent_load(load_db: Path, workers: int) -> None:
    result = loadtest.load_test(
        load_db, requests=400, clients=20, seconds=120, warmup=40, workers=workers, search_cache=0
    )
    assert result.errors == 0, result
    assert result.requests == 400
    assert result.workers == workers
    assert result.server_cpu_ms_per_request > 0, result
    assert set(result.mix) >= {"word", "two", "phrase", "speaker", "outlet"}
    # generous here (a loaded 2-core CI machine); the 100 ms budget is the full run's
    assert result.p95_ms < 1000, result
