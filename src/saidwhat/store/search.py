"""Queries on the search side index: ranked full-text search over quotations, speaker lookup.

A text query is FTS5 over quotation texts, ranked by BM25: words must all occur, ``"double
quoted"`` parts are phrases, ``word*`` is a prefix. Filters (speaker, dates, outlet, kind) keep a
quotation when one of its appearances matches all of them; each hit is shown through its earliest
matching appearance. Without text, hits come newest first.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from dataclasses import dataclass
from typing import Any

from saidwhat.store.results import Results, SearchHit, SpeakerRow, columns_of

_TERM = re.compile(r'"([^"]*)"?|(\S+)')


def fts_query(text: str, *, phrase: bool = False) -> str | None:
    """An FTS5 query from user text: phrases and words quoted (so no FTS syntax leaks in)."""
    if phrase:
        words = " ".join(re.findall(r"\w+", text))
        return f'"{words}"' if words else None
    parts: list[str] = []
    for m in _TERM.finditer(text):
        if m.group(1) is not None:
            words = " ".join(re.findall(r"\w+", m.group(1)))
            if words:
                parts.append(f'"{words}"')
            continue
        raw = m.group(2)
        prefix = raw.endswith("*")
        for w in re.findall(r"\w+", raw):
            parts.append(f'"{w}"')
        if prefix and parts and re.search(r"\w", raw):
            parts[-1] += "*"
    return " ".join(parts) or None


@dataclass(slots=True)
class Filters:
    """Search filters; ``None`` means no filter."""

    speaker: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    outlet: str | None = None
    kind: str | None = None

    def sql(self, con: sqlite3.Connection) -> tuple[list[str], list[Any]] | None:
        """Conditions on ``mentions m`` and their parameters; ``None`` when nothing can match."""
        conds: list[str] = []
        params: list[Any] = []
        if self.speaker:
            ids = speaker_ids(con, self.speaker)
            if not ids:
                return None
            conds.append("m.speaker_id IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(ids))
        if self.date_from:
            conds.append("m.published >= ?")
            params.append(self.date_from.isoformat())
        if self.date_to:
            conds.append("m.published <= ?")
            params.append(self.date_to.isoformat())
        if self.outlet:
            conds.append("m.outlet = ?")
            params.append(self.outlet)
        if self.kind:
            conds.append("m.kind = ?")
            params.append(self.kind)
        return conds, params


def speaker_ids(con: sqlite3.Connection, name: str, limit: int = 5000) -> list[str]:
    """Ids of speakers whose name or an alias holds every word of ``name``."""
    query = fts_query(name)
    if query is None:
        return []
    rows = con.execute(
        "SELECT s.speaker_id FROM speakers_fts f JOIN speakers s ON s.sid = f.rowid "
        "WHERE speakers_fts MATCH ? ORDER BY s.quote_count DESC LIMIT ?",
        [query, limit],
    ).fetchall()
    return [str(r[0]) for r in rows]


def search(
    con: sqlite3.Connection,
    text: str | None = None,
    filters: Filters | None = None,
    limit: int = 20,
    *,
    phrase: bool = False,
) -> Results[SearchHit]:
    """Quotations matching ``text`` and ``filters``, best first (see the module docstring)."""
    filters = filters or Filters()
    where = filters.sql(con)
    out: Results[SearchHit] = Results(columns=columns_of(SearchHit))
    if where is None:
        return out
    conds, params = where
    query = fts_query(text, phrase=phrase) if text else None
    if text and query is None:
        return out
    if query is not None:
        exists = ""
        if conds:
            exists = (
                "AND EXISTS (SELECT 1 FROM mentions m WHERE m.quotation_id = q.quotation_id AND "
                + " AND ".join(conds)
                + ")"
            )
        rows = con.execute(
            "SELECT q.quotation_id, f.rank FROM quotations_fts f "
            "JOIN quotations q ON q.qid = f.rowid "
            f"WHERE quotations_fts MATCH ? {exists} ORDER BY f.rank LIMIT ?",
            [query, *params, limit],
        ).fetchall()
        hits: list[tuple[str, float | None]] = [(str(r[0]), float(r[1])) for r in rows]
    else:
        hits = [(q, None) for q in _newest(con, conds, params, limit)]
    for qid, score in hits:
        hit = _hit(con, qid, conds, params, score)
        if hit is not None:
            out.append(hit)
    return out


def _newest(con: sqlite3.Connection, conds: list[str], params: list[Any], limit: int) -> list[str]:
    """Distinct quotation ids of matching mentions, newest first (stops after ``limit``)."""
    where = ("WHERE " + " AND ".join(conds)) if conds else ""
    cur = con.execute(
        f"SELECT m.quotation_id FROM mentions m {where} ORDER BY m.published DESC", params
    )
    seen: dict[str, None] = {}
    for (qid,) in cur:
        seen.setdefault(str(qid))
        if len(seen) >= limit:
            break
    cur.close()
    return list(seen)


def _hit(
    con: sqlite3.Connection, qid: str, conds: list[str], params: list[Any], score: float | None
) -> SearchHit | None:
    """A quotation shown through its earliest appearance that matches the filters."""
    extra = "".join(f" AND {c}" for c in conds)
    row = con.execute(
        "SELECT q.quotation_id, q.text, q.speaker, q.speaker_id, q.kind, m.outlet, m.published, "
        "m.article_id, m.quote_id, q.count, q.mention_count "
        "FROM quotations q JOIN mentions m ON m.quotation_id = q.quotation_id "
        f"WHERE q.quotation_id = ?{extra} "
        "ORDER BY m.published IS NULL, m.published, m.seq LIMIT 1",
        [qid, *params],
    ).fetchone()
    if row is None:
        return None
    published = dt.date.fromisoformat(row[6]) if row[6] else None
    return SearchHit(
        quotation_id=row[0],
        text=row[1],
        speaker=row[2],
        speaker_id=row[3],
        kind=row[4],
        outlet=row[5],
        published=published,
        article_id=row[7],
        quote_id=row[8],
        count=int(row[9] or 0),
        mention_count=int(row[10] or 0),
        score=None if score is None else -score,
    )


def speakers(
    con: sqlite3.Connection, name: str | None = None, limit: int = 20
) -> Results[SpeakerRow]:
    """Speakers matching ``name`` (every word, in the name or an alias), most quoted first."""
    out: Results[SpeakerRow] = Results(columns=columns_of(SpeakerRow))
    cols = (
        "s.speaker_id, s.name, s.type, s.aliases, s.quote_count, s.quotation_count, "
        "s.article_count, s.first_seen, s.last_seen"
    )
    if name:
        query = fts_query(name)
        if query is None:
            return out
        rows = con.execute(
            f"SELECT {cols} FROM speakers_fts f JOIN speakers s ON s.sid = f.rowid "
            "WHERE speakers_fts MATCH ? ORDER BY s.quote_count DESC, s.name LIMIT ?",
            [query, limit],
        ).fetchall()
    else:
        rows = con.execute(
            f"SELECT {cols} FROM speakers s ORDER BY s.quote_count DESC, s.name LIMIT ?", [limit]
        ).fetchall()
    for r in rows:
        out.append(
            SpeakerRow(
                speaker_id=r[0],
                name=r[1],
                type=r[2],
                aliases=list(json.loads(r[3] or "[]")),
                quote_count=int(r[4]),
                quotation_count=int(r[5]),
                article_count=int(r[6]),
                first_seen=dt.date.fromisoformat(r[7]) if r[7] else None,
                last_seen=dt.date.fromisoformat(r[8]) if r[8] else None,
            )
        )
    return out
