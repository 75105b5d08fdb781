"""Mentions -> canonical speakers: the article's people and groups, and who "she" or "the author"
is.

The table is filled in text order with name and group mentions (``observe``); a speaker mention
found at a quote is then resolved against what was mentioned before it (``resolve``). Every
resolution
says which rule decided, so users can read why a speaker was chosen.
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from dataclasses import dataclass, field
from typing import Literal

from saidwhat.lexicons import (
    first_name_genders,
    gendered_nouns,
    honorifics,
    org_kinds,
    pronouns,
    title_nouns,
    word_set,
)
from saidwhat.records import Entity, EntityType

MentionKind = Literal["name", "pronoun", "description", "group"]
OTHER_LABELS = frozenset({"DATE", "TIME", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART", "LOC"})
"""Recogniser labels kept as evidence that a capitalised name is not a speaker ("Monday")."""
NOT_A_NAME = "OTHER"
"""The vote such a label casts (never an entity type)."""


@dataclass(slots=True)
class Mention:
    """A span that may refer to a speaker, with the features resolution needs."""

    start: int
    end: int
    text: str
    kind: MentionKind
    sent: int = 0
    label: str | None = None
    words: tuple[str, ...] = ()
    head: str = ""
    subject: bool = False
    in_quote: bool = False
    plural: bool = False
    possessive: bool = False
    members: tuple[Mention, ...] = ()
    titlecase: bool = False  # in a headline-style sentence ("Obama Sees Personal Insult …")
    detail: str = ""  # a description's "for"/"of" phrase ("for Hillary Clinton")


@dataclass(slots=True)
class Resolution:
    """The entity a mention refers to (or ``None``), the name to show, and why."""

    entity: Entity | None
    name: str | None
    evidence: str
    confidence: float


@dataclass(slots=True)
class _Info:
    entity: Entity
    gender: str | None = None
    plural: bool = False
    members: frozenset[str] = frozenset()
    positions: list[tuple[int, int, bool, bool]] = field(default_factory=list)
    """(start, sentence, subject, inside a quote) of each mention."""
    words: set[tuple[str, ...]] = field(default_factory=set)
    heads: set[str] = field(default_factory=set)
    votes: dict[str, int] = field(default_factory=dict)
    headline_name: bool = False  # named from headline-style text; the body's form replaces it

    def vote(self, etype: EntityType, weight: int = 1) -> None:
        """Entity type by majority over its mentions' labels (a known first name votes PERSON)."""
        self.votes[etype] = self.votes.get(etype, 0) + weight
        known = {k: v for k, v in self.votes.items() if k not in ("UNKNOWN", NOT_A_NAME)}
        if self.gender and not self.plural:
            self.entity.type = "PERSON"
        elif known:
            self.entity.type = max(known.items(), key=lambda kv: kv[1])[0]  # type: ignore[assignment]

    def last_before(self, pos: int) -> tuple[int, int, bool, bool] | None:
        i = bisect_left(self.positions, (pos,))
        return self.positions[i - 1] if i else None

    def before(self, pos: int) -> list[tuple[int, int, bool, bool]]:
        return self.positions[: bisect_left(self.positions, (pos,))]


PARTY_WORDS = frozenset({"democrat", "republican", "gop", "independent", "conservative", "liberal"})
"""Titles that are also the first word of organisation names ("Republican National Committee")."""


def after_titles(words: list[str]) -> list[str]:
    """The person's name after the titles written before it: "Foreign Affairs Minister Mélanie
    Joly" -> "Mélanie Joly", "Conservative Leader Pierre Poilievre" -> "Pierre Poilievre". Cut
    after the last title word (``data/honorifics.txt``, ``data/title_nouns.txt``) when a known
    given name follows it, or a name of at most two words after an honorific that is not a party
    ("Mr. Obama"; "Republican National Committee" and "General Assembly" stay whole); after "Title
    of Place", from the first known given name ("Secretary of State John Kerry" -> "John Kerry");
    after an occupation that opens a name of two or three words (``data/role_nouns.txt``:
    "Filmmaker Annick Beaulieu-Tran" -> "Annick Beaulieu-Tran")."""
    titles = honorifics() | title_nouns().keys()
    for i in range(len(words) - 2, -1, -1):
        word = words[i].lower().strip(",")
        if word not in titles and word + "." not in titles:
            continue
        rest = words[i + 1 :]
        if rest[0].lower() in ("of", "for"):  # "Secretary of State John Kerry"
            names = first_name_genders()
            k = next((j for j, w in enumerate(rest) if w.lower().strip(".,") in names), None)
            return rest[k:] if k is not None and k < len(rest) - 1 else words
        if not rest[0][:1].isupper():
            return words
        given = rest[0].lower().strip(".,") in first_name_genders()
        courtesy = word in honorifics() and word.rstrip(".") not in PARTY_WORDS
        return rest if given or (courtesy and len(rest) <= 2) else words
    return _after_role(words)


