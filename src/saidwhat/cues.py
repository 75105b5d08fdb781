"""The cue lexicon: verbs and phrases that introduce reported speech, read from ``data/cues.txt``.

Cue words are matched by their inflected forms, generated here from the lemmas (plus the irregular
forms in ``data/irregular_verbs.txt``), so the engine needs no lemmatizer pass over the whole text.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

CLASSES = ("speech", "write", "belief", "phrase")
_VOWELS = set("aeiou")


@dataclass(frozen=True, slots=True)
class Cue:
    """A lexicon entry: ``lemma`` (one or more words) and its class."""

    lemma: str
    cls: str

    @property
    def is_speech(self) -> bool:
        return self.cls in ("speech", "write", "phrase")


def _data_lines(name: str) -> list[str]:
    text = files("saidwhat").joinpath("data", name).read_text(encoding="utf-8")
    return [
        ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")
    ]


def regular_forms(lemma: str) -> list[str]:
    """Third person, past and gerund of a regular English verb."""
    if lemma.endswith(("s", "sh", "ch", "x", "z", "o")):
        third = lemma + "es"
    elif lemma.endswith("y") and lemma[-2:-1] not in _VOWELS:
        third = lemma[:-1] + "ies"
    else:
        third = lemma + "s"
    if lemma.endswith("e"):
        past = lemma + "d"
        gerund = lemma + "ing" if lemma.endswith(("ee", "ye", "oe")) else lemma[:-1] + "ing"
    elif lemma.endswith("y") and lemma[-2:-1] not in _VOWELS:
        past, gerund = lemma[:-1] + "ied", lemma + "ing"
    else:
        past, gerund = lemma + "ed", lemma + "ing"
    return [third, past, gerund]


@cache
def _irregular() -> dict[str, list[str]]:
    forms: dict[str, list[str]] = {}
    for line in _data_lines("irregular_verbs.txt"):
        words = line.split()
        forms[words[0]] = words[1:]
    return forms


@dataclass(frozen=True, slots=True)
class CueLexicon:
    """Word forms of single-word cues, and multi-word phrases keyed by their first lemma."""

    forms: dict[str, Cue]
    phrases: dict[str, list[tuple[tuple[str, ...], Cue]]]

    def word(self, form: str) -> Cue | None:
        """The cue whose inflected form is ``form`` (lower case), if any."""
        return self.forms.get(form.lower())

    def phrases_from(self, first_lemma: str) -> list[tuple[tuple[str, ...], Cue]]:
        """Multi-word cues starting with ``first_lemma``, longest first."""
        return self.phrases.get(first_lemma, [])


def _inflections(lemma: str) -> list[str]:
    """All forms of a cue verb: irregular rows give past and participle (and maybe third person and
    gerund); the rest are regular."""
    third, past, gerund = regular_forms(lemma)
    irregular = _irregular().get(lemma)
    if irregular is None:
        return [lemma, third, past, gerund]
    if len(irregular) >= 4:
        return [lemma, *irregular]
    return [lemma, *irregular, third, gerund]


@cache
def lexicon() -> CueLexicon:
    """Load the cue lexicon once per process."""
    forms: dict[str, Cue] = {}
    phrases: dict[str, list[tuple[tuple[str, ...], Cue]]] = {}
    for line in _data_lines("cues.txt"):
        lemma, _, cls = line.partition("\t")
        cue = Cue(lemma.strip(), cls.strip() or "speech")
        words = tuple(cue.lemma.split())
        if len(words) > 1:
            phrases.setdefault(words[0], []).append((words, cue))
            continue
        for form in _inflections(cue.lemma):
            forms.setdefault(form, cue)
    for entries in phrases.values():
        entries.sort(key=lambda e: -len(e[0]))
    return CueLexicon(forms, phrases)


def lemma_of(form: str) -> str:
    """Best-effort verb lemma of a word form, used to match multi-word phrases."""
    low = form.lower()
    cue = lexicon().word(low)
    if cue is not None:
        return cue.lemma
    for lemma, irregular in _irregular().items():
        if low in irregular:
            return lemma
    return {"'re": "be", "’re": "be", "'s": "be", "’s": "be", "'m": "be", "’m": "be"}.get(low, low)


def size() -> int:
    """Number of lexicon entries (lemmas and phrases)."""
    return len(_data_lines("cues.txt"))
