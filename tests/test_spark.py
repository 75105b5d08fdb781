"""``saidwhat spark`` in Spark local mode: the same records as ``saidwhat extract``, errors as rows,
retried tasks without duplicates, and an output the store imports.

One SparkSession for the module (``local[2,3]``: two cores, a failed task tried up to three
times), no UI, tiny splits so a JSONL file is read by several tasks. Skipped only where Java is
missing; in CI (``CI`` set) a missing PySpark is a failure, not a skip.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from saidwhat import cli
from saidwhat.records import Article
from saidwhat.scale import output

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "phenomena"
EXAMPLES = REPO / "examples"


def _java() -> bool:
    home = os.environ.get("JAVA_HOME")
    return bool(shutil.which("java")) or bool(home and (Path(home) / "bin" / "java").exists())


if not _java():
    pytest.skip(
        "Java not found: the Spark tests need Java 17 "
        "(e.g. apt-get install openjdk-17-jre-headless)",
        allow_module_level=True,
    )
try:
    import pyspark  # noqa: F401
except ImportError:
    if os.environ.get("CI"):
        raise
    pytest.skip(
        "PySpark not installed (it is in requirements.lock: make install)", allow_module_level=True
    )


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from saidwhat.scale.spark import session

    conf = [
        ("spark.ui.enabled", "false"),
        ("spark.ui.showConsoleProgress", "false"),
        ("spark.sql.shuffle.partitions", "4"),
        ("spark.default.parallelism", "2"),
        ("spark.sql.files.maxPartitionBytes", "8192"),  # split the JSONL file between tasks
        ("spark.sql.files.openCostInBytes", "1024"),
        ("spark.driver.memory", "1g"),
    ]
    session = session("local[2,3]", conf, "saidwhat-tests")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


# --- the corpus -----------------------------------------------------------------------------------


def _fixture_records() -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for path in sorted(FIXTURES.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        records.append(
            {
                "id": path.stem,
                "text": data["text"],
                "published": data.get("published"),
                "outlet": "Fixture Times",
            }
        )
    for path in sorted(EXAMPLES.glob("*.txt")):
        records.append({"text": path.read_text(encoding="utf-8")})  # no id: <file>:<line>
    return records


RAISES = "cue_told_outlet"  # the fault drill makes the extractor raise for this article


def _warc(pages: list[tuple[str, str, bytes]]) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    for url, ctype, body in pages:
        headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), http_headers=headers
        )
        writer.write_record(record)
    return buf.getvalue()


PAGE = (
    "<html><head><title>Ferry timetable</title></head><body><article><h1>Ferry timetable</h1>"
    "<p>The harbour board met on Tuesday to discuss the new ferry timetable for the winter.</p>"
    "<p>“We listened to every commuter who wrote to us,” said board chair Imogen Sallow.</p>"
    "<p>The new timetable adds two early crossings and removes the last late-night boat.</p>"
    "</article></body></html>"
).encode()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with every input kind: a JSONL file (fixture articles, articles without id, a
    bad line, a record without text, an empty text), a gzipped JSONL file, a Parquet file
    (one exact duplicate of a JSONL record, one conflicting text, one new article), a WARC file
    (an article page and an image) and a file of an unsupported kind."""
    root = tmp_path_factory.mktemp("corpus")
    records = _fixture_records()
    lines = [json.dumps(r, ensure_ascii=False) for r in records[:-2]]
    lines[3:3] = [
        "{not json",
        "",
        json.dumps({"id": "no_text"}),
        json.dumps({"id": "blank", "text": " "}),
    ]
    (root / "a_feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    tail = [json.dumps(r, ensure_ascii=False) for r in records[-2:]]
    (root / "b_wire.jsonl.gz").write_bytes(gzip.compress(("\n".join(tail) + "\n").encode()))
    first = records[0]
    table = pa.Table.from_pylist(
        [
            {"id": first["id"], "text": first["text"], "published": first["published"]},
            {"id": records[1]["id"], "text": records[1]["text"] + " Corrected.", "published": None},
            {"id": "pq_new", "text": "“It is done,” said Ada Lane.", "published": "2024-07-01"},
        ]
    )
    pq.write_table(table, root / "c_table.parquet")
    (root / "d_crawl.warc.gz").write_bytes(
        _warc(
            [
                ("https://news.example/ferry", "text/html; charset=utf-8", PAGE),
                ("https://news.example/logo.png", "image/png", b"\x89PNG..."),
            ]
        )
    )
    (root / "notes.txt").write_text("not read by the Spark job\n", encoding="utf-8")
    return root


def _spark(args: list[str]) -> int:
    return cli.main(["spark", *args, "--quiet"])


@pytest.fixture(scope="module")
def first_run(spark: Any, corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out") / "run1"
    code = _spark([str(corpus), str(out), "--partitions", "3", f"--fault=raise:{RAISES}"])
    assert code == 1  # completed, with error rows
    return out


@pytest.fixture(scope="module")
def extracted(corpus: Path) -> dict[str, Article]:
    """What ``saidwhat extract`` gives for the two JSONL files."""
    import contextlib

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(io.StringIO()):
        cli.main(["extract", str(corpus / "a_feed.jsonl"), str(corpus / "b_wire.jsonl.gz")])
    arts = [Article.from_dict(json.loads(line)) for line in buf.getvalue().splitlines()]
    return {a.id: a for a in arts}


QUOTE_FIELDS = (
    "id",
    "spans",
    "text",
    "kind",
    "speaker",
    "speaker_id",
    "speaker_spans",
    "cue",
    "cue_spans",
    "medium",
    "addressee",
    "parent",
    "continues",
    "evidence",
)
ARTICLE_FIELDS = ("text", "published", "outlet", "url", "title", "author", "body_start")


def test_records_equal_saidwhat_extract(first_run: Path, extracted: dict[str, Article]) -> None:
    """Same ids, texts, metadata, offsets, speakers, cues, kinds and evidence as ``saidwhat
    extract`` for every JSONL article (the one the fault drill made fail is an error row)."""
    got = {a.id: a for a in output.read_articles(first_run)}
    expected = {k: v for k, v in extracted.items() if v.text.strip()}
    assert set(expected) - set(got) == {RAISES}
    ids_without = sorted(k for k in got if k.startswith(("a_feed:", "b_wire:")))
    assert ids_without == sorted(k for k in expected if k.startswith(("a_feed:", "b_wire:")))
    assert len(ids_without) == 4
    compared = 0
    for rid, exp in expected.items():
        if rid == RAISES:
            continue
        art = got[rid]
        for f in ARTICLE_FIELDS:
            assert getattr(art, f) == getattr(exp, f), (rid, f)
        assert [w.code for w in art.warnings] == [w.code for w in exp.warnings], rid
        assert len(art.quotes) == len(exp.quotes), rid
        for q, e in zip(art.quotes, exp.quotes, strict=True):
            for f in QUOTE_FIELDS:
                assert getattr(q, f) == getattr(e, f), (rid, q.id, f)
            assert q.confidence == pytest.approx(e.confidence, abs=1e-3)
            compared += 1
        # article_speakers: the speaking entities, plus "~name" for a speaker without entity
        speaking = {q.speaker_id for q in exp.quotes if q.speaker_id}
        names = {e.id: e.name for e in exp.entities if e.id in speaking}
        names |= {f"~{q.speaker}": q.speaker for q in exp.quotes if q.speaker and not q.speaker_id}
        assert {e.id: e.name for e in art.entities} == names, rid
    assert compared > 100


def test_errors_duplicates_and_other_inputs(first_run: Path) -> None:
    manifest = output.check(first_run)
    assert manifest["written_by"] == "saidwhat spark"
    assert manifest["duplicates"] == 1  # the Parquet copy of the first JSONL record
    errors = output.read_table(first_run, "errors").to_pylist()
    codes = sorted(e["code"] for e in errors)
    assert codes == ["E002", "E003", "E005", "E103", "E105", "E106"]
    assert manifest["errors"] == {code: 1 for code in codes}  # observed while writing
    for table, info in manifest["tables"].items():
        assert info["rows"] == output.read_table(first_run, table).num_rows, table
    by_code = {e["code"]: e for e in errors}
    assert by_code["E002"]["source"].endswith("a_feed.jsonl:4")
    assert by_code["E005"]["article_id"] == RAISES
    assert by_code["E106"]["source"].endswith("c_table.parquet#2")
    assert {e["run_id"] for e in errors} == {manifest["run_id"]}
    arts = output.read_table(first_run, "articles")
    ids = arts.column("article_id").to_pylist()
    assert len(ids) == len(set(ids)) == manifest["tables"]["articles"]["rows"]
    assert "pq_new" in ids and "https://news.example/ferry" in ids
    assert set(arts.column("ingested_at").to_pylist()) == {
        arts.column("ingested_at").to_pylist()[0]
    }
    assert (first_run / "articles" / "year=2024" / "month=7").is_dir()  # pq_new
    assert (first_run / "articles" / "year=0" / "month=0").is_dir()  # undated


def test_output_imports_into_a_store_and_answers_duckdb(first_run: Path, tmp_path: Path) -> None:
    from saidwhat.store.export import import_export

    counts = import_export(first_run, tmp_path / "s.duckdb")
    manifest = output.check(first_run)
    for table in ("articles", "mentions", "article_speakers", "errors"):
        assert counts[table] == manifest["tables"][table]["rows"], table
    con = output.connect(first_run)
    hits = output.find_quotations(con, "commuter", speaker="Sallow")
    assert [h["article_id"] for h in hits] == ["https://news.example/ferry"]
    n_quotations = con.execute("SELECT count(*) FROM quotations").fetchone()[0]
    assert n_quotations == manifest["tables"]["quotations"]["rows"] > 0
    row = con.execute(
        "SELECT quote_count, article_count FROM speakers WHERE name = 'Ada Lane'"
    ).fetchone()
    assert row is not None and row[0] >= 1


def _mention_rows(root: Path) -> list[tuple[Any, ...]]:
    table = output.read_table(root, "mentions")
    return sorted(tuple(json.dumps(v, default=str) for v in r.values()) for r in table.to_pylist())


def test_killed_worker_is_retried_without_duplicates(
    spark: Any, corpus: Path, first_run: Path, tmp_path: Path
) -> None:
    """The first task to reach its second batch kills its Python worker (SIGKILL); Spark retries
    the task, and the output holds every article once, with the mentions of the run that was not
    killed (smaller batches, too: records do not depend on how articles are batched). The job
    writes over an earlier output in the same folder."""
    marker = tmp_path / "killed"
    out = tmp_path / "run2"
    shutil.copytree(first_run, out)  # a rerun replaces an earlier output
    args = [str(corpus), str(out), "--partitions", "3", "--batch-size", "4"]
    code = _spark([*args, f"--fault=kill-once:{marker}", "--run-id", "retry"])
    assert marker.exists(), "the drill did not kill any worker"
    assert code == 1
    assert output.check(out)["run_id"] == "retry"
    ids = output.read_table(out, "articles").column("article_id").to_pylist()
    assert len(ids) == len(set(ids))
    first_ids = set(output.read_table(first_run, "articles").column("article_id").to_pylist())
    assert set(ids) == first_ids | {RAISES}  # no raise drill this time
    again = [r for r in _mention_rows(out) if json.loads(r[0]) != RAISES]
    assert again == _mention_rows(first_run)
    # the row counts, observed while writing, count the retried task once
    for table, info in output.check(out)["tables"].items():
        assert info["rows"] == output.read_table(out, table).num_rows, table


def test_foreign_output_folder_is_refused(corpus: Path, tmp_path: Path, spark: Any) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "keep.txt").write_text("not yours\n", encoding="utf-8")
    assert _spark([str(corpus), str(folder)]) == 2
    assert (folder / "keep.txt").exists()