def _role_word(word: str) -> bool:
    """An occupation written before a name (``data/role_nouns.txt``, or a word ending in
    "-ologist" or "-ician": "Meteorologist Gerald Cheng", "Pediatrician Ana Ruiz")."""
    return word in word_set("role_nouns.txt") or word.endswith(("ologist", "ician"))


def _after_role(words: list[str]) -> list[str]:
    """A name without the occupation it opens with ("Filmmaker Annick Beaulieu-Tran"), when
    two or three capitalised words follow, none of them an organisation or time word."""
    rest = words[1:]
    if not words or not _role_word(words[0].lower()) or not 2 <= len(rest) <= 3:
        return words
    others = word_set("org_words.txt") | word_set("time_words.txt")
    if all(w[:1].isupper() and w.lower().strip(".,") not in others for w in rest):
        return rest
    return words


def name_words(text: str) -> tuple[str, ...]:
    """Lower-case words of a name, titles before it, honorifics and possessive endings dropped."""
    words = [w.strip(".,") for w in after_titles(text.replace("’", "'").split())]
    words = [w[:-2] if w.endswith("'s") else w.rstrip("'") for w in words]
    titles = honorifics()
    out = [
        w.lower() for w in words if w and w.lower() not in titles and w.lower() + "." not in titles
    ]
    return tuple(out or [w.lower() for w in words if w])


def display_name(text: str) -> str:
    """A name as shown to users: honorifics and possessive endings dropped, case kept."""
    words = after_titles([w for w in text.replace("’", "'").split() if w])
    if words and words[-1].endswith("'s"):
        words[-1] = words[-1][:-2]
    return " ".join(words).strip(" ,.'")


def _type_of(label: str | None, plural: bool) -> EntityType:
    if label == "PERSON":
        return "PERSON"
    if label in ("ORG", "GPE", "FAC"):
        return "ORG"
    if label == "NORP" or plural:
        return "GROUP"
    return "UNKNOWN"


