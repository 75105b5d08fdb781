"""Reading mentions off the spaCy parse: names, coordinations, descriptions and pronouns.

Everything here turns tokens into :class:`saidwhat.entities.Mention` objects with offsets into the
original article text (``base`` is the offset of the analysed chunk).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import numpy
from spacy.attrs import DEP, TAG
from spacy.tokens import Doc, Token

from saidwhat.cues import lexicon
from saidwhat.entities import OTHER_LABELS, Mention, name_words
from saidwhat.lexicons import gendered_nouns, honorifics, pronouns, title_nouns, word_set

NAME_LABELS = frozenset({"PERSON", "ORG", "NORP", "GPE", "FAC"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
_ORG_LABELS = frozenset({"ORG", "FAC", "GPE"})
_NAME_LINKS = frozenset({"of", "on", "for"})
_DROP_LEFT = frozenset({"punct", "cc", "preconj", "prep", "advmod", "case"})
_COPULAS = frozenset({"is", "was", "are", "were", "be", "been", "'s", "’s"})
_NOUN_KEEP = frozenset(
    {"det", "amod", "compound", "nmod", "poss", "nummod", "quantmod", "npadvmod"}
)


@dataclass(slots=True)
class Chunk:
    """One analysed piece of an article: a spaCy Doc and its offset in the article text."""

    doc: Doc
    base: int
    sent_base: int
    quote_ranges: list[tuple[int, int]]
    ner_spans: list[tuple[int, int, str]]
    text: str = ""
    _groups: dict[int, Mention] | None = None
    _cases: tuple[list[int], list[tuple[int, int, int]]] | None = None

    def __post_init__(self) -> None:
        self.ner_spans.sort()
        if not self.text:
            self.text = self.doc.text

    def groups(self) -> dict[int, Mention]:
        """Coordinated person mentions ('A and B'), keyed by each member's token index."""
        if self._groups is None:
            self._groups = {}
            for tok, group in _coordinations(self):
                for t in (tok, *tok.conjuncts):
                    self._groups[t.i] = group
        return self._groups

    def paragraph_cases(self) -> tuple[list[int], list[tuple[int, int, int]]]:
        """Each token's paragraph and each paragraph's case counts (:func:`_titlecase`)."""
        if self._cases is None:
            self._cases = _paragraph_cases(self.doc)
        return self._cases

    def start(self, tok: Token) -> int:
        return self.base + tok.idx

    def end(self, tok: Token) -> int:
        return self.base + tok.idx + len(tok.text)

    def sent_index(self, tok: Token) -> int:
        return self.sent_base + int(tok.doc.user_data["sent_ids"][tok.i])

    def in_quote(self, tok: Token) -> bool:
        return in_ranges(self.quote_ranges, self.start(tok))

    def covered_by_org(self, start: int, end: int) -> bool:
        """Whether one recognised organisation, place or facility name covers [start, end)."""
        i = bisect_right(self.ner_spans, (start, 1 << 62)) - 1
        return i >= 0 and self.ner_spans[i][1] >= end and self.ner_spans[i][2] in _ORG_LABELS

    def person_ends_at(self, start: int, end: int) -> bool:
        """Whether a recognised person's name inside [start, end) ends at ``end``."""
        lo = bisect_left(self.ner_spans, (start,))
        hi = bisect_right(self.ner_spans, (end,))
        return any(b == end and label == "PERSON" for _, b, label in self.ner_spans[lo:hi])

    def label_at(self, start: int, end: int) -> str | None:
        """The NER label of an entity overlapping [start, end) (spans sorted, binary search)."""
        i = bisect_right(self.ner_spans, (end,)) - 1
        while i >= 0 and self.ner_spans[i][1] > start:
            a, b, label = self.ner_spans[i]
            if a < end and start < b:
                return label
            i -= 1
        return None


def in_ranges(ranges: list[tuple[int, int]], pos: int) -> bool:
    """Whether ``pos`` lies in one of the sorted, non-overlapping ``ranges`` (binary search)."""
    i = bisect_right(ranges, (pos, 1 << 62)) - 1
    return i >= 0 and ranges[i][0] <= pos < ranges[i][1]


