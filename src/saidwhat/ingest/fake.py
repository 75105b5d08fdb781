"""A fast, simple stand-in for the engine, for tests and benchmarks of the store.

It finds text in “curly” or "straight" double quotes and takes as speaker the capitalised name
next to a ``said``/``says``/``told`` cue right after the quote (``“…,” said Ada Lane`` or ``“…,”
Lane said``); a surname alone resolves to a full name used earlier in the article, as the engine
does. It is not an extractor for real use: it lets tests and the scale benchmark exercise
ingest, clustering and search at thousands of articles per second, where the engine is not the
subject. Set ``SAIDWHAT_FAKE_DELAY`` (seconds per article) to slow it down, as the kill-and-resume
test does to kill mid-run.
"""

from __future__ import annotations

import os
import re
import time

from saidwhat.records import Article, Entity, Quote, RawArticle
from saidwhat.text.layout import parse_header

_QUOTE = re.compile(r"“([^”]{3,})”|\"([^\"]{3,})\"")
_NAME = r"([A-Z][\w'’-]+(?: [A-Z][\w'’-]+){0,2})"
_AFTER = re.compile(
    rf"\s*(said|says|told \w+|added|wrote)\s+{_NAME}|\s*{_NAME}\s+(said|says|added)"
)


def extract(raws: list[RawArticle], model: str = "") -> list[Article]:
    """Articles with quotations found by the patterns above."""
    delay = float(os.environ.get("SAIDWHAT_FAKE_DELAY", "0") or 0)
    out = []
    for raw in raws:
        if delay:
            time.sleep(delay)
        out.append(_article(raw))
    return out


def _article(raw: RawArticle) -> Article:
    text = raw.text
    header = parse_header(text)
    art = Article.shell(raw, header.fields, header.body_start)
    art.warnings = list(raw.notices)
    entities: dict[str, Entity] = {}
    full: dict[str, str] = {}
    for i, m in enumerate(_QUOTE.finditer(text, header.body_start), start=1):
        group = 1 if m.group(1) is not None else 2
        start, end = m.span(group)
        quote = Quote(
            id=f"Q{i}",
            spans=[(start, end)],
            text=m.group(group),
            kind="direct",
            confidence=0.5,
            evidence=["fake:quote-marks"],
        )
        after = _AFTER.match(text, m.end(), min(len(text), m.end() + 80))
        if after:
            cue = after.group(1) or after.group(4)
            name = after.group(2) or after.group(3)
            nstart = after.start(2) if after.group(2) else after.start(3)
            said = name
            name = full.get(name, name)
            if " " in name:
                full[name.split()[-1]] = name
            ent = entities.get(name)
            if ent is None:
                ent = entities[name] = Entity(id=f"E{len(entities) + 1}", name=name, type="PERSON")
            if said != name and said not in ent.aliases:
                ent.aliases.append(said)
            ent.mentions.append((nstart, nstart + len(after.group(2) or after.group(3))))
            quote.speaker, quote.speaker_id, quote.cue = name, ent.id, cue.split()[0]
            quote.speaker_spans = [ent.mentions[-1]]
            quote.evidence.append("fake:cue")
            quote.confidence = 0.8
        art.quotes.append(quote)
    art.entities = list(entities.values())
    return art
