"""Kill and resume: ``saidwhat ingest`` in a real child process is SIGKILLed at random moments
mid-run, several times, then the same command is run to the end. The store must then hold every
article exactly once, none in part, and the same articles, mentions and quotation clusters as an
uninterrupted run. The fake extractor (slowed down a little) stands in for the engine so that
kills land while batches are being read, extracted and committed.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from saidwhat.ingest.runner import Options, ingest
from saidwhat.ingest.synth import Corpus, Spec, as_txt, write_jsonl_gz

FAKE = "saidwhat.ingest.fake:extract"

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SIGKILL, /proc")


def make_corpus(root: Path) -> int:
    spec = Spec(articles=240, seed=11, syndicated=0.15)
    write_jsonl_gz(spec, root / "dumps", per_file=80)
    txt = root / "txt"
    txt.mkdir()
    for art in list(Corpus(Spec(articles=20, seed=12)))[:20]:
        art["id"] = f"t-{art['id']}"
        (txt / f"{art['id']}.txt").write_text(as_txt(art), encoding="utf-8")
    return 260


def child(root: Path, db: Path, jobs: int = 1) -> subprocess.Popen[str]:
    cmd = [
        sys.executable,
        "-m",
        "saidwhat.cli",
        "ingest",
        str(root),
        "--db",
        str(db),
        "--extractor",
        FAKE,
        "--batch",
        "12",
        "--progress",
        "log",
        "--log-every",
        "0",
        "--jobs",
        str(jobs),
    ]
    env = {**os.environ, "SAIDWHAT_FAKE_DELAY": "0.01", "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env
    )


def children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def kill_mid_run(proc: subprocess.Popen[str], lines: int, extra: float) -> list[int]:
    """Wait for ``lines`` progress lines, then ``extra`` seconds, then SIGKILL; the workers it
    had."""
    assert proc.stderr is not None
    seen = 0
    for line in proc.stderr:
        if line.startswith("ingest:"):
            seen += 1
            if seen >= lines:
                break
    time.sleep(extra)
    workers = children_of(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    return workers


def snapshot(db: Path) -> dict[str, object]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        arts = con.execute(
            "SELECT article_id, version, content_hash, quote_count FROM articles"
        ).fetchall()
        per_article = dict(
            con.execute("SELECT article_id, count(*) FROM mentions GROUP BY 1").fetchall()
        )
        clusters: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for qid, aid, quote in con.execute(
            "SELECT quotation_id, article_id, quote_id FROM mentions"
        ).fetchall():
            clusters[qid].add((aid, quote))
        stories = {
            frozenset(r[0])
            for r in con.execute(
                "SELECT list(article_id) FROM articles GROUP BY story_id"
            ).fetchall()
        }
        dup_errors = con.execute(
            "SELECT count(*) - count(DISTINCT (source, code)) FROM errors"
        ).fetchone()
        runs = con.execute("SELECT count(*), count(finished_at) FROM runs").fetchone()
    finally:
        con.close()
    return {
        "articles": sorted(arts),
        "mentions": per_article,
        "clusters": {frozenset(v) for v in clusters.values()},
        "stories": stories,
        "dup_errors": dup_errors,
        "runs": runs,
    }


def count_articles(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return int(con.execute("SELECT count(*) FROM articles").fetchone()[0])  # type: ignore[index]
    finally:
        con.close()


def test_sigkill_then_resume_stores_everything_exactly_once(tmp_path: Path) -> None:
    root = tmp_path / "in"
    total = make_corpus(root)
    reference = tmp_path / "ref.duckdb"
    ingest([root], Options(db=reference, extractor=FAKE, progress="quiet"))
    expected = snapshot(reference)
    assert len(expected["articles"]) == total  # type: ignore[arg-type]

    db = tmp_path / "s.duckdb"
    rng = random.Random(5)
    stored = [0]
    for round_no in range(4):
        proc = child(root, db, jobs=2 if round_no == 1 else 1)
        workers = kill_mid_run(proc, lines=rng.randint(2, 8), extra=rng.uniform(0.0, 0.15))
        if workers:  # the extraction workers die with their parent (no orphans)
            deadline = time.monotonic() + 10
            while any(Path(f"/proc/{w}").exists() for w in workers) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert not [
                w
                for w in workers
                if Path(f"/proc/{w}/stat").exists()
                and "Z" not in Path(f"/proc/{w}/stat").read_text().split()[2]
            ]
        if db.exists():
            stored.append(count_articles(db))
    mid_run = [s for s in stored[1:] if 0 < s < total]
    assert len(mid_run) >= 2, f"kills did not land mid-run: {stored}"

    final = child(root, db)
    _, err = final.communicate(timeout=300)
    assert final.returncode == 0, err
    assert "(resumed)" in err
    got = snapshot(db)
    versions = [a[1] for a in got["articles"]]  # type: ignore[attr-defined]
    assert set(versions) == {1}
    assert len({a[0] for a in got["articles"]}) == total  # type: ignore[attr-defined]
    for aid, _, _, quotes in got["articles"]:  # type: ignore[attr-defined]
        assert got["mentions"].get(aid, 0) == quotes  # type: ignore[attr-defined]
    assert got["articles"] == expected["articles"]
    assert got["mentions"] == expected["mentions"]
    assert got["clusters"] == expected["clusters"]
    assert got["stories"] == expected["stories"]
    assert got["dup_errors"] == (0,)
    assert got["runs"] == (1, 1)

    again = child(root, db)
    _, err = again.communicate(timeout=120)
    assert again.returncode == 0 and f"{total} unchanged" in err