class EntityTable:
    """The article's entities, built in text order."""

    def __init__(self) -> None:
        self._infos: list[_Info] = []
        self._by_span: dict[tuple[int, int], _Info] = {}

    @property
    def entities(self) -> list[Entity]:
        return [i.entity for i in self._infos]

    # -- building -------------------------------------------------------------------------------
    def observe(self, m: Mention) -> Entity | None:
        """Register a name, group or linked description mention; return its entity."""
        if m.kind == "name":
            info = self._observe_name(m)
        elif m.kind == "group" and m.members:
            info = self._observe_coordination(m)
        else:
            return None
        if info is not None:
            self._note(info, m)
            return info.entity
        return None

    def knows_name(self, m: Mention) -> bool:
        """Whether the name mention ``m`` is, or matches, a name already in the table."""
        if (m.start, m.end) in self._by_span:
            return True
        words = m.words or name_words(m.text)
        return bool(words) and self._match_name(words, m.start) is not None

    def link_description(self, head: str, name: Mention) -> None:
        """Apposition or copula: ``name`` is also called ``the <head>``."""
        info = self._by_span.get((name.start, name.end)) or self._observe_name(name)
        if info is not None:
            info.heads.add(head.lower())
            info.gender = info.gender or gendered_nouns().get(head.lower())

    def _note(self, info: _Info, m: Mention) -> None:
        if (m.start, m.end) in self._by_span:
            return
        insort(info.positions, (m.start, m.sent, m.subject, m.in_quote))
        insort(info.entity.mentions, (m.start, m.end))
        self._by_span[(m.start, m.end)] = info

    def _new(self, name: str, etype: EntityType, **kw: object) -> _Info:
        entity = Entity(id=f"E{len(self._infos) + 1}", name=name, type=etype)
        info = _Info(entity, **kw)  # type: ignore[arg-type]
        self._infos.append(info)
        return info

    def _observe_name(self, m: Mention) -> _Info | None:
        words = m.words or name_words(m.text)
        if not words or _only_titles(m.text):  # "Republican", "Senator": nobody's name
            return None
        info = self._match_name(words, m.start, _gender_of(m.text, given=len(words) > 1))
        info = info or self._expand(m)
        label_type = _type_of(m.label, m.plural)
        if info is None:
            info = self._new(display_name(m.text), label_type, gender=_gender_of(m.text))
            info.headline_name = m.titlecase
        elif info.headline_name and not m.titlecase and len(words) > 1:
            info.entity.name, info.headline_name = display_name(m.text), False
        elif _fuller_name(m, words, info.entity.name) and label_type in ("PERSON", "UNKNOWN"):
            info.entity.name = display_name(m.text)
            info.gender = info.gender or _gender_of(m.text)
        info.vote(label_type)
        if m.label in OTHER_LABELS:
            info.votes[NOT_A_NAME] = info.votes.get(NOT_A_NAME, 0) + 1
        info.words.add(words)
        info.heads.update(_titles(m.text))
        alias = display_name(m.text)
        if alias != info.entity.name and alias not in info.entity.aliases:
            info.entity.aliases.append(alias)
        return info

    def _expand(self, m: Mention) -> _Info | None:
        """The earlier name an acronym stands for ("AROS" after "the Alliance to Reclaim Our
        Schools"): its capitalised words' initials, most recent first."""
        short = m.text.strip().rstrip("s").replace(".", "")
        if not (2 <= len(short) <= 6 and short.isalpha() and short.isupper()):
            return None
        for info in reversed(self._infos):
            initials = "".join(w[0] for w in info.entity.name.split() if w[:1].isupper())
            if initials == short and not info.plural and info.last_before(m.start):
                return info
        return None

    def _match_name(
        self, words: tuple[str, ...], pos: int, gender: str | None = None
    ) -> _Info | None:
        """Same name, or a surname / first name of an earlier full name (the more prominent
        first); a name whose gender is known from a title or given name ("Mrs. Clinton", "Bill
        Clinton") skips names of the other gender."""
        best: _Info | None = None
        best_key: tuple[int, int, int] = (0, 0, 0)
        for info in self._infos:
            if info.plural or (gender and info.gender and info.gender != gender):
                continue
            score = max(_name_overlap(words, known) for known in info.words) if info.words else 0
            if score == 1 and not _person_like(info):
                score = 0
            key = (score, *_prominence(info, pos)) if score else (0, 0, 0)
            if key > best_key:
                best, best_key = info, key
        return best

    def _observe_coordination(self, m: Mention) -> _Info | None:
        members: list[_Info] = []
        for part in m.members:
            if part.kind == "name":
                info = self._observe_name(part)
                if info is not None:
                    self._note(info, part)
            else:
                res = self.resolve(part)
                info = self._info_of(res.entity)
            if info is None or not _person_like(info):  # "January and September" is no group
                return None
            members.append(info)
        ids = frozenset(i.entity.id for i in members)
        if len(ids) < 2:
            return None
        for info in self._infos:
            if info.members == ids:
                return info
        name = " and ".join(i.entity.name for i in members)
        return self._new(name, "GROUP", plural=True, members=ids)

    def most_named_person(self, pos: int) -> Entity | None:
        """The person named most often before ``pos`` (the more recent on a tie), or None: the
        subject of a printed interview. A person is typed so, or person-like with a known given
        name."""
        best: tuple[int, int] | None = None
        found: Entity | None = None
        for info in self._infos:
            before = [p for p in info.before(pos) if not p[3]]
            person = info.entity.type == "PERSON" or (_person_like(info) and info.gender)
            if not person or info.plural or not before:
                continue
            key = (len(before), before[-1][0])
            if best is None or key > best:
                best, found = key, info.entity
        return found

    def _info_of(self, entity: Entity | None) -> _Info | None:
        if entity is None:
            return None
        return next((i for i in self._infos if i.entity is entity), None)

    # -- resolving ------------------------------------------------------------------------------
    def resolve(
        self,
        m: Mention,
        last_speaker: Entity | None = None,
        quote_speaker: Entity | None = None,
    ) -> Resolution:
        """Resolve a speaker mention at its position."""
        if m.kind == "name" or (m.kind == "group" and m.members):
            info = self._by_span.get((m.start, m.end)) or self._observe_any(m)
            if info is not None and info.headline_name:
                info = self._body_name(info) or info
            if info is not None:
                return Resolution(info.entity, info.entity.name, "speaker:name", 0.95)
            if m.titlecase and (titled := self._titled_later(m)) is not None:
                return Resolution(titled.entity, titled.entity.name, "speaker:headline-title", 0.8)
            return Resolution(None, display_name(m.text), "speaker:name-unlinked", 0.7)
        if m.kind == "pronoun":
            return self._resolve_pronoun(m, last_speaker, quote_speaker)
        if m.text.lower() in ("who", "whom"):  # a relative pronoun whose antecedent was not found
            return Resolution(None, None, "speaker:pronoun-unresolved", 0.2)
        handle = next((w for w in m.text.split() if w.startswith("@") and len(w) > 1), None)
        if handle is not None:  # "one Twitter user @nycsouthpaw"
            return Resolution(None, handle.rstrip(".,:;"), "speaker:handle", 0.8)
        return self._resolve_description(m, last_speaker, quote_speaker)

    def _observe_any(self, m: Mention) -> _Info | None:
        entity = self.observe(m)
        return self._info_of(entity)

    def _resolve_pronoun(
        self, m: Mention, last_speaker: Entity | None, quote_speaker: Entity | None
    ) -> Resolution:
        person, number, gender = pronouns().get(m.text.lower(), ("3", "-", "-"))
        if person == "1":
            return self._first_person(m, number, quote_speaker)
        if gender == "n" and person == "3":
            return self._resolve_it(m)
        if person == "2" or gender == "n":
            return Resolution(None, None, "speaker:pronoun-unresolved", 0.2)
        if number == "pl":
            return self._resolve_they(m)
        want = gender if gender in ("f", "m") else None

        def fits(i: _Info) -> bool:
            return _person_like(i) and (want is None or i.gender in (None, want))

        info = self._previous_subject(m, fits) or self._salient(m, fits, want)
        if info is not None:
            if last_speaker is not None and info.entity is last_speaker:
                conf = 0.9 if info.gender == want else 0.8
                return self._learn(info, want, "speaker:pronoun-last-speaker", conf, m)
            return self._learn(info, want, "speaker:pronoun-salience", 0.8, m)
        return Resolution(None, None, "speaker:pronoun-unresolved", 0.2)

    def _learn(
        self, info: _Info, gender: str | None, evidence: str, conf: float, m: Mention
    ) -> Resolution:
        """A he/she resolution also tells the entity's gender (so a later pronoun of the other
        gender goes elsewhere) and is a mention of it (so salience follows the text)."""
        if gender and info.gender is None:
            info.gender = gender
        if not m.in_quote:
            self._note(info, m)
        return Resolution(info.entity, info.entity.name, evidence, conf)

    def _resolve_they(self, m: Mention) -> Resolution:
        """'they': the most recent group of people, else the most recent organisation."""
        info = self._most_recent(m.start, lambda i: i.plural or i.entity.type == "GROUP")
        if info is None:
            info = self._most_recent(m.start, lambda i: i.entity.type == "ORG")
        if info is not None:
            return Resolution(info.entity, info.entity.name, "speaker:pronoun-group", 0.7)
        return Resolution(None, None, "speaker:pronoun-unresolved", 0.2)

    def _resolve_it(self, m: Mention) -> Resolution:
        """'it' as a speaker: an organisation named as a subject in this or the two sentences
        before ("The city is suing. It says ..."); otherwise unresolved (often no referent)."""

        def recent_org(i: _Info) -> bool:
            return (
                _org_like(i)
                and not i.plural
                and any(m.sent - p[1] <= 2 and p[2] for p in i.before(m.start)[-6:])
            )

        info = self._most_recent(m.start, recent_org)
        if info is not None:
            return self._learn(info, None, "speaker:pronoun-org", 0.6, m)
        return Resolution(None, None, "speaker:pronoun-unresolved", 0.2)

    def _first_person(self, m: Mention, number: str, quote_speaker: Entity | None) -> Resolution:
        if quote_speaker is None:
            return Resolution(None, None, "speaker:first-person-unresolved", 0.2)
        if number == "sg":
            return Resolution(quote_speaker, quote_speaker.name, "speaker:first-person", 0.9)
        groups = [
            i for i in self._infos if quote_speaker.id in i.members and i.last_before(m.start)
        ]
        if groups:
            info = max(groups, key=lambda i: (i.last_before(m.start) or (-1,))[0])
            return Resolution(info.entity, info.entity.name, "speaker:we-group", 0.6)
        return Resolution(quote_speaker, quote_speaker.name, "speaker:we-speaker", 0.5)

    def _resolve_description(
        self, m: Mention, last_speaker: Entity | None, quote_speaker: Entity | None = None
    ) -> Resolution:
        head = m.head.lower()
        known = self._known_capitalised(m)
        if known is not None:  # "said Hester", where the parser saw no proper noun
            return self._learn(known, None, "speaker:name-known", 0.85, m)
        definite = _definite(m.text)  # "a spokeswoman" is someone new, not the last one
        linked = self._role_link(m, head) if definite else None
        if linked is not None:
            return self._learn(linked, None, "speaker:description-link", 0.85, m)
        titled = head in title_nouns().values() and (m.possessive or not definite)
        if titled and (named := self._named_next(m)):  # "A spokeswoman for X says … Y spoke"
            return self._learn(named, None, "speaker:description-next-name", 0.5, m)
        if head in word_set("message_nouns.txt"):  # "the ad", "a statement": not a person
            return Resolution(None, _description_name(m.text), "speaker:description-message", 0.3)
        pair = self._recent_pair(m, head)
        if pair is not None:  # "the two", "the senators" after "Grassley and Leahy"
            return self._learn(pair, None, "speaker:description-group", 0.7, m)
        if m.plural or head in word_set("groups.txt") or head in word_set("company_nouns.txt"):
            return self._resolve_group_noun(m, head)
        if m.possessive and m.in_quote and quote_speaker is not None and _first_person_owner(m):
            owner = quote_speaker.name
            name = f"{owner}’ {head}" if owner.endswith("s") else f"{owner}’s {head}"
            return Resolution(None, name, "speaker:my-relation", 0.6)
        relational = head in word_set("relational_nouns.txt") and not _bare_relation(m)
        if m.possessive or relational:
            return Resolution(None, _described(m), "speaker:description-unlinked", 0.3)
        if head in word_set("org_words.txt"):  # "the port authority" is nobody's description
            org = self._org_for(m, head)
            if org is not None:
                return self._learn(org, None, "speaker:description-org-link", 0.6, m)
            return Resolution(None, _description_name(m.text), "speaker:description-org", 0.4)
        if not _definite(m.text):  # "a young woman": someone new
            return self._someone_new(m)
        gender = gendered_nouns().get(head)  # "the businessman" is not the last speaker, Mrs. X

        def fits(i: _Info) -> bool:
            return _person_like(i) and not (gender and i.gender and i.gender != gender)

        last = self._info_of(last_speaker)
        previous = self._previous_subject(m, fits)
        if previous is not None and previous is not last:  # "X disputed that. The 58-year-old …"
            return self._learn(previous, None, "speaker:description-previous-subject", 0.65, m)
        # not a last speaker known by another title ("Coach Tom Reilly" is no "cookbook author")
        if last is not None and fits(last) and (not last.heads or head in last.heads):
            return self._learn(last, None, "speaker:description-last-speaker", 0.7, m)
        info = self._salient(m, fits, gender)
        if info is not None:
            return self._learn(info, None, "speaker:description-salience", 0.6, m)
        return Resolution(None, _described(m), "speaker:description-unlinked", 0.3)

    def introduce(self, m: Mention) -> Entity:
        """Someone new, described by an indefinite description that speaks ("A young harvester
        who asked not to be named said …"): an entity of their own, so that the next "he said"
        goes to them rather than to the person named before them."""
        info = self._by_span.get((m.start, m.end))
        if info is None:
            head = m.head.lower()
            info = self._new(_described(m), "PERSON", gender=gendered_nouns().get(head))
            self._note(info, m)
        return info.entity

    def _role_link(self, m: Mention, head: str) -> _Info | None:
        """The most recent entity the text gave this role, unless the party it was given the role
        with is another than the description's: "the Democratic presidential nominee" is not
        "Republican presidential nominee Donald Trump"."""
        party = _parties(m.text)

        def fits(i: _Info) -> bool:
            if head not in i.heads:
                return False
            roles = [_parties(h) for h in i.heads if h.endswith(" " + head)]
            return not party or not roles or any(not r or r == party for r in roles)

        return self._most_recent(m.start, fits)

    def _someone_new(self, m: Mention) -> Resolution:
        """An indefinite description: the new person :meth:`introduce` made of it, else nobody
        known ("a spokeswoman", named by its words)."""
        info = self._by_span.get((m.start, m.end))
        if info is None:
            return Resolution(None, _described(m), "speaker:description-unlinked", 0.3)
        return Resolution(info.entity, info.entity.name, "speaker:description-new", 0.4)

    def _previous_subject(self, m: Mention, pred: object) -> _Info | None:
        """The compatible entity that was the first subject of the sentence before ``m``, when
        ``m`` opens its own sentence as a subject outside quotes: a description that starts a
        sentence continues the sentence before's topic ("Board chair Dale Kowalczyk disputed that
        account. The 58-year-old former principal told …"), even when someone else spoke last;
        the main clause's subject comes first ("Josh Earnest said that Obama … He said")."""
        if not m.subject or m.in_quote:
            return None
        found: list[tuple[int, _Info]] = []
        for info in self._infos:
            before = info.before(m.start)
            if before and before[-1][1] == m.sent:  # not the sentence's first mention
                return None
            first = next((p[0] for p in before if p[1] == m.sent - 1 and p[2] and not p[3]), None)
            if first is not None and pred(info):  # type: ignore[operator]
                found.append((first, info))
        return min(found, key=lambda f: f[0])[1] if found else None

    def _org_for(self, m: Mention, head: str) -> _Info | None:
        """The organisation "the authority" stands for: the most recent one whose name holds the
        noun ("the Port Authority"). Taking the most recent organisation of any name was tried
        and lost more speakers on PolNeAR dev than it gained."""
        named = self._most_recent(  # not a headline's run of capitals ("Union Rejects Offer")
            m.start,
            lambda i: _org_like(i) and not i.headline_name and any(head in w for w in i.words),
        )
        if named is None and _bare(m, head) and head in word_set("company_nouns.txt"):
            return self._most_named_org(m.start)  # "The bank said" after "Wells Fargo"
        kind = org_kinds().get(head)
        if named is not None or kind is None or m.plural:
            return named
        # "the newspaper": the most recent outlet named ("The Washington Post")
        return self._most_recent(
            m.start,
            lambda i: not i.headline_name and any(w.lower() in kind for ws in i.words for w in ws),
        )

    def _most_named_org(self, pos: int) -> _Info | None:
        """The organisation named most often before ``pos`` (at least twice; none on a tie), not
        a news outlet: the business an article is about."""
        outlets = org_kinds().get("newspaper", frozenset())
        counts = [
            (len(i.before(pos)), i)
            for i in self._infos
            if _business_like(i) and not any(w in outlets for ws in i.words for w in ws)
        ]
        counts.sort(key=lambda c: -c[0])
        if not counts or counts[0][0] < 2 or (len(counts) > 1 and counts[1][0] == counts[0][0]):
            return None
        return counts[0][1]

    def _body_name(self, headline: _Info) -> _Info | None:
        """The body's name that a headline's capitals ran on from: "Elizabeth Warren" for
        "Elizabeth Warren Hammers Wells Fargo CEO" (the longest opening words that are a name
        the body knows)."""
        words = max(headline.words, key=len) if headline.words else ()
        for k in range(len(words) - 1, 0, -1):
            for info in self._infos:
                if info is not headline and not info.headline_name and words[:k] in info.words:
                    return info
        return None

    def _titled_later(self, m: Mention) -> _Info | None:
        """The person a headline's bare title stands for: "Mayor Says …" above a body that names
        "Mayor Ruth Okafor" (the first name written after it with that title)."""
        table = title_nouns()
        words = m.text.lower().replace("’", "'").split()
        wanted = {table[w] for w in words if w in table}
        if not wanted or not _only_titles(m.text):
            return None
        best: tuple[int, _Info] | None = None
        for info in self._infos:
            after = [p for p, _ in info.entity.mentions if p > m.start]
            if after and wanted & info.heads and (best is None or after[0] < best[0]):
                best = (after[0], info)
        return best[1] if best is not None else None

    def _named_next(self, m: Mention) -> _Info | None:
        """The person a titled description introduces, named as a subject in one of the next two
        sentences and not before: "Connecticut’s tax commissioner says … Kevin Sullivan says he
        instructed staff …" (news briefs name the official after the role). Not a person the text
        gives another role ("The bar's owner, Lucy Okonkwo")."""
        best: tuple[int, _Info] | None = None
        for info in self._infos:
            first = next((p for p in info.positions if p[0] != m.start), None)  # not this one
            if first is None or first[0] <= m.end or not 0 < first[1] - m.sent <= 2:
                continue
            if not _may_hold_role(info, m):  # "The bar's owner, Lucy …"
                continue
            if first[2] and _person_like(info) and (best is None or first[0] < best[0]):
                best = (first[0], info)
        return best[1] if best is not None else None

    def _recent_pair(self, m: Mention, head: str) -> _Info | None:
        """The coordination of people ("Grassley and Leahy") named in the last two sentences
        that a definite plural ("the senators", "the two", "both men") points back to."""
        words = m.text.lower().split()
        if not words or words[0] not in ("the", "both") or not (m.plural or head in _NUMERALS):
            return None
        return self._most_recent(
            m.start,
            lambda i: bool(i.members) and any(m.sent - p[1] <= 2 for p in i.before(m.start)[-3:]),
        )

    def _known_capitalised(self, m: Mention) -> _Info | None:
        """The entity a description in capitals names, when it is a known name ("Hester")."""
        words = m.text.split()
        if not words or not all(w[:1].isupper() for w in words if w[:1].isalpha()):
            return None
        names = name_words(m.text)
        return self._match_name(names, m.start) if names else None

    def _resolve_group_noun(self, m: Mention, head: str) -> Resolution:
        org = self._org_for(m, head)
        if org is not None:
            return Resolution(org.entity, org.entity.name, "speaker:group-org", 0.8)
        if _bare(m, head):  # "The Producers Association disagreed.
            org = self._previous_subject(m, _named_org)  # … the group said"
            if org is not None:
                self._note(org, m)
                return Resolution(org.entity, org.entity.name, "speaker:group-previous", 0.7)
        name = _named_for(m.text, head) or _described(m)
        known = self._by_span.get((m.start, m.end))  # "A spokesperson …" introduced as someone
        if known is not None:
            return Resolution(known.entity, known.entity.name, "speaker:group", 0.75)
        for info in self._infos:
            if info.entity.name.lower() == name.lower():
                self._note(info, m)
                return Resolution(info.entity, info.entity.name, "speaker:group", 0.75)
        info = self._new(name, "GROUP", plural=m.plural)
        self._note(info, m)
        return Resolution(info.entity, name, "speaker:group", 0.75)

    def _most_recent(self, pos: int, pred: object) -> _Info | None:
        best: _Info | None = None
        best_pos = -1
        for info in self._infos:
            last = info.last_before(pos)
            if last is not None and last[0] > best_pos and pred(info):  # type: ignore[operator]
                best, best_pos = info, last[0]
        return best

    def _salient(self, m: Mention, pred: object, gender: str | None = None) -> _Info | None:
        """Most recent compatible entity mentioned as a subject in the last three sentences (one
        whose gender is known to agree first), else the most recent compatible entity."""
        best: _Info | None = None
        best_key = (-1, -1, -1)
        for info in self._infos:
            if not pred(info):  # type: ignore[operator]
                continue
            before = info.before(m.start)
            if not m.in_quote:  # a name inside someone's quote is seldom a narrative "he"
                before = [p for p in before if not p[3]]
            if not before:
                continue
            subj = [p for p in before[-12:] if p[2] and m.sent - p[1] <= 3]
            agrees = 1 if gender is not None and info.gender == gender else 0
            key = (1 if subj else 0, agrees if subj else 0, (subj or before)[-1][0])
            if key > best_key:
                best, best_key = info, key
        return best


