"""Canonical speakers for the tagger's sources: its source span is a mention like any other, so it
goes through the article's entity table (names, pronouns, descriptions, groups) exactly as the
rules' speakers do.

The tagger marks the source's words ("the former senator", "he", "White House officials"); the
head of that span (the token whose syntactic head lies outside it) is read as a speaker mention
by :func:`saidwhat.mentions.speaker_mention` and resolved with the most recent rule speaker
before the quotation as the fallback for pronouns. The record keeps the tagger's span as
``speaker_spans`` (PolNeAR's exact source) and takes the name, entity id and evidence of the
resolution.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from spacy.tokens import Token

from saidwhat.attribution import CueHit, subject_of
from saidwhat.entities import EntityTable, Mention
from saidwhat.lexicons import pronouns, word_set
from saidwhat.mentions import Chunk, full_name, is_name_token, name_mention, speaker_mention
from saidwhat.records import Entity, Quote

SUBJECTS = frozenset({"nsubj", "nsubjpass", "expl", "csubj"})
_NOT_NAMES = frozenset({"PRP", "PRP$", "DT", "WP", "WDT"})


def resolve_sources(
    chunks: Sequence[Chunk],
    table: EntityTable,
    quotes: Sequence[Quote],
    speakers: Sequence[tuple[int, Entity]],
    *,
    extents: bool = False,
) -> None:
    """Give every quote of ``quotes`` that has a source span but no entity yet the speaker its
    source resolves to. ``speakers`` are (offset, entity) of earlier attributed speakers in text
    order, for pronouns with nothing better in reach. A quote with a cue but no source gets the
    cue's subject as its source: the mention, or with ``extents`` (PolNeAR's convention) the
    subject's whole phrase."""
    bases = [ch.base for ch in chunks]
    for q in quotes:
        if q.speaker_id is not None or not (q.speaker_spans or q.cue_spans):
            continue
        start, end = (q.speaker_spans or q.cue_spans)[0]
        i = bisect_right(bases, start) - 1
        if i < 0:
            continue
        head = _head(chunks[i], start, end)
        if head is not None and q.speaker_spans:
            head = _nominal_head(chunks[i], head, start, end)
        if head is not None and not q.speaker_spans:
            head = _cue_subject(head)
            if head is None:
                continue
            span = _subject_span(chunks[i], head, extents)
            if any(a < span[1] and span[0] < b for a, b in q.spans):
                continue  # "Donald Trump [is supported] by …": the subject is what is reported on
            q.speaker_spans = [span]
            q.evidence.append("source:cue-subject")
        if head is None:
            continue
        k = bisect_left(speakers, (q.start,))
        last = speakers[k - 1][1] if k else None
        source = text_of(chunks[i], q.speaker_spans[0])
        res = table.resolve(_mention(chunks[i], _antecedent(head), table, source), last)
        q.speaker = res.name  # None for an unresolved "it" or "I": nobody, not the pronoun
        q.speaker_id = res.entity.id if res.entity else None
        q.evidence.append(res.evidence)


_NARROW = frozenset({"source:crf", "cue:dash", "headline-colon"})
"""Evidence of a speaker span that stays as it is: lent by the tagger, or a byline or headline
name whose parse subtree runs into the quote."""


def widen_rule_sources(chunks: Sequence[Chunk], quotes: Sequence[Quote]) -> None:
    """PolNeAR's source extent for the rules' own speaker spans: the speaker's whole phrase
    ("Clinton, the former secretary of State"; "conservative talk radio host Rush Limbaugh")
    where the rules marked the name alone. Pronouns, possessors, nested quotations, bylines,
    headlines and sources the tagger lent (evidence ``source:crf``) or found keep their span."""
    bases = [ch.base for ch in chunks]
    for q in quotes:
        if not q.speaker_spans or q.kind == "nested" or q.evidence[:1] == ["crf"]:
            continue
        if _NARROW.intersection(q.evidence) or any("person" in e for e in q.evidence):
            continue
        start, end = q.speaker_spans[0]
        i = bisect_right(bases, start) - 1
        head = _head(chunks[i], start, end) if i >= 0 else None
        if head is None or head.tag_ in _NOT_NAMES or head.dep_ == "poss":
            continue
        wide = _phrase_span(chunks[i], head)
        if not any(a < wide[1] and wide[0] < b for a, b in q.spans):
            q.speaker_spans = [wide]


