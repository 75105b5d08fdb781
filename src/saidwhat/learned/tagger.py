"""The learned attribution tagger: a linear-chain CRF over the spaCy tokens of each paragraph.

Usage from the engine::

    from saidwhat.learned.tagger import Tagger

    tagger = Tagger.load()                              # cached; the model shipped in the package
    quotes = tagger.attributions(chunks, rule_quotes)   # PolNeAR-style Quote records

``chunks`` are the engine's analysed chunks of one article (``saidwhat.mentions.Chunk``) and
``rule_quotes`` the rule engine's quotes for it (they are features, and lend resolved speakers,
medium and addressee). Every returned quote is one attribution in PolNeAR's convention: its
``spans`` are the content (quote marks, "that" and all; several spans when the attribution splits
it), ``speaker_spans`` the source and ``cue_spans`` the cue; ``kind`` is ``direct``, ``partial``
or ``indirect`` from the quote marks; ``confidence`` is the calibrated probability that the
content is found (at least 80% of it) and ``evidence`` starts with ``crf``. Ids are ``L1``, ``L2``,
… in text order (renumber them with the article's other records).
"""

from __future__ import annotations

import json
import math
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any, cast

import pycrfsuite  # type: ignore[import-untyped]

from saidwhat.evaluate.metrics import quote_kind
from saidwhat.learned.decode import (
    Group,
    TagSpan,
    fold_relatives,
    group_spans,
    spans_from_tags,
)
from saidwhat.learned.features import TokenTable, table_from_chunk
from saidwhat.mentions import Chunk, dateline_length
from saidwhat.records import Quote, QuoteKind

MODEL_NAME = "attribution"
"""Basename of the shipped model: ``attribution.crfsuite`` (weights) and ``attribution.json``."""


def model_dir() -> Path:
    """The package folder holding the shipped models."""
    return Path(str(files("saidwhat").joinpath("data", "models")))


@dataclass(slots=True)
class Calibration:
    """Logistic calibration of a raw confidence: ``sigmoid(sum(w * x) + bias)`` over
    :func:`confidence_inputs`."""

    weights: list[float] = field(default_factory=lambda: [4.0, 0.0, 0.0, 0.0])
    bias: float = -2.0

    def __call__(self, inputs: Sequence[float]) -> float:
        z = self.bias + sum(w * x for w, x in zip(self.weights, inputs, strict=True))
        return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))


@dataclass(slots=True)
class Tagged:
    """One token table with its predicted tags and the marginal of each tagged token's tag."""

    table: TokenTable
    tags: list[str]
    marginals: list[float]
    other_con: list[float]
    """Per token: probability of ``I-CON`` (read at the token after a content span)."""