def _fuller_name(m: Mention, words: tuple[str, ...], name: str) -> bool:
    """Whether ``m`` is a fuller form of the entity's ``name`` to show instead ("Hillary Clinton"
    for "Clinton", "Rafael Castellanos" for "Rafael"): more words, the same last word (or a
    first name grown to a full name; a full name only grows in the middle), not inside a quote and
    not from headline-style text, whose capitals join words to names ("The New Mitt Romney",
    "Obama Speech")."""
    known = [w.lower() for w in name.split()]
    if m.titlecase or m.in_quote or not known or len(words) <= len(known):
        return False
    low = [w.lower() for w in words]
    if len(known) > 1:  # "Donald J. Trump" for "Donald Trump", never "Crooked Hillary Clinton"
        return low[0] == known[0] and low[-1] == known[-1]
    return low[-1] == known[-1] or low[0] == known[0]


def _prominence(info: _Info, pos: int) -> tuple[int, int]:
    """How an entity ranks among namesakes at ``pos`` ("Clinton" after "Bill Clinton" and "his
    wife Hillary Clinton"): the one mentioned more often so far, then the more recent. A passing
    mention of a namesake ("for his wife Hillary Clinton") does not take the surname over."""
    before = info.before(pos)
    recency = before[-1][0] if before else -1
    return (len(before), recency)


