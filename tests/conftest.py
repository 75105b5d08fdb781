"""Shared fixtures: one engine for the whole run; the ``../shared`` folder, skipped when absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from saidwhat.pipeline import Engine

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def engine() -> Engine:
    """The one :class:`~saidwhat.pipeline.Engine` of the run (loading the model costs seconds).

    It is the process's cached engine (``saidwhat.batch.get_engine``), so ``saidwhat.extract``
    called by a test reuses the same loaded model instead of loading a second one.
    """
    from saidwhat.batch import get_engine

    eng = get_engine()
    assert isinstance(eng, Engine)
    return eng


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``<repo>/../shared`` (reference article, gold, reference scorer); skips when absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared not present")
    return SHARED