class Tagger:
    """A loaded CRF model and its metadata (learned cue words, calibration)."""

    def __init__(self, model_path: Path | str, meta: dict[str, Any] | None = None) -> None:
        self.model_path = str(model_path)
        self.meta: dict[str, Any] = dict(meta or {})
        self.learned: frozenset[str] = frozenset(self.meta.get("learned_cues") or [])
        cal = self.meta.get("calibration") or {}
        self.calibration = Calibration(**cal) if cal else Calibration()
        if not Path(self.model_path).is_file():
            raise FileNotFoundError(f"no tagger model at {self.model_path} (run `make model`)")
        self._crf = pycrfsuite.Tagger()
        self._crf.open(self.model_path)

    @classmethod
    def load(cls, path: Path | str | None = None) -> Tagger:
        """The model at ``path`` (a ``.crfsuite`` file beside its ``.json``), by default the one
        shipped in the package; loaded once per process and path."""
        target = Path(path) if path is not None else model_dir() / f"{MODEL_NAME}.crfsuite"
        return _load(str(target.resolve()))

    @classmethod
    def from_files(cls, model: Path | str, meta_path: Path | str | None = None) -> Tagger:
        """A fresh (uncached) tagger from a model file and its metadata JSON (if any)."""
        meta_file = Path(meta_path) if meta_path else Path(model).with_suffix(".json")
        meta = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.exists() else {}
        return cls(model, meta)

    # -- inference ------------------------------------------------------------------------------
    def tables(self, chunks: Sequence[Chunk], rule_quotes: Sequence[Quote]) -> list[TokenTable]:
        """Token tables (features included) of one article's chunks."""
        return [table_from_chunk(ch, rule_quotes, self.learned) for ch in chunks]

    def tag(self, table: TokenTable) -> Tagged:
        """Tag every paragraph of one table."""
        n = len(table.starts)
        feats = table.features
        tags = ["O"] * n
        marg = [1.0] * n
        icon = [0.0] * n
        crf = self._crf
        for seq in table.sequences:
            crf.set(pycrfsuite.ItemSequence([feats[i] for i in seq]))
            out = crf.tag()
            for k, (i, tag) in enumerate(zip(seq, out, strict=True)):
                tags[i] = tag
                if tag != "O" or (k > 0 and out[k - 1] != "O"):
                    marg[i] = crf.marginal(tag, k)
                    icon[i] = crf.marginal("I-CON", k)
        return Tagged(table, tags, marg, icon)

    def attributions(self, chunks: Sequence[Chunk], rule_quotes: Sequence[Quote]) -> list[Quote]:
        """Every attribution of one article, as PolNeAR-style quotes in text order."""
        out: list[Quote] = []
        reach = [_reach(q) for q in rule_quotes]
        for ch in chunks:
            lo, hi = ch.base, ch.base + len(ch.text)
            local = [q for q, (a, b) in zip(rule_quotes, reach, strict=True) if a < hi and lo < b]
            table = table_from_chunk(ch, local, self.learned)
            out.extend(self.quotes_from(self.tag(table), local))
        out.sort(key=lambda q: q.start)
        for k, q in enumerate(out, start=1):
            q.id = f"L{k}"
        return out

    def groups(self, tagged: Tagged) -> list[Group]:
        """The attributions (span groups) of one tagged table."""
        table = tagged.table
        spans: list[TagSpan] = []
        for seq in table.sequences:
            spans.extend(spans_from_tags([tagged.tags[i] for i in seq], seq))
        words = [table.text[a:b].lower() for a, b in zip(table.starts, table.ends, strict=True)]
        spans = fold_relatives(spans, table.heads, table.deps, words)
        return group_spans(spans, table.heads, table.sents, table.paras, table.opening)

    def quotes_from(self, tagged: Tagged, rule_quotes: Sequence[Quote]) -> list[Quote]:
        """Quote records from one tagged table."""
        return [
            quote_from_group(
                tagged.table, g, rule_quotes, self.calibration(confidence_inputs(tagged, g))
            )
            for g in self.groups(tagged)
        ]


@cache
def _load(path: str) -> Tagger:
    return Tagger.from_files(path)


def confidence_inputs(tagged: Tagged, group: Group) -> list[float]:
    """Raw confidence signals of one attribution: mean tag marginal over its content tokens, the
    marginal of the content's first tag, the probability that no content continues after its last
    token, and the cue's mean tag marginal (0.5 without a cue)."""
    toks = [i for c in group.contents for i in c.tokens]
    mean = sum(tagged.marginals[i] for i in toks) / max(len(toks), 1)
    first = min(tagged.marginals[c.first] for c in group.contents)
    n = len(tagged.tags)
    stops = [1.0 - tagged.other_con[c.last + 1] if c.last + 1 < n else 1.0 for c in group.contents]
    cue = 0.5
    if group.cue is not None:
        cue = sum(tagged.marginals[i] for i in group.cue.tokens) / len(group.cue.tokens)
    return [mean, first, min(stops), cue]


def _reach(q: Quote) -> tuple[int, int]:
    """From the first to the last character of any of a quote's spans (content, source, cue): a
    rule quote outside a chunk's reach can neither be a feature of its tokens nor lend to it."""
    spans = [*q.spans, *q.speaker_spans, *q.cue_spans]
    return min(a for a, _ in spans), max(b for _, b in spans)


class _SpanIndex:
    """The content spans of some quotes, sorted, for overlap queries in O(log n + hits)."""

    def __init__(self, quotes: Sequence[Quote]) -> None:
        self.items = sorted((a, b, k) for k, q in enumerate(quotes) for a, b in q.spans)
        self.starts = [a for a, _, _ in self.items]
        self.longest = max((b - a for a, b, _ in self.items), default=0)

    def hits(self, spans: Sequence[tuple[int, int]]) -> list[int]:
        """Indices (ascending) of the quotes with a content span overlapping one of ``spans``."""
        out: set[int] = set()
        for a, b in spans:
            j = bisect_left(self.starts, b) - 1
            while j >= 0 and self.items[j][0] + self.longest > a:
                s, e, k = self.items[j]
                if s < b and a < e:
                    out.add(k)
                j -= 1
        return sorted(out)