def number_sentences(doc: Doc) -> int:
    """Store each token's sentence ordinal in ``doc.user_data``; return the sentence count."""
    ids = [0] * len(doc)
    count = 0
    for count, sent in enumerate(doc.sents, start=1):
        for tok in sent:
            ids[tok.i] = count - 1
    doc.user_data["sent_ids"] = ids
    return count


NOUN_TAGS = frozenset({"NN", "NNS"})
PROPN_TAGS = frozenset({"NNP", "NNPS"})
PRON_TAGS = frozenset({"PRP", "WP"})


def is_noun(tok: Token) -> bool:
    """A common noun, from the fine-grained tag (the engine does not run the attribute ruler)."""
    return tok.tag_ in NOUN_TAGS


def is_nominal(tok: Token) -> bool:
    """A noun, proper noun or pronoun."""
    return tok.tag_ in NOUN_TAGS or tok.tag_ in PROPN_TAGS or tok.tag_ in PRON_TAGS


def is_name_token(tok: Token) -> bool:
    return tok.tag_ in ("NNP", "NNPS") and tok.text[:1].isupper()


def name_chain(tok: Token) -> tuple[Token, Token]:
    """The run of proper-noun tokens (and honorifics) around ``tok``."""
    doc = tok.doc
    left = tok.i
    while left > 0 and _in_name(doc[left - 1]):
        left -= 1
    right = tok.i
    while right + 1 < len(doc) and (_in_name(doc[right + 1]) or _after_hyphen(doc[right + 1])):
        right += 1
    return doc[left], doc[right]


def _after_hyphen(tok: Token) -> bool:
    """The lower-case part of a hyphenated name ("Ki-moon"), written without spaces; not a
    modifier ("an Obama-era rule")."""
    if tok.i < 2 or not tok.is_alpha or tok.dep_ in ("compound", "amod", "nmod", "npadvmod"):
        return False
    hyphen, name = tok.doc[tok.i - 1], tok.doc[tok.i - 2]
    return (
        hyphen.tag_ == "HYPH"
        and not hyphen.whitespace_
        and not name.whitespace_
        and is_name_token(name)
    )


def _in_name(tok: Token) -> bool:
    if is_name_token(tok):
        return True
    if tok.text.lower() in honorifics() and tok.text[:1].isupper():
        return True
    doc = tok.doc
    if tok.tag_ == "HYPH" and 0 < tok.i < len(doc) - 1:  # "Vane-Okoro", "Ban Ki-moon"
        before, after = doc[tok.i - 1], doc[tok.i + 1]
        return (
            not before.whitespace_
            and not tok.whitespace_
            and is_name_token(before)
            and (is_name_token(after) or _after_hyphen(after))
        )
    # "Caldwell Nurses Union": a capitalised common noun between name tokens
    return (
        tok.tag_ in ("NNS", "NN")
        and tok.text[:1].isupper()
        and 0 < tok.i < len(doc) - 1
        and is_name_token(doc[tok.i - 1])
        and is_name_token(doc[tok.i + 1])
    )


def _a_person(ch: Chunk, first: Token, last: Token) -> bool:
    """Whether a run of name words ends in a person's name (a courtesy title opens it, or the
    recogniser reads a person that ends with it, and its last word is no organisation word): a
    person's name never reaches over "of" into the organisation the person belongs to
    ("Secretary of State" still does)."""
    if last.lower_ in word_set("org_words.txt"):
        return False
    if first.lower_.rstrip(".") in _COURTESY and first.i < last.i:  # "Mr. Morgan of the Club"
        return True
    return ch.person_ends_at(ch.start(first), ch.end(last))


_COURTESY = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir", "dame"})
"""Courtesy titles, before a person's name only."""


def _title_word(tok: Token) -> bool:
    """A capitalised title ("Secretary", "Minister", ``data/title_nouns.txt``)."""
    return tok.text[:1].isupper() and tok.lower_ in title_nouns()


