"""The GOLD_FORMAT metrics: detection, exact boundaries, speaker accuracy, who-said-what, spans.

Inputs are records in the shape of ``shared/reference/GOLD_FORMAT.md`` keyed by article id: the
gold side gives the text, both sides give ``quotes``. :func:`score` returns the same keys and values
as the reference scorer (``shared/tools/score.py``), plus per-kind breakdowns under ``by_gold_kind``
and ``by_system_kind``. :func:`list_errors` lists misses, false alarms and wrong speakers for
``--errors``; :func:`filter_records` restricts both sides to a named subset of quotations.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Span = tuple[int, int]
Quote = Mapping[str, Any]
Record = dict[str, Any]
Records = dict[str, Record]
Subset = Literal["all", "quote-mark"]
Side = Literal["gold", "system"]
ErrorType = Literal["miss", "false_alarm", "wrong_speaker"]

THRESHOLDS: tuple[float, float] = (0.3, 0.8)
"""Detection thresholds: share of the gold content's characters a system quote must cover."""
SPEAKER_THRESHOLD = 0.3
"""Speaker accuracy is measured among the pairs matched at this threshold."""
SUBSETS: tuple[Subset, ...] = ("all", "quote-mark")
GOLD_KINDS: tuple[str, ...] = ("direct", "partial", "indirect", "nested")
SPAN_COMPONENTS: tuple[tuple[str, str], ...] = (
    ("content", "spans"),
    ("source", "speaker_spans"),
    ("cue", "cue_spans"),
)

TRIM_CHARS = frozenset(" \t\n\"“”‘’'.,;:!?—–-()[]")
"""Trimmed from both ends of every span before comparing boundaries."""
HONORIFICS = frozenset(
    {"mr", "mrs", "ms", "dr", "sen", "rep", "gov", "prof", "president", "sir", "the"}
)
"""Words dropped from names before comparing them."""
QUOTE_MARKS = frozenset("\"“”„‟«»‹›‘’‚‛'")
"""Every quote-mark character (double and single, any direction)."""
DOUBLE_MARKS = frozenset('"“”„‟«»')
"""Marks that are never apostrophes."""
PRONOUNS = frozenset(
    {"i", "me", "my", "we", "us", "our", "you", "your", "he", "him", "his", "she", "her", "hers"}
    | {"they", "them", "their", "it", "its", "this", "that", "these", "those", "who", "someone"}
)


# -------------------------------------------------------------------------------------------------
# Spans, trimming, names


def quote_spans(quote: Quote) -> list[Span]:
    """A quote's content spans: ``spans`` when given and non-empty, else ``start``/``end``."""
    spans = quote.get("spans")
    if spans:
        return [(int(a), int(b)) for a, b in spans]
    if "start" in quote:
        return [(int(quote["start"]), int(quote["end"]))]
    return []


def speaker_name(quote: Quote) -> str | None:
    """The speaker's name: a string, or the ``name`` (else ``text``) of a speaker object."""
    speaker = quote.get("speaker")
    if isinstance(speaker, Mapping):
        speaker = speaker.get("name") or speaker.get("text")
    return speaker if isinstance(speaker, str) else None


def trim_span(text: str, span: Span) -> Span:
    """Move a span's ends inward past spaces, quote marks and punctuation (clamped to the text)."""
    start = min(max(span[0], 0), len(text))
    end = min(max(span[1], 0), len(text))
    while start < end and text[start] in TRIM_CHARS:
        start += 1
    while end > start and text[end - 1] in TRIM_CHARS:
        end -= 1
    return start, end


def trimmed(text: str, spans: Iterable[Span]) -> tuple[Span, ...]:
    """Every span trimmed, in the order given."""
    return tuple(trim_span(text, span) for span in spans)


def content_chars(text: str, spans: Iterable[Span]) -> frozenset[int]:
    """The character positions covered by the trimmed spans."""
    covered: set[int] = set()
    for start, end in trimmed(text, spans):
        covered.update(range(start, end))
    return frozenset(covered)


