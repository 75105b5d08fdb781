"""Indirect speech of the basic shapes: "X said (that) CLAUSE", "CLAUSE, X said" and
"according to X, CLAUSE". The content is the reported clause (with its "that"), kind ``indirect``.

Clauses that hold or touch a quotation are left to the quotation itself, so a sentence is never
reported twice.
"""

from __future__ import annotations

from bisect import bisect_left

from spacy.tokens import Token

from saidwhat.attribution import CueHit, cue_at, subject_of
from saidwhat.entities import EntityTable
from saidwhat.medium import addressee_of_cue, medium_of_cue
from saidwhat.mentions import SUBJECT_DEPS, Chunk, in_ranges, is_dateline, speaker_mention
from saidwhat.records import Entity, Quote

CLAUSE_DEPS = frozenset({"ccomp"})
INDIRECT_CLASSES = frozenset({"speech", "write", "phrase"})
MIN_TOKENS = 3
_TRIM = " \t\n,;:—–-"


def find(
    chunks: list[Chunk],
    table: EntityTable,
    quote_ranges: list[tuple[int, int]],
    speakers: list[tuple[int, Entity]],
) -> list[Quote]:
    """Every indirect report of the article, outside quotations."""
    out: list[Quote] = []
    for ch in chunks:
        text = ch.text
        for tok in ch.doc:
            if not tok.tag_.startswith("VB") and tok.lower_ != "according":
                continue
            hit = cue_at(tok, INDIRECT_CLASSES)
            if hit is None or _inside(ch.start(tok), quote_ranges):
                continue
            parts = _parts(hit, text)
            if not parts:
                continue
            spans = [(ch.base + a, ch.base + b) for a, b in parts]
            start, end = spans[0][0], spans[-1][1]
            if end - start < 8 or _overlaps(start, end, quote_ranges):
                continue
            quote = _record(ch, table, hit, spans, speakers)
            if quote is not None:
                out.append(quote)
    return out


def _parts(hit: CueHit, text: str) -> list[tuple[int, int]]:
    """The reported clause's character spans (chunk-relative, trimmed): one for a clause the cue
    governs, two around a cue that interrupts it."""
    span = _content(hit)
    if span is not None:
        return [_trim(text, *span)]
    parts = [_trim(text, a, b) for a, b in _around(hit)]
    return [(a, b) for a, b in parts if b > a]


def _around(hit: CueHit) -> list[tuple[int, int]]:
    """The clause around a cue set off by commas ("Acts of protest, Mr. Obama said, are acts of
    patriotism"; "Lenox was a juggernaut, Mr. Clarke said, until it went bankrupt"): the
    parser hangs the cue on the clause's verb as ``parataxis``. Both sides, without the cue's
    words and the sentence's final mark; nothing when a side is too short to be a report."""
    verb = hit.verb
    if verb.dep_ != "parataxis" or not verb.head.tag_.startswith(("VB", "MD")):
        return []
    if verb.left_edge.text != "," or verb.right_edge.text != ",":
        return []
    sent = verb.sent
    before = [t for t in sent if t.i < verb.left_edge.i and not t.is_space]
    after = [t for t in sent if t.i > verb.right_edge.i and not t.is_space]
    while after and after[-1].is_punct:
        after.pop()
    if sum(t.is_alpha for t in before) < 2 or sum(t.is_alpha for t in after) < 2:
        return []
    return [
        (before[0].idx, before[-1].idx + len(before[-1].text)),
        (after[0].idx, after[-1].idx + len(after[-1].text)),
    ]


def _inside(pos: int, ranges: list[tuple[int, int]]) -> bool:
    return in_ranges(ranges, pos)


def _overlaps(start: int, end: int, ranges: list[tuple[int, int]]) -> bool:
    """Whether [start, end) overlaps one of the sorted, non-overlapping ``ranges``."""
    i = bisect_left(ranges, (end,))
    return i > 0 and ranges[i - 1][1] > start


