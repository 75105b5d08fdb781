"""Spark scale-out benchmark: ``saidwhat extract --jobs 2`` vs ``saidwhat spark`` in ``local[1]``
and ``local[2]`` on one synthetic corpus, with peak memory per process.

The corpus (``--articles``, default 20,000) is made from the repository's own invented texts only
(tests/fixtures/phenomena and examples/): each article is 1 or 2 of them (example bodies
without their header), with a seeded random date (2019-2024) and outlet, so it has several
quotations and speakers and lands in many year/month partitions. No real article text is used.

Each system runs as a fresh subprocess (``python -m saidwhat ...``), one after the other, and
its wall time covers everything a user waits for: interpreter and JVM start, model loading in
every worker, reading, extraction and writing (JSONL to a file for ``extract``; the whole Parquet
export with derived tables for ``spark``). For Spark the job's own time (``Summary.seconds``,
session start excluded) is reported too. A sampler reads ``/proc`` every 0.5 s and records the
peak RSS of each process of the system's process tree: the JVM (the driver, which is also the
executor in local mode), each Python worker, and the sum of PSS over the tree (shared pages
counted once), and the CPU seconds (user + system) of every process of the tree, so
docs per CPU-second compare systems fairly when other work shares the machine.

Usage::

    .venv/bin/python benchmarks/spark.py [--articles 20000] [--systems extract2,spark2,spark1]
        [--partitions 16] [--work DIR] [--json results.json]

The 1-minute load average before and after each run is printed with it: on a shared machine
say under what load the numbers were taken.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SYSTEMS = ("extract2", "spark2", "spark1")
OUTLETS = ("Alder Creek Courier", "Harbor Weekly", "Daneby Gazette", "Northfield Post", "Wire")


def source_texts() -> list[str]:
    """The invented texts the corpus is made of: fixture articles and example bodies."""
    sys.path.insert(0, str(REPO / "src"))
    from saidwhat.text.layout import layout

    texts = []
    for path in sorted((REPO / "tests" / "fixtures" / "phenomena").glob("*.json")):
        texts.append(json.loads(path.read_text(encoding="utf-8"))["text"])
    for path in sorted((REPO / "examples").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        texts.append(text[layout(text).body_start :].strip())
    return texts


def make_corpus(path: Path, n: int, seed: int = 7) -> dict[str, float]:
    """Write ``n`` synthetic JSONL articles to ``path``; returns their size figures."""
    rng = random.Random(seed)
    pool = source_texts()
    chars = 0
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            parts = rng.sample(pool, rng.randint(1, 2))
            text = "\n\n".join(parts)
            chars += len(text)
            day = f"{rng.randint(2019, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            record = {
                "id": f"syn-{i:06d}",
                "text": text,
                "published": day,
                "outlet": rng.choice(OUTLETS),
            }
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return {"articles": n, "mean_chars": chars / max(1, n), "bytes": path.stat().st_size}


# --- process-tree memory sampler --------------------------------------------------------------


def _children(pid: int) -> list[int]:
    out = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            kids = (task / "children").read_text().split()
            out += [int(k) for k in kids]
    except OSError:
        pass
    return out


def _tree(pid: int) -> list[int]:
    seen, todo = [], [pid]
    while todo:
        p = todo.pop()
        seen.append(p)
        todo += _children(p)
    return seen


def _status_kib(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


_TICK = os.sysconf("SC_CLK_TCK")


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds a process has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / _TICK
    except (OSError, ValueError, IndexError):
        return 0.0


def _role(pid: int) -> str:
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="ignore")
    except OSError:
        return "gone"
    if not cmd.strip():  # exiting (a zombie has no command line): the role seen before holds
        return ""
    if "java" in cmd.split(" ")[0] or "org.apache.spark" in cmd:
        return "jvm"
    if "pyspark.daemon" in cmd or "pyspark.worker" in cmd:
        return "python_worker"
    if "multiprocessing" in cmd:
        return "python_worker"
    return "driver"


@dataclass
class Memory:
    """Peak RSS per role (MiB), how many processes had each role, and the peak tree PSS."""

    peak_rss_mib: dict[str, float] = field(default_factory=dict)
    processes: dict[str, int] = field(default_factory=dict)
    peak_tree_pss_mib: float = 0.0
    cpu_s: float = 0.0
    cpu_s_by_role: dict[str, float] = field(default_factory=dict)


class Sampler(threading.Thread):
    def __init__(self, pid: int, every: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.stop_flag = threading.Event()
        self.memory = Memory()
        self._seen: dict[str, set[int]] = {}
        self._cpu: dict[int, float] = {}
        self._roles: dict[int, str] = {}

    def run(self) -> None:
        while not self.stop_flag.is_set():
            total = 0
            for pid in _tree(self.pid):
                role = _role(pid) or self._roles.get(pid, "gone")
                if role == "gone":
                    continue
                self._seen.setdefault(role, set()).add(pid)
                self._cpu[pid] = max(self._cpu.get(pid, 0.0), _cpu_s(pid))
                self._roles[pid] = role
                rss = _status_kib(pid, "VmRSS") / 1024
                peak = self.memory.peak_rss_mib
                peak[role] = max(peak.get(role, 0.0), rss)
                total += _pss_kib(pid)
            self.memory.peak_tree_pss_mib = max(self.memory.peak_tree_pss_mib, total / 1024)
            self.stop_flag.wait(self.every)
        self.memory.processes = {k: len(v) for k, v in self._seen.items()}
        self.memory.cpu_s = sum(self._cpu.values())
        for pid, cpu in self._cpu.items():
            role = self._roles[pid]
            self.memory.cpu_s_by_role[role] = self.memory.cpu_s_by_role.get(role, 0.0) + cpu


# --- runs --------------------------------------------------------------------------------------


@dataclass
class Result:
    system: str
    wall_s: float
    docs_per_s: float
    job_s: float | None
    memory: Memory
    load_before: float
    load_after: float
    exit_code: int
    note: str = ""


def _load() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def command(system: str, corpus: Path, work: Path, partitions: int) -> list[str]:
    py = sys.executable
    if system == "extract2":
        return [py, "-m", "saidwhat.cli", "extract", str(corpus), "--jobs", "2", "--no-text"]
    cores = system.removeprefix("spark")
    return [
        py,
        "-m",
        "saidwhat.scale.spark",
        str(corpus),
        str(work / f"out-{system}"),
        "--master",
        f"local[{cores}]",
        "--partitions",
        str(partitions),
        "--json",
        "--quiet",
        # The job's local-mode defaults (saidwhat.scale.spark.local_defaults: no UI, C1 + serial
        # GC, 2 shuffle partitions per core) apply; only the heap and the console are set here.
        "--conf",
        "spark.ui.showConsoleProgress=false",
        "--conf",
        "spark.driver.memory=2g",
    ]


def run_system(system: str, corpus: Path, work: Path, n: int, partitions: int) -> Result:
    cmd = command(system, corpus, work, partitions)
    out_path = work / f"{system}.stdout"
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable)
    load_before = _load()
    t0 = time.perf_counter()
    with out_path.open("wb") as out, (work / f"{system}.stderr").open("wb") as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=REPO)
        sampler = Sampler(proc.pid)
        sampler.start()
        code = proc.wait()
        sampler.stop_flag.set()
        sampler.join()
    wall = time.perf_counter() - t0
    job_s = None
    note = ""
    if system.startswith("spark"):
        try:
            summary = json.loads(out_path.read_text(encoding="utf-8").strip().splitlines()[-1])
            job_s = float(summary["seconds"])
            counts = summary["counts"]
            note = f"articles {counts['articles']}, mentions {counts['mentions']}"
        except (ValueError, IndexError, KeyError):
            note = "no summary"
    else:
        lines = sum(1 for _ in out_path.open("rb"))
        note = f"{lines} records"
    return Result(system, wall, n / wall, job_s, sampler.memory, load_before, _load(), code, note)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--articles", type=int, default=20_000)
    ap.add_argument("--systems", default=",".join(SYSTEMS))
    ap.add_argument("--partitions", type=int, default=16, help="Spark extraction tasks")
    ap.add_argument("--work", type=Path, default=Path("/tmp/saidwhat-spark-bench"))
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)
    systems = [s for s in args.systems.split(",") if s]
    if unknown := set(systems) - set(SYSTEMS):
        ap.error(f"unknown systems: {', '.join(sorted(unknown))}")
    args.work.mkdir(parents=True, exist_ok=True)
    corpus = args.work / f"corpus-{args.articles}.jsonl"
    if not corpus.exists():
        info = make_corpus(corpus, args.articles)
    else:
        info = {"articles": args.articles, "bytes": corpus.stat().st_size}
    print(f"corpus {corpus}: {json.dumps(info)}", flush=True)
    results = []
    for system in systems:
        res = run_system(system, corpus, args.work, args.articles, args.partitions)
        results.append(res)
        mem = ", ".join(f"{k} {v:.0f}" for k, v in sorted(res.memory.peak_rss_mib.items()))
        job = f", job {res.job_s:.1f}s" if res.job_s is not None else ""
        print(
            f"{system:9s} exit {res.exit_code}  wall {res.wall_s:7.1f}s{job}  "
            f"{res.docs_per_s:6.1f} docs/s  peak RSS MiB: {mem}; tree PSS "
            f"{res.memory.peak_tree_pss_mib:.0f}  CPU {res.memory.cpu_s:.0f}s "
            f"({args.articles / max(res.memory.cpu_s, 1e-9):.1f} docs/CPU-s; "
            + ", ".join(f"{k} {v:.0f}" for k, v in sorted(res.memory.cpu_s_by_role.items()))
            + ")  "
            f"load {res.load_before:.1f}->{res.load_after:.1f}"
            f"  ({res.note})",
            flush=True,
        )
    by = {r.system: r for r in results}
    if "extract2" in by and "spark2" in by:
        overhead = by["spark2"].wall_s / by["extract2"].wall_s - 1
        print(f"Spark local[2] vs extract --jobs 2: {overhead:+.1%} wall time")
    if "spark1" in by and "spark2" in by:
        print(
            f"scaling local[1] -> local[2]: {by['spark1'].wall_s / by['spark2'].wall_s:.2f}x wall"
            + (
                f", {by['spark1'].job_s / by['spark2'].job_s:.2f}x job"
                if by["spark1"].job_s and by["spark2"].job_s
                else ""
            )
        )
    if args.json:
        args.json.write_text(
            json.dumps({"corpus": info, "results": [asdict(r) for r in results]}, indent=2) + "\n"
        )
    return 0 if all(r.exit_code in (0, 1) for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
