"""The Python API: ``saidwhat.extract`` and ``saidwhat.extract_many``, and the record round trip."""

from __future__ import annotations

import json

import pytest

import saidwhat
from phenomena import raw_article
from saidwhat import Article, Caption, Entity, Notice, NotQuote, Quote, RawArticle
from saidwhat.evaluate.metrics import names_match
from saidwhat.pipeline import Engine

TEXT = (
    "Port Elden’s ferry will run all winter for the first time, the harbour board announced on "
    "Tuesday.\n\n"
    "“People on the islands have waited thirty years for this,” said board chair Nadia Ferrante. "
    "“It changes everything for the school run.”\n\n"
    "“If the weather turns,” Ferrante said, “we will still cancel crossings, as we always "
    "have.”\n\n"
    "Captain Elias Brandt said the crew had been trained for rough crossings since August.\n\n"
    "The route features in the documentary “Salt Road,” which opens at the Quayside Cinema "
    "next month."
)


@pytest.fixture(scope="module")
def article(engine: Engine) -> Article:
    assert engine is not None  # loaded once; saidwhat.extract shares it
    return saidwhat.extract(TEXT, id="ferry", published="2024-11-05", outlet="Port Elden Ledger")


def test_extract_returns_typed_records(article: Article) -> None:
    assert isinstance(article, Article)
    assert (article.id, article.published, article.outlet) == (
        "ferry",
        "2024-11-05",
        "Port Elden Ledger",
    )
    assert article.text == TEXT
    assert article.quotes, "no quotations found"
    assert all(isinstance(q, Quote) for q in article.quotes)
    assert all(isinstance(e, Entity) for e in article.entities)
    assert all(isinstance(n, NotQuote) for n in article.not_quotes)
    assert all(isinstance(c, Caption) for c in article.captions)
    assert all(isinstance(w, Notice) for w in article.warnings)
    assert [q.id for q in article.quotes] == [f"Q{i}" for i in range(1, len(article.quotes) + 1)]
    assert [q.start for q in article.quotes] == sorted(q.start for q in article.quotes)


def test_offsets_index_the_text(article: Article) -> None:
    for q in article.quotes:
        if len(q.spans) == 1:
            a, b = q.spans[0]
            assert TEXT[a:b] == q.text
        else:
            assert q.text == " ".join(TEXT[a:b] for a, b in q.spans)
        for a, b in q.speaker_spans + q.cue_spans:
            assert 0 <= a < b <= len(TEXT)
    for e in article.entities:
        for a, b in e.mentions:
            assert 0 <= a < b <= len(TEXT)


def test_evidence_and_confidence(article: Article) -> None:
    for q in article.quotes:
        assert q.evidence, f"{q.id} has no evidence"
        assert all(isinstance(x, str) and x for x in q.evidence)
        assert 0.0 <= q.confidence <= 1.0, (q.id, q.confidence)


def test_what_was_said(article: Article) -> None:
    """The fictional article's quotations, speakers and kinds."""
    by_text = {q.text: q for q in article.quotes}
    first = by_text["People on the islands have waited thirty years for this,"]
    assert (first.kind, first.speaker, first.cue) == ("direct", "Nadia Ferrante", "said")
    assert TEXT[slice(*first.speaker_spans[0])] == "Nadia Ferrante"
    second = by_text["It changes everything for the school run."]
    assert second.speaker == "Nadia Ferrante"
    split = by_text["If the weather turns, we will still cancel crossings, as we always have."]
    assert len(split.spans) == 2
    assert split.speaker == "Nadia Ferrante"
    indirect = {q.text: q.speaker for q in article.quotes if q.kind == "indirect"}
    assert names_match(
        "harbour board", indirect["Port Elden’s ferry will run all winter for the first time"]
    )
    assert names_match(
        "Elias Brandt", indirect["the crew had been trained for rough crossings since August"]
    )
    assert len(article.quotes) == 5
    assert [(n.text, n.reason) for n in article.not_quotes] == [("Salt Road", "title of a work")]


def test_to_dict_from_dict_round_trip(article: Article) -> None:
    data = json.loads(json.dumps(article.to_dict()))
    back = Article.from_dict(data)
    assert back.to_dict() == data
    assert back.text == article.text
    assert [q.spans for q in back.quotes] == [q.spans for q in article.quotes]
    assert [(q.speaker, q.kind, q.parent, q.continues) for q in back.quotes] == [
        (q.speaker, q.kind, q.parent, q.continues) for q in article.quotes
    ]
    assert [e.mentions for e in back.entities] == [e.mentions for e in article.entities]
    assert back.not_quotes == article.not_quotes
    assert back.captions == article.captions
    assert back.warnings == article.warnings


def test_to_dict_without_text(article: Article) -> None:
    data = article.to_dict(with_text=False)
    assert "text" not in data
    assert data["schema"] == "saidwhat/1"
    assert len(data["quotes"]) == len(article.quotes)


def test_extract_many_in_parallel_matches_serial() -> None:
    names = ["cue_said_speaker", "nested", "header_captions"]
    serial = [a.to_dict() for a in saidwhat.extract_many([raw_article(n) for n in names], jobs=1)]
    records = [
        {"id": r.id, "text": r.text, "published": r.published}
        for r in (raw_article(n) for n in names)
    ]
    parallel = [a.to_dict() for a in saidwhat.extract_many(records, jobs=2)]
    assert [r["id"] for r in serial] == names
    assert parallel == serial
    assert all(r["quotes"] for r in serial)


def test_an_article_does_not_depend_on_its_batch() -> None:
    """What the engine reads in one article (e.g. which sentences the recogniser runs on) must not
    depend on the other articles of its batch: Spark and ``--jobs`` batch differently."""
    from saidwhat.batch import get_engine

    shared = (
        "Brightwater Holdings said on Monday that the Tarn Valley plant would close. "
        "Lisbet Orrin said the workers of Brightwater Holdings were told in March. "
    )
    first = RawArticle(id="a", text=shared + "“We were lucky,” Lisbet Orrin said.")
    second = RawArticle(
        id="b",
        text="“We will appeal,” Brightwater Holdings said. Lisbet Orrin said the Tarn Valley "
        "staff would be paid until June.",
    )
    engine = get_engine()
    alone = next(iter(engine.extract_many([second]))).to_dict()
    batched = list(engine.extract_many([first, second], batch_size=2))[1].to_dict()
    assert batched == alone
