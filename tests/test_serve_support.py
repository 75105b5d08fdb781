"""Helpers shared by the serve tests (no tests here): the example store, built once per test
session from ``examples/*.txt`` through the real ingest (engine included), and a fake extractor
for ``POST /api/extract`` where the engine is not the subject."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import cache
from pathlib import Path

from saidwhat.records import Article, Entity, Quote

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@cache
def example_store() -> Path:
    """A store of the bundled example articles (the same as ``make run`` builds)."""
    from saidwhat.ingest.runner import Options, ingest

    folder = Path(tempfile.mkdtemp(prefix="saidwhat-serve-"))
    atexit.register(shutil.rmtree, folder, True)
    db = folder / "examples.duckdb"
    summary = ingest([EXAMPLES], Options(db=db, progress="quiet"))
    assert summary.errors == 0, summary.lines()
    return db


def fake_extract(text: str, metadata: dict[str, str | None]) -> Article:
    """Every “curly” quotation, attributed to one speaker: fast and predictable."""
    quotes: list[Quote] = []
    start = text.find("“")
    while start >= 0:
        end = text.find("”", start + 1)
        if end < 0:
            break
        quotes.append(
            Quote(
                id=f"Q{len(quotes) + 1}",
                spans=[(start + 1, end)],
                text=text[start + 1 : end],
                kind="direct",
                speaker="Ada Example",
                speaker_id="E1",
                cue="said",
                confidence=0.9,
                evidence=["fake:curly"],
            )
        )
        start = text.find("“", end + 1)
    return Article(
        id="pasted",
        text=text,
        title=metadata.get("title"),
        outlet=metadata.get("outlet"),
        published=metadata.get("published"),
        quotes=quotes,
        entities=[Entity(id="E1", name="Ada Example", type="PERSON")],
    )
