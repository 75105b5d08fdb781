"""The spaCy component: ``nlp.add_pipe("saidwhat")`` puts quotations in ``doc.spans["quotes"]``.

Each span carries ``span._.speaker``, ``speaker_id``, ``cue``, ``kind``, ``confidence``, ``medium``,
``evidence`` and ``quote_id``; ``doc._.saidwhat`` holds the full :class:`~saidwhat.records.Article`.
This module is imported by spaCy's entry points on every ``spacy.load``, so it stays light: the
engine is imported when the component is created.
"""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

SPAN_KEY = "quotes"
SPAN_ATTRS = (
    "speaker",
    "speaker_id",
    "cue",
    "kind",
    "confidence",
    "medium",
    "evidence",
    "quote_id",
)


def register_extensions() -> None:
    """Register the ``Span._`` and ``Doc._`` extensions once (safe to call again)."""
    for attr in SPAN_ATTRS:
        if not Span.has_extension(attr):
            Span.set_extension(attr, default=None)
    if not Doc.has_extension("saidwhat"):
        Doc.set_extension("saidwhat", default=None)


class SaidwhatComponent:
    """Runs the saidwhat engine on a Doc the pipeline has already tagged and parsed."""

    def __init__(
        self,
        nlp: Language,
        name: str,
        ner_scope: str,
        span_key: str,
        scope: str = "statements",
        learned: bool = True,
    ) -> None:
        from saidwhat.pipeline import Engine

        register_extensions()
        self.name = name
        self.span_key = span_key
        self.engine = Engine(nlp, ner_scope=ner_scope, scope=scope, learned=learned)

    def __call__(self, doc: Doc) -> Doc:
        article = self.engine.extract_doc(doc)
        spans = []
        for q in article.quotes:
            span = doc.char_span(q.start, q.end, alignment_mode="expand")
            if span is None:
                continue
            values: dict[str, Any] = {
                "speaker": q.speaker,
                "speaker_id": q.speaker_id,
                "cue": q.cue,
                "kind": q.kind,
                "confidence": q.confidence,
                "medium": q.medium,
                "evidence": list(q.evidence),
                "quote_id": q.id,
            }
            for attr, value in values.items():
                span._.set(attr, value)
            spans.append(span)
        doc.spans[self.span_key] = spans
        doc._.saidwhat = article
        return doc


@Language.factory(
    "saidwhat",
    default_config={
        "ner_scope": "attribution",
        "span_key": SPAN_KEY,
        "scope": "statements",
        "learned": True,
    },
)
def make_saidwhat(
    nlp: Language, name: str, ner_scope: str, span_key: str, scope: str, learned: bool
) -> SaidwhatComponent:
    """Factory for the ``saidwhat`` component (also exposed as a ``spacy_factories`` entry
    point)."""
    return SaidwhatComponent(nlp, name, ner_scope, span_key, scope, learned)