def full_name(ch: Chunk, tok: Token) -> tuple[Token, Token]:
    """:func:`name_chain`, carried over "of", "on" or "for" where the recogniser reads one
    organisation name across it ("Commission on Presidential Debates"), or over "of", "on",
    "for" or "to" and the capitalised words after it where the name ends in an organisation word
    (``data/org_words.txt``: "Bureau of Prisons", "Alliance to Reclaim Our Schools"), or over a
    title's "of" ("Secretary of State John F. Kerry", from either side). A person's name stops
    before "of" (:func:`_a_person`)."""
    first, last = _across_possessive(ch, *name_chain(tok))
    doc = tok.doc
    if first.i >= 2 and doc[first.i - 1].lower_ == "of" and _title_word(doc[first.i - 2]):
        first = name_chain(doc[first.i - 2])[0]  # "[Secretary of] State John F. Kerry"
    if _a_person(ch, first, last):  # "Theo Vandermeer of the University of Belmont"
        return first, last
    while last.i + 2 < len(doc) and doc[last.i + 1].lower_ in _NAME_LINKS | {"to"}:
        nxt = doc[last.i + 2]
        link = doc[last.i + 1].lower_
        if link == "of" and _title_word(last) and is_name_token(nxt):
            last = name_chain(nxt)[1]  # "Secretary of State John F. Kerry"
        elif last.lower_ in word_set("org_words.txt") and _capitalised(nxt):
            last = _capitalised_run(nxt)  # "Bureau of Prisons", "Alliance to Reclaim Our Schools"
        elif nxt.lower_ == "the" and last.i + 3 < len(doc):  # "Friends of the Eastside Library"
            after = doc[last.i + 3]
            end = name_chain(after)[1]
            if not is_name_token(after) or not (
                end.lower_ in word_set("org_words.txt")
                or ch.covered_by_org(ch.start(first), ch.end(after))
            ):
                break
            last = end
        elif (
            doc[last.i + 1].lower_ != "to"
            and is_name_token(nxt)
            and ch.covered_by_org(ch.start(first), ch.end(nxt))
        ):
            last = name_chain(nxt)[1]
        else:
            break
    return first, last


def _across_possessive(ch: Chunk, first: Token, last: Token) -> tuple[Token, Token]:
    """A name run on over a possessive inside one organisation's name, where the recogniser
    reads them as one ("Ontario Nurses' Association", "St. Aldric's Hospital")."""
    doc = first.doc
    if first.i >= 2 and doc[first.i - 1].tag_ == "POS" and is_name_token(doc[first.i - 2]):
        owner = name_chain(doc[first.i - 2])[0]
        if ch.covered_by_org(ch.start(owner), ch.end(last)):
            first = owner
    if last.i + 2 < len(doc) and doc[last.i + 1].tag_ == "POS" and is_name_token(doc[last.i + 2]):
        end = name_chain(doc[last.i + 2])[1]
        if ch.covered_by_org(ch.start(first), ch.end(end)):
            last = end
    return first, last


def _capitalised(tok: Token) -> bool:
    return tok.text[:1].isupper() and tok.text.isalpha()


def _capitalised_run(tok: Token) -> Token:
    """The last of the capitalised words from ``tok`` on."""
    doc = tok.doc
    while tok.i + 1 < len(doc) and _capitalised(doc[tok.i + 1]):
        tok = doc[tok.i + 1]
    return tok


def name_mention(ch: Chunk, first: Token, last: Token) -> Mention:
    text = ch.text[first.idx : last.idx + len(last.text)]
    start, end = ch.start(first), ch.end(last)
    inside = range(first.i, last.i + 1)
    root = next((t for t in ch.doc[first.i : last.i + 1] if t.head.i not in inside), last)
    return Mention(
        start,
        end,
        text,
        "name",
        sent=ch.sent_index(first),
        label=ch.label_at(start, end) or ("GPE" if _of_org_word(root) else None),
        words=name_words(text),
        subject=_is_subject(root),
        in_quote=ch.in_quote(first),
        plural=last.tag_ == "NNPS",
        titlecase=_titlecase(ch, first, last),
    )


