"""Token tables and CRF features for the learned attribution tagger.

A :class:`TokenTable` is everything the tagger needs from one analysed chunk (a spaCy ``Doc`` and
its offset in the article): token offsets, dependency heads, sentence ids, the paragraphs that
are tagged as sequences, and one list of string features per token. It holds no spaCy objects, so
it can be pickled, cached and built by hand in tests.

Features (all binary, as ``name=value`` strings): the word, its shape and suffix, part-of-speech
tag and dependency label, the head's tag, label and word, whether the word is a cue form (the
engine's cue lexicon plus the cue words learned from the training data), the dependency relation
below the nearest cue ancestor (``ccomp``: inside a reported clause; ``nsubj``: the speaker), the
side of the sentence's cue the token stands on, quote-mark depth, and the rule engine's own output
(which tokens its quotes mark as content, speaker and cue), and the token's word class from the
parser's vectors (:mod:`saidwhat.learned.clusters`). Window features repeat a few of these for
the neighbours at ±1 and ±2.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from spacy.attrs import DEP, HEAD, IDX, IS_SPACE, LOWER, ORTH, TAG
from spacy.tokens import Doc

from saidwhat.cues import lexicon
from saidwhat.mentions import Chunk, in_ranges
from saidwhat.records import Quote

OPEN_MARKS = frozenset("“«„")
CLOSE_MARKS = frozenset("”»")
STRAIGHT_MARKS = frozenset('"')
MAX_ANCESTORS = 8
"""How far up the head chain the nearest cue ancestor is looked for."""

# Rule roles painted on characters (0: none); higher codes win where rule spans overlap.
_R_NONE, _R_NEST, _R_IND, _R_PART, _R_DIR, _R_SRC, _R_CUE = range(7)
_R_NAMES = ("-", "nest", "ind", "part", "dir", "src", "cue")
_KIND_CODE = {"nested": _R_NEST, "indirect": _R_IND, "partial": _R_PART, "direct": _R_DIR}


@dataclass(slots=True)
class TokenTable:
    """One chunk's tokens as plain lists (offsets are relative to ``text``; ``base`` makes them
    article offsets). ``sequences`` are the paragraphs (token indices, whitespace left out);
    ``features`` has one list per token (empty for whitespace)."""

    base: int
    text: str
    starts: list[int]
    ends: list[int]
    heads: list[int]
    sents: list[int]
    sequences: list[list[int]]
    features: list[list[str]] = field(default_factory=list)
    paras: list[int] = field(default_factory=list)
    """Paragraph (sequence) number per token (-1 for whitespace)."""
    opening: list[bool] = field(default_factory=list)
    """Whether each token is an opening double quote mark."""
    deps: list[str] = field(default_factory=list)
    """Dependency label per token."""
    lefts: list[int] = field(default_factory=list)
    """Leftmost token of each token's subtree."""
    rights: list[int] = field(default_factory=list)
    """Rightmost token of each token's subtree."""

    def span_chars(self, first: int, last: int) -> tuple[int, int]:
        """Article offsets from the start of token ``first`` to the end of token ``last``."""
        return self.base + self.starts[first], self.base + self.ends[last]


def shape(word: str) -> str:
    """A short word shape: ``Xx`` for "Hello", ``x`` for "hello", ``d`` for "2016", ``X`` for
    "NYPD"; punctuation stays itself (first character)."""
    if not word:
        return ""
    out: list[str] = []
    for ch in word:
        if ch.isupper():
            c = "X"
        elif ch.islower():
            c = "x"
        elif ch.isdigit():
            c = "d"
        else:
            c = ch
        if not out or out[-1] != c:
            out.append(c)
        if len(out) >= 4:
            break
    return "".join(out)


def cue_class(lower: str, learned: frozenset[str]) -> str | None:
    """``speech``/``write``/``belief``/``phrase`` from the engine's lexicon, ``learned`` for a cue
    word of the training data, else None."""
    cue = lexicon().word(lower)
    if cue is not None:
        return cue.cls
    if lower in learned:
        return "learned"
    return None


