"""The spaCy component: ``nlp.add_pipe("saidwhat")`` on the installed pipeline."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from phenomena import load_fixture, raw_article
from saidwhat.component import make_saidwhat
from saidwhat.pipeline import DEFAULT_MODEL, Engine
from saidwhat.records import Article

TEXT = (
    "The Alder Creek library will stay open until 9 p.m. on weekdays from March.\n\n"
    "“Students kept asking for somewhere quiet to work after school,” said head librarian "
    "Marguerite Osei. “Now they have it.”\n\n"
    "“It costs us two extra staff,” Osei told the Alder Creek Courier, “and it is worth every "
    "penny.”"
)


@pytest.fixture(scope="module")
def nlp() -> Language:
    nlp = spacy.load(DEFAULT_MODEL)
    nlp.add_pipe("saidwhat")
    return nlp


@pytest.fixture(scope="module")
def doc(nlp: Language) -> Doc:
    return nlp(TEXT)


def test_factory_is_registered_by_entry_point() -> None:
    eps = {ep.name: ep for ep in entry_points(group="spacy_factories")}
    assert "saidwhat" in eps
    assert eps["saidwhat"].load() is make_saidwhat
    assert Language.has_factory("saidwhat")


def test_added_last_in_the_pipeline(nlp: Language) -> None:
    assert nlp.pipe_names[-1] == "saidwhat"
    assert nlp.get_pipe_meta("saidwhat").factory == "saidwhat"


def test_quote_spans_and_attributes(doc: Doc) -> None:
    spans = doc.spans["quotes"]
    assert len(spans) == 3
    for span in spans:
        assert span._.kind in {"direct", "partial", "indirect", "nested"}
        assert span._.speaker == "Marguerite Osei", span.text
        assert span._.cue in {"said", "told"}, span.text
        assert 0.0 <= span._.confidence <= 1.0
        assert span._.evidence
    first = spans[0]
    assert first.text.startswith("Students kept asking")
    assert first._.cue == "said"
    assert first._.kind == "direct"
    split = spans[2]
    assert split.text.startswith("It costs us") and split.text.endswith("every penny.")
    assert split._.cue == "told"


def test_doc_carries_the_article(doc: Doc) -> None:
    article = doc._.saidwhat
    assert isinstance(article, Article)
    assert article.text == doc.text
    assert [q.id for q in article.quotes] == [s._.quote_id for s in doc.spans["quotes"]]
    for q, span in zip(article.quotes, doc.spans["quotes"], strict=True):
        assert span.start_char <= q.start and q.end <= span.end_char
        assert span._.speaker == q.speaker
    told = article.quotes[-1]
    assert told.addressee is not None and "Courier" in told.addressee


def test_header_and_caption(nlp: Language, engine: Engine) -> None:
    """A metadata header line and photo captions: the body is still read, the captions are not."""
    fixture = load_fixture("header_captions")
    doc = nlp(fixture["text"])
    article = doc._.saidwhat
    assert article.published == fixture["published"]
    assert [c.text for c in article.captions] == fixture["captions"]
    assert [c.credit for c in article.captions] == fixture["credits"]
    speakers = [s._.speaker for s in doc.spans["quotes"]]
    assert speakers == [q["speaker"] for q in fixture["quotes"]]
    for span in doc.spans["quotes"]:
        for c in article.captions:
            assert span.end_char <= c.start or c.end <= span.start_char, "quote inside a caption"
    plain = engine.extract(raw_article("header_captions"))
    assert [(q.spans, q.speaker, q.kind) for q in article.quotes] == [
        (q.spans, q.speaker, q.kind) for q in plain.quotes
    ]


def test_pipe_many_docs(nlp: Language) -> None:
    texts = [TEXT, "Nothing was said at all.", ""]
    docs = list(nlp.pipe(texts))
    assert [len(d.spans["quotes"]) for d in docs] == [3, 0, 0]
    assert all(isinstance(d._.saidwhat, Article) for d in docs)
