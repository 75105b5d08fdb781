"""``saidwhat ingest``: a mixed folder, idempotent re-ingest, new versions, bad records in the
``errors`` table, progress output, the command line. The fake extractor stands in for the
engine (it is not the subject here), except in the one test that runs the real engine."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import duckdb
import pytest

from saidwhat.cli import main
from saidwhat.ingest.progress import Counters, Progress
from saidwhat.ingest.runner import Options, ingest
from saidwhat.ingest.synth import Corpus, Spec, as_html, as_txt, write_warc

FAKE = "saidwhat.ingest.fake:extract"
REPO = Path(__file__).resolve().parent.parent


def opts(db: Path, **kw: object) -> Options:
    return Options(db=db, extractor=FAKE, progress="quiet", **kw)  # type: ignore[arg-type]


def corpus(n: int, seed: int = 3) -> list[dict[str, object]]:
    return list(Corpus(Spec(articles=n, seed=seed, syndicated=0.0)))


def mixed_folder(root: Path) -> dict[str, int]:
    """txt, jsonl.gz, html and warc.gz files of fictional articles; expected counts per kind."""
    arts = corpus(12)
    root.mkdir(parents=True, exist_ok=True)
    for a in arts[:3]:
        (root / f"{a['id']}.txt").write_text(as_txt(a), encoding="utf-8")
    with gzip.open(root / "dump.jsonl.gz", "wt", encoding="utf-8") as fh:
        for a in arts[3:7]:
            fh.write(json.dumps(a) + "\n")
    (root / "pages").mkdir()
    for a in arts[7:9]:
        (root / "pages" / f"{a['id']}.html").write_text(as_html(a), encoding="utf-8")
    write_warc(
        root / "crawl.warc.gz",
        [(str(a["url"]), as_html(a).encode(), "text/html") for a in arts[9:12]],
    )
    return {"txt": 3, "jsonl": 4, "html": 2, "warc": 3}


def count(db: Path, sql: str) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return int(con.execute(sql).fetchone()[0])  # type: ignore[index]
    finally:
        con.close()


def test_mixed_folder_and_idempotent_reingest(tmp_path: Path) -> None:
    expected = mixed_folder(tmp_path / "in")
    db = tmp_path / "s.duckdb"
    first = ingest([tmp_path / "in"], opts(db))
    total = sum(expected.values())
    assert (first.stored, first.versions, first.unchanged, first.errors) == (total, 0, 0, 0)
    assert first.mentions == count(db, "SELECT count(*) FROM mentions") > total
    assert count(db, "SELECT count(*) FROM articles WHERE url LIKE 'https://news.example/%'") == 9
    again = ingest([tmp_path / "in"], opts(db))
    assert (again.stored, again.versions, again.unchanged) == (0, 0, total)
    assert again.files_skipped == 7 and again.files == 0
    rescan = ingest([tmp_path / "in"], opts(db, rescan=True))
    assert (rescan.stored, rescan.unchanged, rescan.files) == (0, total, 7)
    assert count(db, "SELECT count(*) FROM articles") == total
    assert count(db, "SELECT count(*) FROM mentions") == first.mentions


def test_changed_text_is_a_new_version(tmp_path: Path) -> None:
    arts = corpus(4)
    src = tmp_path / "a.jsonl"
    src.write_text("".join(json.dumps(a) + "\n" for a in arts), encoding="utf-8")
    db = tmp_path / "s.duckdb"
    ingest([src], opts(db))
    arts[1]["text"] = str(arts[1]["text"]) + "\n\n“A late correction,” said Ilvana Corsetti."
    src.write_text("".join(json.dumps(a) + "\n" for a in arts), encoding="utf-8")
    summary = ingest([src], opts(db))
    assert (summary.stored, summary.versions, summary.unchanged) == (0, 1, 3)
    assert count(db, "SELECT count(*) FROM articles") == 5
    assert count(db, "SELECT count(*) FROM articles WHERE is_latest") == 4
    aid = arts[1]["id"]
    assert count(db, f"SELECT max(version) FROM articles WHERE article_id = '{aid}'") == 2
    stale = f"SELECT count(*) FROM mentions WHERE article_id = '{aid}' AND version = 1"
    assert count(db, stale + " AND is_latest") == 0 and count(db, stale) > 0
    from saidwhat import Store

    with Store(db) as store:
        hits = store.search('"a late correction"')
        assert [h.article_id for h in hits] == [aid]


def test_bad_records_go_to_errors(tmp_path: Path) -> None:
    good = corpus(3)
    root = tmp_path / "in"
    root.mkdir()
    lines = [
        json.dumps(good[0]),
        "{broken json",
        json.dumps({"id": "empty", "text": "  "}),
        json.dumps(good[1]),
        json.dumps({**good[0], "text": "Another text, same id."}),
        json.dumps(good[0]),
    ]
    (root / "a.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    other = [{**a, "id": f"other-{a['id']}"} for a in corpus(50, seed=9)]
    data = gzip.compress(("\n".join(json.dumps(a) for a in other) + "\n").encode())
    (root / "b.jsonl.gz").write_bytes(data[: len(data) // 2])
    warc = write_warc(
        root / "c.warc.gz",
        [
            (str(good[2]["url"]), as_html(good[2]).encode(), "text/html"),
            ("https://news.example/pic.jpg", b"\xff\xd8\xff\xe0JFIF", "image/jpeg"),
            ("https://news.example/more", as_html(good[1]).encode(), "text/html"),
        ],
    )
    warc.write_bytes(warc.read_bytes()[:-200])
    (root / "d.html").write_text("<html><body><nav>only a menu</nav></body></html>")
    db = tmp_path / "s.duckdb"
    summary = ingest([root], opts(db))
    assert summary.errors_by_code == {
        "E002": 1,
        "E105": 1,
        "E106": 1,
        "E101": 1,
        "E103": 1,
        "E102": 1,
        "E104": 1,
    }
    assert summary.duplicates == 1
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT code, source, article_id FROM errors ORDER BY code").fetchall()
    con.close()
    assert [r[0] for r in rows] == ["E002", "E101", "E102", "E103", "E104", "E105", "E106"]
    sources = {r[0]: r[1] for r in rows}
    assert sources["E002"] == f"{root / 'a.jsonl'}:2"
    assert sources["E106"] == f"{root / 'a.jsonl'}:5"
    assert "@" in sources["E103"]
    again = ingest([root], opts(db, rescan=True))
    assert again.errors == 7 and again.stored == 0
    assert count(db, "SELECT count(*) FROM errors") == 7


def test_jobs_two_workers(tmp_path: Path) -> None:
    src = tmp_path / "a.jsonl"
    src.write_text("".join(json.dumps(a) + "\n" for a in corpus(40)), encoding="utf-8")
    one = ingest([src], opts(tmp_path / "one.duckdb", task_size=3))
    two = ingest([src], opts(tmp_path / "two.duckdb", jobs=2, task_size=3, batch_articles=7))
    assert (two.stored, two.mentions) == (one.stored, one.mentions) == (40, one.mentions)
    order = "SELECT list(article_id ORDER BY batch_no, article_id) FROM articles"
    assert two.batches > 1
    assert sorted(count_list(tmp_path / "one.duckdb", order)) == sorted(
        count_list(tmp_path / "two.duckdb", order)
    )


def count_list(db: Path, sql: str) -> list[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return list(con.execute(sql).fetchone()[0])  # type: ignore[index]
    finally:
        con.close()


def test_progress_lines() -> None:
    out = io.StringIO()
    p = Progress("log", out, total_bytes=1000, log_every=0)
    c = Counters(stored=10, quotes=95, errors=2)
    p.update(c, 0, force=True)
    p.update(c, 500, force=True)
    lines = out.getvalue().splitlines()
    assert lines[-1].startswith("ingest:  50% 10 stored")
    assert "95 quotes, 2 errors" in lines[-1] and "ETA" in lines[-1]
    bar = io.StringIO()
    Progress("bar", bar, total_bytes=100).update(c, 100, force=True)
    assert bar.getvalue().startswith("\r[####################] 100%")


def test_cli_ingest_quiet_and_log(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mixed_folder(tmp_path / "in")
    db = tmp_path / "s.duckdb"
    args = ["ingest", str(tmp_path / "in"), "--db", str(db), "--extractor", FAKE]
    assert main([*args, "--quiet"]) == 0
    assert capsys.readouterr().err == ""
    assert main(args) == 0  # stderr is not a terminal here: log lines, then the summary
    err = capsys.readouterr().err
    assert "ingest: 100%" in err and "12 unchanged" in err
    assert (
        main(["ingest", str(tmp_path / "nothing"), "--db", str(db), "--quiet", "--extractor", FAKE])
        == 1
    )


def test_real_engine_mixed_folder(tmp_path: Path) -> None:
    """The real engine on the fictional example articles plus an HTML page and a WARC."""
    root = tmp_path / "in"
    root.mkdir()
    for path in sorted((REPO / "examples").glob("*.txt"))[:2]:
        (root / path.name).write_bytes(path.read_bytes())
    art = corpus(1)[0]
    (root / "page.html").write_text(as_html(art), encoding="utf-8")
    summary = ingest([root], Options(db=tmp_path / "s.duckdb", progress="quiet"))
    assert (summary.stored, summary.errors) == (3, 0)
    assert summary.mentions >= 10
    from saidwhat import Store

    with Store(tmp_path / "s.duckdb") as store:
        assert store.stats().articles == 3
        assert store.speakers(limit=50)
