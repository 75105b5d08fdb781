"""Quote -> cue and speaker mention, from the text around the quote marks and the parse.

A quote is attributed by the first rule that fires, and the rule is kept as evidence:
``cue:after`` (“…,” X said), ``cue:before`` (X said, “…” / X said that “…”), ``cue:dash`` (“…” — X),
then, with no cue in the quote's own sentence, ``continuation`` (a later quote of the same
paragraph), ``colon`` (X said: then the quote in the next paragraph) and ``floating`` (a paragraph
that is only a quotation, after a quote by someone).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from spacy.tokens import Token

from saidwhat.cues import lemma_of, lexicon
from saidwhat.lexicons import gendered_nouns, title_nouns, word_set
from saidwhat.mentions import (
    SUBJECT_DEPS,
    Chunk,
    is_dateline,
    is_name_token,
    is_nominal,
    is_noun,
    name_chain,
)

SENT_END = frozenset({".", "!", "?", "…", "..."})
OPEN_MARKS = frozenset("“‘«‹„‚\"'")
CLOSE_MARKS = frozenset("”’»›\"'“")
DASHES = frozenset({"—", "–", "--", "-", "―", "‒"})
MAX_FRAME = 40
SHORT_AFTER = 8

Blocked = Callable[[Token], bool]


@dataclass(slots=True)
class CueHit:
    """A cue found near a quote: its tokens, lemma and the token that carries the syntax."""

    tokens: list[Token]
    lemma: str
    cls: str

    @property
    def verb(self) -> Token:
        return self.tokens[0]


@dataclass(slots=True)
class Frame:
    """Where a quote's attribution was found."""

    rule: str
    cue: CueHit | None
    speaker: Token | None


def is_break(tok: Token) -> bool:
    """A paragraph break (or a masked caption/header region) between tokens."""
    return (tok.is_space and "\n" in tok.text) or (tok.is_space and len(tok.text) > 2)


def cue_at(tok: Token, classes: frozenset[str]) -> CueHit | None:
    """The cue starting at ``tok`` (a verb form from the lexicon, or a multi-word phrase)."""
    lex = lexicon()
    first = lemma_of(tok.text)
    for words, cue in lex.phrases_from(first):
        toks = [tok]
        nxt = tok.i + 1
        for w in words[1:]:
            if nxt >= len(tok.doc) or lemma_of(tok.doc[nxt].text) != w:
                break
            toks.append(tok.doc[nxt])
            nxt += 1
        else:
            if cue.cls in classes and (cue.lemma != "according to" or tok.lower_ == "according"):
                return CueHit(toks, cue.lemma, cue.cls)
    cue_word = lex.word(tok.text)
    if cue_word is None or cue_word.cls not in classes or not tok.tag_.startswith("VB"):
        return None
    toks = [tok]
    prt = next((c for c in tok.children if c.dep_ == "prt" and c.i == tok.i + 1), None)
    if prt is not None:
        toks.append(prt)
    return CueHit(toks, cue_word.lemma, cue_word.cls)


SPEECH = frozenset({"speech", "write", "phrase"})


def after_frame(first: Token | None, hi: int, ch: Chunk, blocked: Blocked) -> list[Token]:
    """Tokens from ``first`` to the end of the sentence, stopping at a paragraph break, another
    quote or the bound ``hi`` (absolute offset)."""
    out: list[Token] = []
    if first is None:
        return out
    for tok in first.doc[first.i :]:
        if ch.start(tok) >= hi or is_break(tok) or blocked(tok) or len(out) >= MAX_FRAME:
            break
        out.append(tok)
        if tok.text in SENT_END:
            break
    return out


def before_frame(last: Token | None, lo: int, ch: Chunk, blocked: Blocked) -> list[Token]:
    """Tokens back from ``last`` to the sentence start, a paragraph break, another quote's closing
    mark or the bound ``lo``."""
    out: list[Token] = []
    if last is None:
        return out
    for i in range(last.i, -1, -1):
        tok = last.doc[i]
        if ch.start(tok) < lo or is_break(tok) or blocked(tok) or len(out) >= MAX_FRAME:
            break
        if tok.text in SENT_END or (tok.text in CLOSE_MARKS and tok.i != last.i):
            break
        out.append(tok)
    out.reverse()
    return out


def first_cue(frame: list[Token], reverse: bool = False) -> CueHit | None:
    for tok in reversed(frame) if reverse else frame:
        hit = cue_at(tok, SPEECH)
        if hit is not None:
            return hit
    return None


GOVERNING_STEPS = 6
"""Head steps from a quotation's first word up to the cue that governs it."""


