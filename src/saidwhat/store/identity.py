"""Identity in the corpus: article ids and content hashes, speaker keys, and the fingerprints that
find near-duplicate quotations and syndicated copies of a story.

Everything here is deterministic across processes and machines (no Python ``hash``), so ids and
keys computed by a worker, by a later run or by another tool agree.

- Articles: ``content_hash`` is the sha256 of the UTF-8 text; ``article_key`` normalises URLs.
- Speakers: a full person name ("Chrissy Teigen") or an organisation name is a corpus-wide key,
  so the same person merges across articles; a partial name ("Teigen") or a description ("a
  spokeswoman") is only known inside its article, so it gets an article-scoped key and never
  merges with a namesake elsewhere (names that collide without evidence stay apart).
- Quotations: text is normalised (Unicode NFKC, case folded, words only), then fingerprinted by an
  exact key, MinHash LSH bands over word bigrams, and head/tail anchors (a truncated report keeps
  one end). Keys only propose candidates; :func:`similarity` decides.
- Stories: MinHash over 5-word shingles of the body; copies whose estimated Jaccard similarity is
  at least :data:`STORY_THRESHOLD` are one story.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]

_WORD = re.compile(r"\w+")
_SEED = 0x5A1D_3A7
_RNG = np.random.default_rng(_SEED)
_A = _RNG.integers(1, 2**63, size=64, dtype=np.uint64) | np.uint64(1)
_B = _RNG.integers(0, 2**63, size=64, dtype=np.uint64)
_MIX = np.uint64(0x9E3779B97F4A7C15)

QUOTE_PERMS, QUOTE_BANDS = 32, 8
STORY_PERMS, STORY_BANDS = 64, 16
STORY_SHINGLE = 5
STORY_THRESHOLD = 0.7
QUOTE_JACCARD = 0.6
QUOTE_CONTAINMENT = 0.9
MIN_FUZZY_TOKENS = 4
MIN_ANCHOR_TOKENS = 6
MIN_UNATTRIBUTED_TOKENS = 6

_HONORIFICS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
        "prof",
        "sir",
        "dame",
        "lord",
        "lady",
        "rev",
        "fr",
        "sen",
        "rep",
        "gov",
        "gen",
        "col",
        "capt",
        "lt",
        "sgt",
        "president",
        "senator",
        "representative",
        "governor",
        "mayor",
        "judge",
        "justice",
        "minister",
        "chancellor",
    ]
)


def content_hash(text: str) -> str:
    """sha256 hex digest of the UTF-8 text (Spark: ``sha2(text, 256)``)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def hash64(value: str) -> int:
    """A stable signed 64-bit hash of a string (fits DuckDB ``BIGINT``)."""
    digest = hashlib.blake2b(value.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def short_id(prefix: str, value: str) -> str:
    """``prefix`` + 16 hex digits of a stable hash of ``value``."""
    digest = hashlib.blake2b(value.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
    return prefix + digest


def normalize_url(url: str) -> str:
    """A URL as an article id: trimmed, scheme and host lower-cased, fragment dropped."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.scheme or not parts.netloc:
        return url
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, parts.query, ""))


def tokens(text: str) -> list[str]:
    """Normalised words: NFKC, case folded, word characters only (quote marks, dashes and
    punctuation vanish, so typographic variants of one quotation compare equal)."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


# --- MinHash -------------------------------------------------------------------------------------


def _token_hashes(words: Sequence[str]) -> U64:
    return np.array([zlib.crc32(w.encode("utf-8", "surrogatepass")) for w in words], np.uint64)


def _shingles(words: Sequence[str], size: int) -> U64:
    """64-bit hashes of the ``size``-word shingles (the words themselves when fewer)."""
    h = _token_hashes(words)
    if len(h) < size:
        size = max(1, len(h))
    n = len(h) - size + 1
    out = np.zeros(max(n, 0), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(size):
            out = out * _MIX + h[j : j + n] + np.uint64(j + 1)
    return np.unique(out)


def _permute(shingles: U64, perms: int) -> U64:
    """Each shingle hash under ``perms`` hash functions (rows: shingles, columns: functions)."""
    with np.errstate(over="ignore"):
        h = shingles[:, None] * _A[None, :perms] + _B[None, :perms]
        h ^= h >> np.uint64(31)
    return h


def minhash(shingles: U64, perms: int) -> U64:
    """The MinHash signature (``perms`` values) of a set of 64-bit shingle hashes."""
    if len(shingles) == 0:
        return np.full(perms, np.iinfo(np.uint64).max, dtype=np.uint64)
    return np.asarray(_permute(shingles, perms).min(axis=0), dtype=np.uint64)


_BAND_MIX = _RNG.integers(1, 2**63, size=(64, 64), dtype=np.uint64) | np.uint64(1)


def band_keys_many(signatures: U64, bands: int, tag: int) -> npt.NDArray[np.int64]:
    """LSH band keys of many signatures at once (``n x perms`` -> ``n x bands`` signed 64-bit):
    each band's values combined with odd multipliers, then mixed."""
    n, perms = signatures.shape
    rows = perms // bands
    with np.errstate(over="ignore"):
        parts = signatures.reshape(n, bands, rows) * _BAND_MIX[tag % 64, :rows]
        key = parts.sum(axis=2, dtype=np.uint64) + np.arange(bands, dtype=np.uint64) * _MIX
        key ^= key >> np.uint64(29)
        key *= _MIX
        key ^= key >> np.uint64(32)
    return np.asarray(key.view(np.int64), dtype=np.int64)


def band_keys(signature: U64, bands: int, tag: str) -> list[int]:
    """LSH band keys: one signed 64-bit key per band of the signature."""
    keys = band_keys_many(signature.reshape(1, -1), bands, sum(map(ord, tag)))
    return [int(k) for k in keys[0]]


# --- quotations ----------------------------------------------------------------------------------


@dataclass(slots=True)
class QuotePrint:
    """A quotation's normalised text and the keys that propose merge candidates."""

    norm: str
    keys: list[int]


def quote_print(text: str) -> QuotePrint:
    """Normalised text and candidate keys: exact, LSH bands (4+ words), head/tail (6+ words)."""
    return quote_prints([text])[0]


def quote_prints(texts: Sequence[str]) -> list[QuotePrint]:
    """:func:`quote_print` of many texts, the MinHash of all of them in one vectorised pass."""
    all_words = [tokens(t) for t in texts]
    out = [QuotePrint(" ".join(w), [hash64("x:" + " ".join(w))]) for w in all_words]
    fuzzy = [i for i, w in enumerate(all_words) if len(w) >= MIN_FUZZY_TOKENS]
    if fuzzy:
        flat = [w for i in fuzzy for w in all_words[i]]
        h = _token_hashes(flat)
        lengths = np.array([len(all_words[i]) for i in fuzzy])
        ends = np.cumsum(lengths)
        starts = ends - lengths
        with np.errstate(over="ignore"):
            pairs = h[:-1] * _MIX + h[1:] + np.uint64(2)
        keep = np.ones(len(pairs), dtype=bool)
        keep[ends[:-1] - 1] = False  # a bigram across two quotations
        pairs = pairs[keep]
        offsets = starts - np.arange(len(fuzzy))  # each quotation has len - 1 bigrams
        sigs = np.minimum.reduceat(_permute(pairs, QUOTE_PERMS), offsets, axis=0)
        keys = band_keys_many(np.asarray(sigs, dtype=np.uint64), QUOTE_BANDS, 7)
        for row, i in enumerate(fuzzy):
            out[i].keys += [int(k) for k in keys[row]]
    for qp, words in zip(out, all_words, strict=True):
        if len(words) >= MIN_ANCHOR_TOKENS:
            qp.keys.append(hash64("h:" + " ".join(words[:MIN_ANCHOR_TOKENS])))
            qp.keys.append(hash64("t:" + " ".join(words[-MIN_ANCHOR_TOKENS:])))
    return out


def similarity(a: str, b: str) -> float:
    """How surely two normalised quotation texts are the same quotation (0: not the same).

    Equal texts: 1. Otherwise both need 4+ words: word-bigram Jaccard similarity when at least
    :data:`QUOTE_JACCARD`; or, when the shorter has 6+ words and at least
    :data:`QUOTE_CONTAINMENT` of its bigrams are in the longer (a truncated report), the Jaccard
    floor.
    """
    if a == b:
        return 1.0
    wa, wb = a.split(), b.split()
    if min(len(wa), len(wb)) < MIN_FUZZY_TOKENS:
        return 0.0
    sa, sb = set(itertools.pairwise(wa)), set(itertools.pairwise(wb))
    common = len(sa & sb)
    jaccard = common / len(sa | sb)
    if jaccard >= QUOTE_JACCARD:
        return jaccard
    short = min(len(sa), len(sb))
    if min(len(wa), len(wb)) >= MIN_ANCHOR_TOKENS and common / short >= QUOTE_CONTAINMENT:
        return QUOTE_JACCARD
    return 0.0


@dataclass(frozen=True, slots=True)
class SpeakerRef:
    """What the quotation merge needs to know of a speaker."""

    speaker_id: str | None
    surname: str | None = None
    local: bool = False


def speakers_compatible(a: SpeakerRef, b: SpeakerRef, n_words: int) -> bool:
    """Whether two mentions' speakers allow them to be one quotation.

    The same speaker always; an unattributed side only for quotations of 6+ words (short stock
    phrases such as "No comment" are not merged without a speaker); an article-scoped partial
    name when its surname matches the other side's; different known speakers never.
    """
    if a.speaker_id is None or b.speaker_id is None:
        return n_words >= MIN_UNATTRIBUTED_TOKENS
    if a.speaker_id == b.speaker_id:
        return True
    if a.local or b.local:
        return a.surname is not None and a.surname == b.surname
    return False


# --- speakers ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SpeakerKey:
    """A corpus-level speaker: its id, the key it was derived from, whether article-scoped."""

    speaker_id: str
    key: str
    local: bool
    surname: str | None


def name_words(name: str) -> list[str]:
    """A name's words, accents stripped, case folded, honorifics and initials dropped."""
    plain = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).casefold()
    words = re.findall(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", plain)
    return [w for w in words if w not in _HONORIFICS and len(w) > 1]


def speaker_key(name: str, entity_type: str, article_id: str) -> SpeakerKey:
    """The corpus-level speaker for an entity named ``name`` in article ``article_id``.

    A capitalised name of two or more words (after honorifics), or a capitalised one-word ORG or
    GROUP name, is a corpus-wide key (the entity type is not part of it: the same name typed
    PERSON in one article and ORG in another is one speaker); anything else (a surname alone, a
    description) is scoped to the article.
    """
    words = name_words(name)
    capital = name[:1].isupper()
    surname = words[-1] if words else None
    if capital and (len(words) >= 2 or (words and entity_type in ("ORG", "GROUP"))):
        key = "name:" + " ".join(words)
        return SpeakerKey(short_id("S", key), key, False, surname)
    key = f"local:{article_id}:" + (" ".join(words) or name.strip().casefold())
    return SpeakerKey(short_id("S", key), key, True, surname)


# --- stories -------------------------------------------------------------------------------------


MIN_STORY_TOKENS = 12


def story_signature(body: str) -> U64 | None:
    """MinHash signature of an article body (5-word shingles); ``None`` for a body of fewer than
    :data:`MIN_STORY_TOKENS` words, too short to call it a copy of anything."""
    words = tokens(body)
    if len(words) < MIN_STORY_TOKENS:
        return None
    return minhash(_shingles(words, STORY_SHINGLE), STORY_PERMS)


def story_keys(signature: U64) -> list[int]:
    """LSH band keys of a story signature."""
    return band_keys(signature, STORY_BANDS, "s")


def estimated_jaccard(a: U64, b: U64) -> float:
    """Share of equal MinHash values: an estimate of the Jaccard similarity of two bodies."""
    return float(np.mean(a == b))