def _phrase_span(ch: Chunk, head: Token) -> tuple[int, int]:
    """The whole phrase a head heads, without trailing punctuation ("Marsh, the harbour
    master[,] said"): PolNeAR's source extent."""
    last = head.right_edge
    while last.i > head.i and last.is_punct:
        last = last.doc[last.i - 1]
    return ch.start(head.left_edge), ch.end(last)


def _subject_span(ch: Chunk, head: Token, extents: bool) -> tuple[int, int]:
    if extents and head.tag_ not in ("WP", "WDT"):
        return _phrase_span(ch, head)
    mention = speaker_mention(ch, head)
    return mention.start, mention.end


def _antecedent(tok: Token) -> Token:
    """The noun a relative pronoun stands for ("George Bush, who signed" -> Bush)."""
    if tok.tag_ in ("WP", "WDT") and tok.head.dep_ in ("relcl", "acl") and tok.head.head.i != tok.i:
        return tok.head.head
    return tok


def _mention(ch: Chunk, head: Token, table: EntityTable, source: str) -> Mention:
    """The speaker mention headed by ``head``. A coordination counts only when the source spans
    it ("Bush and Laura" for "Bush and Laura, who …", not for "who"); a capitalised head the
    parser did not tag as a proper noun ("Trump charges that …") is read as a name when the
    article already knows that name."""
    mention = speaker_mention(ch, head, coordinate=" and " in source)
    if mention.kind == "description":
        named = _named_after(ch, head)
        if named is not None:
            return named
        agent = _released_by(head) or _place_of(head)
        if agent is not None:  # "Video released by Tulsa police", "the city of Phoenix"
            return speaker_mention(ch, agent)
    capital = head.text[:1].isupper() and head.text.lower() not in pronouns()
    if mention.kind == "name" or not capital or head.tag_ in _NOT_NAMES:
        return mention
    name = name_mention(ch, head, head)
    return name if table.knows_name(name) else mention


def _named_after(ch: Chunk, head: Token) -> Mention | None:
    """The name set off by commas right after a description ("the city's finance director,
    Helen Sorensen, …"), which the parser did not attach as an apposition."""
    doc = head.doc
    if head.i + 2 >= len(doc) or doc[head.i + 1].text != "," or not is_name_token(doc[head.i + 2]):
        return None
    first, last = full_name(ch, doc[head.i + 2])
    after = doc[last.i + 1] if last.i + 1 < len(doc) else None
    if after is not None and after.text not in (",", ".", ";"):
        return None
    return name_mention(ch, first, last)


def _released_by(head: Token) -> Token | None:
    """The agent of a message noun's participle: "a video released by the police", "a report
    published by the agency" (``data/message_nouns.txt``)."""
    if head.lower_ not in word_set("message_nouns.txt"):
        return None
    verbs = (c for c in head.children if c.dep_ == "acl")
    return next((obj for verb in verbs if (obj := _object_of(verb, "by")) is not None), None)


def _place_of(head: Token) -> Token | None:
    """The named place or body of "the city of Phoenix", "the government of Canada": an
    organisation noun (``data/org_words.txt``) with "of" and a proper name."""
    if head.lower_ not in word_set("org_words.txt"):
        return None
    obj = _object_of(head, "of")
    return obj if obj is not None and is_name_token(obj) else None


def _object_of(tok: Token, prep: str) -> Token | None:
    """The object of ``tok``'s preposition ``prep`` ("by" also as a passive's agent)."""
    for child in tok.children:
        if child.dep_ in ("prep", "agent") and child.lower_ == prep:
            return next((c for c in child.children if c.dep_ == "pobj"), None)
    return None


