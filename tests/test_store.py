"""The store: corpus-level quotations (near-duplicates, syndicated copies), speaker merging,
search, stats, show, export/import, migrations and the search index. Fictional articles, ingested
with the fake extractor (the engine is not the subject here)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from saidwhat import Store
from saidwhat.cli import main
from saidwhat.errors import SaidwhatError
from saidwhat.ingest.runner import Options, ingest
from saidwhat.store import db, ddl, index, schema
from saidwhat.store.export import export, import_export
from saidwhat.store.search import fts_query

FAKE = "saidwhat.ingest.fake:extract"
LEVY = "The harbour levy will pay for the new breakwater within six years"
FILLERS = [
    "The port commission met on Thursday evening in the old customs hall to go over the budget.",
    "Rain kept most of the fishing fleet in harbour for the third day in a row this week.",
    "A new bakery opened on the corner of Quay Street, drawing a queue before seven o'clock.",
    "Tourist numbers on the island rose sharply in the spring, according to the visitor office.",
    "The ferry company has ordered a second vessel, which is due to be delivered next year.",
    "Volunteers painted the lifeboat station over the weekend, finishing ahead of schedule.",
    "Shopkeepers along the seafront complained about the closure of the main car park.",
    "The school choir will perform at the lighthouse festival on the first Sunday of August.",
    "A storm damaged the roof of the sailing club, and repairs are expected to take weeks.",
    "The library extended its opening hours after a petition signed by four hundred people.",
    "Road works on the coast road will continue until the end of the month, officials warned.",
    "The cheese market returned to the town square after an absence of nearly five years.",
    "Two seals were spotted resting on the slipway, to the delight of early morning walkers.",
    "The football club unveiled plans for a new stand with room for six hundred supporters.",
    "Local historians are collecting photographs of the old cannery before its demolition.",
    "The bus timetable changes on Monday, with fewer services on the late evening routes.",
]


def art(aid: str, outlet: str, day: str, *paras: str, title: str = "Port news") -> dict[str, Any]:
    filler = FILLERS[sum(map(ord, aid)) % len(FILLERS)]
    return {
        "id": aid,
        "outlet": outlet,
        "published": day,
        "title": title,
        "text": "\n\n".join((filler, *paras)),
    }


WIRE = "\n\n".join(
    [
        "Engineers began surveying the silted channel at dawn, working from two small boats while "
        "the tide was low and the wind had dropped after a stormy week on the coast.",
        "“We expect the first dredger to arrive before the autumn storms begin,” said Tomasz "
        "Ellingboe, the port engineer.",
        "The survey will take three weeks and its results will be published by the commission.",
    ]
)

ARTICLES = [
    art(
        "a1",
        "The Fenwick Herald",
        "2024-02-01",
        f"“{LEVY},” said Ilvana Corsetti.",
        "“We will publish every invoice,” Corsetti said.",
    ),
    art("a2", "Cedar Post", "2024-02-02", f"“{LEVY.lower()}” said Ilvana Corsetti."),
    art("a3", "Lark Gazette", "2024-02-03", f"“{LEVY} and not a day more,” Corsetti said."),
    art("a4", "Cedar Post", "2024-02-05", f"“{LEVY},” said Bruno Tallisker."),
    art("a5", "The Fenwick Herald", "2024-03-01", "Asked about the levy, she said: “No comment.”"),
    art("a6", "Lark Gazette", "2024-03-02", "The spokesman replied: “No comment.”"),
    {
        "id": "w1",
        "outlet": "The Fenwick Herald",
        "published": "2024-04-01",
        "title": "Dredging",
        "text": WIRE,
    },
    {
        "id": "w2",
        "outlet": "Cedar Post",
        "published": "2024-04-01",
        "title": "Dredger due",
        "text": WIRE,
    },
    {
        "id": "w3",
        "outlet": "Lark Gazette",
        "published": "2024-04-02",
        "title": "Channel",
        "text": WIRE,
    },
    art(
        "w4",
        "Alder Star",
        "2024-04-03",
        "“We expect the first dredger to arrive before the autumn storms begin,” said Tomasz "
        "Ellingboe at the council meeting, where he was questioned for an hour.",
    ),
    art(
        "s1",
        "Alder Star",
        "2023-05-01",
        "“The museum stays open all summer,” said Marisol Okafor-Reyes.",
        "“Entry will remain free for children,” Okafor-Reyes said.",
    ),
    art(
        "s2",
        "Cedar Post",
        "2023-06-01",
        "“The east wing reopens in June,” said Marisol Okafor-Reyes.",
    ),
    art("s3", "Lark Gazette", "2023-07-01", "“We are hiring two guides,” Okafor-Reyes said."),
    art("s4", "Alder Star", "2023-08-01", "“The pier needs new lights,” said Dana Smith."),
    art("s5", "Cedar Post", "2023-08-02", "“The fish market will move indoors,” said Peter Smith."),
    art("s6", "Lark Gazette", "2023-08-03", "“Parking fees will double,” Smith said."),
]


@pytest.fixture(scope="module")
def store_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("store")
    src = root / "news.jsonl"
    src.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8")
    path = root / "s.duckdb"
    summary = ingest([src], Options(db=path, extractor=FAKE, progress="quiet"))
    assert summary.stored == len(ARTICLES) and summary.errors == 0
    return path


def rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_near_duplicates_merge(store_db: Path) -> None:
    with Store(store_db) as store:
        [hit] = store.search('"new breakwater"', speaker="Corsetti")
        q = store.quotation(hit.quotation_id)
    assert [a.article_id for a in q.appearances] == ["a1", "a2", "a3"]
    assert q.first_article_id == "a1" and q.first_published == dt.date(2024, 2, 1)
    assert q.outlets == ["Cedar Post", "Lark Gazette", "The Fenwick Herald"]
    assert (q.mention_count, q.count) == (3, 3)
    assert q.text == LEVY + ","
    other = rows(store_db, "SELECT quotation_id FROM mentions WHERE article_id = 'a4'")
    assert other[0][0] != hit.quotation_id  # same words, another speaker
    no_comment = rows(
        store_db, "SELECT count(DISTINCT quotation_id) FROM mentions WHERE text = 'No comment.'"
    )
    assert no_comment == [(2,)]  # a stock phrase without speaker is not merged


def test_syndicated_copies_count_once(store_db: Path) -> None:
    stories = rows(store_db, "SELECT article_id, story_id FROM articles WHERE article_id LIKE 'w%'")
    story = dict(stories)
    assert story["w1"] == story["w2"] == story["w3"] != story["w4"]
    with Store(store_db) as store:
        [hit] = store.search('"first dredger"')
    assert (hit.mention_count, hit.count) == (4, 2)
    assert hit.speaker == "Tomasz Ellingboe"


def test_speakers_merge_by_full_name_only(store_db: Path) -> None:
    with Store(store_db) as store:
        found = store.speakers("Okafor-Reyes")
        smiths = store.speakers("Smith")
    full = [s for s in found if s.name == "Marisol Okafor-Reyes"]
    assert len(full) == 1
    assert (full[0].article_count, full[0].quote_count) == (2, 3)
    assert full[0].aliases == ["Okafor-Reyes"]
    assert (full[0].first_seen, full[0].last_seen) == (dt.date(2023, 5, 1), dt.date(2023, 6, 1))
    alone = [s for s in found if s.name == "Okafor-Reyes"]
    assert len(alone) == 1 and alone[0].article_count == 1  # no full name in s3: kept apart
    assert sorted(s.name for s in smiths) == ["Dana Smith", "Peter Smith", "Smith"]


def test_search_filters(store_db: Path) -> None:
    with Store(store_db) as store:
        assert store.search('"breakwater new"') == []
        assert len(store.search("breakwater new")) == 2
        assert [h.article_id for h in store.search("breakwater", outlet="lark gazette")] == ["a3"]
        since = store.search("breakwater", date_from="2024-02-02")
        assert sorted(h.article_id for h in since) == ["a2", "a4"]  # earliest match shown
        late = store.search("breakwater", date_from="2024-02-03", date_to="2024-02-04")
        assert [h.article_id for h in late] == ["a3"]
        assert store.search("breakwater", kind="indirect") == []
        assert store.search("breakwater", speaker="Nobody Here") == []
        newest = store.search(date_from="2024-03-01", limit=3)
        assert [h.published for h in newest] == sorted((h.published for h in newest), reverse=True)
        assert len(newest) == 3
        frame = store.search("museum").to_frame()
        assert list(frame.columns)[:3] == ["quotation_id", "text", "speaker"]
        assert frame.loc[0, "speaker"] == "Marisol Okafor-Reyes"


def test_search_plans_agree(store_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A ranked search with a speaker filter starts from the speaker's mentions when they are
    few, else checks every text match: both give the same hits; ``speaker_id`` filters exactly."""
    from saidwhat.store import search

    def run(store: Store) -> list[Any]:
        con = store.index
        out: list[Any] = []
        for text, filters in [
            ("breakwater", search.Filters(speaker="Corsetti")),
            ("breakwater", search.Filters(speaker="Corsetti", date_from=dt.date(2024, 2, 2))),
            ("museum", search.Filters(speaker="Marisol")),
            ("breakwater new", search.Filters(speaker="Nobody Here")),
        ]:
            out.append(search.search(con, text, filters, 10))
        return out

    with Store(store_db) as store:
        monkeypatch.setattr(search, "FEW_MENTIONS", 10**9)
        few = run(store)
        monkeypatch.setattr(search, "FEW_MENTIONS", -1)
        many = run(store)
        assert few == many
        assert [len(hits) for hits in few[:3]] == [1, 1, 1]
        [hit] = few[0]
        assert hit.speaker_id is not None
        by_id = search.Filters(speaker_id=hit.speaker_id)
        assert [h.quotation_id for h in search.search(store.index, "breakwater", by_id)] == [
            hit.quotation_id
        ]
        assert search.search(store.index, None, search.Filters(speaker_id="no such id")) == []
        assert search.Filters(speaker_id="no such id").where(store.index) == (
            ["m.speaker_id = ?"],
            ["no such id"],
            0,
        )


