"""Loopback load test of ``saidwhat serve``: a bounded number of search requests from ``clients``
concurrent clients, latency percentiles and errors.

The query mix is drawn from the store itself (seeded): single content words (not among the 100
most frequent words), two words of one quotation, three-word phrases, a speaker name with and
without a word, an outlet with a date range, and the plain latest-quotations page. Every request
must answer 200; the run fails when one does not, or when p95 is over the budget.

    python tests/e2e/loadtest.py artifacts/load/big.duckdb --requests 4000 --clients 20

Traffic goes to 127.0.0.1 only; the run stops after ``--requests`` requests or ``--seconds``.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import json
import os
import random
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

P95_BUDGET_MS = 100.0


@dataclass(slots=True)
class LoadResult:
    """What a load run measured (milliseconds)."""

    requests: int
    clients: int
    errors: int
    seconds: float
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    mix: dict[str, int]
    statuses: dict[str, int]
    p95_ms_by_kind: dict[str, float] = field(default_factory=dict)
    workers: int = 1
    server_cpu_ms_per_request: float = 0.0
    client_cpu_ms_per_request: float = 0.0
    load_before: float = 0.0
    load_after: float = 0.0
    search_cache: int = 0


def queries(db: Path, n: int, seed: int = 5) -> list[tuple[str, str]]:
    """``n`` (kind, query string) pairs for ``GET /api/quotations``, drawn from the index."""
    rng = random.Random(seed)
    con = sqlite3.connect(f"file:{db}.search?mode=ro", uri=True)
    try:
        top_q = con.execute("SELECT max(qid) FROM quotations").fetchone()[0]
        sample = [
            r[0]
            for r in con.execute(
                "SELECT text FROM quotations WHERE qid IN (SELECT value FROM json_each(?))",
                [json.dumps([rng.randint(1, top_q) for _ in range(3000)])],
            )
        ]
        speakers = [
            r[0]
            for r in con.execute("SELECT name FROM speakers ORDER BY quote_count DESC LIMIT 2000")
        ]
        outlets = [r[0] for r in con.execute("SELECT DISTINCT outlet FROM mentions LIMIT 100")]
        dates = con.execute("SELECT min(published), max(published) FROM mentions").fetchone()
    finally:
        con.close()
    tokens = [[w.lower() for w in re.findall(r"\w+", t)] for t in sample]
    freq = Counter(w for ws in tokens for w in ws)
    common = {w for w, _ in freq.most_common(100)}
    content = [w for w in freq if w not in common]
    first = dt_year(dates[0]) if dates and dates[0] else 2015
    last = dt_year(dates[1]) if dates and dates[1] else 2024
    out: list[tuple[str, str]] = []
    kinds = ["word"] * 40 + ["two"] * 20 + ["phrase"] * 15 + ["speaker"] * 10
    kinds += ["outlet"] * 10 + ["latest"] * 5
    for _ in range(n):
        kind = rng.choice(kinds)
        params: dict[str, str] = {}
        ws = rng.choice([t for t in tokens if len(t) >= 4])
        if kind == "word":
            params["q"] = rng.choice(content)
        elif kind == "two":
            picks = [w for w in ws if w not in common] or ws
            params["q"] = " ".join(rng.sample(picks, min(2, len(picks))))
        elif kind == "phrase":
            i = rng.randrange(len(ws) - 2)
            params["q"] = '"' + " ".join(ws[i : i + 3]) + '"'
        elif kind == "speaker":
            params["speaker"] = rng.choice(speakers)
            if rng.random() < 0.5:
                params["q"] = rng.choice(content)
        elif kind == "outlet":
            year = rng.randint(first, last)
            params.update(
                outlet=rng.choice(outlets), date_from=f"{year}-01-01", date_to=f"{year}-06-30"
            )
        out.append((kind, "/api/quotations?" + urllib.parse.urlencode(params)))
    return out


def dt_year(value: str) -> int:
    return int(str(value)[:4])


def _run(coro: Any) -> Any:
    """``asyncio.run`` on its own thread: callers (pytest after Playwright's sync API) may already
    have an event loop running in this thread."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def _get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, url: str) -> int:
    """One keep-alive ``GET`` on an open connection (a tiny HTTP/1.1 client: the load generator
    shares the machine's cores with the server, so it must cost little); returns the status."""
    writer.write(
        f"GET {url} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\r\n".encode()
    )
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    await reader.readexactly(length)
    return status


async def run_load(
    base: str, work: list[tuple[str, str]], clients: int, seconds: float
) -> LoadResult:
    """Send every request of ``work`` from ``clients`` concurrent keep-alive connections."""
    parsed = urllib.parse.urlsplit(base)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 80
    latencies: list[float] = []
    by_kind: dict[str, list[float]] = {}
    statuses: Counter[str] = Counter()
    mix: Counter[str] = Counter()
    todo = iter(work)
    stop_at = time.monotonic() + seconds

    async def client() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            for kind, url in todo:
                if time.monotonic() > stop_at:
                    return
                t = time.perf_counter()
                try:
                    status = str(await asyncio.wait_for(_get(reader, writer, url), 30))
                except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError) as exc:
                    status = type(exc).__name__
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, port)
                latencies.append((time.perf_counter() - t) * 1000)
                by_kind.setdefault(kind, []).append(latencies[-1])
                statuses[status] += 1
                mix[kind] += 1
        finally:
            writer.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    elapsed = time.perf_counter() - t0
    lat = sorted(latencies)

    def pct(p: float) -> float:
        return round(lat[min(len(lat) - 1, int(p * len(lat)))], 1) if lat else 0.0

    return LoadResult(
        requests=len(lat),
        clients=clients,
        errors=sum(c for s, c in statuses.items() if s != "200"),
        seconds=round(elapsed, 2),
        rps=round(len(lat) / elapsed, 1) if elapsed else 0.0,
        p50_ms=round(statistics.median(lat), 1) if lat else 0.0,
        p95_ms=pct(0.95),
        p99_ms=pct(0.99),
        max_ms=round(lat[-1], 1) if lat else 0.0,
        mix=dict(mix),
        p95_ms_by_kind={
            k: round(sorted(v)[min(len(v) - 1, int(0.95 * len(v)))], 1)
            for k, v in sorted(by_kind.items())
        },
        statuses=dict(statuses),
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ticks(pid: int) -> int:
    """CPU time (user + system, clock ticks) of process ``pid`` and its live descendants
    (``serve --workers N`` runs its workers as child processes); 0 where ``/proc`` is not
    there."""
    try:
        stats = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    text = (entry / "stat").read_text()
                except OSError:
                    continue
                fields = text[text.rindex(")") + 2 :].split()
                stats[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    except OSError:
        return 0
    tree, total, grew = {pid}, 0, True
    while grew:
        grew = False
        for p, (ppid, _) in stats.items():
            if ppid in tree and p not in tree:
                tree.add(p)
                grew = True
    for p in tree:
        total += stats.get(p, (0, 0))[1]
    return total


def server_cpu_seconds(pid: int) -> float:
    """CPU seconds the server process (and its workers) used so far."""
    return _ticks(pid) / os.sysconf("SC_CLK_TCK")


def serve(
    db: Path, workers: int = 1, search_cache: int | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """Start ``saidwhat serve`` on a free loopback port; wait until it answers."""
    port = free_port()
    extra = ["--workers", str(workers)] if workers != 1 else []
    if search_cache is not None:
        extra += ["--search-cache", str(search_cache)]
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "saidwhat.cli",
            "serve",
            "--db",
            str(db),
            "--port",
            str(port),
            "--no-warm",
            *extra,
        ],
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"saidwhat serve exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(base + "/api/health", timeout=2):
                return proc, base
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("saidwhat serve did not start")


def load_test(
    db: Path,
    requests: int = 4000,
    clients: int = 20,
    seconds: float = 300,
    warmup: int = 200,
    workers: int = 1,
    search_cache: int | None = None,
) -> LoadResult:
    """Serve ``db`` (``workers`` processes; ``search_cache`` results remembered, 0: none), warm
    it up, then run the measured load; the server is stopped after. Besides latency, the result
    has the server's CPU time per request (robust to other work on the machine) and the 1-minute
    load average before and after."""
    work = queries(db, requests + warmup)
    proc, base = serve(db, workers, search_cache)
    try:
        _run(run_load(base, work[:warmup], clients, seconds))
        load_before = os.getloadavg()[0]
        cpu0, own0 = server_cpu_seconds(proc.pid), time.process_time()
        result = _run(run_load(base, work[warmup:], clients, seconds))
        cpu1, own1 = server_cpu_seconds(proc.pid), time.process_time()
        n = max(result.requests, 1)
        result.workers = workers
        result.search_cache = -1 if search_cache is None else search_cache
        result.server_cpu_ms_per_request = round((cpu1 - cpu0) * 1000 / n, 2)
        result.client_cpu_ms_per_request = round((own1 - own0) * 1000 / n, 2)
        result.load_before = round(load_before, 2)
        result.load_after = round(os.getloadavg()[0], 2)
        return result
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--workers", type=int, default=1, help="serve --workers")
    parser.add_argument(
        "--search-cache",
        type=int,
        default=None,
        help="serve --search-cache (0: every search runs its query; default: the server's)",
    )
    parser.add_argument("--json", type=Path, help="also write the result here")
    args = parser.parse_args(argv)
    result = load_test(
        args.db,
        args.requests,
        args.clients,
        args.seconds,
        workers=args.workers,
        search_cache=args.search_cache,
    )
    text = json.dumps(asdict(result), indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    ok = result.errors == 0 and result.p95_ms < P95_BUDGET_MS
    print("PASS" if ok else f"FAIL (budget: zero errors, p95 < {P95_BUDGET_MS} ms)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