def _titlecase(ch: Chunk, first: Token, last: Token) -> bool:
    """Whether a name stands in headline-style text: its paragraph (a headline, a caption line)
    has three other words at least, and of those but the short ones headlines leave in lower case
    ("as", "at", "of"), three quarters or more are capitalised. A body sentence whose name is
    followed by other names ("Sen. Elizabeth Warren grilled Wells Fargo CEO John Stumpf on
    Tuesday for …") is not one."""
    para_of, totals = ch.paragraph_cases()
    words, big, caps = totals[para_of[first.i]]
    for t in first.doc[first.i : last.i + 1]:  # the name's own words do not count
        w, b, c = _case_counts(t)
        words, big, caps = words - w, big - b, caps - c
    return words >= 3 and big > 0 and caps >= 0.75 * big


def _case_counts(tok: Token) -> tuple[int, int, int]:
    """(word, word headlines capitalise, capitalised such word) as 0/1 for :func:`_titlecase`."""
    if not tok.is_alpha:
        return 0, 0, 0
    if tok.lower_ in word_set("headline_small_words.txt"):
        return 1, 0, 0
    return 1, 1, int(tok.text[:1].isupper())


def _paragraph_cases(doc: Doc) -> tuple[list[int], list[tuple[int, int, int]]]:
    """Each token's paragraph number and each paragraph's :func:`_case_counts` totals."""
    para_of: list[int] = []
    totals: list[tuple[int, int, int]] = [(0, 0, 0)]
    for tok in doc:
        para_of.append(len(totals) - 1)
        w, b, c = _case_counts(tok)
        tw, tb, tc = totals[-1]
        totals[-1] = (tw + w, tb + b, tc + c)
        if "\n" in tok.text:
            totals.append((0, 0, 0))
    return para_of, totals


def _is_subject(root: Token) -> bool:
    """A clause subject on its own (not one of "A and B"), the apposition of one ("Her brother,
    Tomas Olafsson, was blunter"), or the name in an organisation word's "of" ("The city of
    Marlow is suing")."""
    if any(c.dep_ == "conj" for c in root.children):
        return False
    if root.dep_ == "appos":
        return root.head.dep_ in SUBJECT_DEPS
    if _of_org_word(root):  # "The city of Marlow is suing"
        return root.head.head.dep_ in SUBJECT_DEPS
    return root.dep_ in SUBJECT_DEPS


def _of_org_word(root: Token) -> bool:
    """Whether a name is the "of" object of an organisation word: "the city of Marlow" (the city
    government, an organisation whether or not the parser labelled the name)."""
    if root.dep_ != "pobj" or root.head.lower_ != "of":
        return False
    return root.head.head.lower_ in word_set("org_words.txt")


def iter_names(ch: Chunk) -> Iterator[Mention]:
    """Every proper-name mention of the chunk, in text order."""
    doc = ch.doc
    i = 0
    while i < len(doc):
        tok = doc[i]
        if is_name_token(tok):
            first, last = full_name(ch, tok)
            named = any(is_name_token(t) for t in doc[first.i : last.i + 1])
            if last.i >= first.i and named and not _dateline(first, last):
                yield name_mention(ch, first, last)
            i = last.i + 1
        else:
            i += 1


_DATELINE_TAIL = re.compile(r"\s*(?:,[^\n,—–―]{1,30})?(?:\([^)\n]{1,30}\))?\s*(?:--|—|–|―|-)\s")


_DATELINE = re.compile(r"[A-Z][A-Z .'-]{1,30}" + _DATELINE_TAIL.pattern + r"\s*")


def dateline_length(text: str, start: int) -> int:
    """How many characters of a dateline ("WASHINGTON -- ", "BELMONT, N.S. — ") open a line at
    ``start`` of ``text``; 0 when none does."""
    if text[text.rfind("\n", 0, start) + 1 : start].strip():
        return 0
    m = _DATELINE.match(text, start)
    return m.end() - start if m is not None else 0


DATELINE_TOKENS = 12
"""Tokens a dateline's place and its dash take at most."""