def _person_like(info: _Info) -> bool:
    """A single entity that may be a person: not a name ending in a group noun ("U.N. Women",
    ``data/groups.txt``); typed PERSON; or untyped, with no organisation word
    in its name, not a dateline-like word in capitals ("HEMPSTEAD") and not labelled a date, event
    or the like more often than a person ("Monday"); or typed ORG by the (noisy) recogniser while
    its name holds no organisation word ("Tobiah Marsh"), if one of its mentions was read as a
    person or it has a known given name (common words such as "Mental Coverage" are no one)."""
    if info.plural or info.entity.type == "GROUP":
        return False
    words = info.entity.name.lower().replace("’", "'").split()
    if words and words[-1] in word_set("groups.txt"):  # "U.N. Women", "Tulsa Police"
        return False
    if info.entity.type == "PERSON":
        return True
    org = word_set("org_words.txt")
    has_org_word = any(w.strip(".,'s") in org for w in words)
    if info.entity.type == "UNKNOWN":
        capitals = len(words) == 1 and len(words[0]) > 3 and info.entity.name.isupper()
        other = info.votes.get(NOT_A_NAME, 0) > info.votes.get("PERSON", 0)
        return not (has_org_word or capitals or other)
    if not 2 <= len(words) <= 3 or has_org_word:
        return False
    return info.votes.get("PERSON", 0) > 0 or _gender_of(info.entity.name) is not None