def governing_cue(open_tok: Token | None, frame: list[Token]) -> CueHit | None:
    """The cue in ``frame`` that the quotation hangs from in the parse: in "She says Banerjee's
    posts accusing the port are “lies”" the quote's words climb to "are", then "says"; the nearer
    "accusing" only describes the posts. ``open_tok``: the token before the opening mark."""
    if open_tok is None or open_tok.i + 2 >= len(open_tok.doc):
        return None
    inside = {t.i for t in frame}
    tok = open_tok.doc[open_tok.i + 2]
    for _ in range(GOVERNING_STEPS):
        if tok.head.i == tok.i:
            return None
        tok = tok.head
        if tok.i in inside and (hit := cue_at(tok, SPEECH)) is not None:
            return hit
    return None


_IMPERSONAL = frozenset({"it", "this", "that"})
REPORT_STEPS = 3
"""Head steps from an impersonal cue up to the cue that reports it (:func:`_reporting_cue`)."""


def _reporting_cue(hit: CueHit, frame: list[Token], blocked: Blocked) -> CueHit:
    """The cue that reports a cue whose subject is "it", "this" or "that": in "Obama said it
    would tell a story of ‘suffering and delight’" the museum's telling is Obama's words, so the
    quote hangs from "said". A person's cue inside another's ("he said she told him ‘…’") stays,
    and so does one whose reporting cue has an impersonal subject too (an organisation's "it")."""
    subj = subject_of(hit, blocked)
    if subj is None or not _impersonal(subj):
        return hit
    inside, tok = {t.i for t in frame}, hit.verb
    for _ in range(REPORT_STEPS):
        if tok.dep_ not in ("ccomp", "xcomp", "conj") or tok.head.i == tok.i:
            break
        tok = tok.head
        if tok.i in inside and (outer := cue_at(tok, SPEECH)) is not None:
            speaker = subject_of(outer, blocked)  # "It's denouncing what it calls ‘…’" stays
            return outer if speaker is not None and speaker.lower_ not in _IMPERSONAL else hit
    return hit


def _impersonal(subj: Token) -> bool:
    """Whether a cue's subject names no one who could speak: "it", "this", "that", or a common
    noun that is no person, group, organisation or message ("the increase reflects ‘…’", unlike
    "the senator", "officials", "the agency" or "the report")."""
    if subj.lower_ in _IMPERSONAL:
        return True
    if subj.tag_ not in ("NN", "NNS") or subj.ent_type_:
        return False
    nouns, titles = _speaking_nouns()
    return subj.lower_ not in nouns and subj.lower_.rstrip("s") not in titles


@cache
def _speaking_nouns() -> tuple[frozenset[str], frozenset[str]]:
    """Common nouns that may name a speaker (people, groups, organisations, messages), and the
    title nouns among them (read once)."""
    titles = frozenset(title_nouns().values())
    nouns = titles | frozenset(gendered_nouns()) | word_set("groups.txt")
    nouns |= word_set("relational_nouns.txt") | word_set("org_words.txt")
    return nouns | word_set("message_nouns.txt"), titles


def subject_of(hit: CueHit, blocked: Blocked) -> Token | None:
    """The speaker token of a cue: the verb's subject (for an "-ing" cue without one, the name
    right before it; for a dateline read as the subject, its apposition), the object of
    'according to', or the noun after an inverted 'said' (else the name right before ", said")."""
    if hit.lemma == "according to":
        to = hit.tokens[-1]
        return next((c for c in to.children if c.dep_ == "pobj"), None)
    verb = hit.verb
    if (named := _name_before(verb, blocked)) is not None:
        return named
    for _ in range(4):
        subj = next((c for c in verb.children if _subject(c) and not blocked(c)), None)
        if subj is not None and is_dateline(subj):  # "WASHINGTON -- President Obama … said"
            subj = next((c for c in subj.children if c.dep_ == "appos"), None)
        if subj is not None and subj.tag_ in ("WP", "WDT") and verb.dep_ == "relcl":
            return verb.head  # "the senator, who said" -> the senator
        if subj is not None:
            return subj
        if verb.dep_ == "acl" and (is_noun(verb.head) or is_name_token(verb.head)):
            return verb.head  # "footage of Clinton asking, “…”" -> Clinton
        if verb.dep_ == "relcl" and (is_noun(verb.head) or is_name_token(verb.head)):
            return verb.head
        if verb.dep_ in ("conj", "xcomp", "advcl", "ccomp", "acomp") and (
            verb.head.tag_.startswith("VB") or verb.head.tag_.startswith("JJ")
        ):
            verb = verb.head
            continue
        break
    return _inverted_subject(hit.verb, blocked) or _name_before_comma(hit.verb, blocked)


def _name_before(verb: Token, blocked: Blocked) -> Token | None:
    """The name right before an "-ing" cue that has no subject of its own: "footage of Hillary
    Clinton asking, “…”", "footage of Trump saying …" (the parser hangs the verb elsewhere)."""
    if verb.tag_ != "VBG" or verb.i == 0 or any(_subject(c) for c in verb.children):
        return None
    before = verb.doc[verb.i - 1]
    if not is_name_token(before) or blocked(before) or _time_word(before):  # "early Friday saying"
        return None
    return before