def _paint_rules(
    size: int, base: int, quotes: Iterable[Quote]
) -> tuple[bytearray, set[int], set[int]]:
    """Per-character rule roles of one chunk, and the chunk offsets where a rule content span
    starts and ends."""
    roles = bytearray(size)
    begins: set[int] = set()
    ends: set[int] = set()

    def paint(a: int, b: int, code: int) -> None:
        lo, hi = max(a - base, 0), min(b - base, size)
        for i in range(lo, hi):
            if roles[i] < code:
                roles[i] = code

    for q in quotes:
        code = _KIND_CODE.get(q.kind, _R_IND)
        for a, b in q.spans:
            if b > base and a < base + size:
                paint(a, b, code)
                begins.add(a - base)
                ends.add(b - base)
        for a, b in q.speaker_spans:
            if b > base and a < base + size:
                paint(a, b, _R_SRC)
        for a, b in q.cue_spans:
            if b > base and a < base + size:
                paint(a, b, _R_CUE)
    return roles, begins, ends


def _token_rule(roles: bytearray, start: int, end: int) -> int:
    best = 0
    for i in range(start, min(end, len(roles))):
        if roles[i] > best:
            best = roles[i]
    return best


def table_from_chunk(
    chunk: Chunk, rule_quotes: Sequence[Quote], learned: frozenset[str] = frozenset()
) -> TokenTable:
    """The token table of one chunk, features included (``learned``: extra cue words). Reads the
    parse as arrays (no spaCy ``Token`` objects: they dominate the cost otherwise)."""
    doc: Doc = chunk.doc
    n = len(doc)
    arr = doc.to_array([ORTH, LOWER, TAG, DEP, HEAD, IDX, IS_SPACE])
    cols = arr.tolist()
    rel_heads = arr[:, 4].astype("int64").tolist()
    strings = doc.vocab.strings
    cache: dict[int, str] = {}

    def text_of(h: int) -> str:
        got = cache.get(h)
        if got is None:
            got = cache[h] = strings[h]
        return got

    words = [text_of(c[0]) for c in cols]
    tokens = _Tokens(
        words=words,
        low=[text_of(c[1]) for c in cols],
        tags=[text_of(c[2]) for c in cols],
        deps=[text_of(c[3]) for c in cols],
    )
    heads = [i + h for i, h in enumerate(rel_heads)]
    starts = [c[5] for c in cols]
    ends = [a + len(w) for a, w in zip(starts, words, strict=True)]
    spaces = [bool(c[6]) for c in cols]
    sent_ids: list[int] = doc.user_data.get("sent_ids") or _sent_ids(doc)
    table = TokenTable(chunk.base, chunk.text, starts, ends, heads, list(sent_ids), [])
    seq: list[int] = []
    for i in range(n):
        if spaces[i]:
            if "\n" in words[i] and seq:
                table.sequences.append(seq)
                seq = []
            continue
        seq.append(i)
    if seq:
        table.sequences.append(seq)
    table.paras = [-1] * n
    for k, sq in enumerate(table.sequences):
        for i in sq:
            table.paras[i] = k
    table.opening = _opening_marks(words, table.sequences)
    table.deps = tokens.deps
    table.lefts, table.rights = _edges(heads)
    table.features = _features(chunk, table, tokens, rule_quotes, learned)
    return table


@dataclass(slots=True)
class _Tokens:
    words: list[str]
    low: list[str]
    tags: list[str]
    deps: list[str]


def _edges(heads: list[int]) -> tuple[list[int], list[int]]:
    """Leftmost and rightmost token of every token's subtree, from the heads."""
    n = len(heads)
    lefts = list(range(n))
    rights = list(range(n))
    for i in range(n):
        j, steps = i, 0
        while heads[j] != j and steps < n:
            j = heads[j]
            steps += 1
            if i < lefts[j]:
                lefts[j] = i
            if i > rights[j]:
                rights[j] = i
    return lefts, rights


def _opening_marks(words: list[str], sequences: list[list[int]]) -> list[bool]:
    """Opening double quote marks: curly ones by shape, straight ones by parity per paragraph."""
    out = [False] * len(words)
    for seq in sequences:
        straight = 0
        for i in seq:
            t = words[i]
            if t in OPEN_MARKS:
                out[i] = True
            elif t in STRAIGHT_MARKS or t == "''" or t == "``":
                straight ^= 1
                out[i] = straight == 1
    return out