def name_words(name: str | None) -> list[str]:
    """A name as lower-case ASCII words, accents folded and honorifics dropped."""
    folded = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    return [word for word in re.findall(r"[a-z0-9]+", folded) if word not in HONORIFICS]


def names_match(gold: str | None, system: str | None) -> bool:
    """Whether a system speaker names the gold person.

    True when both names have words left after dropping honorifics and either the words are equal,
    or the shorter name's words are a subset of the longer one's and both end in the same word
    ("Teigen" matches "Chrissy Teigen"; "Chrissy" does not). On equal length the gold name counts as
    the shorter one.
    """
    gold_words, system_words = name_words(gold), name_words(system)
    if not gold_words or not system_words:
        return False
    if gold_words == system_words:
        return True
    if len(gold_words) <= len(system_words):
        shorter, longer = gold_words, system_words
    else:
        shorter, longer = system_words, gold_words
    return shorter[-1] == longer[-1] and set(shorter) <= set(longer)


def is_pronoun(name: str | None) -> bool:
    """Whether a speaker mention is only a pronoun ("he", "They")."""
    words = re.findall(r"[a-z]+", (name or "").lower())
    return bool(words) and all(word in PRONOUNS for word in words)


# -------------------------------------------------------------------------------------------------
# Quote marks


def _opens_at(text: str, index: int) -> bool:
    """Whether the mark at ``index`` stands where a quotation opens (not inside a word)."""
    mark = text[index]
    if mark in DOUBLE_MARKS or mark in "‘‚‛‹":
        return True
    before = text[index - 1] if index > 0 else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    return not before.isalnum() and after.isalnum()


def opens_with_quote_mark(text: str, spans: Sequence[Span]) -> bool:
    """Whether the content opens with a quote mark.

    The first span, after leading whitespace, starts with a quote-mark character (PolNeAR content
    includes its marks), or the character right before the span is an opening mark (GOLD_FORMAT
    content excludes them).
    """
    if not spans:
        return False
    start, end = min(max(spans[0][0], 0), len(text)), min(spans[0][1], len(text))
    first = start
    while first < end and text[first].isspace():
        first += 1
    if first < end and text[first] in QUOTE_MARKS:
        return True
    return start > 0 and text[start - 1] in QUOTE_MARKS and _opens_at(text, start - 1)


def contains_quote_mark(text: str, spans: Sequence[Span]) -> bool:
    """Whether any span holds a quote mark: any double mark, or a single mark that opens a quote.

    Single marks inside or at the end of words ("don’t", "voters’") are apostrophes and don't count.
    """
    for start, end in spans:
        for index in range(max(start, 0), min(end, len(text))):
            char = text[index]
            if char in DOUBLE_MARKS or (char in QUOTE_MARKS and _opens_at(text, index)):
                return True
    return False


def quote_kind(text: str, spans: Sequence[Span]) -> str:
    """ "direct" when the content opens with a quote mark, "partial" when it holds one, else
    "indirect"."""
    if opens_with_quote_mark(text, spans):
        return "direct"
    return "partial" if contains_quote_mark(text, spans) else "indirect"


# -------------------------------------------------------------------------------------------------
# Matching


@dataclass(frozen=True, slots=True)
class Candidate:
    """A possible gold/system pair: the share of gold covered, then the Jaccard overlap."""

    coverage: float
    jaccard: float
    gold: int
    system: int


def candidates(text: str, gold: Sequence[Quote], system: Sequence[Quote]) -> list[Candidate]:
    """Every overlapping gold/system pair, best first.

    Best means highest coverage ``|gold ∩ sys| / |gold|``, then highest Jaccard, then the lowest
    gold index, then the lowest system index (the reference scorer's order).
    """
    gold_chars = [content_chars(text, quote_spans(q)) for q in gold]
    system_chars = [content_chars(text, quote_spans(q)) for q in system]
    found: list[Candidate] = []
    for gi, g in enumerate(gold_chars):
        if not g:
            continue
        for si, s in enumerate(system_chars):
            shared = len(g & s)
            if shared:
                union = len(g) + len(s) - shared
                found.append(Candidate(shared / len(g), shared / union, gi, si))
    found.sort(key=lambda c: (-c.coverage, -c.jaccard, c.gold, c.system))
    return found