def _parties(text: str) -> set[str]:
    """The party words of a description or role ("democratic presidential nominee" ->
    {"democrat"})."""
    words = (w.removesuffix("ic") for w in text.lower().split())
    return {"republican" if w == "gop" else w for w in words if w in PARTY_WORDS}


def _may_hold_role(info: _Info, m: Mention) -> bool:
    """Whether a person may hold the role a description names: one the text gives no role, the
    same role, or a role tied to someone the description names too ("Clinton communications
    director Jennifer Palmieri" for "a spokeswoman for Hillary Clinton"), but not another role
    ("The bar's owner, Lucia Okafor" for "a spokesperson for Harbourside Health")."""
    if not info.heads or m.head.lower() in info.heads:
        return True
    said = set(f"{m.text} {m.detail}".lower().split())
    return any(said & set(h.split()[:-1]) for h in info.heads)


def _bare_relation(m: Mention) -> bool:
    """Whether a relational noun describes a known person rather than naming someone by relation:
    "the mother of two said" (definite, no possessor, no "of" other than a number), unlike "her
    husband" or "the mother of the victim"."""
    if m.possessive or not _definite(m.text):
        return False
    after = m.text.lower().partition(" of ")[2]
    return not after or bool(re.match(r"(two|three|four|five|six|seven|\d+)\b", after))


