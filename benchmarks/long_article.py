"""Time and peak memory of one very long article (the bad-input bound of the engine).

Builds an article of N characters by repeating the fictional phenomenon fixtures, extracts it
once and prints seconds, quotes found, warnings and peak RSS.
Usage: python benchmarks/long_article.py [N]
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import phenomena
from saidwhat.batch import get_engine
from saidwhat.records import RawArticle


def build(size: int) -> str:
    """An article of ``size`` characters made of the fixture articles, paragraph by paragraph."""
    body = "\n\n".join(phenomena.load_fixture(n)["text"] for n in phenomena.fixture_names())
    return ((body + "\n\n") * (size // len(body) + 1))[:size]


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 5_000_000
    text = build(size)
    engine = get_engine()
    start = time.perf_counter()
    article = engine.extract(RawArticle(id="long", text=text))
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    codes = sorted({w.code for w in article.warnings})
    print(
        f"{len(text) / 1e6:.2f} MB: {seconds:.1f} s, {len(text.split()) / seconds:,.0f} words/s, "
        f"{len(article.quotes)} quotes, warnings {codes}, peak RSS {peak:.0f} MiB"
    )


if __name__ == "__main__":
    main()
