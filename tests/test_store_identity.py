"""Identity rules: content hashes, URLs as ids, speaker keys, quotation similarity, stories."""

from __future__ import annotations

import hashlib

from saidwhat.store import identity as ident
from saidwhat.store.identity import SpeakerRef


def test_content_hash_is_sha256_of_utf8() -> None:
    text = "“Quoted,” she said — café."
    assert ident.content_hash(text) == hashlib.sha256(text.encode()).hexdigest()


def test_normalize_url() -> None:
    assert (
        ident.normalize_url(" HTTPS://News.Example/a/b?x=1#top ") == "https://news.example/a/b?x=1"
    )
    assert ident.normalize_url("not a url") == "not a url"


def test_speaker_keys() -> None:
    full = ident.speaker_key("Ilvana Corsetti", "PERSON", "a1")
    assert full == ident.speaker_key("Dr. Ilvana Corsetti", "UNKNOWN", "b7")  # honorific, type
    assert full == ident.speaker_key("Ilvána Corsetti", "ORG", "c2")  # accents
    assert not full.local and full.surname == "corsetti"
    alone = ident.speaker_key("Corsetti", "PERSON", "a1")
    assert alone.local and alone != ident.speaker_key("Corsetti", "PERSON", "a2")
    org = ident.speaker_key("Harbour Board", "ORG", "a1")
    assert org == ident.speaker_key("Harbour Board", "ORG", "z9")
    assert ident.speaker_key("Interpol", "ORG", "a1") == ident.speaker_key("Interpol", "ORG", "b")
    desc = ident.speaker_key("a port spokeswoman", "UNKNOWN", "a1")
    assert desc.local


def norm(text: str) -> str:
    return ident.quote_print(text).norm


def test_similarity() -> None:
    a = norm("“The harbour levy will pay for the new breakwater within six years,”")
    assert a == "the harbour levy will pay for the new breakwater within six years"
    assert (
        ident.similarity(
            a, norm("The Harbour Levy will pay for the new breakwater within six years.")
        )
        == 1.0
    )
    assert (
        ident.similarity(
            a, norm("The harbour levy will pay for the new breakwater within seven years")
        )
        >= ident.QUOTE_JACCARD
    )
    assert ident.similarity(a, norm("The harbour levy will pay for the new breakwater")) > 0
    assert ident.similarity(a, norm("The council will not pay for anything this year")) == 0
    assert ident.similarity(norm("No comment"), norm("No comment at all")) == 0


def test_quote_keys_find_variants() -> None:
    a = ident.quote_print("The harbour levy will pay for the new breakwater within six years")
    b = ident.quote_print(
        "The harbour levy will pay for the new breakwater within six years and not a day more"
    )
    assert set(a.keys) & set(b.keys)  # the head anchor
    short = ident.quote_print("No comment.")
    assert len(short.keys) == 1  # exact key only


def test_speakers_compatible() -> None:
    s1 = SpeakerRef("S1", "corsetti")
    assert ident.speakers_compatible(s1, SpeakerRef("S1", "corsetti"), 3)
    assert not ident.speakers_compatible(s1, SpeakerRef("S2", "tallisker"), 12)
    assert ident.speakers_compatible(s1, SpeakerRef("S9", "corsetti", local=True), 12)
    assert not ident.speakers_compatible(s1, SpeakerRef("S9", "smith", local=True), 12)
    assert ident.speakers_compatible(s1, SpeakerRef(None), 12)
    assert not ident.speakers_compatible(SpeakerRef(None), SpeakerRef(None), 2)


def test_story_signatures() -> None:
    body = " ".join(f"word{i % 97} filler{i % 13}" for i in range(200))
    sig = ident.story_signature(body)
    assert sig is not None
    copy = ident.story_signature(body + " a short note added by the second outlet")
    assert copy is not None and ident.estimated_jaccard(sig, copy) >= ident.STORY_THRESHOLD
    other = ident.story_signature(" ".join(f"other{i} text{i % 7}" for i in range(200)))
    assert other is not None and ident.estimated_jaccard(sig, other) < 0.2
    assert set(ident.story_keys(sig)) & set(ident.story_keys(copy))
    assert ident.story_signature("Too short to be a story.") is None