def _definite(text: str) -> bool:
    """Whether a description may point back to someone already known: "the cookbook author" may;
    "a young woman" or "one user" introduce someone new."""
    first = text.lower().replace("“", "").split(" ", 1)[0]
    return first not in ("a", "an", "one", "another", "some")


_NUMERALS = frozenset({"two", "three", "pair", "couple", "both", "duo", "trio"})


def _only_titles(text: str) -> bool:
    """Whether every word of a capitalised name is a title or party ("Republican", "Sen.")."""
    titles = honorifics()
    words = [w.strip(",").lower() for w in text.replace("’", "'").split()]
    return bool(words) and all(w in titles or w + "." in titles for w in words)


def _titles(text: str) -> set[str]:
    """The nouns for the titles a name is written with ("Indiana Gov. Mike Pence" -> governor),
    so that "the governor" later finds it."""
    table = title_nouns()
    words = text.lower().replace("’", "'").split()[:-1]
    return {table[w] for w in words if w in table}


def _first_person_owner(m: Mention) -> bool:
    """'my mother', 'our coach': a relation of the speaker of the quote it stands in."""
    return m.text.lower().split(" ", 1)[0] in ("my", "our")


_NAMED_FOR = frozenset({"campaign", "administration", "government", "camp", "team", "office"})
"""Groups named for a person the way news names them: "the Trump campaign"."""