def greedy_pairs(ranked: Iterable[Candidate], threshold: float) -> list[tuple[int, int]]:
    """One-to-one pairs taken best first among candidates covering at least ``threshold``."""
    used_gold: set[int] = set()
    used_system: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for cand in ranked:
        if cand.coverage < threshold or cand.gold in used_gold or cand.system in used_system:
            continue
        used_gold.add(cand.gold)
        used_system.add(cand.system)
        pairs.append((cand.gold, cand.system))
    return pairs


def match_quotes(
    text: str, gold: Sequence[Quote], system: Sequence[Quote], threshold: float
) -> list[tuple[int, int]]:
    """Greedy one-to-one matching of gold and system quotes at ``threshold`` (index pairs)."""
    return greedy_pairs(candidates(text, gold, system), threshold)


def exact_flags(
    text: str, gold: Sequence[Quote], system: Sequence[Quote]
) -> tuple[list[bool], list[bool]]:
    """Which quotes match exactly after trimming, as a multiset: each boundary list matches once."""
    gold_keys = [trimmed(text, quote_spans(q)) for q in gold]
    system_keys = [trimmed(text, quote_spans(q)) for q in system]
    shared = Counter(gold_keys) & Counter(system_keys)
    return _take(gold_keys, shared.copy()), _take(system_keys, shared.copy())


def _take(keys: Sequence[tuple[Span, ...]], budget: Counter[tuple[Span, ...]]) -> list[bool]:
    """Flag the first ``budget[key]`` occurrences of each key."""
    flags = []
    for key in keys:
        flags.append(budget[key] > 0)
        budget[key] -= 1
    return flags


def segments(text: str, quotes: Iterable[Quote], key: str) -> set[Span]:
    """The distinct non-empty trimmed segments of one component (content, source or cue)."""
    found: set[Span] = set()
    for quote in quotes:
        spans = quote_spans(quote) if key == "spans" else quote.get(key) or []
        for a, b in spans:
            start, end = trim_span(text, (int(a), int(b)))
            if start < end:
                found.add((start, end))
    return found


@dataclass(slots=True)
class ArticleMatch:
    """How one article's system quotes line up with its gold quotes."""

    id: str
    text: str
    gold: list[Quote]
    system: list[Quote]
    missing: bool
    ranked: list[Candidate]
    pairs: dict[float, list[tuple[int, int]]]
    exact_gold: list[bool]
    exact_system: list[bool]

    def speaker_ok(self, gold_index: int, system_index: int) -> bool:
        """Whether the paired system quote names the gold quote's (named) speaker."""
        gold_name = speaker_name(self.gold[gold_index])
        return bool(gold_name) and names_match(gold_name, speaker_name(self.system[system_index]))


def match_article(article_id: str, gold: Record, system: Record | None) -> ArticleMatch:
    """Match one article's quotes at every threshold and by exact boundaries."""
    text = str(gold.get("text") or "")
    gold_quotes = list(gold.get("quotes") or [])
    system_quotes = list((system or {}).get("quotes") or [])
    ranked = candidates(text, gold_quotes, system_quotes)
    pairs = {t: greedy_pairs(ranked, t) for t in (*THRESHOLDS, SPEAKER_THRESHOLD)}
    exact_gold, exact_system = exact_flags(text, gold_quotes, system_quotes)
    return ArticleMatch(
        id=article_id,
        text=text,
        gold=gold_quotes,
        system=system_quotes,
        missing=system is None,
        ranked=ranked,
        pairs=pairs,
        exact_gold=exact_gold,
        exact_system=exact_system,
    )


def match_all(gold: Mapping[str, Record], system: Mapping[str, Record]) -> list[ArticleMatch]:
    """Match every gold article (in gold order) against the system record with the same id."""
    return [match_article(aid, record, system.get(aid)) for aid, record in gold.items()]


