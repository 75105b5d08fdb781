"""Corpus-level clustering at write time: which quotation a mention belongs to, which story an
article version belongs to.

Both work per write batch: the candidate keys of the whole batch are looked up in the store with
one join (``quotation_keys`` / ``story_keys``), candidates are verified in Python
(:func:`~saidwhat.store.identity.similarity`, MinHash agreement), and batch members are matched
with each other through an in-memory map of the batch's own keys. Memory is bounded by the batch,
not the corpus. Ids of new clusters are derived from the first member, so a re-run that stores
the same articles in the same order gives the same ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import numpy as np

from saidwhat.store import identity
from saidwhat.store.identity import QuotePrint, SpeakerRef
from saidwhat.store.rows import Row


@dataclass(slots=True)
class _Rep:
    quotation_id: str
    norm: str
    ref: SpeakerRef


@dataclass(slots=True)
class QuoteItem:
    """One mention to place: its fingerprint, speaker, and the seed of a new quotation id."""

    print: QuotePrint
    ref: SpeakerRef
    seed: str


def _lookup(
    con: duckdb.DuckDBPyConnection, table: str, keys: Sequence[int], cols: str
) -> list[tuple[object, ...]]:
    if not keys:
        return []
    sql = f"SELECT key, {cols} FROM {table} WHERE key IN (SELECT unnest($1::BIGINT[]))"
    return con.execute(sql, [list(keys)]).fetchall()


def assign_quotations(
    con: duckdb.DuckDBPyConnection, items: Sequence[QuoteItem], batch_no: int
) -> tuple[list[str], list[Row], list[Row]]:
    """The quotation id of every item, plus the new ``quotation_reps`` and ``quotation_keys``
    rows (one rep per new quotation)."""
    all_keys = sorted({k for it in items for k in it.print.keys})
    by_key: dict[int, list[str]] = {}
    for key, qid in _lookup(con, "quotation_keys", all_keys, "quotation_id"):
        by_key.setdefault(int(str(key)), []).append(str(qid))
    reps = _load_reps(con, {q for qs in by_key.values() for q in qs})
    ids: list[str] = []
    new_reps: list[Row] = []
    new_keys: list[Row] = []
    for it in items:
        best = _exact(it, by_key.get(it.print.keys[0], ()), reps)
        if best is None:
            candidates = {q for k in it.print.keys[1:] for q in by_key.get(k, ())}
            best = _best(it, [reps[q] for q in sorted(candidates) if q in reps])
        if best is None:
            best = identity.short_id("Q", it.seed)
            reps[best] = _Rep(best, it.print.norm, it.ref)
            r = it.ref
            new_reps.append(
                {
                    "quotation_id": best,
                    "norm": it.print.norm,
                    "speaker_id": r.speaker_id,
                    "surname": r.surname,
                    "local": r.local,
                    "batch_no": batch_no,
                }
            )
            for k in it.print.keys:
                by_key.setdefault(k, []).append(best)
                new_keys.append({"key": k, "quotation_id": best})
        ids.append(best)
    return ids, new_reps, new_keys


def _load_reps(con: duckdb.DuckDBPyConnection, ids: set[str]) -> dict[str, _Rep]:
    if not ids:
        return {}
    rows = con.execute(
        "SELECT quotation_id, norm, speaker_id, surname, local FROM quotation_reps "
        "WHERE quotation_id IN (SELECT unnest($1::VARCHAR[]))",
        [sorted(ids)],
    ).fetchall()
    return {str(q): _Rep(str(q), str(n), SpeakerRef(s, u, bool(loc))) for q, n, s, u, loc in rows}


def _exact(item: QuoteItem, ids: Sequence[str], reps: dict[str, _Rep]) -> str | None:
    """The first quotation with the very same normalised text and a compatible speaker (the
    common case: one quotation reported again), without computing any similarity."""
    words = len(item.print.norm.split())
    for q in ids:
        rep = reps.get(q)
        same = rep is not None and rep.norm == item.print.norm
        if same and identity.speakers_compatible(item.ref, rep.ref, words):  # type: ignore[union-attr]
            return q
    return None


def _best(item: QuoteItem, reps: list[_Rep]) -> str | None:
    """The most similar compatible candidate, or ``None``."""
    best, score = None, 0.0
    words = len(item.print.norm.split())
    for rep in reps:
        s = identity.similarity(item.print.norm, rep.norm)
        n = min(words, len(rep.norm.split()))
        if s > score and identity.speakers_compatible(item.ref, rep.ref, n):
            best, score = rep.quotation_id, s
    return best


@dataclass(slots=True)
class StoryItem:
    """One article version to place: key, content hash (the id of a new story), signature."""

    article_id: str
    version: int
    content_hash: str
    sig: bytes
    keys: list[int]


def assign_stories(
    con: duckdb.DuckDBPyConnection, items: Sequence[StoryItem]
) -> tuple[list[str], list[Row], list[Row]]:
    """The story id of every item, plus its ``story_sigs`` and ``story_keys`` rows."""
    all_keys = sorted({k for it in items for k in it.keys})
    by_key: dict[int, list[tuple[str, int]]] = {}
    for key, aid, ver in _lookup(con, "story_keys", all_keys, "article_id, version"):
        by_key.setdefault(int(str(key)), []).append((str(aid), int(str(ver))))
    known = _load_sigs(con, {c for cs in by_key.values() for c in cs})
    ids: list[str] = []
    sig_rows: list[Row] = []
    key_rows: list[Row] = []
    for it in items:
        story = it.content_hash
        if it.keys:
            sig = np.frombuffer(it.sig, dtype=np.uint64)
            found = _best_story(sig, {c for k in it.keys for c in by_key.get(k, ())}, known)
            story = found or it.content_hash
            me = (it.article_id, it.version)
            known[me] = (story, sig)
            sig_rows.append(
                {
                    "article_id": it.article_id,
                    "version": it.version,
                    "story_id": story,
                    "sig": sig.tolist(),
                }
            )
            for k in it.keys:
                by_key.setdefault(k, []).append(me)
                key_rows.append({"key": k, "article_id": it.article_id, "version": it.version})
        ids.append(story)
    return ids, sig_rows, key_rows


def _load_sigs(
    con: duckdb.DuckDBPyConnection, members: set[tuple[str, int]]
) -> dict[tuple[str, int], tuple[str, np.ndarray]]:
    if not members:
        return {}
    ids = sorted({a for a, _ in members})
    rows = con.execute(
        "SELECT article_id, version, story_id, sig FROM story_sigs "
        "WHERE article_id IN (SELECT unnest($1::VARCHAR[]))",
        [ids],
    ).fetchall()
    return {
        (str(a), int(v)): (str(s), np.asarray(sig, dtype=np.uint64))
        for a, v, s, sig in rows
        if (str(a), int(v)) in members
    }


def _best_story(
    sig: np.ndarray,
    candidates: set[tuple[str, int]],
    known: dict[tuple[str, int], tuple[str, np.ndarray]],
) -> str | None:
    best, score = None, identity.STORY_THRESHOLD - 1e-9
    for c in sorted(candidates):
        if c not in known:
            continue
        story, other = known[c]
        s = identity.estimated_jaccard(sig, other)
        if s > score:
            best, score = story, s
    return best