def _named_for(text: str, head: str) -> str | None:
    """ "Donald Trump’s campaign" -> "the Trump campaign" (a person's campaign, administration
    or office by the surname, as news and annotators name it), else None."""
    words = text.replace("’", "'").split()
    if head not in _NAMED_FOR or len(words) < 2 or words[-1].lower() != head:
        return None
    owner = words[-2]
    if not owner.endswith(("'s", "s'")) or not owner[:1].isupper():
        return None
    surname = owner.removesuffix("'s").rstrip("'")
    return f"the {surname} {head}"


def _business_like(info: _Info) -> bool:
    """An organisation that may be a business ("Larkspur Foods"), not a group of people."""
    return _org_like(info) and not (info.plural or info.headline_name)


def _named_org(info: _Info) -> bool:
    """One organisation the recogniser named ("the Tax Policy Center"), not a group of people."""
    return info.entity.type == "ORG" and not info.plural and not info.headline_name


def _org_like(info: _Info) -> bool:
    """An organisation or group: typed so, or untyped with an organisation word in its name."""
    if info.entity.type in ("ORG", "GROUP"):
        return True
    org = word_set("org_words.txt")
    return info.entity.type == "UNKNOWN" and any(w in org for w in info.entity.name.lower().split())


def _name_overlap(words: tuple[str, ...], known: tuple[str, ...]) -> int:
    """3: same name; 2: the surname of a known full name (or the reverse); 1: its first name.
    The place after an organisation's "of" is not its short name."""
    if words == known:
        return 3
    short, long_ = (words, known) if len(words) <= len(known) else (known, words)
    if "of" in long_ and not set(short) & set(long_[: long_.index("of")]):
        return 0  # "Saskatchewan" is not the "Producers Association of Saskatchewan"
    if short[-1] == long_[-1] and set(short) <= set(long_):
        return 2
    if len(short) == 1 and short[0] == long_[0] and len(long_) > 1:
        return 1
    return 0


def _gender_of(text: str, given: bool = True) -> str | None:
    """Gender hint from an honorific or (``given``) a known given name (any word but the
    surname; the word itself when it is alone)."""
    words = [w.lower().strip(".,") for w in text.replace("’", "'").split()]
    if not words:
        return None
    if words[0] == "mr":
        return "m"
    if words[0] in ("mrs", "ms", "miss"):
        return "f"
    if not given:
        return None
    table = first_name_genders()
    return next((table[w] for w in (words[:-1] or words) if w in table), None)


def _bare(m: Mention, head: str) -> bool:
    """Whether a description is only "the" and its noun ("the group", "the bank")."""
    return m.text.lower().split() == ["the", head]


def _described(m: Mention) -> str:
    """An unnamed speaker by the description's words and whom it serves: "spokesperson for the
    Canadian Transportation Agency", not just "spokesperson"."""
    name = _description_name(m.text)
    return f"{name} {m.detail}" if m.detail else name


def _description_name(text: str) -> str:
    words = text.split()
    while words and words[0].lower() in ("a", "an", "some", "several", "many", "two", "three"):
        words.pop(0)
    return " ".join(words)
