"""Corpus benchmarks: ingest throughput against bare extraction, and the store at scale.

Subcommands (each step runs in fresh child processes; peak RSS is sampled from /proc over the
child and its worker processes):

- ``mixed --out DIR``: a small mixed folder for a demonstration: the fixture ``examples/*.txt``,
  synthetic articles as ``.jsonl.gz``, ``.html`` pages and a ``.warc.gz`` crawl, plus one bad
  record of each common kind (broken JSON line, image in the crawl, truncated gzip).
- ``generate --articles N --out DIR``: a synthetic corpus (``saidwhat.ingest.synth``: fictional,
  made from the fixture articles' vocabulary) as ``part-NNNN.jsonl.gz`` files.
- ``throughput --articles N --jobs 2``: the real engine. *Bare*: read the JSONL and run
  ``saidwhat.batch.extract_many(raws, jobs=N)`` to the last article. *Ingest*: ``saidwhat ingest
  --jobs N`` of the same file into a fresh store. Both timed from process start to exit (model
  loading included in both). Input: the fixture example articles, each copy made unique.
- ``scale --articles 100000 --jobs 2``: the fake extractor (the engine would take hours at this
  size; the store is what is measured): ingest time and docs/s, peak RSS, store and index size,
  then search latency p50/p95 for phrase, speaker and date-range queries (``--queries`` each,
  warm, in one fresh process).

Usage::

    .venv/bin/python benchmarks/corpus.py throughput --articles 400 --jobs 2
    .venv/bin/python benchmarks/corpus.py scale --articles 100000 --jobs 2 --work /tmp/bench
    .venv/bin/python benchmarks/corpus.py all
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PY = sys.executable
FAKE = "saidwhat.ingest.fake:extract"


# --- measuring child processes ---------------------------------------------------------------


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return 0
    return 0


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return out


def run_measured(cmd: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run ``cmd``; wall time, exit status, output tail, peak RSS of the main process and of the
    whole tree (main + workers), MiB."""
    start = time.monotonic()
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **(env or {})},
    )
    peak_main = peak_tree = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_main, peak_tree
        while not done.is_set():
            main = _rss_kib(proc.pid)
            tree = main + sum(_rss_kib(c) for c in _children(proc.pid))
            peak_main, peak_tree = max(peak_main, main), max(peak_tree, tree)
            done.wait(0.2)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    out, _ = proc.communicate()
    done.set()
    thread.join()
    return {
        "seconds": time.monotonic() - start,
        "rc": proc.returncode,
        "tail": out[-2000:],
        "peak_rss_main_mib": round(peak_main / 1024, 1),
        "peak_rss_tree_mib": round(peak_tree / 1024, 1),
    }


# --- corpora ----------------------------------------------------------------------------------


def generate(n: int, out: Path, per_file: int = 10_000) -> list[Path]:
    from saidwhat.ingest.synth import Spec, write_jsonl_gz

    return write_jsonl_gz(Spec(articles=n), out, per_file=per_file)


def fixture_corpus(n: int, path: Path) -> Path:
    """``n`` articles made from the example articles, each copy unique (an added sentence)."""
    from saidwhat.text.layout import parse_header

    texts = [p.read_text(encoding="utf-8") for p in sorted((REPO / "examples").glob("*.txt"))]
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for i in range(n):
            text = texts[i % len(texts)]
            header = parse_header(text)
            body = text[header.body_start :].rstrip() + f"\n\nThis is edition number {i}.\n"
            rec = {"id": f"fx-{i}", "text": body, **header.fields}
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return path