def test_fts_query_quotes_everything() -> None:
    assert fts_query('levy "new breakwater" pay*') == '"levy" "new breakwater" "pay"*'
    assert fts_query("AND OR NOT (") == '"AND" "OR" "NOT"'
    assert fts_query("new breakwater", phrase=True) == '"new breakwater"'
    assert fts_query("   ") is None


def test_stats_and_show(store_db: Path) -> None:
    with Store(store_db) as store:
        stats = store.stats()
        article = store.article("a1")
    assert stats.articles == len(ARTICLES)
    assert stats.unattributed_share == pytest.approx(2 / stats.mentions)
    per = {(r.label, r.month): r.count for r in stats.per_outlet_month}
    assert per[("Cedar Post", "2024-02")] == 2
    assert (stats.top_speakers[0].name, stats.top_speakers[0].quote_count) == (
        "Tomasz Ellingboe",
        4,
    )
    assert [m.quote_id for m in article.mentions] == ["Q1", "Q2"]
    assert article.mentions[0].quotation_count == 3
    assert article.text[article.mentions[0].start : article.mentions[0].end].startswith("The harb")


def test_cli_commands(store_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["--db", str(store_db)]
    assert main(["search", '"first dredger"', *base]) == 0
    out = capsys.readouterr().out
    assert "Tomasz Ellingboe" in out and "2 report(s), 4 article(s)" in out
    assert main(["search", "museum", "--format", "jsonl", *base]) == 0
    hit = json.loads(capsys.readouterr().out.splitlines()[0])
    assert hit["speaker"] == "Marisol Okafor-Reyes" and hit["published"] == "2023-05-01"
    assert main(["search", "museum", "--format", "csv", *base]) == 0
    assert capsys.readouterr().out.startswith("quotation_id,text,speaker,")
    assert (
        main(["search", "--from", "2024-02", "--to", "2024-02", "--speaker", "Corsetti", *base])
        == 0
    )
    assert "a1 Q2" in capsys.readouterr().out
    assert main(["speakers", "Smith", *base]) == 0
    assert "Peter Smith" in capsys.readouterr().out
    assert main(["stats", "--json", *base]) == 0
    assert json.loads(capsys.readouterr().out)["articles"] == len(ARTICLES)
    assert main(["show", "a1", *base]) == 0
    shown = capsys.readouterr().out
    assert f"⟦{LEVY},⟧[Q1]" in shown and "2 quotation(s)" in shown
    assert main(["show", "nope", *base]) == 2
    assert "no article" in capsys.readouterr().err


def test_export_is_readable_and_rebuilds_the_store(store_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "export"
    con = db.connect(store_db, read_only=True)
    counts = export(con, out)
    con.close()
    assert counts["articles"] == len(ARTICLES) and counts["quotations"] > 0
    manifest = json.loads((out / schema.MANIFEST).read_text())
    assert (manifest["format"], manifest["version"]) == ("saidwhat-export", 1)
    assert (out / "mentions" / "year=2024" / "month=2").is_dir()
    frame = pd.read_parquet(out / "articles")
    assert len(frame) == len(ARTICLES) and "year" in frame.columns
    by_month = duckdb.sql(
        f"SELECT year, month, count(*) FROM read_parquet('{out}/mentions/**/*.parquet', "
        "hive_partitioning=true) GROUP BY ALL ORDER BY 1, 2"
    ).fetchall()
    assert (2024, 2, 5) in by_month
    import pyarrow.parquet as pq

    part = next((out / "mentions").rglob("*.parquet"))
    assert pq.read_schema(part).remove_metadata() == schema.MENTIONS.remove_metadata()

    rebuilt = tmp_path / "rebuilt.duckdb"
    import_export(out, rebuilt)
    with Store(store_db) as a, Store(rebuilt) as b:
        assert a.stats().to_dict() == b.stats().to_dict()
        assert a.search("breakwater") == b.search("breakwater")
        assert a.speakers(limit=50) == b.speakers(limit=50)
    more = tmp_path / "more.jsonl"
    more.write_text(
        json.dumps(art("m1", "Elm Tribune", "2024-05-01", f"“{LEVY},” said Ilvana Corsetti."))
        + "\n"
    )
    ingest([more], Options(db=rebuilt, extractor=FAKE, progress="quiet"))
    with Store(rebuilt) as b:
        [hit] = b.search('"new breakwater"', speaker="Ilvana Corsetti")
        assert hit.mention_count == 4  # the rebuilt store keeps clustering new articles
    with pytest.raises(SaidwhatError) as err:
        import_export(tmp_path, tmp_path / "x.duckdb")
    assert err.value.code == "E110"


def test_text_exports(store_db: Path, tmp_path: Path) -> None:
    for fmt in ("csv", "jsonl"):
        assert main(["export", "--format", fmt, str(tmp_path / fmt), "--db", str(store_db)]) == 0
    first = json.loads((tmp_path / "jsonl" / "mentions.jsonl").read_text().splitlines()[0])
    assert first["spans"][0]["end"] > first["spans"][0]["start"]
    assert (tmp_path / "csv" / "speakers.csv").read_text().startswith("speaker_id,name,")
    assert main(["export", str(tmp_path / "csv"), "--db", str(store_db)]) == 2


def test_index_incremental_equals_rebuild(store_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    path.write_bytes(store_db.read_bytes())
    with Store(path) as store:
        store.search("levy")
    changed = dict(ARTICLES[0])
    changed["text"] = str(changed["text"]).replace("every invoice", "every single invoice")
    src = tmp_path / "v2.jsonl"
    src.write_text(json.dumps(changed) + "\n")
    summary = ingest([src], Options(db=path, extractor=FAKE, progress="quiet"))
    assert summary.versions == 1
    con = db.connect(path, read_only=True)
    fresh = tmp_path / "fresh.search"
    index.sync(con, fresh, rebuild=True)
    con.close()

    def dump(p: Path) -> list[Any]:
        c = sqlite3.connect(p)
        try:
            return [
                c.execute("SELECT * FROM quotations ORDER BY quotation_id").fetchall(),
                c.execute("SELECT * FROM mentions ORDER BY seq").fetchall(),
                c.execute(
                    "SELECT speaker_id, name, aliases, quote_count FROM speakers "
                    "ORDER BY speaker_id"
                ).fetchall(),
            ]
        finally:
            c.close()

    incremental = [[r[1:] for r in dump(db.index_path(path))[0]], *dump(db.index_path(path))[1:]]
    rebuilt = [[r[1:] for r in dump(fresh)[0]], *dump(fresh)[1:]]
    assert incremental == rebuilt
    with Store(path) as store:
        assert store.search('"every single invoice"')[0].article_id == "a1"
        assert store.search('"every invoice"') == []


def test_migrations(tmp_path: Path) -> None:
    path = tmp_path / "m.duckdb"
    con = duckdb.connect(str(path))
    assert ddl.migrate(con) == 0
    assert ddl.migrate(con) == ddl.STORE_VERSION

    def add_language(c: duckdb.DuckDBPyConnection) -> None:
        c.execute("ALTER TABLE articles ADD COLUMN language VARCHAR")

    assert ddl.migrate(con, target=2, migrations={2: add_language}) == 1
    assert ddl.stored_version(con) == 2
    assert "language" in [r[0] for r in con.execute("DESCRIBE articles").fetchall()]
    with pytest.raises(SaidwhatError) as err:
        ddl.migrate(con, target=3, migrations={})
    assert err.value.code == "E108" and ddl.stored_version(con) == 2
    con.close()
    with pytest.raises(SaidwhatError) as err:
        db.connect(path, read_only=False)
    assert err.value.code == "E108"


def test_store_errors(tmp_path: Path) -> None:
    with pytest.raises(SaidwhatError) as err:
        Store(tmp_path / "missing.duckdb")
    assert err.value.code == "E001"