def _union(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, merged ranges (for a binary search)."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(ranges):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        elif a < b:
            out.append((a, b))
    return out


def _sent_ids(doc: Doc) -> list[int]:
    ids = [0] * len(doc)
    for k, sent in enumerate(doc.sents):
        for t in sent:
            ids[t.i] = k
    return ids


def _classes(chunk: Chunk, n: int) -> list[str]:
    """Each token's word class (see :mod:`saidwhat.learned.clusters`), "-" without classes."""
    got = chunk.doc.user_data.get("clusters")
    if not got or len(got) != n:
        return ["-"] * n
    return [str(k) for k in got]


GOVERNING_STEPS = 4
"""Head steps from a token up to the verb whose argument it is part of."""


def _governing_verbs(
    heads: list[int], tags: list[str], deps: list[str]
) -> list[tuple[int, str] | None]:
    """Per token, the nearest verb above it (within :data:`GOVERNING_STEPS` head steps) and the
    relation of the branch it sits in ("backed [the senator]": ``dobj`` below "backed"): the
    tagger reads reporting verbs that are in no cue list through the verb's word and class."""
    out: list[tuple[int, str] | None] = []
    for i in range(len(heads)):
        child, j, found = i, heads[i], None
        for _ in range(GOVERNING_STEPS):
            if j == child:
                break
            if tags[j][:1] == "V":
                found = (j, deps[child])
                break
            child, j = j, heads[j]
        out.append(found)
    return out


def _branches(heads: list[int], gov: list[tuple[int, str] | None]) -> list[int]:
    """Per token with a governing verb, the root of the branch below that verb it sits in (the
    token itself otherwise): its subtree's edges are where a reported content may begin and end."""
    out = list(range(len(heads)))
    for i, g in enumerate(gov):
        if g is None:
            continue
        child = i
        while heads[child] != g[0] and heads[child] != child:
            child = heads[child]
        out[i] = child
    return out


def _features(
    chunk: Chunk,
    table: TokenTable,
    tokens: _Tokens,
    rule_quotes: Sequence[Quote],
    learned: frozenset[str],
) -> list[list[str]]:
    n = len(table.starts)
    low, tags, deps, words = tokens.low, tokens.tags, tokens.deps, tokens.words
    heads = table.heads
    classes = _classes(chunk, n)
    cues = [cue_class(w, learned) for w in low]
    # Rules' roles per token.
    roles, r_begin, r_end = _paint_rules(len(chunk.text), chunk.base, rule_quotes)
    rule = [_token_rule(roles, table.starts[i], table.ends[i]) for i in range(n)]
    ranges = _union([(a - chunk.base, b - chunk.base) for a, b in chunk.quote_ranges])
    in_quote = [in_ranges(ranges, pos) for pos in table.starts]
    # Nearest cue ancestor, the relation just below it, and the edges of that child's subtree;
    # then the relation below the next cue ancestor up (a cue inside reported content).
    anc_rel: list[str] = ["none"] * n
    anc_dist: list[int] = [0] * n
    anc2_rel: list[str] = ["none"] * n
    edge: list[str] = [""] * n
    for i in range(n):
        child, j = i, heads[i]
        found = 0
        for step in range(1, MAX_ANCESTORS + 1):
            if j == child:
                break
            if cues[j] is not None and tags[j][:1] in ("V", "N", "I"):
                if found == 0:
                    anc_rel[i] = deps[child]
                    anc_dist[i] = step
                    if table.lefts[child] == i:
                        edge[i] += "L"
                    if table.rights[child] == i:
                        edge[i] += "R"
                    found = 1
                else:
                    anc2_rel[i] = deps[child]
                    break
            child, j = j, heads[j]
    gov = _governing_verbs(heads, tags, deps)
    gov_branch = _branches(heads, gov)
    # Sentence facts: cue positions, quote marks.
    sent_cues: dict[int, list[int]] = {}
    sent_quote: set[int] = set()
    for i in range(n):
        s = table.sents[i]
        if cues[i] is not None and tags[i][:1] == "V":
            sent_cues.setdefault(s, []).append(i)
        if low[i] and (low[i][0] in OPEN_MARKS or low[i][0] in CLOSE_MARKS or low[i] == '"'):
            sent_quote.add(s)
    out: list[list[str]] = [[] for _ in range(n)]
    for seq in table.sequences:
        depth = 0
        straight = 0
        base_feats: list[list[str]] = []
        for k, i in enumerate(seq):
            w = low[i]
            qm = ""
            if w in OPEN_MARKS:
                qm, depth = "open", depth + 1
            elif w in CLOSE_MARKS:
                qm, depth = "close", max(depth - 1, 0)
            elif w in STRAIGHT_MARKS:
                straight ^= 1
                qm = "open" if straight else "close"
            inside = depth > 0 or straight == 1
            s = table.sents[i]
            rel = "none"
            if s in sent_cues:
                cs = sent_cues[s]
                if i in cs:
                    rel = "C"
                elif all(c > i for c in cs):
                    rel = "L"
                elif all(c < i for c in cs):
                    rel = "R"
                else:
                    rel = "M"
            r = rule[i]
            f = [
                "b",
                "w=" + w,
                "s=" + shape(words[i]),
                "x=" + w[-3:],
                "t=" + tags[i],
                "d=" + deps[i],
                "ht=" + tags[heads[i]],
                "hd=" + deps[heads[i]],
                "hw=" + low[heads[i]],
                "td=" + tags[i] + "|" + deps[i],
                "cue=" + (cues[i] or "-"),
                "hcue=" + (cues[heads[i]] or "-"),
                "anc=" + anc_rel[i],
                "ancd=" + str(min(anc_dist[i], 4)),
                "rel=" + rel,
                "relt=" + rel + "|" + tags[i][:2],
                "q=" + str(int(inside)),
                "iq=" + str(int(in_quote[i])),
                "qm=" + qm,
                "sq=" + str(int(s in sent_quote)),
                "r=" + _R_NAMES[r],
                "ra=" + _R_NAMES[r] + "|" + anc_rel[i],
                "da=" + deps[i] + "|" + anc_rel[i],
                "a2=" + anc2_rel[i],
                "e=" + edge[i] + "|" + anc_rel[i],
                "wa=" + w + "|" + anc_rel[i],
                "k=" + classes[i],
                "ka=" + classes[i] + "|" + anc_rel[i],
                "hk=" + classes[heads[i]],
            ]
            governing = gov[i]
            if governing is not None:
                verb, below = governing
                f.append("gv=" + low[verb] + "|" + below)
                f.append("gk=" + classes[verb] + "|" + below)
                f.append("gc=" + (cues[verb] or "-") + "|" + below)
                branch = gov_branch[i]
                side = ("L" if table.lefts[branch] == i else "") + (
                    "R" if table.rights[branch] == i else ""
                )
                if side:
                    f.append("ge=" + side + "|" + below)
            if table.starts[i] in r_begin:
                f.append("rB")
            if table.ends[i] in r_end:
                f.append("rE")
            if k == 0:
                f.append("pfirst")
            if i == 0 or table.sents[i - 1] != s:
                f.append("sfirst")
            if i + 1 >= n or table.sents[i + 1] != s:
                f.append("slast")
            base_feats.append(f)
        m = len(seq)
        for k, i in enumerate(seq):
            f = base_feats[k]
            for off in (-2, -1, 1, 2):
                p = k + off
                if 0 <= p < m:
                    j = seq[p]
                    f.append(f"{off}w={low[j]}")
                    f.append(f"{off}t={tags[j]}")
                    if off in (-1, 1):
                        f.append(f"{off}k={classes[j]}")
                        f.append(f"{off}r={_R_NAMES[rule[j]]}")
                        f.append(f"{off}cue={cues[j] or '-'}")
                        f.append(f"{off}d={deps[j]}")
                else:
                    f.append(f"{off}w=<pad>")
            prev = low[seq[k - 1]] if k > 0 else "<s>"
            nxt = low[seq[k + 1]] if k + 1 < m else "</s>"
            f.append("bw=" + prev + "|" + low[i])
            f.append("fw=" + low[i] + "|" + nxt)
            out[i] = f
    return out
