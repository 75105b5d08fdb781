"""Small word lists read once from ``saidwhat/data`` (lexicons live in data files, not in code)."""

from __future__ import annotations

from functools import cache
from importlib.resources import files


def data_lines(name: str) -> list[str]:
    """Non-empty, non-comment lines of a data file."""
    text = files("saidwhat").joinpath("data", name).read_text(encoding="utf-8")
    return [
        ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")
    ]


@cache
def word_set(name: str) -> frozenset[str]:
    """A data file as a set of lower-case entries."""
    return frozenset(line.lower() for line in data_lines(name))


@cache
def first_name_genders() -> dict[str, str]:
    """Given name -> 'f' or 'm'."""
    out: dict[str, str] = {}
    for line in data_lines("first_names.txt"):
        name, _, gender = line.partition("\t")
        out.setdefault(name.strip().lower(), gender.strip())
    return out


@cache
def pronouns() -> dict[str, tuple[str, str, str]]:
    """Pronoun form -> (person, number, gender)."""
    out: dict[str, tuple[str, str, str]] = {}
    for line in data_lines("pronouns.txt"):
        form, person, number, gender = line.split("\t")
        out[form] = (person, number, gender)
    return out


@cache
def media() -> dict[str, str]:
    """Lower-case medium phrase -> display form."""
    return {line.lower(): line for line in data_lines("media.txt")}


def honorifics() -> frozenset[str]:
    """Titles dropped from names ("Sen.", "Dr.")."""
    return word_set("honorifics.txt")


@cache
def title_nouns() -> dict[str, str]:
    """Title before a name -> the noun for its bearer ("gov." -> "governor")."""
    out: dict[str, str] = {}
    for line in data_lines("title_nouns.txt"):
        title, _, noun = line.partition("\t")
        out[title.strip().lower()] = (noun or title).strip().lower()
    return out


@cache
def gendered_nouns() -> dict[str, str]:
    """Noun -> 'f' or 'm' ("brother" -> m)."""
    out: dict[str, str] = {}
    for line in data_lines("gendered_nouns.txt"):
        noun, _, gender = line.partition("\t")
        out[noun.strip()] = gender.strip()
    return out


@cache
def org_kinds() -> dict[str, frozenset[str]]:
    """Description noun -> words one of which the name it stands for holds ("newspaper" ->
    times, post, …), from ``data/org_kinds.txt``."""
    out: dict[str, frozenset[str]] = {}
    for line in data_lines("org_kinds.txt"):
        noun, _, words = line.partition("\t")
        out[noun.strip().lower()] = frozenset(words.lower().split())
    return out