def _content(hit: CueHit) -> tuple[int, int] | None:
    """Character bounds (chunk-relative) of the reported clause."""
    verb = hit.verb
    if hit.lemma == "according to":
        return _according_clause(verb)
    clause = next((c for c in verb.children if c.dep_ in CLAUSE_DEPS), None)
    if clause is None or len(list(clause.subtree)) < MIN_TOKENS:
        return None
    left, right = _after_dateline(clause.left_edge, clause.right_edge), clause.right_edge
    if not any(c.dep_ in SUBJECT_DEPS for c in clause.children):  # its subject read as object:
        obj = next((c for c in verb.children if c.dep_ == "dobj" and verb.i < c.i < clause.i), None)
        if obj is not None:  # "says her documentary, “Rent Day,” began with …"
            left = obj.left_edge
    return left.idx, right.idx + len(right.text)


_DASHES = frozenset({"--", "—", "–", "―", "-"})


def _after_dateline(left: Token, right: Token) -> Token:
    """The clause's first word after a dateline it opens with ("BELMONT, B.C. — Dockworkers
    voted …, their union said"): the place of filing is no part of what was said."""
    if not is_dateline(left):
        return left
    for tok in left.doc[left.i : min(right.i, left.i + 8)]:
        if tok.text in _DASHES:
            return tok.doc[tok.i + 1]
    return left


def _according_clause(according: Token) -> tuple[int, int] | None:
    """The main clause that 'according to X' modifies, minus that phrase."""
    sent = according.sent
    phrase = {according.i, according.i + 1}
    source = next((c for t in according.children for c in t.children if c.dep_ == "pobj"), None)
    if source is not None:  # the source's name, not what the parser hung on it
        phrase |= {t.i for t in source.lefts} | {source.i}
        comma = next((t.i for t in sent if t.i > source.i and t.text == ","), sent.end)
        phrase |= {t.i for t in source.subtree if t.i < comma}  # "a statement from X,"
    toks = [t for t in sent if t.i not in phrase and not t.is_space]
    before = [t for t in toks if t.i < according.i]
    after = [t for t in toks if t.i > according.i]
    side = after if len(after) >= len(before) else before
    side = [t for t in side if not t.is_punct or t.text in ".!?"]
    if len(side) < MIN_TOKENS:
        return None
    return side[0].idx, side[-1].idx + len(side[-1].text)


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a] in _TRIM:
        a += 1
    while b > a and text[b - 1] in _TRIM:
        b -= 1
    return a, b


def _record(
    ch: Chunk,
    table: EntityTable,
    hit: CueHit,
    spans: list[tuple[int, int]],
    speakers: list[tuple[int, Entity]],
) -> Quote | None:
    subj = subject_of(hit, lambda t: False)
    if subj is None:
        return None
    mention = speaker_mention(ch, subj)
    start = spans[0][0]
    i = bisect_left(speakers, (start,))
    res = table.resolve(mention, speakers[i - 1][1] if i else None)
    text = " ".join(ch.text[a - ch.base : b - ch.base] for a, b in spans)
    toks = hit.tokens
    medium = medium_of_cue(hit.verb)
    rule = "according-to" if hit.lemma == "according to" else "ccomp"
    return Quote(
        id=f"I{start}",
        spans=spans,
        text=text,
        kind="indirect",
        speaker=res.name,
        speaker_id=res.entity.id if res.entity else None,
        speaker_spans=[(mention.start, mention.end)],
        cue=" ".join(t.text for t in toks),
        cue_spans=[(ch.start(toks[0]), ch.end(toks[-1]))],
        medium=medium.name if medium else None,
        addressee=addressee_of_cue(hit.verb, hit.lemma),
        confidence=round(res.confidence * 0.8, 3),
        evidence=[
            "indirect:" + (rule if len(spans) == 1 else "parataxis"),
            res.evidence,
        ]
        + ([medium.evidence] if medium else []),
    )


def question_put(text: str, q: Quote) -> bool:
    """Whether ``q`` is a question put to someone, not what they said: "Asked whether the
    government would meet its target, the spokesperson said …", "When asked about the delay, …"
    (the cue is a participle "asked" that opens its clause, the content reported, not quoted)."""
    if not q.cue_spans or q.kind != "indirect":
        return False
    a, b = q.cue_spans[0]
    if text[a:b].lower() != "asked":
        return False
    before = text[max(0, a - 12) : a].rstrip(" \t").lower()
    return text[a].isupper() or not before or before.endswith(("when", "\n", "."))