def _overlaps(a: tuple[int, int], spans: Sequence[tuple[int, int]]) -> bool:
    return any(a[0] < e and s < a[1] for s, e in spans)


RULE_SOURCE = False
"""Take the rule quote's speaker span when the tagger found the cue but no source."""
RULE_CUE = True
"""Take the rule quote's cue and speaker when the tagger found a content without a cue."""


def quote_from_group(
    table: TokenTable, group: Group, rule_quotes: Sequence[Quote], confidence: float
) -> Quote:
    """One attribution record (article offsets). Speaker name and entity, medium and addressee
    come from a rule quote with the same source (or cue) when there is one; so do a missing source
    (:data:`RULE_SOURCE`) and a missing cue (:data:`RULE_CUE`) when a rule quote has them."""
    base = table.base
    spans = [table.span_chars(c.first, c.last) for c in group.contents]
    text = " ".join(table.text[a - base : b - base] for a, b in spans)
    rel = [(a - base, b - base) for a, b in spans]
    kind = cast(QuoteKind, quote_kind(table.text, rel))
    q = Quote(id="", spans=spans, text=text, kind=kind, confidence=round(confidence, 3))
    q.evidence.append("crf")
    cue: tuple[int, int] | None = None
    src: tuple[int, int] | None = None
    match: Quote | None = None
    if group.cue is not None:
        cue = table.span_chars(group.cue.first, group.cue.last)
        match = next((r for r in rule_quotes if _overlaps(cue, r.cue_spans)), None)
    elif RULE_CUE:
        match = next((r for r in rule_quotes if r.cue_spans and _overlaps(spans[0], r.spans)), None)
        if match is not None:
            cue = match.cue_spans[0]
            q.evidence.append("cue:rules")
    if cue is None:
        q.evidence.append("crf:no-cue")
    else:
        q.cue_spans = [cue]
        q.cue = table.text[cue[0] - base : cue[1] - base]
        if match is not None:
            q.medium, q.addressee = match.medium, match.addressee
    if group.source is not None:
        src = table.span_chars(group.source.first, group.source.last)
        if cut := dateline_length(table.text, src[0] - base):  # "HALIFAX -- Mayor Ruth Okafor"
            src = (src[0] + cut, src[1]) if src[0] + cut < src[1] else src
    elif match is not None and match.speaker_spans and (RULE_SOURCE or group.cue is None):
        src = match.speaker_spans[0]
        q.evidence.append("source:rules")
    if src is not None:
        q.speaker_spans = [src]
        q.speaker = table.text[src[0] - base : src[1] - base]
        named = next((r for r in rule_quotes if _overlaps(src, r.speaker_spans)), None)
        if named is not None and named.speaker and _firmly_resolved(named):
            q.speaker, q.speaker_id = named.speaker, named.speaker_id
            q.evidence.append("speaker:rules")
    return q


FIRM_EVIDENCE = frozenset(
    {
        "speaker:name",
        "speaker:pronoun-last-speaker",
        "speaker:description-link",
        "speaker:group-org",
        "speaker:first-person",
    }
)
"""Rule resolutions a learned attribution with the same source takes over as they are; after any
other (salience, last speaker) its source is resolved afresh (saidwhat.learned.sources)."""


def _firmly_resolved(rule: Quote) -> bool:
    return any(e in FIRM_EVIDENCE for e in rule.evidence)