def is_dateline(tok: Token) -> bool:
    """Whether ``tok`` is part of a dateline's place name (see :func:`_dateline`)."""
    return tok.text.isupper() and _dateline(*name_chain(tok))


def _dateline(first: Token, last: Token) -> bool:
    """Whether a name in capitals is part of the dateline its line opens with ("WASHINGTON --",
    "OTTAWA (CP) —", "BELMONT, N.S. —"). A place of filing is nobody's name: it never speaks,
    nor stands for a later "it"."""
    doc = first.doc
    if not doc[first.i : last.i + 1].text.isupper():
        return False
    line = first.i  # the line's first token, within a dateline's reach
    while line > 0 and "\n" not in doc[line - 1].text:
        line -= 1
        if first.i - line > DATELINE_TOKENS:
            return False
    near = doc[line : min(len(doc), last.i + DATELINE_TOKENS)]  # not doc.text: O(doc) a call
    end = last.idx + len(last.text) - near.start_char
    return end <= dateline_length(near.text, 0)


def iter_coordinations(ch: Chunk) -> Iterator[Mention]:
    """'A and B' where the parts are names or personal pronouns: a group mention with members."""
    seen: set[int] = set()
    for group in ch.groups().values():
        if id(group) not in seen:
            seen.add(id(group))
            yield group


def _coordinations(ch: Chunk) -> Iterator[tuple[Token, Mention]]:
    for tok in ch.doc:
        if tok.dep_ == "conj" or not any(c.dep_ == "conj" for c in tok.children):
            continue
        items = (tok, *tok.conjuncts)
        if not any(c.dep_ == "cc" for t in items for c in t.children):
            continue
        parts = [p for p in (_person_part(t) for t in items) if p is not None]
        if len(parts) < 2:
            continue
        members = tuple(speaker_mention(ch, t, coordinate=False) for t in parts)
        first, last = members[0], members[-1]
        text = ch.text[first.start - ch.base : last.end - ch.base]
        yield (
            tok,
            Mention(
                first.start,
                last.end,
                text,
                "group",
                sent=first.sent,
                subject=tok.dep_ in SUBJECT_DEPS,
                in_quote=first.in_quote,
                plural=True,
                members=members,
            ),
        )


def _person_part(tok: Token) -> Token | None:
    """A coordinated part that names a person: a name, he/she/I, or a noun with a name in
    apposition ("her brother Kofi Oduya")."""
    if is_name_token(tok) or tok.lower_ in ("she", "he", "i"):
        return tok
    if is_noun(tok):
        return next((c for c in tok.children if c.dep_ == "appos" and is_name_token(c)), None)
    return None


def iter_description_links(ch: Chunk, names: list[Mention]) -> Iterator[tuple[str, Mention]]:
    """Apposition, copula, role-before-name and title-before-name links: ('doctor', <Jane
    Doe>), ('councillor', <Ausma Malik>) for "City councillor Ausma Malik"."""
    for tok in ch.doc:
        if tok.like_num and tok.dep_ in ("appos", "amod", "npadvmod") and is_name_token(tok.head):
            yield (
                f"{tok.text}-year-old",
                _name_of(ch, tok.head),
            )  # "Vane-Okoro, 41," -> the 41-year-old
        elif tok.dep_ == "appos":
            pair = _appos_pair(tok)
            if pair is not None:
                yield pair[0].lower_, _name_of(ch, pair[1])
        elif tok.dep_ == "attr" and is_noun(tok) and tok.head.lower_ in _COPULAS:
            subj = next((c for c in tok.head.children if c.dep_ in SUBJECT_DEPS), None)
            if subj is not None and is_name_token(subj):
                yield tok.lower_, _name_of(ch, subj)
        elif _role_before_name(tok):  # "City councillor Ausma Malik"
            name = _name_of(ch, tok.head)
            yield tok.lower_, name
            words = [t.lower_ for t in tok.subtree if t.dep_ not in ("det", "punct", "case")]
            if len(words) > 1:  # "democratic presidential nominee", told apart from others
                yield " ".join(words), name
        elif tok.dep_ == "pobj" and tok.head.lower_ == "as" and is_noun(tok):
            subj = _clause_subject(tok.head.head)
            if subj is not None and is_name_token(subj):
                yield tok.lower_, _name_of(ch, subj)  # "X was sworn in as mayor" -> the mayor
    heads = _title_heads()
    for mention in names:
        first_word = mention.text.split(" ", 1)[0].lower().rstrip(".")
        if " " in mention.text and first_word in heads:
            yield first_word, mention


