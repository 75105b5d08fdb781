"""Hand-built parses for tests of rules that read the parse: each test fixes the parse its rule
is about, so it does not depend on what the shipped parser makes of a sentence."""

from __future__ import annotations

import spacy
from spacy.tokens import Doc

VOCAB = spacy.blank("en").vocab  # English lexical attributes (is_alpha, lower_)
Row = tuple[str, str, str, int]
"""(word, tag, dependency label, head index)"""


def parsed(rows: list[Row]) -> Doc:
    """A parsed doc from rows, one space after each word."""
    words, tags, deps, heads = (list(col) for col in zip(*rows, strict=True))
    return Doc(VOCAB, words=words, tags=tags, deps=deps, heads=heads)
