"""Hand-annotated canonical speakers for gold attributions (named-speaker accuracy).

A speaker annotation file (``annotations/polnear-dev-speakers.jsonl``, described in
``annotations/README.md``) gives, for each attribution of a sample of gold articles, the canonical
name of its source ("Hillary Clinton" where PolNeAR's Source span says "she") and whether that
source is a specific named person or organisation. Lines are
``{"id": ..., "spans": [[s, e], ...], "speaker": str | null, "named": bool}``; an attribution is
identified by its article id and its content spans exactly as the gold loader gives them.

:func:`apply_speaker_annotations` puts those names into the gold records. With ``named_only``
(the default) unnamed sources get no speaker, so GOLD_FORMAT's speaker metrics, which count only
gold quotes that have a speaker, measure named-speaker accuracy.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from saidwhat.errors import SaidwhatError
from saidwhat.evaluate.metrics import Record, Span

SpeakerKey = tuple[str, tuple[Span, ...]]
"""An attribution: article id and content spans (in the gold record's order)."""
SpeakerLabel = tuple[str | None, bool]
"""The canonical speaker name (None: not identifiable) and whether it is a named one."""

ANNOTATIONS_DIR = Path(__file__).parent / "annotations"
POLNEAR_DEV_SPEAKERS = ANNOTATIONS_DIR / "polnear-dev-speakers.jsonl"
"""The PolNeAR dev sample (first 32 articles in sorted order, every attribution)."""


def speaker_key(article_id: str, spans: Iterable[Sequence[int]]) -> SpeakerKey:
    """The lookup key of one attribution: ``(id, ((s, e), ...))``."""
    return article_id, tuple((int(span[0]), int(span[1])) for span in spans)


def _spans(value: object) -> list[Span] | None:
    """``[[s, e], ...]`` (non-empty, integers) as spans; None when it is not that."""
    if not isinstance(value, list) or not value:
        return None
    spans: list[Span] = []
    for item in value:
        if not (isinstance(item, list) and len(item) == 2):
            return None
        start, end = item
        if not (type(start) is int and type(end) is int):
            return None
        spans.append((start, end))
    return spans


def _parse_line(line: str, where: str) -> tuple[SpeakerKey, SpeakerLabel]:
    """One annotation line -> ``(key, (speaker, named))``; E002 when it is not one."""
    try:
        data: object = json.loads(line)
    except json.JSONDecodeError as exc:
        raise SaidwhatError("E002", f"{where}: {exc}") from exc
    if not isinstance(data, dict):
        raise SaidwhatError("E002", f"{where}: expected a JSON object")
    article_id, spans = data.get("id"), _spans(data.get("spans"))
    speaker, named = data.get("speaker"), data.get("named")
    if (
        not isinstance(article_id, str)
        or spans is None
        or not (speaker is None or isinstance(speaker, str))
        or not isinstance(named, bool)
    ):
        raise SaidwhatError(
            "E002", f"{where}: expected id (str), spans ([[s, e], ...]), speaker, named (bool)"
        )
    return speaker_key(article_id, spans), (speaker, named)


def load_speaker_annotations(
    path: Path | str = POLNEAR_DEV_SPEAKERS,
) -> dict[SpeakerKey, SpeakerLabel]:
    """Read a speaker annotation file: ``{(id, spans): (speaker, named)}``.

    Blank lines are skipped. A line that is not an annotation is an E002 error, an unreadable file
    an E001 error, and two lines for the same attribution an E002 error.
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise SaidwhatError("E001", f"{path}: {exc}") from exc
    annotations: dict[SpeakerKey, SpeakerLabel] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        key, label = _parse_line(line, where)
        if key in annotations:
            raise SaidwhatError("E002", f"{where}: a second annotation for {key[0]} {key[1]}")
        annotations[key] = label
    return annotations


def annotated_ids(annotations: Mapping[SpeakerKey, SpeakerLabel]) -> set[str]:
    """The article ids that have annotations."""
    return {article_id for article_id, _ in annotations}


def unmatched_annotations(
    gold_records: Iterable[Record], annotations: Mapping[SpeakerKey, SpeakerLabel]
) -> list[SpeakerKey]:
    """Annotations that match no quote of the given gold records (sorted)."""
    keys = {
        speaker_key(str(record.get("id")), quote.get("spans") or [])
        for record in gold_records
        for quote in record.get("quotes") or []
    }
    return sorted(key for key in annotations if key not in keys)


def apply_speaker_annotations(
    gold_records: Iterable[Record],
    annotations: Mapping[SpeakerKey, SpeakerLabel],
    *,
    named_only: bool = True,
) -> list[Record]:
    """The annotated gold articles, each quote's ``speaker`` replaced by its canonical name.

    Only articles with at least one annotation are returned (in the given order); the input records
    are not changed. With ``named_only`` a quote whose speaker is not a named one gets
    ``speaker`` None, so that speaker accuracy and who-said-what count named speakers only.

    Raises ValueError when a quote of an annotated article has no annotation, or an annotation
    matches no quote of its article. Both mean the annotations and the gold loader disagree on
    the attributions' content spans.
    """
    ids = annotated_ids(annotations)
    records = [record for record in gold_records if record.get("id") in ids]
    unmatched = unmatched_annotations(records, annotations)
    if unmatched:
        article_id, spans = unmatched[0]
        raise ValueError(
            f"{len(unmatched)} speaker annotation(s) match no gold quote, e.g. {article_id} "
            f"{list(spans)}"
        )
    out: list[Record] = []
    for record in records:
        article_id = str(record.get("id"))
        quotes = []
        for quote in record.get("quotes") or []:
            key = speaker_key(article_id, quote.get("spans") or [])
            if key not in annotations:
                raise ValueError(f"no speaker annotation for {article_id} {list(key[1])}")
            speaker, named = annotations[key]
            quotes.append({**quote, "speaker": speaker if named or not named_only else None})
        out.append({**record, "quotes": quotes})
    return out