# -------------------------------------------------------------------------------------------------
# Scores


def prf(tp: int, n_system: int, n_gold: int) -> dict[str, Any]:
    """Precision, recall and F1 (4 decimals) with the counts they come from."""
    p = tp / n_system if n_system else 0.0
    r = tp / n_gold if n_gold else 0.0
    f1 = round(2 * p * r / (p + r), 4) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": f1, "tp": tp, "sys": n_system, "gold": n_gold}


@dataclass(slots=True)
class _Totals:
    """Micro counts over all articles."""

    gold: int = 0
    system: int = 0
    named_gold: int = 0
    detect: Counter[float] = field(default_factory=Counter)
    who_said_what: Counter[float] = field(default_factory=Counter)
    exact: int = 0
    speaker_pairs: int = 0
    speaker_ok: int = 0
    missing: int = 0

    def add(self, m: ArticleMatch) -> None:
        """Add one article's counts."""
        self.gold += len(m.gold)
        self.system += len(m.system)
        self.named_gold += sum(1 for q in m.gold if speaker_name(q))
        self.exact += sum(m.exact_gold)
        self.missing += m.missing
        for t in THRESHOLDS:
            self.detect[t] += len(m.pairs[t])
            self.who_said_what[t] += sum(m.speaker_ok(g, s) for g, s in m.pairs[t])
        named = [(g, s) for g, s in m.pairs[SPEAKER_THRESHOLD] if speaker_name(m.gold[g])]
        self.speaker_pairs += len(named)
        self.speaker_ok += sum(m.speaker_ok(g, s) for g, s in named)


def _label(threshold: float) -> str:
    return f"{threshold:g}"


def _headline(totals: _Totals, articles: int) -> dict[str, Any]:
    """The reference scorer's keys, in its order."""
    out: dict[str, Any] = {"articles": articles, "articles_missing_in_system": totals.missing}
    for t in THRESHOLDS:
        out[f"detect@{_label(t)}"] = prf(totals.detect[t], totals.system, totals.gold)
    out["exact"] = prf(totals.exact, totals.system, totals.gold)
    if totals.named_gold:
        acc = totals.speaker_ok / totals.speaker_pairs if totals.speaker_pairs else 0.0
        out[f"speaker_acc@{_label(SPEAKER_THRESHOLD)}"] = round(acc, 4)
        for t in THRESHOLDS:
            out[f"who_said_what@{_label(t)}"] = prf(
                totals.who_said_what[t], totals.system, totals.named_gold
            )
    return out


def _span_scores(matches: Iterable[ArticleMatch]) -> dict[str, Any]:
    """Exact P/R/F1 of every distinct content, source and cue segment."""
    counts = {name: [0, 0, 0] for name, _ in SPAN_COMPONENTS}
    for m in matches:
        for name, key in SPAN_COMPONENTS:
            gold = segments(m.text, m.gold, key)
            system = segments(m.text, m.system, key)
            tally = counts[name]
            tally[0] += len(gold & system)
            tally[1] += len(system)
            tally[2] += len(gold)
    return {f"span_exact_{name}": prf(*tally) for name, tally in counts.items()}


def score(
    gold: Mapping[str, Record], system: Mapping[str, Record], *, spans: bool = False
) -> dict[str, Any]:
    """Score system records against gold records (both keyed by article id).

    Returns the reference scorer's keys and values (``articles``, ``articles_missing_in_system``,
    ``detect@0.3``, ``detect@0.8``, ``exact``, and when some gold quote names a speaker
    ``speaker_acc@0.3``, ``who_said_what@0.3``, ``who_said_what@0.8``; with ``spans`` also
    ``span_exact_content``, ``span_exact_source``, ``span_exact_cue``), then ``by_gold_kind`` and
    ``by_system_kind``. System articles absent from the gold are ignored.
    """
    matches = match_all(gold, system)
    totals = _Totals()
    for m in matches:
        totals.add(m)
    out = _headline(totals, len(gold))
    if spans:
        out.update(_span_scores(matches))
    out["by_gold_kind"] = by_gold_kind(matches)
    out["by_system_kind"] = by_system_kind(matches)
    return out


