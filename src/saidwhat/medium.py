"""Medium and addressee of a quote: "on Instagram", "in an interview with Scary Mommy", "told CNN".

Read from the cue verb's own phrases; an interview named anywhere in the body ("X opened up in an
interview with Y") becomes the medium of X's later quotes that name none of their own.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

from saidwhat.lexicons import media
from saidwhat.mentions import is_name_token

ADDRESSEE_VERBS = frozenset({"tell", "inform", "assure", "reassure", "brief", "warn", "remind"})
INTERVIEW_WORDS = frozenset({"interview", "conversation", "podcast", "appearance", "chat", "q&a"})


@dataclass(slots=True)
class Medium:
    """A medium phrase and where it was read from."""

    name: str
    evidence: str


def _proper_name_in(tok: Token) -> str | None:
    """The last run of proper nouns in ``tok``'s subtree ("parenting website Scary Mommy"); an
    outlet's "The A and B" is one name ("The Globe and Mail")."""
    names = [t for t in tok.subtree if is_name_token(t)]
    if not names:
        return None
    run = [names[-1]]
    for t in reversed(names[:-1]):
        if t.i == run[0].i - 1 or (t.i == run[0].i - 2 and _joins_outlet(t)):
            run.insert(0, t)
        else:
            break
    doc = tok.doc
    return doc[run[0].i : run[-1].i + 1].text


def _joins_outlet(first: Token) -> bool:
    """Whether "and" after ``first`` joins one outlet's name: "The Globe and Mail" (a name run
    after "The"); "Smith and Jones" are two."""
    doc = first.doc
    start = first.i
    while start > 0 and is_name_token(doc[start - 1]):
        start -= 1
    return doc[first.i + 1].lower_ in ("and", "&") and start > 0 and doc[start - 1].text == "The"


def _platform(tok: Token) -> str | None:
    table = media()
    for t in tok.subtree:
        hit = table.get(t.text.lower())
        if hit is not None and (
            is_name_token(t) or t.text == hit or t.lower_ in ("podcast", "radio", "television")
        ):  # "on X": the tagger reads the letter as a common noun; its spelling is the name's
            return hit
    return None


def medium_of_prep(prep: Token) -> Medium | None:
    """'on Instagram', 'in an interview with N', 'in a statement', 'in an essay published on X'."""
    platform = _platform(prep)
    if platform is not None:
        return Medium(platform, f"medium:{prep.lower_}-platform")
    pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
    if pobj is None:
        return None
    if pobj.lower_ in INTERVIEW_WORDS:
        partner = next((c for c in pobj.children if c.dep_ == "prep" and c.lower_ == "with"), None)
        name = _proper_name_in(partner) if partner is not None else None
        if name:
            return Medium(name, "medium:interview-with")
    if _media_noun(pobj) and prep.lower_ in ("in", "during", "at"):
        mods = [t for t in pobj.lefts if t.dep_ in ("amod", "compound")]
        words = (
            [t.text for t in (*mods, pobj)]
            if mods and mods[0].i + len(mods) == pobj.i
            else [pobj.text]
        )
        return Medium(" ".join(words), "medium:in-phrase")
    return None


def medium_of_cue(verb: Token) -> Medium | None:
    """The medium stated in the cue verb's clause."""
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ in ("on", "in", "during", "at", "via"):
            found = medium_of_prep(child)
            if found is not None:
                return found
    return None


def addressee_of_cue(verb: Token, lemma: str) -> str | None:
    """'told reporters', 'told CNN', 'said to reporters'."""
    if lemma in ADDRESSEE_VERBS:
        obj = next((c for c in verb.children if c.dep_ in ("dobj", "dative")), None)
        if obj is not None:
            return _proper_name_in(obj) or obj.text
    to = next((c for c in verb.children if c.dep_ in ("prep", "dative") and c.lower_ == "to"), None)
    if to is not None:
        pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
        if pobj is not None and lemma != "according to":
            return _proper_name_in(pobj) or pobj.text
    return None


def interview_context(root: Token) -> str | None:
    """'in an interview with N', 'in an essay published on Medium': a medium named anywhere in a
    sentence, carried over to the subject's later quotes."""
    for tok in root.subtree:
        if tok.dep_ == "prep" and tok.lower_ in ("in", "during"):
            pobj = next((c for c in tok.children if c.dep_ == "pobj"), None)
            if pobj is not None and (pobj.lower_ in INTERVIEW_WORDS or _media_noun(pobj)):
                found = medium_of_prep(tok)
                if found is not None:
                    return found.name
    return None


def _media_noun(tok: Token) -> bool:
    table = media()
    return f"a {tok.lower_}" in table or f"an {tok.lower_}" in table
