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
from typing import Any, NamedTuple

from saidwhat.store.results import Results, SearchHit, SpeakerRow, columns_of

_TERM = re.compile(r'"([^"]*)"?|(\S+)')
FEW_MENTIONS = 300
"""With filters that allow at most this many mentions (a speaker's), a ranked search starts from
those mentions instead of checking every text match against the filters."""


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
    speaker_id: str | None = None
    """An exact corpus-level speaker id (``speaker`` matches names and aliases)."""

    def sql(self, con: sqlite3.Connection) -> tuple[list[str], list[Any]] | None:
        """Conditions on ``mentions m`` and their parameters; ``None`` when nothing can match."""
        where = self.where(con)
        return None if where is None else (where.conds, where.params)

    def where(self, con: sqlite3.Connection) -> Where | None:
        """:meth:`sql` with a bound on the mentions that can match (from the speakers' counts);
        ``None`` when nothing can match."""
        conds: list[str] = []
        params: list[Any] = []
        bound: int | None = None
        if self.speaker:
            found = _speakers(con, self.speaker)
            if not found:
                return None
            _one_of(conds, params, "m.speaker_id", [sid for sid, _ in found])
            bound = sum(n for _, n in found)
        if self.speaker_id is not None:
            _one_of(conds, params, "m.speaker_id", [self.speaker_id])
            row = con.execute(
                "SELECT quote_count FROM speakers WHERE speaker_id = ?", [self.speaker_id]
            ).fetchone()
            n = int(row[0] or 0) if row else 0
            bound = n if bound is None else min(bound, n)
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
        return Where(conds, params, bound)


class Where(NamedTuple):
    """SQL conditions on ``mentions m``, their parameters, and at most how many mentions can
    match them (``None``: not known, maybe all)."""

    conds: list[str]
    params: list[Any]
    bound: int | None