# -------------------------------------------------------------------------------------------------
# Per-kind breakdowns


def _kind(quote: Quote) -> str:
    kind = quote.get("kind")
    return str(kind) if kind else "none"


def _share(tp: int, n: int, key: str) -> dict[str, Any]:
    return {"tp": tp, key: round(tp / n, 4) if n else 0.0}


def by_gold_kind(matches: Iterable[ArticleMatch]) -> dict[str, dict[str, Any]]:
    """Recall per gold kind: detection, exact, who-said-what (named gold only), speaker accuracy."""
    rows: dict[str, Counter[str]] = {}
    for m in matches:
        found = {t: {g: s for g, s in m.pairs[t]} for t in m.pairs}
        for gi, quote in enumerate(m.gold):
            row = rows.setdefault(_kind(quote), Counter())
            named = bool(speaker_name(quote))
            row["gold"] += 1
            row["named"] += named
            row["exact"] += m.exact_gold[gi]
            for t in THRESHOLDS:
                row[f"detect@{_label(t)}"] += gi in found[t]
                row[f"wsw@{_label(t)}"] += gi in found[t] and m.speaker_ok(gi, found[t][gi])
            speaker_pair = named and gi in found[SPEAKER_THRESHOLD]
            row["speaker_pairs"] += speaker_pair
            row["speaker_ok"] += speaker_pair and m.speaker_ok(gi, found[SPEAKER_THRESHOLD][gi])
    return {kind: _gold_row(row) for kind, row in _ordered(rows)}


