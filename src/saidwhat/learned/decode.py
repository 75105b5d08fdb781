"""From BIO tags to attributions: tag runs become source, cue and content spans, and every content
is grouped with the cue (and that cue's source) it belongs to.

Grouping works on token indices, dependency heads and sentence ids only, so it can be checked on
hand-built tag sequences. A content belongs to the cue linked to it in the parse (the cue governs
the content's root, as in "said (that) CLAUSE", or the cue hangs off the content, as in
"according to X, CLAUSE"), else to the nearest cue of the sentences it covers, else to the nearest
cue at most :data:`MAX_SENT_GAP` sentences away. A source goes with the cue whose verb it is the
subject of, else the nearest cue in its sentence. All contents of one cue form one attribution (a
quotation split by its attribution has two content spans); a content with no cue near it is an
attribution without cue or source; a cue without content is dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

MAX_SENT_GAP = 1
"""How many sentences away a content may find its cue when its own sentences have none."""
CROSS_SENTENCE = 2.0
"""Costs from here on link a content to a cue in another sentence."""
HEAD_STEPS = 3
"""How many head steps count as a parse link between a span and a cue."""


@dataclass(slots=True)
class TagSpan:
    """A run of tokens with one role: ``first`` and ``last`` are token indices (inclusive)."""

    role: str
    first: int
    last: int
    tokens: list[int] = field(default_factory=list)


@dataclass(slots=True)
class Group:
    """One attribution: a cue (maybe none), a source (maybe none) and one or more contents."""

    cue: TagSpan | None
    source: TagSpan | None
    contents: list[TagSpan]


def spans_from_tags(tags: Sequence[str], order: Sequence[int] | None = None) -> list[TagSpan]:
    """The role runs of one tagged sequence (``order``: the token index of each tag; default
    0, 1, 2, …). An ``I-`` tag that does not continue its role starts a run (lenient BIO)."""
    index = list(order) if order is not None else list(range(len(tags)))
    out: list[TagSpan] = []
    current: TagSpan | None = None
    for tag, i in zip(tags, index, strict=True):
        if tag == "O":
            current = None
            continue
        prefix, _, role = tag.partition("-")
        if current is not None and prefix == "I" and current.role == role:
            current.last = i
            current.tokens.append(i)
            continue
        current = TagSpan(role, i, i, [i])
        out.append(current)
    return out


def span_root(span: TagSpan, heads: Sequence[int]) -> int:
    """The span's token whose head lies outside the span (the first such; else its first)."""
    inside = set(span.tokens)
    for i in span.tokens:
        if heads[i] not in inside or heads[i] == i:
            return i
    return span.first


def _climbs_to(start: int, targets: set[int], heads: Sequence[int], steps: int) -> bool:
    i = start
    for _ in range(steps):
        j = heads[i]
        if j == i:
            return False
        if j in targets:
            return True
        i = j
    return False


def parse_linked(span: TagSpan, cue: TagSpan, heads: Sequence[int]) -> bool:
    """Whether the parse ties the span to the cue: the span's root climbs to a cue token, or the
    cue's root climbs into the span, within :data:`HEAD_STEPS` head steps."""
    cue_tokens = set(cue.tokens)
    if _climbs_to(span_root(span, heads), cue_tokens, heads, HEAD_STEPS):
        return True
    return _climbs_to(span_root(cue, heads), set(span.tokens), heads, HEAD_STEPS)


def _distance(span: TagSpan, cue: TagSpan) -> int:
    if cue.last < span.first:
        return span.first - cue.last
    if cue.first > span.last:
        return cue.first - span.last
    return 0


def _content_cost(
    content: TagSpan, cue: TagSpan, heads: Sequence[int], sents: Sequence[int]
) -> float | None:
    """Lower is better; None when the cue is too far away."""
    lo, hi = sents[content.first], sents[content.last]
    s = sents[cue.first]
    if lo <= s <= hi and parse_linked(content, cue, heads):
        return _distance(content, cue) / 1000
    if lo <= s <= hi:
        return 1 + _distance(content, cue) / 1000
    gap = lo - s if s < lo else s - hi
    if gap > MAX_SENT_GAP:
        return None
    # A following cue ("… .” she said.) is likelier than a preceding one.
    return 2 + gap + (0.5 if s < lo else 0.0) + _distance(content, cue) / 1000


def _source_cost(
    source: TagSpan, cue: TagSpan, heads: Sequence[int], sents: Sequence[int]
) -> float | None:
    if parse_linked(source, cue, heads):
        return _distance(source, cue) / 1000
    if sents[source.first] == sents[cue.first] or sents[source.last] == sents[cue.last]:
        return 1 + _distance(source, cue) / 1000
    return None


def _continues(
    content: TagSpan,
    spans: Sequence[TagSpan],
    cues: Sequence[TagSpan],
    paras: Sequence[int],
    opening: Sequence[bool],
) -> int | None:
    """The cue of a split quotation's first part when ``content`` is its second part: the content
    opens with a quote mark and, in its paragraph, the span right before it is a cue or source
    that itself follows a content (“A,” she said. “B.”). Returns the cue's index."""
    if not opening[content.first]:
        return None
    before = [s for s in spans if s.last < content.first and paras[s.first] == paras[content.first]]
    if not before or before[-1].role == "CON":
        return None
    tail = [s for s in before if s.role != "CON"]
    k = len(before) - 1
    while k >= 0 and before[k].role != "CON":
        k -= 1
    if k < 0:
        return None
    # The cue between the earlier content and this one.
    between = [s for s in before[k + 1 :] if s.role == "CUE"]
    if len(between) != 1 or not tail:
        return None
    return next(i for i, c in enumerate(cues) if c is between[0])


