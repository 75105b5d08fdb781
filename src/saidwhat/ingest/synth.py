"""A synthetic news corpus made from the fixture articles, for tests and benchmarks.

Everything is fictional: the vocabulary comes from the repository's fictional example articles,
names and outlets are made of invented syllables. A corpus has the features the store must
handle at scale: the same quotation reported by several outlets (popular quotations drawn
often), reported with small variations (case, punctuation, a word cut), syndicated copies of a
wire story under other mastheads, speakers named in full then by surname. Generation is seeded
and streamed (one article at a time).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

_SYLLABLES = (
    "al",
    "bri",
    "cor",
    "dan",
    "el",
    "fen",
    "gar",
    "hal",
    "is",
    "jor",
    "kel",
    "lin",
    "mar",
    "nor",
    "os",
    "pel",
    "quin",
    "ros",
    "sal",
    "tor",
    "ul",
    "var",
    "wen",
    "yar",
    "zel",
    "bel",
    "cas",
    "dor",
    "fal",
    "gil",
    "hen",
    "ivo",
    "kas",
    "lor",
    "mel",
    "nev",
    "orr",
    "pim",
    "rav",
    "sen",
    "tam",
    "vik",
)
_PLACES = (
    "Alder",
    "Brook",
    "Cedar",
    "Dale",
    "Elm",
    "Fern",
    "Glen",
    "Harbor",
    "Iron",
    "Juniper",
    "Kestrel",
    "Lark",
)
_PAPERS = (
    "Courier",
    "Ledger",
    "Gazette",
    "Herald",
    "Tribune",
    "Sentinel",
    "Chronicle",
    "Dispatch",
    "Post",
)
_FILLER = (
    "The council met on {day} to discuss the plan, which has divided residents for months. "
    "Officials said the figures would be published later in the week. "
    "The proposal will return to the committee before a final vote."
)


def _vocabulary() -> list[str]:
    """Words of the fictional example articles (falls back to a built-in list)."""
    words: list[str] = []
    root = Path(__file__).resolve().parents[3] / "examples"
    for path in sorted(root.glob("*.txt")) if root.is_dir() else []:
        words += re.findall(r"[a-z]{3,}", path.read_text(encoding="utf-8").lower())
    if len(set(words)) < 200:
        text = resources.files("saidwhat").joinpath("data/cues.txt").read_text(encoding="utf-8")
        words += re.findall(r"[a-z]{3,}", text.lower()) + _FILLER.lower().split()
    return sorted(set(words))


@dataclass(slots=True)
class Spec:
    """Shape of a synthetic corpus."""

    articles: int = 1000
    quotes_per_article: int = 10
    quotations: int = 0  # distinct quotations in the pool; 0: articles * quotes / 3
    speakers: int = 0  # 0: quotations / 15
    outlets: int = 40
    syndicated: float = 0.1  # share of articles that copy an earlier wire story
    variants: float = 0.15  # share of mentions reported with a small variation
    seed: int = 7
    start: dt.date = dt.date(2015, 1, 1)
    days: int = 3650


@dataclass(slots=True)
class Corpus:
    """Generates articles as JSON-able dicts (id, text, published, outlet, title, url)."""

    spec: Spec
    rng: random.Random = field(init=False)
    words: list[str] = field(init=False)
    names: list[str] = field(init=False)
    outlets: list[str] = field(init=False)
    wire: list[dict[str, Any]] = field(init=False)
    n_quotes: int = field(init=False)

    def __post_init__(self) -> None:
        s = self.spec
        self.rng = random.Random(s.seed)
        self.words = _vocabulary()
        n_quotes = s.quotations or max(50, s.articles * s.quotes_per_article // 3)
        n_speakers = s.speakers or max(20, n_quotes // 15)
        self.names = [self._name() for _ in range(n_speakers)]
        self.outlets = [
            f"The {self.rng.choice(_PLACES)} {self.rng.choice(_PAPERS)}"
            + (f" {i}" if i >= len(_PLACES) else "")
            for i in range(s.outlets)
        ]
        self.n_quotes = n_quotes
        self.wire = []

    def _name(self) -> str:
        def word() -> str:
            parts = self.rng.randint(2, 3)
            return "".join(self.rng.choice(_SYLLABLES) for _ in range(parts)).capitalize()

        return f"{word()} {word()}"

    def quotation(self, k: int) -> tuple[str, str]:
        """The ``k``-th quotation of the pool and its speaker (deterministic in ``k``)."""
        r = random.Random(self.spec.seed * 1_000_003 + k)
        n = r.randint(7, 24)
        words = [r.choice(self.words) for _ in range(n)]
        text = " ".join(words).capitalize() + r.choice([".", ".", "!", "?"])
        return text, self.names[k % len(self.names)]

    def _pick(self) -> int:
        """A quotation index, popular ones (low indexes) far more often."""
        return min(self.n_quotes - 1, int(self.n_quotes * self.rng.random() ** 3))

    def _variant(self, text: str) -> str:
        r = self.rng.random()
        if r < 0.4:
            return text.rstrip(".!?") + "."
        if r < 0.7:
            return text.lower().capitalize()
        words = text.split()
        return " ".join(words[:-1]) + "." if len(words) > 8 else text

    def article(self, i: int) -> dict[str, Any]:
        s, rng = self.spec, self.rng
        outlet = rng.choice(self.outlets)
        day = s.start + dt.timedelta(days=rng.randrange(s.days))
        if self.wire and rng.random() < s.syndicated:
            src = rng.choice(self.wire)
            body = src["body"]
            day = dt.date.fromisoformat(src["published"]) + dt.timedelta(days=rng.randint(0, 2))
            title = src["title"]
        else:
            title = " ".join(rng.choice(self.words) for _ in range(6)).capitalize()
            body = self._body(day)
            if len(self.wire) < 2000:
                self.wire.append({"body": body, "published": day.isoformat(), "title": title})
            elif rng.random() < 0.05:
                self.wire[rng.randrange(len(self.wire))] = {
                    "body": body,
                    "published": day.isoformat(),
                    "title": title,
                }
        slug = re.sub(r"\W+", "-", title.lower()).strip("-")[:40]
        return {
            "id": f"syn-{i:07d}",
            "url": f"https://news.example/{outlet.split()[1].lower()}/{i}/{slug}",
            "published": day.isoformat(),
            "outlet": outlet,
            "title": title,
            "text": body,
        }

    def _body(self, day: dt.date) -> str:
        rng = self.rng
        paras = [_FILLER.format(day=day.strftime("%A"))]
        named: set[str] = set()
        for _ in range(self.spec.quotes_per_article):
            text, speaker = self.quotation(self._pick())
            if rng.random() < self.spec.variants:
                text = self._variant(text)
            said = speaker if speaker not in named else speaker.split()[-1]
            clause = text.rstrip(".") + ","
            if said == speaker:
                paras.append(f"“{clause}” said {speaker}.")
            else:
                paras.append(f"“{clause}” {said} said.")
            named.add(speaker)
            if rng.random() < 0.3:
                filler = " ".join(rng.choice(self.words) for _ in range(rng.randint(12, 30)))
                paras.append(filler.capitalize() + ".")
        return "\n\n".join(paras)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for i in range(self.spec.articles):
            yield self.article(i)


def write_jsonl_gz(spec: Spec, folder: Path, per_file: int = 10_000) -> list[Path]:
    """Write the corpus as ``part-NNNN.jsonl.gz`` files of ``per_file`` articles each."""
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    fh = None
    for i, art in enumerate(Corpus(spec)):
        if i % per_file == 0:
            if fh is not None:
                fh.close()
            paths.append(folder / f"part-{len(paths):04d}.jsonl.gz")
            fh = gzip.open(paths[-1], "wt", encoding="utf-8", compresslevel=3)  # noqa: SIM115
        assert fh is not None
        fh.write(json.dumps(art, ensure_ascii=False) + "\n")
    if fh is not None:
        fh.close()
    return paths


def as_txt(art: dict[str, Any]) -> str:
    """An article as a ``.txt`` file with the metadata header."""
    head = f"date {art['published']}\noutlet: {art['outlet']}\ntitle: {art['title']}\n\n"
    return head + f"{art['text']}\n"


def as_html(art: dict[str, Any]) -> str:
    """An article as a small news web page (meta tags, nav, article, footer)."""
    paras = "\n".join(f"<p>{p}</p>" for p in art["text"].split("\n\n"))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{art["title"]} | {art["outlet"]}</title>
<meta property="og:site_name" content="{art["outlet"]}">
<meta property="article:published_time" content="{art["published"]}T09:00:00Z">
<meta name="author" content="Staff Reporter">
<link rel="canonical" href="{art["url"]}"></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article><h1>{art["title"]}</h1>
{paras}
</article><footer>All rights reserved. {art["outlet"]}.</footer></body></html>
"""


def write_warc(
    path: Path, pages: list[tuple[str, bytes, str]], *, compress: bool = True, status: int = 200
) -> Path:
    """A WARC file with a warcinfo record, then a request and a response record per page
    (``(url, payload, content type)``), as a crawler writes it."""
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=compress)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "saidwhat"}))
        for url, payload, ctype in pages:
            req = StatusAndHeaders(
                "GET / HTTP/1.1", [("Host", "news.example")], is_http_request=True
            )
            writer.write_record(writer.create_warc_record(url, "request", http_headers=req))
            headers = StatusAndHeaders(
                f"{status} OK", [("Content-Type", ctype)], protocol="HTTP/1.1"
            )
            writer.write_record(
                writer.create_warc_record(
                    url, "response", payload=BytesIO(payload), http_headers=headers
                )
            )
    return path