def _name_before_comma(verb: Token, blocked: Blocked) -> Token | None:
    """The name that ends right before ", said" when the parser gave the cue no subject: "…, the
    operator’s spokesperson, Leila Mansour, said officials were …" (the apposition hung
    elsewhere)."""
    if verb.i < 2 or verb.doc[verb.i - 1].text != ",":
        return None
    name = verb.doc[verb.i - 2]
    return name if is_name_token(name) and not blocked(name) else None


def _subject(tok: Token) -> bool:
    """A subject child that is a word: the parser sometimes makes a dash its subject ("made
    public ― Trump boasted")."""
    return tok.dep_ in SUBJECT_DEPS and any(c.isalnum() for c in tok.text)


def _inverted_subject(verb: Token, blocked: Blocked) -> Token | None:
    for tok in verb.doc[verb.i + 1 : verb.i + 6]:
        if blocked(tok) or tok.text in SENT_END or tok.text == ",":
            return None
        if tok.dep_ in SUBJECT_DEPS and tok.head.i != verb.i:  # "said officials were …"
            return None
        if is_nominal(tok) and tok.dep_ not in ("compound", "poss") and not _time_word(tok):
            return tok
    return None


def _time_word(tok: Token) -> bool:
    """'Monday', 'March' standing alone (``data/time_words.txt``): a time, not a speaker."""
    doc = tok.doc
    alone = tok.i + 1 >= len(doc) or not is_name_token(doc[tok.i + 1])
    return alone and tok.lower_ in word_set("time_words.txt")


def dash_byline(text: str, close: int | None, frame: list[Token], ch: Chunk) -> Token | None:
    """“…” — Jane Doe: a name right after a dash that follows the closing mark (the dash may be
    glued to the mark, "”―Jane", or set off by no-break spaces)."""
    if close is None:
        return None
    name = next((t for t in frame[:5] if is_name_token(t)), None)
    if name is None:
        return None
    gap = text[close + 1 : ch.start(name)].strip(" \t\xa0”’\"'»›")
    if gap not in DASHES:
        return None
    while name.i + 1 < len(name.doc) and is_name_token(name.doc[name.i + 1]):
        name = name.doc[name.i + 1]
    return name


def content_end_char(text: str, close: int) -> str:
    """The last non-space character before a closing mark."""
    i = close - 1
    while i >= 0 and text[i].isspace():
        i -= 1
    return text[i] if i >= 0 else ""


def find_frame(
    text: str,
    ch: Chunk,
    open_tok: Token | None,
    close_tok: Token | None,
    close: int | None,
    bounds: tuple[int, int],
    blocked: Blocked,
) -> Frame | None:
    """Look for the quote's cue after it, then before it, then a dash byline."""
    lo, hi = bounds
    after = after_frame(close_tok, hi, ch, blocked)
    before = before_frame(open_tok, lo, ch, blocked)
    after_hit = first_cue(after)
    before_hit = governing_cue(open_tok, before) or first_cue(before, reverse=True)
    if before_hit is not None:
        before_hit = _reporting_cue(before_hit, before, blocked)
    ends_open = close is not None and content_end_char(text, close) in ",?!—–-"
    if before_hit is not None and _subordinate(after):  # "“…,” when Clinton blasted him"
        after_hit = None
    if (
        after_hit is not None
        and (ends_open or after.index(after_hit.verb) < SHORT_AFTER)
        and (ends_open or before_hit is None)
    ):
        return Frame("cue:after", after_hit, subject_of(after_hit, blocked))
    if before_hit is not None:
        return Frame("cue:before", before_hit, subject_of(before_hit, blocked))
    byline = dash_byline(text, close, after, ch)
    if byline is not None:
        return Frame("cue:dash", None, byline)
    return None


def _subordinate(after: list[Token]) -> bool:
    """Whether the words after a quote open a subordinate clause ("when", "because", "after"):
    "“That makes me smart,” when Clinton blasted him" is no attribution frame. "as" is left out
    ("“…,” as he put it")."""
    first = next((t for t in after if t.is_alpha), None)
    if first is None or first.lower_ == "as":
        return False
    return first.tag_ == "WRB" or (first.dep_ == "mark" and first.tag_ == "IN")


def opens_sentence(text: str, open_: int, lo: int) -> bool:
    """True when only a cue frame ending in ',' or ':' (or nothing) stands before the quote in its
    sentence: the quote is then a direct quotation rather than a partial one."""
    i = open_ - 1
    while i >= lo and text[i] in " \t":
        i -= 1
    if i < lo or text[i] in "\n:.!?—–" or text[i] in CLOSE_MARKS:
        return True
    return text[i] == ","