def _inside(span: TagSpan, cue: TagSpan, contents: Sequence[TagSpan]) -> bool:
    """Whether ``span`` lies within the attribution's content, its cue outside: the source of an
    attribution nested in it ("cited [remarks Trump had made]"), never the source of this one. (A
    split quotation's cue and source both stand between its parts.)"""
    if not contents:
        return False
    lo, hi = min(c.first for c in contents), max(c.last for c in contents)
    return lo <= span.first and span.last <= hi and not lo <= cue.first <= hi


RELATIVE_DEPS = frozenset({"relcl", "acl"})
"""Dependency labels of a verb that modifies a noun ("remarks [Trump had made]")."""
_RELATIVE_WORDS = frozenset({"who", "whom", "whose", "which", "that", ",", "--", "—", "–", "("})


def fold_relatives(
    spans: Sequence[TagSpan], heads: Sequence[int], deps: Sequence[str], words: Sequence[str]
) -> list[TagSpan]:
    """Spans with every contact clause tagged as an attribution inside a content folded back into
    that content: in "cited [disparaging remarks] Trump had made [about Machado]" the tagger's
    source "Trump" and cue "had made" modify "remarks", so the two contents and all between them
    are one content of "cited". Only a cue whose verb hangs off the content right before it, with
    at most a source between and no relative word or comma (``words``: lower-case token texts),
    is folded: "Trump, who says [he is honored]" is an attribution of its own. Without labels
    (``deps`` shorter than ``heads``) nothing is folded."""
    out = sorted(spans, key=lambda s: s.first)
    if len(deps) < len(heads) or len(words) < len(heads):
        return out
    k = 0
    while k < len(out):
        cue = out[k]
        root = span_root(cue, heads) if cue.role == "CUE" else -1
        if root < 0 or deps[root] not in RELATIVE_DEPS:
            k += 1
            continue
        j = k - 1
        while j >= 0 and out[j].role == "SRC":
            j -= 1
        if j < 0 or out[j].role != "CON" or heads[root] not in out[j].tokens or k - j > 2:
            k += 1
            continue
        if any(words[i] in _RELATIVE_WORDS for i in range(out[j].last + 1, cue.first)):
            k += 1
            continue
        last = k + 1 if k + 1 < len(out) and out[k + 1].role == "CON" else k
        first, end = out[j].first, out[last].last
        merged = TagSpan("CON", first, end, list(range(first, end + 1)))
        out[j : last + 1] = [merged]
        k = j + 1
    return out


def group_spans(
    spans: Sequence[TagSpan],
    heads: Sequence[int],
    sents: Sequence[int],
    paras: Sequence[int] | None = None,
    opening: Sequence[bool] | None = None,
) -> list[Group]:
    """Attributions from the spans of one chunk (token indices into ``heads`` and ``sents``), in
    the order of their first content. ``paras`` (paragraph id per token; default: sentence id)
    and ``opening`` (whether a token is an opening quote mark; default: none) let the second part
    of a split quotation join the first."""
    paras = paras if paras is not None else sents
    opening = opening if opening is not None else [False] * len(heads)
    spans = sorted(spans, key=lambda s: s.first)
    cues = [s for s in spans if s.role == "CUE"]
    groups: dict[int, Group] = {k: Group(c, None, []) for k, c in enumerate(cues)}
    loose: list[Group] = []
    far: list[tuple[TagSpan, int]] = []
    for content in (s for s in spans if s.role == "CON"):
        best: tuple[float, int] | None = None
        for k, cue in enumerate(cues):
            cost = _content_cost(content, cue, heads, sents)
            if cost is not None and (best is None or cost < best[0]):
                best = (cost, k)
        if best is None or best[0] >= 1:
            split = _continues(content, spans, cues, paras, opening)
            if split is not None:
                best = (0.5, split)
        if best is None:
            loose.append(Group(None, None, [content]))
        elif best[0] >= CROSS_SENTENCE:
            far.append((content, best[1]))
        else:
            groups[best[1]].contents.append(content)
    # A content whose cue is in another sentence joins it only when the cue has no content of
    # its own sentence.
    taken: set[int] = set()
    for content, k in far:
        if groups[k].contents and k not in taken:
            loose.append(Group(None, None, [content]))
            continue
        groups[k].contents.append(content)
        taken.add(k)
    sources = [s for s in spans if s.role == "SRC"]
    for k, cue in enumerate(cues):
        choice: tuple[float, TagSpan] | None = None
        for src in sources:
            if _inside(src, cue, groups[k].contents):
                continue
            cost = _source_cost(src, cue, heads, sents)
            if cost is not None and (choice is None or cost < choice[0]):
                choice = (cost, src)
        if choice is not None:
            groups[k].source = choice[1]
    out = [g for g in groups.values() if g.contents] + loose
    for g in out:
        g.contents.sort(key=lambda c: c.first)
    out.sort(key=lambda g: g.contents[0].first)
    return out