@cache
def _not_people() -> frozenset[str]:
    """Nouns that name no person: organisation words and messages."""
    return word_set("org_words.txt") | word_set("message_nouns.txt")


def iter_new_speakers(ch: Chunk) -> Iterator[Mention]:
    """Indefinite descriptions that speak outside quotes ("A young harvester who asked not to be
    named said …"): someone new, whom a later "he said" may mean."""
    lex = lexicon()
    doc = ch.doc
    strings = doc.vocab.strings
    cols = doc.to_array([DEP, TAG])  # arrays, not a Token per word of the article
    hits = numpy.flatnonzero((cols[:, 0] == strings["nsubj"]) & (cols[:, 1] == strings["NN"]))
    for i in hits.tolist():
        tok = doc[i]
        if tok.lower_ in _not_people():
            continue
        cue = lex.word(tok.head.lower_)
        if cue is None or not cue.is_speech or ch.in_quote(tok):
            continue
        if any(_indefinite(c, tok) for c in tok.children):
            yield description_mention(ch, tok)  # "a young deckhand who asked not to be named"


def _indefinite(det: Token, noun: Token) -> bool:
    """ "a"/"an" before a noun, or "one" before a person ("said one woman")."""
    if det.dep_ == "det" and det.lower_ in ("a", "an"):
        return True
    return det.lower_ == "one" and noun.lower_ in gendered_nouns()


def _role_before_name(tok: Token) -> bool:
    """A lower-case role noun compounded to a name ("councillor" in "City councillor Ausma
    Malik"), not one with a possessor ("Clinton's lawyer Cheryl Mills" is not "his lawyer")."""
    return (
        tok.dep_ == "compound"
        and tok.tag_ == "NN"
        and tok.is_lower
        and is_name_token(tok.head)
        and not any(c.dep_ == "poss" for c in tok.children)
    )


def _clause_subject(verb: Token) -> Token | None:
    return next((c for c in verb.children if c.dep_ in SUBJECT_DEPS), None)


def _title_heads() -> frozenset[str]:
    return frozenset(t.rstrip(".") for t in honorifics()) | word_set("role_nouns.txt")


def _appos_pair(tok: Token) -> tuple[Token, Token] | None:
    head = tok.head
    if is_noun(tok) and is_name_token(head):
        return tok, head
    if is_name_token(tok) and is_noun(head):
        return head, tok
    return None


def _name_of(ch: Chunk, tok: Token) -> Mention:
    first, last = full_name(ch, tok)
    return name_mention(ch, first, last)


def speaker_mention(ch: Chunk, tok: Token, coordinate: bool = True) -> Mention:
    """The mention headed by ``tok`` (a cue's subject): a name, pronoun, group or description."""
    tok = _whole_word(tok)
    sent = ch.sent_index(tok)
    if coordinate and tok.i in ch.groups():
        return ch.groups()[tok.i]
    if tok.tag_ in ("PRP",) or tok.lower_ in pronouns():
        return Mention(
            ch.start(tok),
            ch.end(tok),
            tok.text,
            "pronoun",
            sent=sent,
            subject=tok.dep_ in SUBJECT_DEPS,
            in_quote=ch.in_quote(tok),
        )
    if is_name_token(tok):
        return _name_of(ch, tok)
    appos = next((c for c in tok.children if c.dep_ == "appos" and is_name_token(c)), None)
    if appos is not None:
        return _name_of(ch, appos)
    if (place := _of_name(tok)) is not None:  # "The city of Phoenix is demanding …"
        return _name_of(ch, place)
    owner = _author(tok)
    if owner is not None:  # "a survey by the Friends of the Library", "the group's statement"
        return speaker_mention(ch, owner, coordinate)
    return description_mention(ch, tok)