def text_of(ch: Chunk, span: tuple[int, int]) -> str:
    return ch.text[span[0] - ch.base : span[1] - ch.base]


def _cue_subject(cue: Token) -> Token | None:
    """The source of a cue the tagger found without one: the verb's subject as the rules read it
    (climbing conjoined and complement verbs, 'the senator, who said', 'according to X')."""
    lemma = "according to" if cue.lower_ == "according" else cue.lemma_
    tokens = (
        [cue, cue.doc[cue.i + 1]] if lemma == "according to" and cue.i + 1 < len(cue.doc) else [cue]
    )
    return subject_of(CueHit(tokens, lemma, "speech"), lambda t: False)


def reports_topic(text: str, q: Quote) -> bool:
    """Whether ``q``'s content is only the topic of what was said: a part of it, or its cue, ends
    just before a word of ``data/topic_words.txt`` ("she talked about how …", "he wrote about the
    loss"). Such reports say what someone spoke of, not what they said, and are not kept as
    quotations."""
    topic = word_set("topic_words.txt")
    for start, _ in q.spans:
        before = text[max(0, start - 24) : start].split()
        if before and before[-1].lower() in topic:
            return True
    for a, b in q.cue_spans:
        words = text[a:b].split()
        if words and words[-1].lower() in topic:
            return True
    return False


_TIME_LEADS = frozenset({"on", "last", "this", "next", "early", "late", "earlier", "later"})


def cue_without_time(text: str, q: Quote) -> None:
    """Drop the time a learned cue ends with ("said Monday", "said on Tuesday" -> "said"):
    PolNeAR's cue extents include it, a statement's cue is the verb (``data/time_words.txt``)."""
    if not q.cue_spans:
        return
    a, b = q.cue_spans[-1]
    words = [(m.start() + a, m.end() + a, m.group()) for m in re.finditer(r"\S+", text[a:b])]
    times = word_set("time_words.txt")
    k = len(words)
    while k > 1 and words[k - 1][2].lower().strip(".,") in times:
        k -= 1
    if k == len(words):
        return
    while k > 1 and words[k - 1][2].lower() in _TIME_LEADS:
        k -= 1
    q.cue_spans[-1] = (a, words[k - 1][1])
    q.cue = " ".join(text[x:y] for x, y in q.cue_spans)


def reports_proposition(chunks: Sequence[Chunk], q: Quote) -> bool:
    """Whether ``q``'s content states something: its syntactic root is a verb with its own subject
    (a clause: "that the plan will fail", "the plan will fail"), not a thing or an act ("praised
    the design", "announced the injury that ended her career", "agreed to share data"). Only
    such contents are kept as indirect statements; PolNeAR also annotates the others."""
    bases = [ch.base for ch in chunks]
    for start, end in q.spans:
        i = bisect_right(bases, start) - 1
        if i < 0:
            continue
        ch = chunks[i]
        span = ch.doc.char_span(start - ch.base, end - ch.base, alignment_mode="expand")
        if span is None:
            continue
        root = span.root
        if root.tag_[:2] in ("VB", "MD") and any(c.dep_ in SUBJECTS for c in root.children):
            return True
    return False


def _nominal_head(ch: Chunk, head: Token, start: int, end: int) -> Token:
    """A source's head as a noun: when the parser made the span's root something else ("Tulsa"
    read as a verb in "Tulsa police Chief Chuck Jordan said"), its last proper noun."""
    if head.tag_.startswith(("NN", "PRP", "WP")):
        return head
    span = ch.doc.char_span(start - ch.base, end - ch.base, alignment_mode="expand")
    names = [t for t in span or [] if t.tag_ in ("NNP", "NNPS")]
    return names[-1] if names else head


def _head(ch: Chunk, start: int, end: int) -> Token | None:
    """The syntactic root of the tokens of ``ch`` covering [start, end)."""
    span = ch.doc.char_span(start - ch.base, end - ch.base, alignment_mode="expand")
    return span.root if span is not None and len(span) else None
