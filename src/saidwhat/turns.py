"""Transcript turns: paragraphs that open with their speaker's label and a colon, as news sites
print interviews and debates ("PENCE: Well, look, …", "SEN. WARREN: …").

A turn is a direct quotation whose source is the label and whose cue is the colon. The label must
be written in capitals, so that "Update: …" or a headline's "Obama on Climate: …" is not read as
one, and an article must have at least :data:`MIN_TURNS` labelled paragraphs, so that a stray
"WASHINGTON: …" dateline is not either. A printed interview's "Q:" and "A:" count when both
occur: the question is the interviewer's, the answer is given to the person the article names
most. Labels that name no speaker ("NOTE", "UPDATE") are listed in ``data/turn_labels.txt``. A
paragraph without a label continues the turn before it when another turn follows (the transcript
goes on); a bracketed stage note ("(CROSSTALK)") ends a turn. After the last turn nothing
continues it, since where a transcript ends is not marked.

The module reads text only, but for :func:`turn_quote`, which resolves a label through the
article's entity table; :func:`apply_turns` removes what the turns replace.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from saidwhat.entities import EntityTable, Mention, Resolution, name_words
from saidwhat.lexicons import word_set
from saidwhat.records import Offsets, Quote

MIN_TURNS = 2
"""Labelled paragraphs an article needs before any of them is read as a transcript turn."""
MAX_LABEL_WORDS = 4
"""Words a speaker label may have ("FORMER SECRETARY OF STATE" is not a label, "SEN. WARREN" is)."""
MAX_LABEL_CHARS = 40
INTERVIEW = ("Q", "A")
"""The question and answer labels of a printed interview (read only when both occur)."""
_OPENING = "\"'“‘«"
_CLOSING = "\"'”’»"
_STAGE = ("(", "[")


@dataclass(slots=True)
class Turn:
    """One speaker's turn: the label's offsets, the colon's, and the content (one span a
    paragraph)."""

    label: Offsets
    cue: Offsets
    spans: list[Offsets]


def find_turns(text: str, paragraphs: Sequence[Offsets]) -> list[Turn]:
    """The transcript turns among ``paragraphs`` (offsets into ``text``), in order."""
    labelled = [(k, _label(text, p)) for k, p in enumerate(paragraphs)]
    starts = [(k, lab) for k, lab in labelled if lab is not None]
    letters = {text[lab[0][0] : lab[0][1]] for _, lab in starts if lab[0][1] - lab[0][0] == 1}
    if letters != set(INTERVIEW):  # "Q:" and "A:" count only together
        starts = [(k, lab) for k, lab in starts if lab[0][1] - lab[0][0] > 1]
    if len(starts) < MIN_TURNS:
        return []
    turns: list[Turn] = []
    for n, (k, (label, cue)) in enumerate(starts):
        first = _content(text, cue[1], paragraphs[k][1])
        spans = [first] if first is not None else []
        following = starts[n + 1][0] if n + 1 < len(starts) else k + 1
        for j in range(k + 1, following):
            more = _content(text, *paragraphs[j])
            if more is None or text[more[0]] in _STAGE:
                break
            spans.append(more)
        if spans:
            turns.append(Turn(label, cue, spans))
    return turns


def _label(text: str, para: Offsets) -> tuple[Offsets, Offsets] | None:
    """The speaker label and colon opening a paragraph, if it has one."""
    start, end = para
    while start < end and (text[start].isspace() or text[start] in _OPENING):
        start += 1
    colon = text.find(":", start, min(end, start + MAX_LABEL_CHARS + 1))
    if colon <= start or colon + 1 >= end or not text[colon + 1].isspace():
        return None
    label = text[start:colon].strip()
    words = label.split()
    if not 1 <= len(words) <= MAX_LABEL_WORDS or not label.isupper():
        return None
    if label not in INTERVIEW and not any(sum(c.isalpha() for c in w) >= 2 for w in words):
        return None
    if label.lower() in word_set("turn_labels.txt") or any(c.isdigit() for c in label):
        return None
    return (start, start + len(label)), (colon, colon + 1)


def _content(text: str, start: int, end: int) -> Offsets | None:
    """A paragraph's words from ``start``, without the spaces and quote marks around them."""
    while start < end and (text[start].isspace() or text[start] in _OPENING):
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start and text[end - 1] in _CLOSING and text[start - 1] in _OPENING:
        end -= 1
    return (start, end) if end > start else None


def label_name(label: str) -> str:
    """A label as a name: "SEN. WARREN" → "Sen. Warren" (capitals read as a name's case)."""
    return " ".join(w[:1] + w[1:].lower() for w in label.split())


def apply_turns(records: list[Quote], turns: Sequence[Turn]) -> list[Quote]:
    """``records`` without the quotations a turn replaces: those whose content holds a turn's label
    (quote marks paired across the transcript) or that have no cue of their own inside the turn;
    an attribution nested in a turn, with its own cue there, stays. Turns are not added here."""
    kept: list[Quote] = []
    for rec in records:
        if not any(_replaced(rec, t) for t in turns):
            kept.append(rec)
    return kept


def _replaced(rec: Quote, turn: Turn) -> bool:
    lo, hi = turn.spans[0][0], turn.spans[-1][1]
    if any(a <= turn.label[0] < b for a, b in rec.spans):
        return True
    inside = all(lo <= a and b <= hi for a, b in rec.spans)
    if not inside:
        return False
    own_cue = any(lo <= a and b <= hi for a, b in rec.cue_spans)
    return not own_cue or _covers(rec.spans, turn.spans)


def _covers(spans: Sequence[Offsets], turn: Sequence[Offsets]) -> bool:
    """Whether ``spans`` cover most (80 %) of the turn's characters: the turn itself again."""
    size = sum(b - a for a, b in turn)
    shared = sum(max(0, min(b, d) - max(a, c)) for a, b in spans for c, d in turn)
    return size > 0 and shared >= 0.8 * size


def turn_quote(text: str, turn: Turn, table: EntityTable) -> Quote:
    """The quotation record of a turn, its label resolved like a name written in the text ("PENCE"
    → "Mike Pence" when the article named him)."""
    a, b = turn.label
    if text[a:b] in INTERVIEW:
        res = _interview_side(text[a:b], a, table)
    else:
        name = label_name(text[a:b])
        res = table.resolve(Mention(a, b, name, "name", words=name_words(name)))
    content = " ".join(text[s:e] for s, e in turn.spans)
    return Quote(
        id=f"T{turn.spans[0][0]}",
        spans=list(turn.spans),
        text=content,
        kind="direct",
        speaker=res.name,
        speaker_id=res.entity.id if res.entity else None,
        speaker_spans=[turn.label],
        cue=":",
        cue_spans=[turn.cue],
        confidence=round(0.9 * res.confidence, 3),
        evidence=["transcript-turn", res.evidence],
    )


def _interview_side(letter: str, pos: int, table: EntityTable) -> Resolution:
    """Who speaks in a printed interview: the interviewer ("Q", unnamed) or the interviewee
    ("A"), taken to be the person the article has named most often so far."""
    if letter == "Q":
        return Resolution(None, None, "speaker:interviewer", 0.3)
    person = table.most_named_person(pos)
    if person is None:
        return Resolution(None, None, "speaker:interviewee-unresolved", 0.2)
    return Resolution(person, person.name, "speaker:interviewee-salience", 0.6)