def combine(
    rule_quotes: Sequence[Quote], learned: Sequence[Quote], *, extents: bool = False
) -> list[Quote]:
    """The rule engine's quotations in quote marks (kinds ``direct`` and ``partial``) and its
    nested quotes, plus every learned attribution with a cue or a source whose content overlaps
    none of those, plus the rules' indirect quotes that overlap nothing kept so far. A rule
    quotation (the first part, for a split one) takes the source or cue span of the learned
    attribution over it where it has none; with ``extents`` (PolNeAR's conventions) it also takes
    the learned cue and the learned source where it overlaps its own ("board chair Nadia Ferrante"
    for "Nadia Ferrante") and, for a partial quotation inside a learned content, that content
    (the whole reported clause). Rules are the more exact on quotations in quote marks, the
    tagger on everything else (PolNeAR dev, see docs/model-card.md). Returns the records in text
    order; the caller renumbers them."""
    kept = [q for q in rule_quotes if q.kind in ("direct", "partial", "nested")]
    marked = [q for q in kept if q.kind != "nested"]
    out = list(kept)
    index = _SpanIndex(marked)
    indirect = [q for q in rule_quotes if q.kind == "indirect"]
    for lq in learned:
        framed = _reframed(lq, indirect) or _around_cue(lq, indirect)
        if framed is not None:  # the rules' reading of the same words wins (once)
            if not any(q is framed for q in out):
                out.append(framed)
            continue
        over = [marked[k] for k in index.hits(lq.spans)]
        if not over:
            if lq.cue_spans or lq.speaker_spans:
                out.append(lq)
            continue
        for r in over:
            if r.continues is None:
                _lend_spans(lq, r, extents)
            if extents and r.kind == "partial" and lq.start <= r.start and r.end <= lq.end:
                r.spans, r.text = list(lq.spans), lq.text
                r.evidence.append("content:crf-clause")
    index, reached = _SpanIndex(out), -1
    for r in sorted((r for r in rule_quotes if r.kind == "indirect"), key=lambda q: q.start):
        if not index.hits(r.spans) and r.start >= reached:
            out.append(r)
            reached = max(reached, r.end)
    out.sort(key=lambda q: q.start)
    return out


def _reframed(learned: Quote, indirect: Sequence[Quote]) -> Quote | None:
    """The rules' "according to X, CLAUSE" whose source the tagger's source overlaps while the
    tagger's cue lies inside the rules' content: in "According to Gil, the last time the authority
    imposed restrictions, residents cut …" the tagger read "imposed" as the cue of "Gil, the last
    time the authority"; the rules' "according to Gil" frame is the consistent reading."""
    if not learned.cue_spans or not learned.speaker_spans:
        return None
    cue, src = learned.cue_spans[0], learned.speaker_spans[0]
    for r in indirect:
        if not (r.cue or "").lower().startswith("according to"):
            continue
        if not r.speaker_spans or not _overlaps(src, r.speaker_spans):
            continue
        if any(a <= cue[0] and cue[1] <= b for a, b in r.spans):
            return r
    return None


def _around_cue(learned: Quote, indirect: Sequence[Quote]) -> Quote | None:
    """The rules' report on both sides of the same cue ("The island was quiet, Okafor said,
    until the cannery closed") where the tagger's content is only one side of it."""
    if not learned.cue_spans:
        return None
    cue = learned.cue_spans[0]
    for r in indirect:
        if "indirect:parataxis" not in r.evidence or not _overlaps(cue, r.cue_spans):
            continue
        if all(any(a <= x and y <= b for a, b in r.spans) for x, y in learned.spans):
            return r
    return None


def _lend_spans(learned: Quote, rule: Quote, extents: bool) -> None:
    """Give a rule quotation the learned attribution's source and cue spans where the rules found
    none (and its resolved speaker, where the rules had nobody). With ``extents`` the learned cue
    always wins (PolNeAR's cue: "said in a statement"), and the learned source where it overlaps
    the rules' own (a source elsewhere is another reading, and the rules' speaker, which names it,
    is kept)."""
    lent = False
    src, cue = learned.speaker_spans, learned.cue_spans
    if src and (not rule.speaker_spans or (extents and _overlaps(src[0], rule.speaker_spans))):
        rule.speaker_spans, lent = list(src), True
        rule.evidence.append("source:crf")
        if rule.speaker is None and learned.speaker is not None:  # the rules found nobody
            rule.speaker, rule.speaker_id = learned.speaker, learned.speaker_id
            rule.evidence += [e for e in learned.evidence if e.startswith("speaker:")]
    if cue and (not rule.cue_spans or extents):
        rule.cue_spans, rule.cue, lent = list(cue), learned.cue, True
    if lent:
        rule.evidence.append("spans:crf")
