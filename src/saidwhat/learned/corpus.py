"""Training material: the engine's chunks and quotes per article, and gold BIO tags from PolNeAR.

:class:`CapturingEngine` is the rule engine that also keeps, per article, the analysed chunks (the
spaCy docs the tagger reads). :func:`gold_tags` turns a gold record's attributions into one tag
per token: ``B-``/``I-`` with ``SRC`` (source), ``CUE`` or ``CON`` (content), else ``O``. PolNeAR
is univocal, so a token has one role; where nested attributions overlap, source and cue win over
content and an inner content over the outer one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from saidwhat.learned.features import TokenTable, table_from_chunk
from saidwhat.mentions import Chunk
from saidwhat.pipeline import Engine
from saidwhat.records import Article, RawArticle

LABELS = ("O", "B-SRC", "I-SRC", "B-CUE", "I-CUE", "B-CON", "I-CON")
ROLES = ("SRC", "CUE", "CON")


class CapturingEngine(Engine):
    """The rule engine (the tagger off unless ``learned`` says otherwise: its features are the
    rules' quotes), keeping each article's chunks for the tagger (see :func:`extract`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("learned", False)
        super().__init__(*args, **kwargs)
        self.late_speakers = False  # the features are the rules' quotes as the tagger sees them
        self._last: list[Chunk] = []
        self.captured: dict[str, list[Chunk]] = {}

    def _chunks(self, *args: Any, **kwargs: Any) -> list[Chunk]:
        out: list[Chunk] = super()._chunks(*args, **kwargs)
        self._last = out
        return out

    def _finish(self, article: Article, *args: Any, **kwargs: Any) -> Article:
        self._last = []
        try:
            return super()._finish(article, *args, **kwargs)
        finally:
            self.captured[article.id] = self._last


def extract(
    engine: CapturingEngine, raws: Iterable[RawArticle], batch_size: int = 16
) -> Iterator[tuple[Article, list[Chunk]]]:
    """Each article with the chunks the engine analysed (empty when it failed early)."""
    for article in engine.extract_many(raws, batch_size=batch_size):
        yield article, engine.captured.pop(article.id, [])


def _paint(size: int, quotes: Sequence[Mapping[str, Any]]) -> list[tuple[str, int] | None]:
    """Per-character (role, span key) of a gold record; see the module docstring for overlaps."""
    chars: list[tuple[str, int] | None] = [None] * size
    items: list[tuple[int, int, str]] = []
    contents: list[tuple[int, int]] = []
    for q in quotes:
        contents.extend((int(a), int(b)) for a, b in q.get("spans") or [])
        items.extend((int(a), int(b), "SRC") for a, b in q.get("speaker_spans") or [])
        items.extend((int(a), int(b), "CUE") for a, b in q.get("cue_spans") or [])
    ordered = [(a, b, "CON") for a, b in sorted(contents, key=lambda s: -(s[1] - s[0]))]
    for key, (a, b, role) in enumerate(ordered + items):
        for i in range(max(a, 0), min(b, size)):
            chars[i] = (role, key)
    return chars


def gold_tags(table: TokenTable, quotes: Sequence[Mapping[str, Any]], size: int) -> list[str]:
    """One BIO tag per token of ``table`` (whitespace tokens get ``O``) from gold quotes whose
    offsets index an article text of ``size`` characters."""
    chars = _paint(size, quotes)
    tags = ["O"] * len(table.starts)
    for seq in table.sequences:
        prev: tuple[str, int] | None = None
        for i in seq:
            a, b = table.span_chars(i, i)
            mark = next((chars[c] for c in range(a, min(b, size)) if chars[c] is not None), None)
            if mark is None:
                prev = None
                continue
            tags[i] = ("I-" if mark == prev else "B-") + mark[0]
            prev = mark
    return tags


def tables_for(
    chunks: Sequence[Chunk], article: Article, learned: frozenset[str]
) -> list[TokenTable]:
    """The token tables of one article's chunks, with the rule quotes as features."""
    return [table_from_chunk(ch, article.quotes, learned) for ch in chunks]