def _one_of(conds: list[str], params: list[Any], column: str, values: list[str]) -> None:
    """``column`` is one of ``values``: ``=`` for one (so the newest-first listing walks the
    speaker index in date order), a JSON list otherwise (one parameter however many)."""
    if len(values) == 1:
        conds.append(f"{column} = ?")
        params.append(values[0])
    else:
        conds.append(f"{column} IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(values))


def speaker_ids(con: sqlite3.Connection, name: str, limit: int = 5000) -> list[str]:
    """Ids of speakers whose name or an alias holds every word of ``name``."""
    return [sid for sid, _ in _speakers(con, name, limit)]


def _speakers(con: sqlite3.Connection, name: str, limit: int = 5000) -> list[tuple[str, int]]:
    """:func:`speaker_ids` with each speaker's number of mentions, most quoted first."""
    query = fts_query(name)
    if query is None:
        return []
    rows = con.execute(
        "SELECT s.speaker_id, s.quote_count FROM speakers_fts f JOIN speakers s ON s.sid = f.rowid "
        "WHERE speakers_fts MATCH ? ORDER BY s.quote_count DESC LIMIT ?",
        [query, limit],
    ).fetchall()
    return [(str(r[0]), int(r[1] or 0)) for r in rows]


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
    where = filters.where(con)
    out: Results[SearchHit] = Results(columns=columns_of(SearchHit))
    if where is None:
        return out
    conds, params = where.conds, where.params
    query = fts_query(text, phrase=phrase) if text else None
    if text and query is None:
        return out
    if query is not None:
        hits = _ranked(con, query, where, limit)
    else:
        hits = [(q, None) for q in _newest(con, conds, params, limit)]
    out.extend(_hits(con, hits, conds, params))
    return out


def _ranked(
    con: sqlite3.Connection, query: str, where: Where, limit: int
) -> list[tuple[str, float | None]]:
    """The best ``limit`` quotations for an FTS query (BM25, lower is better) with a matching
    appearance.

    ``bm25()`` in the ORDER BY, not FTS5's ``rank`` column: with ``rank`` FTS5 sorts on its own
    and then seeks every row again (for a phrase of common words, a third more time). Without
    filters the ids are ranked before the join, so only the ``limit`` best are looked up. With
    filters, each text match is checked against its appearances, unless the filters allow few
    mentions (a speaker quoted a few hundred times): then those mentions' quotations are the
    candidates, and FTS5 only checks them.
    """
    if not where.conds:
        sql = (
            "SELECT q.quotation_id, t.score FROM (SELECT rowid AS qid, "
            "bm25(quotations_fts) AS score FROM quotations_fts WHERE quotations_fts MATCH ? "
            "ORDER BY score, rowid LIMIT ?) t JOIN quotations q ON q.qid = t.qid "
            "ORDER BY t.score, t.qid"
        )
        return [(str(r[0]), float(r[1])) for r in con.execute(sql, [query, limit])]
    match = " AND ".join(where.conds)
    if where.bound is not None and where.bound <= FEW_MENTIONS:
        candidates = (
            "f.rowid IN (SELECT c.qid FROM mentions m JOIN quotations c "
            f"ON c.quotation_id = m.quotation_id WHERE {match})"
        )
    else:
        # The per-quotation index: a quotation has a few appearances, while an outlet or a
        # date range has many (without it SQLite may walk a whole outlet's mentions per hit).
        candidates = (
            "EXISTS (SELECT 1 FROM mentions m INDEXED BY mentions_quotation "
            f"WHERE m.quotation_id = q.quotation_id AND {match})"
        )
    sql = (
        "SELECT q.quotation_id, bm25(quotations_fts) AS score FROM quotations_fts f "
        "JOIN quotations q ON q.qid = f.rowid "
        f"WHERE quotations_fts MATCH ? AND {candidates} ORDER BY score, f.rowid LIMIT ?"
    )
    rows = con.execute(sql, [query, *where.params, limit])
    return [(str(r[0]), float(r[1])) for r in rows]


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


def _hits(
    con: sqlite3.Connection,
    found: list[tuple[str, float | None]],
    conds: list[str],
    params: list[Any],
) -> list[SearchHit]:
    """The quotations ``found`` (in that order), each shown through its earliest appearance
    that matches the filters; one query for them all."""
    if not found:
        return []
    extra = "".join(f" AND {c}" for c in conds)
    rows = con.execute(
        "SELECT q.quotation_id, q.text, q.speaker, q.speaker_id, q.kind, m.outlet, m.published, "
        "m.article_id, m.quote_id, q.count, q.mention_count, m.seq "
        "FROM quotations q JOIN mentions m INDEXED BY mentions_quotation "
        "ON m.quotation_id = q.quotation_id "
        f"WHERE q.quotation_id IN (SELECT value FROM json_each(?)){extra}",
        [json.dumps([qid for qid, _ in found]), *params],
    ).fetchall()
    first: dict[str, tuple[Any, ...]] = {}
    for row in rows:
        best = first.get(row[0])
        if best is None or _earlier(row, best):
            first[row[0]] = row
    out: list[SearchHit] = []
    for qid, score in found:
        row = first.get(qid)
        if row is None:
            continue
        out.append(
            SearchHit(
                quotation_id=row[0],
                text=row[1],
                speaker=row[2],
                speaker_id=row[3],
                kind=row[4],
                outlet=row[5],
                published=dt.date.fromisoformat(row[6]) if row[6] else None,
                article_id=row[7],
                quote_id=row[8],
                count=int(row[9] or 0),
                mention_count=int(row[10] or 0),
                score=None if score is None else -score,
            )
        )
    return out


def _earlier(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    """Whether appearance row ``a`` comes before ``b``: dated before undated, then by date,
    then in store order."""
    return (a[6] is None, a[6] or "", a[11]) < (b[6] is None, b[6] or "", b[11])


_SPEAKER_COLS = (
    "s.speaker_id, s.name, s.type, s.aliases, s.quote_count, s.quotation_count, "
    "s.article_count, s.first_seen, s.last_seen"
)


def speakers(
    con: sqlite3.Connection, name: str | None = None, limit: int = 20
) -> Results[SpeakerRow]:
    """Speakers matching ``name`` (every word, in the name or an alias), most quoted first."""
    out: Results[SpeakerRow] = Results(columns=columns_of(SpeakerRow))
    if name:
        query = fts_query(name)
        if query is None:
            return out
        rows = con.execute(
            f"SELECT {_SPEAKER_COLS} FROM speakers_fts f JOIN speakers s ON s.sid = f.rowid "
            "WHERE speakers_fts MATCH ? ORDER BY s.quote_count DESC, s.name LIMIT ?",
            [query, limit],
        ).fetchall()
    else:
        rows = con.execute(
            f"SELECT {_SPEAKER_COLS} FROM speakers s ORDER BY s.quote_count DESC, s.name LIMIT ?",
            [limit],
        ).fetchall()
    out.extend(_speaker_row(r) for r in rows)
    return out


def speaker(con: sqlite3.Connection, speaker_id: str) -> SpeakerRow | None:
    """One speaker by id (``None`` when there is none)."""
    row = con.execute(
        f"SELECT {_SPEAKER_COLS} FROM speakers s WHERE s.speaker_id = ?", [speaker_id]
    ).fetchone()
    return None if row is None else _speaker_row(row)


def _speaker_row(r: tuple[Any, ...]) -> SpeakerRow:
    return SpeakerRow(
        speaker_id=r[0],
        name=r[1],
        type=r[2],
        aliases=list(json.loads(r[3] or "[]")),
        quote_count=int(r[4] or 0),
        quotation_count=int(r[5] or 0),
        article_count=int(r[6] or 0),
        first_seen=dt.date.fromisoformat(r[7]) if r[7] else None,
        last_seen=dt.date.fromisoformat(r[8]) if r[8] else None,
    )