def colon_frame(
    text: str,
    ch: Chunk,
    open_: int,
    para: tuple[int, int],
    prev_para: tuple[int, int],
    blocked: Blocked,
) -> Frame | None:
    """``X said:`` ending the previous paragraph, then a paragraph that opens with the quote."""
    if text[para[0] : open_].strip() or text[prev_para[1] - 1 : prev_para[1]] != ":":
        return None
    colon = ch.doc.char_span(prev_para[1] - 1 - ch.base, prev_para[1] - ch.base)
    if colon is None or colon.start == 0:
        return None
    frame = before_frame(ch.doc[colon.start - 1], prev_para[0], ch, blocked)
    hit = first_cue(frame, reverse=True)
    if hit is None:
        return None
    return Frame("colon", hit, subject_of(hit, blocked))


HEADLINE_CHARS = 200
"""Longest first paragraph read as a headline by :func:`headline_frame`."""
_HEADLINE_LINKS = frozenset({":", "on", "about", "to"})


def headline_frame(ch: Chunk, open_tok: Token | None, para: tuple[int, int]) -> Frame | None:
    """A headline that opens with its speaker's name and a colon: "Pat Caddell: Democrat Voters
    Worried …", "Obama on Climate Change: The Trends Are ‘Terrifying.’" (the name, maybe a topic
    after "on", then the colon before the quote). ``open_tok``: the token before the quote's
    opening mark."""
    if open_tok is None or para[1] - para[0] > HEADLINE_CHARS:
        return None
    doc = ch.doc
    first = next((t for t in doc if ch.start(t) >= para[0] and not t.is_space), None)
    if first is None or first.i >= open_tok.i or not is_name_token(first):
        return None
    if not any(t.text == ":" for t in doc[first.i : open_tok.i + 1]):  # up to the quote's mark
        return None
    last = name_chain(first)[1]
    after = doc[last.i + 1] if last.i + 1 < len(doc) else None
    if after is None or after.lower_ not in _HEADLINE_LINKS or last.i >= open_tok.i:
        return None
    return Frame("headline-colon", None, last)


_LEAD_PRONOUNS = frozenset({"he", "she", "they"})


def colon_lead(
    ch: Chunk, open_tok: Token | None, para: tuple[int, int], blocked: Blocked
) -> Frame | None:
    """``Lindell is not convinced: “Tripled from what?”``: a clause with no cue that ends in a
    colon right before the quote, in the same paragraph. Its subject speaks when it is a name or
    a personal pronoun; the colon is no cue word, so the quote gets none."""
    if open_tok is None or open_tok.text != ":" or ch.start(open_tok) < para[0]:
        return None
    verb = open_tok.head if open_tok.dep_ == "punct" else open_tok.sent.root
    subj = next((c for c in verb.children if _subject(c) and not blocked(c)), None)
    if subj is None or ch.start(subj) < para[0]:
        return None
    if is_name_token(subj) or subj.lower_ in _LEAD_PRONOUNS:
        return Frame("cue:colon-lead", None, subj)
    return None


def source_after(ch: Chunk, para: tuple[int, int]) -> Frame | None:
    """A quotation standing alone whose source the next paragraph's first sentence names: "That
    warning came from Marisa Delgado, a librarian …", "Those were the words of Marisa Delgado"
    (a lede's device). ``para`` is that next paragraph; ``ch`` the chunk holding it."""
    first = next((t for t in ch.doc if ch.start(t) >= para[0] and not t.is_space), None)
    if first is None or ch.start(first) >= para[1]:
        return None
    for tok in first.sent:
        if tok.dep_ != "pobj" or not (is_name_token(tok) or tok.tag_ == "PRP"):
            continue
        prep = tok.head
        if prep.lower_ == "from" and prep.head.lower_ in ("came", "come", "comes"):
            return Frame("cue:source-after", None, tok)
        if prep.lower_ == "of" and prep.head.lower_ in ("words", "word"):
            return Frame("cue:source-after", None, tok)
    return None


def said_before(
    ch: Chunk, open_tok: Token | None, para: tuple[int, int], blocked: Blocked
) -> Frame | None:
    """``…, Ambrose said. “We held on …”``: a quote opening a sentence right after a sentence that
    ends with its own attribution continues that speaker."""
    if open_tok is None or open_tok.text not in SENT_END:
        return None
    frame = before_frame(ch.doc[open_tok.i - 1] if open_tok.i else None, para[0], ch, blocked)
    tail = frame[-SHORT_AFTER:]
    hit = first_cue(tail, reverse=True)
    if hit is None or hit.cls not in ("speech", "write", "phrase"):
        return None
    return Frame("said-before", hit, subject_of(hit, blocked))
