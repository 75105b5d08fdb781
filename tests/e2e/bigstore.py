"""A large synthetic store for the load test: ``N`` quotation mentions (default 1,000,000), each
its own corpus-level quotation, ten per article, written straight into the store's tables (the
engine and the clustering are not what the load test measures), then the search index is built
the usual way (``Store(...).index``).

Everything is invented: words are made of syllables and drawn with a Zipf law (a few very common
words, a long tail of rare ones, like news text), speaker names likewise, outlets are
"Outlet 1"…"Outlet 40", dates spread over ten years. Seeded, so a store is reproducible.

    python tests/e2e/bigstore.py artifacts/load/big.duckdb --mentions 1000000
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import random
import sys
import time
from pathlib import Path
from typing import Any

SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"] + [
    "an",
    "en",
    "in",
    "on",
    "ar",
    "er",
    "ir",
    "or",
    "al",
    "el",
    "il",
    "ol",
]
PER_ARTICLE = 10
KINDS = ["direct"] * 70 + ["indirect"] * 20 + ["partial"] * 7 + ["nested"] * 3


def vocabulary(size: int, rng: random.Random) -> list[str]:
    """``size`` distinct invented words, most frequent first."""
    words: dict[str, None] = {}
    while len(words) < size:
        n = rng.choice((1, 2, 2, 3, 3, 4))
        words.setdefault("".join(rng.choice(SYLLABLES) for _ in range(n)))
    return list(words)


def zipf_cum(n: int, s: float = 1.0) -> list[float]:
    """Cumulative Zipf weights for ranks 1..n (for ``random.choices(cum_weights=...)``)."""
    return list(itertools.accumulate(1.0 / (k**s) for k in range(1, n + 1)))


def build(
    path: Path, mentions: int = 1_000_000, seed: int = 1, chunk: int = 5_000
) -> dict[str, Any]:
    """Write the store at ``path`` (must not exist) and build its search index."""
    from saidwhat.store import db
    from saidwhat.store.api import Store
    from saidwhat.store.writer import insert

    rng = random.Random(seed)
    words = vocabulary(30_000, rng)
    word_cum = zipf_cum(len(words))
    names = [
        f"{rng.choice(words[200:5000]).title()} {rng.choice(words[200:20000]).title()}"
        for _ in range(25_000)
    ]
    name_cum = zipf_cum(len(names), 0.9)
    name_ids = {n: f"S{i:05d}" for i, n in enumerate(names)}
    outlets = [f"Outlet {i}" for i in range(1, 41)]
    start = dt.date(2015, 1, 1)
    articles = mentions // PER_ARTICLE
    t0 = time.monotonic()
    con = db.connect(path, read_only=False)
    now = dt.datetime.now(dt.UTC)
    seq = 0
    for base in range(0, articles, chunk):
        art_rows: list[dict[str, Any]] = []
        men_rows: list[dict[str, Any]] = []
        spk_rows: list[dict[str, Any]] = []
        for a in range(base, min(articles, base + chunk)):
            aid = f"a{a:07d}"
            published = start + dt.timedelta(days=rng.randrange(3650))
            outlet = outlets[int(rng.paretovariate(1.2)) % len(outlets)]
            head = f"date {published.isoformat()}\noutlet: {outlet}\n\n"
            parts = [head]
            pos = len(head)
            speakers: dict[str, dict[str, Any]] = {}
            for k in range(PER_ARTICLE):
                n_words = rng.randint(6, 22)
                text = " ".join(rng.choices(words, cum_weights=word_cum, k=n_words)).capitalize()
                name = rng.choices(names, cum_weights=name_cum)[0]
                attributed = rng.random() > 0.05
                kind = rng.choice(KINDS)
                q_start = pos + 1
                q_end = q_start + len(text)
                tail = f"” said {name}.\n\n" if attributed else "”\n\n"
                parts.append("“" + text + tail)
                s_start = q_end + len("” said ")
                seq += 1
                sid = name_ids[name] if attributed else None
                ent = None
                if attributed and sid is not None:
                    row = speakers.setdefault(
                        sid,
                        {
                            "article_id": aid,
                            "version": 1,
                            "entity_id": f"E{len(speakers) + 1}",
                            "speaker_id": sid,
                            "name": name,
                            "type": "PERSON",
                            "aliases": [name.split()[-1]],
                            "quote_count": 0,
                            "published": published,
                            "outlet": outlet,
                            "speaker_key": sid,
                            "batch_no": 1,
                            "is_latest": True,
                        },
                    )
                    row["quote_count"] += 1
                    ent = row["entity_id"]
                men_rows.append(
                    {
                        "article_id": aid,
                        "version": 1,
                        "quote_id": f"Q{k + 1}",
                        "quotation_id": f"Q{seq:08d}",
                        "start": q_start,
                        "end": q_end,
                        "spans": [{"start": q_start, "end": q_end}],
                        "text": text,
                        "kind": kind,
                        "speaker": name if attributed else None,
                        "speaker_id": sid,
                        "entity_id": ent,
                        "speaker_spans": [{"start": s_start, "end": s_start + len(name)}]
                        if attributed
                        else [],
                        "cue": "said" if attributed else None,
                        "cue_spans": [{"start": q_end + 2, "end": q_end + 6}] if attributed else [],
                        "medium": None,
                        "addressee": None,
                        "parent": None,
                        "continues": None,
                        "confidence": 0.9 if attributed else 0.4,
                        "evidence": ["cue:after", "speaker:name"] if attributed else ["floating"],
                        "published": published,
                        "outlet": outlet,
                        "mention_seq": seq,
                        "batch_no": 1,
                        "is_latest": True,
                    }
                )
                pos += len(parts[-1])
            text_all = "".join(parts)
            art_rows.append(
                {
                    "article_id": aid,
                    "version": 1,
                    "content_hash": f"h{a}",
                    "story_id": f"st{a}",
                    "published": published,
                    "outlet": outlet,
                    "url": None,
                    "title": f"Story {a}",
                    "author": None,
                    "text": text_all,
                    "body_start": len(head),
                    "source": "synthetic",
                    "ingested_at": now,
                    "quote_count": PER_ARTICLE,
                    "warnings": [],
                    "run_id": "synthetic",
                    "batch_no": 1,
                    "is_latest": True,
                    "superseded_batch": None,
                }
            )
            spk_rows.extend(speakers.values())
        con.execute("BEGIN TRANSACTION")
        insert(con, "articles", art_rows)
        insert(con, "mentions", men_rows)
        insert(con, "article_speakers", spk_rows)
        con.execute("COMMIT")
        print(f"  {min(articles, base + chunk)} / {articles} articles", file=sys.stderr)
    con.execute("UPDATE meta SET value = '1' WHERE key = 'batch_no'")
    con.execute("CHECKPOINT")
    con.close()
    t1 = time.monotonic()
    with Store(path) as store:
        _ = store.index
    t2 = time.monotonic()
    return {
        "articles": articles,
        "mentions": seq,
        "write_s": round(t1 - t0, 1),
        "index_s": round(t2 - t1, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.db.exists():
        print(f"{args.db} exists", file=sys.stderr)
        return 2
    args.db.parent.mkdir(parents=True, exist_ok=True)
    print(build(args.db, args.mentions, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
