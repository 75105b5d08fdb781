"""Ingest progress: a one-line bar on a terminal, periodic log lines otherwise, or nothing.

Shows articles stored per second, quotations found, errors and an ETA from the share of input
bytes read (skipped, already ingested files count as read).
"""

from __future__ import annotations

import shutil
import sys
import time
from dataclasses import dataclass, field
from typing import TextIO


@dataclass(slots=True)
class Counters:
    """Running totals of an ingest."""

    stored: int = 0
    versions: int = 0
    unchanged: int = 0
    duplicates: int = 0
    quotes: int = 0
    errors: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    @property
    def rate(self) -> float:
        """Articles stored (new or new version) per second."""
        return (self.stored + self.versions) / self.elapsed if self.elapsed > 0 else 0.0


def _clock(seconds: float) -> str:
    s = int(max(0, seconds))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


class Progress:
    """Reports :class:`Counters`; ``mode`` is ``"bar"``, ``"log"`` or ``"quiet"``."""

    def __init__(
        self,
        mode: str | None = None,
        stream: TextIO | None = None,
        total_bytes: int = 0,
        log_every: float = 10.0,
    ) -> None:
        self.stream = stream or sys.stderr
        if mode is None:
            mode = "bar" if self.stream.isatty() else "log"
        self.mode = mode
        self.total = total_bytes
        self.log_every = log_every
        self._last = 0.0
        self._start_bytes: int | None = None
        self._drawn = False

    def update(self, c: Counters, done_bytes: int, *, force: bool = False) -> None:
        if self.mode == "quiet":
            return
        now = time.monotonic()
        if self._start_bytes is None:
            self._start_bytes = done_bytes
        every = 0.25 if self.mode == "bar" else self.log_every
        if not force and now - self._last < every:
            return
        self._last = now
        line = self.line(c, done_bytes)
        if self.mode == "bar":
            width = shutil.get_terminal_size((100, 20)).columns - 1
            self.stream.write("\r" + line[:width].ljust(width))
            self._drawn = True
        else:
            self.stream.write(f"ingest: {line}\n")
        self.stream.flush()

    def line(self, c: Counters, done_bytes: int) -> str:
        share = min(1.0, done_bytes / self.total) if self.total else 0.0
        eta = "?"
        moved = done_bytes - (self._start_bytes or 0)
        if moved > 0 and share < 1.0:
            eta = _clock((self.total - done_bytes) * c.elapsed / moved)
        elif share >= 1.0:
            eta = "0:00:00"
        bar = ""
        if self.mode == "bar":
            filled = int(share * 20)
            bar = "[" + "#" * filled + "-" * (20 - filled) + "] "
        return (
            f"{bar}{share:4.0%} {c.stored + c.versions} stored ({c.rate:.1f} docs/s), "
            f"{c.unchanged} unchanged, {c.quotes} quotes, {c.errors} errors, "
            f"elapsed {_clock(c.elapsed)}, ETA {eta}"
        )

    def close(self) -> None:
        if self.mode == "bar" and self._drawn:
            self.stream.write("\n")
            self.stream.flush()