def mixed(out: Path) -> list[Path]:
    """The demonstration folder (see the module docstring)."""
    import shutil

    from saidwhat.ingest.synth import Corpus, Spec, as_html, write_warc

    out.mkdir(parents=True, exist_ok=True)
    for path in sorted((REPO / "examples").glob("*.txt")):
        shutil.copy(path, out / path.name)
    arts = list(Corpus(Spec(articles=40, seed=21, quotes_per_article=6, syndicated=0.2)))
    with gzip.open(out / "wire.jsonl.gz", "wt", encoding="utf-8") as fh:
        for a in arts[:20]:
            fh.write(json.dumps(a) + "\n")
        fh.write("{this line is not JSON\n")
    (out / "pages").mkdir(exist_ok=True)
    for a in arts[20:30]:
        (out / "pages" / f"{a['id']}.html").write_text(as_html(a), encoding="utf-8")
    pages = [(str(a["url"]), as_html(a).encode(), "text/html") for a in arts[30:40]]
    pages.insert(
        3, ("https://news.example/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png")
    )
    write_warc(out / "crawl.warc.gz", pages)
    lines = "".join(json.dumps({**a, "id": f"cut-{i}"}) + "\n" for i, a in enumerate(arts[:8]))
    data = gzip.compress(lines.encode())
    (out / "cut.jsonl.gz").write_bytes(data[: len(data) // 2])
    return sorted(p for p in out.rglob("*") if p.is_file())


BARE = """
import sys, time
from saidwhat.batch import extract_many
from saidwhat.text.reader import read_path
from saidwhat.records import RawArticle
raws = (r for r in read_path(sys.argv[1]) if isinstance(r, RawArticle))
n = q = 0
for art in extract_many(raws, jobs=int(sys.argv[2])):
    n += 1
    q += len(art.quotes)
print(f"bare: {n} articles, {q} quotes")
"""


def throughput(n: int, jobs: int, work: Path) -> dict[str, Any]:
    src = fixture_corpus(n, work / "fixtures.jsonl.gz")
    bare = run_measured([PY, "-c", BARE, str(src), str(jobs)])
    db = work / "throughput.duckdb"
    for p in work.glob("throughput.duckdb*"):
        p.unlink()
    ing = run_measured(
        [
            PY,
            "-m",
            "saidwhat.cli",
            "ingest",
            str(src),
            "--db",
            str(db),
            "--jobs",
            str(jobs),
            "--progress",
            "log",
            "--log-every",
            "30",
        ]
    )
    result = {
        "articles": n,
        "jobs": jobs,
        "bare_seconds": round(bare["seconds"], 1),
        "bare_docs_per_s": round(n / bare["seconds"], 2),
        "ingest_seconds": round(ing["seconds"], 1),
        "ingest_docs_per_s": round(n / ing["seconds"], 2),
        "ingest_vs_bare": round(bare["seconds"] / ing["seconds"], 3),
        "bare_peak_rss_tree_mib": bare["peak_rss_tree_mib"],
        "ingest_peak_rss_main_mib": ing["peak_rss_main_mib"],
        "ingest_peak_rss_tree_mib": ing["peak_rss_tree_mib"],
        "rc": [bare["rc"], ing["rc"]],
    }
    if bare["rc"] or ing["rc"]:
        result["tails"] = [bare["tail"], ing["tail"]]
    return result


# --- scale --------------------------------------------------------------------------------------

SEARCH = """
import json, random, statistics, sys, time
from saidwhat import Store
db, n = sys.argv[1], int(sys.argv[2])
store = Store(db)
t = time.monotonic(); store.search("harbour"); first = time.monotonic() - t
con = store.index
rng = random.Random(1)
texts = [r[0] for r in con.execute(
    "SELECT text FROM quotations WHERE length(text) > 40 ORDER BY random() LIMIT ?", [n])]
names = [r[0] for r in con.execute(
    "SELECT name FROM speakers WHERE quote_count > 5 ORDER BY random() LIMIT ?", [n])]
days = [r[0] for r in con.execute(
    "SELECT published FROM mentions WHERE published IS NOT NULL ORDER BY random() LIMIT ?", [n])]
def phrase(t):
    words = t.split()
    k = rng.randint(2, 4); i = rng.randint(0, max(0, len(words) - k))
    return '"' + " ".join(words[i:i + k]) + '"'
import datetime as dt
queries = {
    "phrase": [dict(text=phrase(t)) for t in texts],
    "speaker": [dict(speaker=s) for s in names],
    "date_range": [dict(date_from=d, date_to=(dt.date.fromisoformat(d) + dt.timedelta(days=30))
                        .isoformat()) for d in days],
    "phrase_in_range": [dict(text=phrase(t), date_from=d[:4] + "-01-01", date_to=d[:4] + "-12-31")
                        for t, d in zip(texts, days)],
}
out = {"first_query_s": round(first, 2)}
for name, qs in queries.items():
    times, hits = [], 0
    for q in qs:
        t = time.perf_counter()
        r = store.search(limit=20, **q)
        times.append(time.perf_counter() - t)
        hits += bool(r)
    times.sort()
    out[name] = {"n": len(times), "p50_ms": round(1000 * times[len(times) // 2], 2),
                 "p95_ms": round(1000 * times[int(len(times) * 0.95)], 2),
                 "max_ms": round(1000 * times[-1], 2), "with_hits": hits}
s = store.stats()
out["store"] = {"articles": s.articles, "mentions": s.mentions, "quotations": s.quotations,
                "speakers": s.speakers}
print(json.dumps(out))
"""


def _size_mib(paths: list[Path]) -> float:
    return round(sum(p.stat().st_size for p in paths if p.exists()) / 2**20, 1)


def scale(n: int, jobs: int, work: Path, queries: int, batch: int = 1000) -> dict[str, Any]:
    corpus = work / f"synthetic-{n}"
    if not corpus.exists():
        t = time.monotonic()
        generate(n, corpus)
        print(f"generated {n} articles in {time.monotonic() - t:.0f} s", file=sys.stderr)
    db = work / f"scale-{n}.duckdb"
    for p in work.glob(f"scale-{n}.duckdb*"):
        p.unlink()
    ing = run_measured(
        [
            PY,
            "-m",
            "saidwhat.cli",
            "ingest",
            str(corpus),
            "--db",
            str(db),
            "--jobs",
            str(jobs),
            "--extractor",
            FAKE,
            "--progress",
            "log",
            "--log-every",
            "60",
            "--batch",
            str(batch),
        ]
    )
    if ing["rc"]:
        return {"ingest": ing}
    summary = [ln for ln in ing["tail"].splitlines() if ln.startswith(("time:", "quotations:"))]
    search = run_measured([PY, "-c", SEARCH, str(db), str(queries)])
    result: dict[str, Any] = {
        "articles": n,
        "jobs": jobs,
        "ingest_seconds": round(ing["seconds"], 1),
        "ingest_docs_per_s": round(n / ing["seconds"], 1),
        "ingest_peak_rss_main_mib": ing["peak_rss_main_mib"],
        "ingest_peak_rss_tree_mib": ing["peak_rss_tree_mib"],
        "ingest_summary": summary,
        "corpus_mib": _size_mib(list(corpus.glob("*"))),
        "store_mib": _size_mib([db, Path(str(db) + ".wal")]),
        "index_mib": _size_mib([Path(str(db) + ".search")]),
    }
    try:
        result["search"] = json.loads(search["tail"].strip().splitlines()[-1])
    except (ValueError, IndexError):
        result["search"] = search
    result["search_peak_rss_mib"] = search["peak_rss_main_mib"]
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("mixed")
    m.add_argument("--out", type=Path, required=True)
    g = sub.add_parser("generate")
    g.add_argument("--articles", type=int, default=10_000)
    g.add_argument("--out", type=Path, required=True)
    for name in ("throughput", "scale", "all"):
        p = sub.add_parser(name)
        p.add_argument("--articles", type=int, default=400 if name == "throughput" else 100_000)
        p.add_argument("--jobs", type=int, default=2)
        p.add_argument("--work", type=Path, default=None, help="folder for corpora and stores")
        p.add_argument("--queries", type=int, default=200)
    args = parser.parse_args(argv)
    if args.cmd == "mixed":
        for path in mixed(args.out):
            print(path)
        return 0
    if args.cmd == "generate":
        paths = generate(args.articles, args.out)
        print(f"{len(paths)} file(s) in {args.out}")
        return 0
    work = args.work or Path(tempfile.mkdtemp(prefix="saidwhat-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"cpu_count": os.cpu_count()}
    if args.cmd in ("throughput", "all"):
        n = args.articles if args.cmd == "throughput" else 400
        results["throughput"] = throughput(n, args.jobs, work)
    if args.cmd in ("scale", "all"):
        results["scale"] = scale(args.articles, args.jobs, work, args.queries)
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
