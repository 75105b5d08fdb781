"""The ingest loop: read sources, decide what is new, extract, write in transactional batches.

Identity: an article is ``(article_id, content_hash)``. Before extraction each record is checked
against the store (one query per chunk) and against what this process has in flight:

- same id, same text as the latest stored version: *unchanged* (a no-op; *duplicate* when this
  very process stored it a moment ago);
- same id, different text, stored by an earlier run: a *new version*;
- same id, different text, already seen in this run: error ``E106`` (the source is ambiguous);
- empty text: ``E105``; unreadable records: their reader's code. Errors go to the ``errors``
  table and the run goes on.

Crash safety: every write is a DuckDB transaction holding whole articles (with their mentions and
speakers), the errors met so far, and the *sources* finished so far (a file is marked done in the
transaction that stores its last record). A run is identified by its inputs and options; running
the same command after a kill resumes that run: finished files are skipped, stored articles are
no-ops, the rest is done. So every article ends up stored exactly once, never in part.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import time
import uuid
from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from saidwhat.errors import CODES, notice
from saidwhat.ingest.progress import Counters, Progress
from saidwhat.ingest.sources import Reading, SourceFile, walk
from saidwhat.ingest.worker import DEFAULT_EXTRACTOR, DEFAULT_MODEL, Extraction, Failure, Result
from saidwhat.records import Notice, RawArticle
from saidwhat.store import db, identity, index
from saidwhat.store.rows import Identity
from saidwhat.store.writer import Writer
from saidwhat.text.tables import Columns

CHUNK = 128


@dataclass(slots=True)
class Options:
    """How to ingest (the command line's options)."""

    db: Path = Path(db.DEFAULT_DB)
    jobs: int = 1
    model: str = DEFAULT_MODEL
    extractor: str = DEFAULT_EXTRACTOR
    columns: Columns = field(default_factory=Columns)
    batch_articles: int = 256
    batch_seconds: float = 10.0
    task_size: int = 16
    rescan: bool = False
    sync_index: bool = True
    progress: str | None = None
    log_every: float = 10.0


@dataclass(slots=True)
class Summary:
    """What a run did; ``errors_by_code`` counts the bad records met in this run."""

    run_id: str = ""
    resumed: bool = False
    files: int = 0
    files_skipped: int = 0
    unsupported: int = 0
    stored: int = 0
    versions: int = 0
    unchanged: int = 0
    duplicates: int = 0
    mentions: int = 0
    new_quotations: int = 0
    errors: int = 0
    errors_by_code: dict[str, int] = field(default_factory=dict)
    batches: int = 0
    seconds: float = 0.0
    index_seconds: float = 0.0

    @property
    def docs_per_second(self) -> float:
        work = self.seconds - self.index_seconds
        return (self.stored + self.versions) / work if work > 0 else 0.0

    def lines(self) -> list[str]:
        codes = ", ".join(f"{k}: {v}" for k, v in sorted(self.errors_by_code.items()))
        return [
            f"run {self.run_id}{' (resumed)' if self.resumed else ''}: {self.files} file(s) read, "
            f"{self.files_skipped} skipped as already ingested, {self.unsupported} unsupported",
            f"articles: {self.stored} new, {self.versions} new version(s), {self.unchanged} "
            f"unchanged, {self.duplicates} duplicate(s) in the input",
            f"quotations: {self.mentions} mention(s) stored, {self.new_quotations} new at corpus "
            "level",
            f"errors: {self.errors}" + (f" ({codes})" if codes else ""),
            f"time: {self.seconds:.1f} s ({self.docs_per_second:.1f} docs/s), "
            f"{self.batches} batch(es) committed, search index {self.index_seconds:.1f} s",
        ]


@dataclass(slots=True)
class _Latest:
    version: int
    content_hash: str
    run_id: str | None
    batch_no: int
    seen_run: str | None


@dataclass(slots=True)
class _Slot:
    """An entry of the ordered window: a task in flight and/or a file finished after it."""

    handle: Any = None
    done_file: tuple[SourceFile, int] | None = None


def source_of(n: Notice, fallback: str = "?") -> str:
    """Where a reader's notice points: the first part of its detail (``path:line``)."""
    base = CODES.get(n.code, "") + ": "
    if not n.message.startswith(base):
        return fallback
    return n.message[len(base) :].split(": ")[0] or fallback


def run_key(files: Sequence[SourceFile], options: Options) -> str:
    """What identifies a run for resuming: its inputs and the options that change results."""
    data = {
        "files": sorted(f.key for f in files),
        "model": options.model,
        "extractor": options.extractor,
        "columns": asdict(options.columns),
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


class Ingest:
    """One ``saidwhat ingest`` run (see the module docstring)."""

    def __init__(self, paths: Sequence[str | Path], options: Options) -> None:
        self.paths = list(paths)
        self.options = options
        self.summary = Summary()
        self.counters = Counters()
        self.con: duckdb.DuckDBPyConnection | None = None
        self._inflight: dict[str, str] = {}
        self._window: deque[_Slot] = deque()
        self._bytes_done = 0  # bytes of the files read to the end (or skipped)
        self._reading: Reading | None = None
        self._start_batch = 0
        self._last_flush = time.monotonic()
        self._codes: Counter[str] = Counter()

    # -- driver --------------------------------------------------------------------------------
    def run(self) -> Summary:
        opts = self.options
        started = time.monotonic()
        found = walk(self.paths)
        self.summary.unsupported = found.unsupported
        self.progress = Progress(
            opts.progress, total_bytes=found.total_bytes, log_every=opts.log_every
        )
        self.con = con = db.connect(opts.db, read_only=False)
        self.summary.run_id, self.summary.resumed = self._begin_run(con, found.files)
        self.writer = Writer(con, self.summary.run_id)
        self._start_batch = self.writer.batch_no
        for n in found.notices:
            self._error(n, source_of(n))
        todo = self._skip_done(con, found.files)
        extraction = Extraction(opts.jobs, opts.extractor, opts.model)
        try:
            for src in todo:
                self._read(src, extraction)
            while self._window:
                self._pop()
            self._flush()
        except BaseException:
            extraction.close(terminate=True)
            self._interrupted()
            raise
        extraction.close()
        self.progress.update(self.counters, found.total_bytes, force=True)
        self.progress.close()
        self.summary.seconds = time.monotonic() - started
        self._finish_run(con)
        if opts.sync_index:
            t = time.monotonic()
            index.sync(con, db.index_path(opts.db))
            self.summary.index_seconds = time.monotonic() - t
        self.summary.seconds = time.monotonic() - started
        con.close()
        return self.summary

    def _interrupted(self) -> None:
        """On Ctrl-C: commit what is complete (atomic, so always safe), then stop."""
        self.progress.close()
        with contextlib.suppress(Exception):  # the original exception is what matters
            self._flush()
        if self.con is not None:
            self.con.close()

    # -- runs and sources ----------------------------------------------------------------------
    def _begin_run(
        self, con: duckdb.DuckDBPyConnection, files: list[SourceFile]
    ) -> tuple[str, bool]:
        key = run_key(files, self.options)
        row = con.execute(
            "SELECT run_id FROM runs WHERE key = ? AND finished_at IS NULL "
            "ORDER BY started_at DESC LIMIT 1",
            [key],
        ).fetchone()
        if row is not None:
            return str(row[0]), True
        run_id = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S-") + uuid.uuid4().hex[:6]
        args = json.dumps({"paths": [str(p) for p in self.paths], "jobs": self.options.jobs})
        con.execute(
            "INSERT INTO runs (run_id, key, args, started_at) VALUES (?, ?, ?, ?)",
            [run_id, key, args, dt.datetime.now(dt.UTC)],
        )
        return run_id, False

    def _finish_run(self, con: duckdb.DuckDBPyConnection) -> None:
        summary = asdict(self.summary)
        con.execute(
            "UPDATE runs SET finished_at = ?, summary = ? WHERE run_id = ?",
            [dt.datetime.now(dt.UTC), json.dumps(summary), self.summary.run_id],
        )

    def _skip_done(
        self, con: duckdb.DuckDBPyConnection, files: list[SourceFile]
    ) -> list[SourceFile]:
        """Files not finished before with the same size and mtime (all of them with --rescan)."""
        if self.options.rescan:
            return files
        done = {
            str(p): (int(s), int(m), int(r or 0))
            for p, s, m, r in con.execute(
                "SELECT path, size, mtime_ns, records FROM sources"
            ).fetchall()
        }
        todo = []
        for f in files:
            prev = done.get(f.key)
            if prev is not None and prev[:2] == (f.size, f.mtime_ns):
                self.summary.files_skipped += 1
                self.summary.unchanged += prev[2]
                self.counters.unchanged += prev[2]
                self._bytes_done += f.size
            else:
                todo.append(f)
        return todo

    # -- reading and deciding ------------------------------------------------------------------
    def _read(self, src: SourceFile, extraction: Extraction) -> None:
        self.summary.files += 1
        reading = self._reading = Reading(src, self.options.columns)
        chunk: list[RawArticle] = []
        for item in reading:
            if isinstance(item, Notice):
                self._error(item, source_of(item, str(src.path)))
                continue
            chunk.append(item)
            if len(chunk) >= CHUNK:
                self._decide(chunk, extraction)
                chunk = []
        self._decide(chunk, extraction)
        self._window.append(_Slot(done_file=(src, reading.records)))
        self._reading = None
        self._bytes_done += src.size  # read; its last tasks may still be in flight
        self._drain(extraction, block=False)

    def _decide(self, chunk: list[RawArticle], extraction: Extraction) -> None:
        """Classify a chunk of records and send the new ones to extraction in tasks."""
        if not chunk:
            return
        latest = self._latest([r.id for r in chunk])
        raws: list[RawArticle] = []
        idents: list[Identity] = []
        for raw in chunk:
            where = raw.origin or raw.id
            if not raw.text.strip():
                self._error(notice("E105", where, raw.id), where)
                continue
            digest = identity.content_hash(raw.text)
            if raw.id in self._inflight:
                if self._inflight[raw.id] == digest:
                    self._duplicate()
                else:
                    self._error(notice("E106", f"{where}: {raw.id}", raw.id), where)
                continue
            last = latest.get(raw.id)
            run = self.summary.run_id
            if last is not None and last.content_hash == digest:
                if last.run_id == run and last.batch_no > self._start_batch:
                    self._duplicate()
                else:
                    self.summary.unchanged += 1
                    self.counters.unchanged += 1
                    self._inflight[raw.id] = digest
                    self.writer.mark_seen(raw.id)
                continue
            if last is not None and run in (last.run_id, last.seen_run):
                self._error(notice("E106", f"{where}: {raw.id}", raw.id), where)
                continue
            self._inflight[raw.id] = digest
            raws.append(raw)
            idents.append(Identity(raw.id, last.version + 1 if last else 1, digest, raw.origin))
            if len(raws) >= self.options.task_size:
                self._submit(extraction, raws, idents)
                raws, idents = [], []
        if raws:
            self._submit(extraction, raws, idents)
        self._maybe_flush()
        reading = self._reading.position() if self._reading is not None else 0
        self.progress.update(self.counters, self._bytes_done + reading)

    def _latest(self, ids: list[str]) -> dict[str, _Latest]:
        assert self.con is not None
        rows = self.con.execute(
            "SELECT article_id, version, content_hash, run_id, batch_no, seen_run FROM articles "
            "WHERE is_latest AND article_id IN (SELECT unnest($1::VARCHAR[]))",
            [sorted(set(ids))],
        ).fetchall()
        return {str(r[0]): _Latest(int(r[1]), str(r[2]), r[3], int(r[4]), r[5]) for r in rows}

    def _duplicate(self) -> None:
        self.summary.duplicates += 1
        self.counters.duplicates += 1

    def _submit(
        self, extraction: Extraction, raws: list[RawArticle], idents: list[Identity]
    ) -> None:
        while len([s for s in self._window if s.handle is not None]) >= extraction.window:
            self._pop()
        self._window.append(_Slot(handle=extraction.submit(raws, idents)))

    # -- results and writing -------------------------------------------------------------------
    def _drain(self, extraction: Extraction, *, block: bool) -> None:
        """Hand finished tasks (in order) to the writer."""
        while self._window:
            head = self._window[0].handle
            if head is not None and not block and hasattr(head, "ready") and not head.ready():
                return
            self._pop()

    def _pop(self) -> None:
        slot = self._window.popleft()
        if slot.handle is not None:
            results: list[Result] = slot.handle.get()
            for r in results:
                self._take(r)
        if slot.done_file is not None:
            src, records = slot.done_file
            self.writer.source_done(src.key, src.size, src.mtime_ns, records)
        self._maybe_flush()
        reading = self._reading.position() if self._reading is not None else 0
        self.progress.update(self.counters, self._bytes_done + reading)

    def _take(self, r: Result) -> None:
        if isinstance(r, Failure):
            self._inflight.pop(r.notice.record_id or "", None)
            self._error(r.notice, r.source)
            return
        self.writer.add(r)
        self.counters.quotes += len(r.mentions)

    def _error(self, n: Notice, source: str) -> None:
        self.writer.add_error(source or "?", n.code, n.message, n.record_id)
        self.summary.errors += 1
        self.counters.errors += 1
        self._codes[n.code] += 1
        self.summary.errors_by_code = dict(self._codes)

    def _maybe_flush(self) -> None:
        w = self.writer
        due = time.monotonic() - self._last_flush >= self.options.batch_seconds
        if (
            len(w.articles) >= self.options.batch_articles
            or len(w.errors) + len(w.seen) >= 5000
            or (due and w.pending)
        ):
            self._flush()

    def _flush(self) -> None:
        w = self.writer
        if not w.pending:
            return
        flushed = [p.key for p in w.articles]
        for aid in w.seen:
            self._inflight.pop(aid, None)
        versions = sum(1 for _, v in flushed if v > 1)
        result = w.flush()
        self._last_flush = time.monotonic()
        for aid, _ in flushed:
            self._inflight.pop(aid, None)
        s = self.summary
        s.batches += 1
        s.stored += result.articles - versions
        s.versions += versions
        s.mentions += result.mentions
        s.new_quotations += result.new_quotations
        self.counters.stored = s.stored
        self.counters.versions = s.versions


def ingest(paths: Sequence[str | Path], options: Options | None = None) -> Summary:
    """Ingest ``paths`` into the store ``options.db`` (see :class:`Ingest`)."""
    return Ingest(paths, options or Options()).run()