def _whole_word(tok: Token) -> Token:
    """The last part of a hyphenated word the parser split into subjects ("vice" in "Its
    vice-president, Gordon Tse, told …"): the part its apposition hangs on."""
    doc = tok.doc
    while (
        tok.i + 2 < len(doc)
        and not tok.whitespace_
        and doc[tok.i + 1].text == "-"
        and not doc[tok.i + 1].whitespace_
        and doc[tok.i + 2].tag_.startswith("NN")
        and doc[tok.i + 2].head.i in (tok.head.i, tok.i)
    ):
        tok = doc[tok.i + 2]
    return tok


def _of_name(tok: Token) -> Token | None:
    """The name in an organisation word's "of" ("the city of Phoenix", "the government of
    Canada"): the organisation it names."""
    if tok.lower_ not in word_set("org_words.txt"):
        return None
    of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    obj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
    return obj if obj is not None and is_name_token(obj) else None


def _author(tok: Token) -> Token | None:
    """Who is behind a message noun (``data/message_nouns.txt``): its possessor, or the object of
    its "by" or "from"."""
    if tok.lower_ not in word_set("message_nouns.txt"):
        return None
    for child in tok.children:
        if child.dep_ == "poss" and is_nominal(child):
            return child
        if child.dep_ == "prep" and child.lower_ in ("by", "from"):
            obj = next((c for c in child.children if c.dep_ == "pobj" and is_nominal(c)), None)
            if obj is not None:
                return obj
    return None


def description_mention(ch: Chunk, tok: Token) -> Mention:
    """A common-noun phrase ("the cookbook author", "officials"): determiners and modifiers to the
    left of the head, no relative clauses or appositions."""
    left = tok
    for child in tok.lefts:
        if child.dep_ in _NOUN_KEEP or (child.dep_ == "punct" and child.i > left.i - 3):
            left = min(left, child, key=lambda t: t.i)
            left = min(left, child.left_edge, key=lambda t: t.i)
    while left.i < tok.i and left.dep_ in _DROP_LEFT:
        left = tok.doc[left.i + 1]
    text = ch.text[left.idx : tok.idx + len(tok.text)]
    return Mention(
        ch.start(left),
        ch.end(tok),
        text,
        "description",
        sent=ch.sent_index(tok),
        head=_hyphenated(tok),
        subject=tok.dep_ in SUBJECT_DEPS,
        in_quote=ch.in_quote(tok),
        plural=tok.tag_ in ("NNS", "NNPS"),
        possessive=any(c.dep_ == "poss" for c in tok.children),
        detail=_detail(ch, tok),
    )


def _detail(ch: Chunk, tok: Token) -> str:
    """A description's "for"/"of" phrase ("for Hillary Clinton" in "a spokeswoman for Hillary
    Clinton"): whom the role serves."""
    prep = next((c for c in tok.rights if c.dep_ == "prep" and c.lower_ in ("for", "of")), None)
    if prep is None:
        return ""
    return ch.text[prep.idx : prep.right_edge.idx + len(prep.right_edge.text)]


def _hyphenated(tok: Token) -> str:
    """The whole hyphenated word ending at ``tok`` ("41-year-old"), lower-case."""
    doc = tok.doc
    start = tok.i
    while (
        start >= 2
        and doc[start - 1].tag_ == "HYPH"
        and not doc[start - 1].whitespace_
        and (not doc[start - 2].whitespace_)
    ):
        start -= 2
    return doc[start : tok.i + 1].text.lower()


def ner_spans(doc: Doc, base: int) -> list[tuple[int, int, str]]:
    """Named-entity spans (absolute offsets) of the labels that can be speakers."""
    return [
        (base + e.start_char, base + e.end_char, e.label_)
        for e in doc.ents
        if e.label_ in NAME_LABELS or e.label_ in OTHER_LABELS
    ]