def _gold_row(row: Counter[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"gold": row["gold"], "named": row["named"]}
    for t in THRESHOLDS:
        out[f"detect@{_label(t)}"] = _share(row[f"detect@{_label(t)}"], row["gold"], "r")
    out["exact"] = _share(row["exact"], row["gold"], "r")
    for t in THRESHOLDS:
        out[f"who_said_what@{_label(t)}"] = _share(row[f"wsw@{_label(t)}"], row["named"], "r")
    acc = row["speaker_ok"] / row["speaker_pairs"] if row["speaker_pairs"] else 0.0
    out[f"speaker_acc@{_label(SPEAKER_THRESHOLD)}"] = round(acc, 4)
    return out


def by_system_kind(matches: Iterable[ArticleMatch]) -> dict[str, dict[str, Any]]:
    """Precision per system kind: detection and exact."""
    rows: dict[str, Counter[str]] = {}
    for m in matches:
        matched = {t: {s for _, s in m.pairs[t]} for t in THRESHOLDS}
        for si, quote in enumerate(m.system):
            row = rows.setdefault(_kind(quote), Counter())
            row["sys"] += 1
            row["exact"] += m.exact_system[si]
            for t in THRESHOLDS:
                row[f"detect@{_label(t)}"] += si in matched[t]
    return {kind: _system_row(row) for kind, row in _ordered(rows)}


def _system_row(row: Counter[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"sys": row["sys"]}
    for t in THRESHOLDS:
        out[f"detect@{_label(t)}"] = _share(row[f"detect@{_label(t)}"], row["sys"], "p")
    out["exact"] = _share(row["exact"], row["sys"], "p")
    return out


def _ordered(rows: Mapping[str, Counter[str]]) -> Iterator[tuple[str, Counter[str]]]:
    """Known kinds first in their usual order, then any others alphabetically."""
    known = [k for k in GOLD_KINDS if k in rows]
    others = sorted(k for k in rows if k not in GOLD_KINDS)
    for kind in known + others:
        yield kind, rows[kind]


# -------------------------------------------------------------------------------------------------
# Subsets


def keep_quote(quote: Quote, text: str, *, side: Side, subset: Subset) -> bool:
    """Whether a quote belongs to ``subset`` on the ``side`` (gold or system).

    ``"all"`` keeps everything. ``"quote-mark"``, quotations that open with a quote mark: a gold
    quote is kept when its content opens with a quote mark (:func:`opens_with_quote_mark`) and its
    kind is not "nested"; a system quote when its kind is "direct" and it opens with a quote mark
    too (a transcript turn, "PENCE: …", is direct without one), or, when it has no kind, by the
    gold rule. A saidwhat "partial" quote is embedded in narrative ("called it “a joke”"): in
    PolNeAR's convention its attribution's content starts with that narrative, not with the mark.
    """
    if subset == "all":
        return True
    if subset != "quote-mark":
        raise ValueError(f"unknown subset {subset!r} (known: {', '.join(SUBSETS)})")
    kind = quote.get("kind")
    opens = opens_with_quote_mark(text, quote_spans(quote))
    if side == "system" and kind:
        return bool(kind == "direct" and opens)
    return bool(kind != "nested" and opens)


def filter_records(
    records: Mapping[str, Record],
    *,
    side: Side,
    subset: Subset = "quote-mark",
    kinds: Collection[str] | None = None,
    texts: Mapping[str, str] | None = None,
) -> Records:
    """Copies of the records keeping only the quotes of ``subset`` (and of ``kinds``, if given).

    ``texts`` gives article texts by id for records that carry none (system output written
    without text); the gold records' texts are the usual choice.
    """
    out: Records = {}
    for aid, record in records.items():
        text = str(record.get("text") or (texts or {}).get(aid) or "")
        quotes = [
            q
            for q in record.get("quotes") or []
            if keep_quote(q, text, side=side, subset=subset)
            and (kinds is None or q.get("kind") in kinds)
        ]
        out[aid] = {**record, "quotes": quotes}
    return out


def apply_subset(
    gold: Mapping[str, Record], system: Mapping[str, Record], subset: Subset
) -> tuple[Records, Records]:
    """Both sides restricted to ``subset``, system quotes judged against the gold texts."""
    texts = {aid: str(record.get("text") or "") for aid, record in gold.items()}
    return (
        filter_records(gold, side="gold", subset=subset),
        filter_records(system, side="system", subset=subset, texts=texts),
    )


# -------------------------------------------------------------------------------------------------
# Error listing


@dataclass(slots=True)
class ErrorItem:
    """One miss, false alarm or wrong speaker, with context and the phenomena it shows."""

    article: str
    error: ErrorType
    spans: list[Span]
    context: str
    phenomena: tuple[str, ...]
    gold_speaker: str | None = None
    system_speaker: str | None = None

    @property
    def group(self) -> str:
        """The group it is listed under: the error type and its phenomena."""
        return f"{self.error}: {', '.join(self.phenomena)}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "article": self.article,
            "error": self.error,
            "group": self.group,
            "spans": [list(s) for s in self.spans],
            "context": self.context,
            "phenomena": list(self.phenomena),
            "gold_speaker": self.gold_speaker,
            "system_speaker": self.system_speaker,
        }


def snippet(text: str, spans: Sequence[Span], width: int = 80) -> str:
    """About ``width`` characters around the content's start, the content inside ``[…]``."""
    if not spans:
        return ""
    start = min(max(spans[0][0], 0), len(text))
    end = min(max(spans[-1][1], start), len(text))
    before = text[max(0, start - width // 4) : start]
    inner_room = width - len(before)
    inner = text[start:end]
    if len(inner) > inner_room:
        inner = inner[: max(inner_room - 1, 0)] + "…"
    after = text[end : end + max(0, width - len(before) - len(inner))]
    return re.sub(r"\s+", " ", f"{before}[{inner}]{after}")


def _speaker_tag(name: str | None, prefix: str) -> str:
    if not name:
        return f"{prefix}no speaker"
    return f"{prefix}pronoun speaker" if is_pronoun(name) else f"{prefix}named speaker"


def _shape_tags(text: str, spans: Sequence[Span]) -> list[str]:
    tags = ["quote mark" if opens_with_quote_mark(text, spans) else "no quote mark"]
    if len(spans) > 1:
        tags.append("discontinuous")
    if any("\n" in text[a:b] for a, b in spans):
        tags.append("multi-paragraph")
    return tags


def _miss_tags(m: ArticleMatch, gi: int) -> tuple[str, ...]:
    quote = m.gold[gi]
    spans = quote_spans(quote)
    tags = [f"gold {_kind(quote)}", *_shape_tags(m.text, spans)]
    tags.append(_speaker_tag(speaker_name(quote), ""))
    best = max((c.coverage for c in m.ranked if c.gold == gi), default=0.0)
    if best >= SPEAKER_THRESHOLD:
        tags.append("system quote taken by another gold")
    elif best > 0:
        tags.append("overlap below 0.3")
    return tuple(tags)


def _false_alarm_tags(m: ArticleMatch, si: int) -> tuple[str, ...]:
    quote = m.system[si]
    tags = [f"system {_kind(quote)}", *_shape_tags(m.text, quote_spans(quote))]
    overlaps = any(c.system == si for c in m.ranked)
    tags.append("overlaps gold" if overlaps else "no gold overlap")
    return tuple(tags)


def _wrong_speaker_tags(m: ArticleMatch, gi: int, si: int) -> tuple[str, ...]:
    gold_q, system_q = m.gold[gi], m.system[si]
    tags = [f"gold {_kind(gold_q)}", *_shape_tags(m.text, quote_spans(gold_q))[:1]]
    tags.append(_speaker_tag(speaker_name(gold_q), "gold "))
    tags.append(_speaker_tag(speaker_name(system_q), "system "))
    return tuple(tags)


def _item(m: ArticleMatch, error: ErrorType, quote: Quote, width: int) -> ErrorItem:
    """An error item for one quote, with its context; phenomena and speakers are filled in later."""
    spans = quote_spans(quote)
    return ErrorItem(m.id, error, spans, snippet(m.text, spans, width), ())


def article_errors(m: ArticleMatch, width: int = 80) -> list[ErrorItem]:
    """One article's misses, false alarms and wrong speakers (pairs matched at 0.3)."""
    pairs = m.pairs[SPEAKER_THRESHOLD]
    paired_gold = {g for g, _ in pairs}
    paired_system = {s for _, s in pairs}
    items: list[ErrorItem] = []
    for gi in (g for g in range(len(m.gold)) if g not in paired_gold):
        item = _item(m, "miss", m.gold[gi], width)
        item.phenomena, item.gold_speaker = _miss_tags(m, gi), speaker_name(m.gold[gi])
        items.append(item)
    for si in (s for s in range(len(m.system)) if s not in paired_system):
        item = _item(m, "false_alarm", m.system[si], width)
        item.phenomena, item.system_speaker = _false_alarm_tags(m, si), speaker_name(m.system[si])
        items.append(item)
    for gi, si in pairs:
        if speaker_name(m.gold[gi]) and not m.speaker_ok(gi, si):
            item = _item(m, "wrong_speaker", m.gold[gi], width)
            item.phenomena = _wrong_speaker_tags(m, gi, si)
            item.gold_speaker = speaker_name(m.gold[gi])
            item.system_speaker = speaker_name(m.system[si])
            items.append(item)
    return items


def list_errors(
    gold: Mapping[str, Record], system: Mapping[str, Record], *, width: int = 80
) -> list[ErrorItem]:
    """Every article's misses, false alarms and wrong speakers, article by article."""
    return [item for m in match_all(gold, system) for item in article_errors(m, width)]


def group_errors(items: Iterable[ErrorItem]) -> dict[str, list[ErrorItem]]:
    """Errors by group (error type and phenomena), largest group first."""
    groups: dict[str, list[ErrorItem]] = {}
    for item in items:
        groups.setdefault(item.group, []).append(item)
    order = sorted(groups, key=lambda g: (g.split(":")[0], -len(groups[g]), g))
    return {g: groups[g] for g in order}
