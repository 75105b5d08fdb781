"""Bad and extreme input: empty, binary, broken UTF-8, huge, quote-mark floods, broken batches.

Every case must finish, never raise, and say what happened with a coded warning (``W…``) or error
(``E…``, see ``saidwhat.errors``). The big cases run in a child process with a time limit, so an
engine that hangs or slows down badly fails instead of stalling the suite.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import saidwhat
from saidwhat.pipeline import Engine
from saidwhat.records import Article
from saidwhat.text.reader import read_text_file

QUOTE = "“We will have the railing back before the ferry season starts,” said Ruth Calloway."
CONTENT = "We will have the railing back before the ferry season starts,"


def codes(article: Article) -> set[str]:
    return {w.code for w in article.warnings}


def extract(engine: Engine, text: str) -> Article:
    """``saidwhat.extract``, which shares the session's engine (the fixture loads it first)."""
    assert engine is not None
    return saidwhat.extract(text, id="bad")


def _quote_found(article: Article) -> None:
    """The fictional quote QUOTE is in the article, attributed, and its offsets index the text."""
    hits = [q for q in article.quotes if q.text == CONTENT]
    assert len(hits) == 1, [q.text for q in article.quotes]
    q = hits[0]
    assert article.text[q.start : q.end] == CONTENT
    assert q.speaker == "Ruth Calloway"


# -- small cases, in process ----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", " ", "  \n\t \n\u00a0\n"], ids=["empty", "space", "mixed"])
def test_empty_or_whitespace_text(engine: Engine, text: str) -> None:
    article = extract(engine, text)
    assert article.quotes == [] and article.not_quotes == [] and article.captions == []
    assert "W002" in codes(article)
    assert not any(c.startswith("E") for c in codes(article))


def test_nul_characters_in_text(engine: Engine) -> None:
    text = f"Storm damage on the quay.\x00\x00\n\n{QUOTE}\x00 Volunteers cleared the slipway."
    article = extract(engine, text)
    assert "W004" in codes(article)
    assert "\x00" not in article.text
    _quote_found(article)


def test_binary_file_with_nul_bytes(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "binary.txt"
    path.write_bytes(b"\x00\x01\x02\x00" * 50 + QUOTE.encode() + b"\x00\x00\x7f")
    raw = read_text_file(path)
    assert "W004" in {n.code for n in raw.notices}
    article = engine.extract(raw)
    assert "W004" in codes(article)
    _quote_found(article)


def test_invalid_utf8_file(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "broken.txt"
    path.write_bytes(b"Storm \xff\xfe damage \xc3\x28 on the quay.\n\n" + QUOTE.encode())
    raw = read_text_file(path)
    article = engine.extract(raw)
    assert "W003" in codes(article)
    assert "\ufffd" in article.text
    _quote_found(article)


def test_text_only_of_quote_marks(engine: Engine) -> None:
    article = extract(engine, "“”‘’\"\"''«»„“ “” ‘’")
    assert "W007" in codes(article)
    assert article.quotes == [] and article.not_quotes == []


def test_unbalanced_marks(engine: Engine) -> None:
    text = (
        "“We will rebuild the pier,” said Mayor Ines Varga.\n\n"
        "The storm flattened the “old boathouse and two sheds on the north beach.\n\n"
        "Insurers were on site by Monday” and the council met on Tuesday.\n\n"
        "“It took two days to clear the road,” said Tomas Reyl, a fisherman."
    )
    article = extract(engine, text)
    w001 = [w for w in article.warnings if w.code == "W001"]
    assert len(w001) == 2, article.warnings
    stray = {text.index("“old"), text.index("” and")}
    assert {w.offset for w in w001} == stray
    got = {q.text: q.speaker for q in article.quotes if q.kind != "indirect"}
    assert got == {
        "We will rebuild the pier,": "Ines Varga",
        "It took two days to clear the road,": "Tomas Reyl",
    }


# -- big cases, in a child process with a time limit ----------------------------------------------

_CHILD = """
import json, sys, time
import saidwhat
saidwhat.extract("warm up")
out = []
for path in sys.argv[1:]:
    text = open(path, encoding="utf-8").read()
    t0 = time.process_time()
    a = saidwhat.extract(text, id="big")
    cpu = time.process_time() - t0
    last = a.quotes[-1] if a.quotes else None
    out.append({
        "cpu": cpu, "chars": len(text), "quotes": len(a.quotes),
        "codes": sorted({w.code for w in a.warnings}),
        "last": None if last is None else {"start": last.start, "speaker": last.speaker},
        "ok": all(a.text[q.spans[0][0]:q.spans[0][1]] == q.text for q in a.quotes
                  if len(q.spans) == 1),
    })
print(json.dumps(out))
"""


def run_child(tmp_path: Path, texts: list[str], limit: float) -> list[dict[str, Any]]:
    """Extract ``texts`` in a fresh process; fail when it takes more than ``limit`` seconds of
    wall time (a guard against hangs; a busy machine stretches it, so limits are generous and the
    speed checks use ``cpu``, the CPU seconds of the extraction alone)."""
    paths = []
    for i, text in enumerate(texts):
        path = tmp_path / f"big{i}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _CHILD, *paths],
            capture_output=True,
            text=True,
            timeout=limit,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"extraction did not finish within {limit:.0f} s")
    assert proc.returncode == 0, proc.stderr[-2000:]
    result: list[dict[str, Any]] = json.loads(proc.stdout.splitlines()[-1])
    return result


def _ballots(n: int) -> str:
    votes = " ".join("“Yes.”" if i % 3 else "“No.”" for i in range(n))
    return (
        "The parish clerk read every ballot aloud on Tuesday night.\n\n"
        f"The count went on past midnight: {votes}\n\n"
        "“It was the longest count I have ever done,” said clerk Odile Farrant."
    )


def test_20000_quote_marks(tmp_path: Path) -> None:
    """20,100 quote marks (10,050 one-word quotes): pairing is capped with W006, still quotes."""
    (result,) = run_child(tmp_path, [_ballots(10_050)], 180)
    assert "W006" in result["codes"]
    assert not any(c.startswith("E") for c in result["codes"])
    assert result["quotes"] > 0
    assert result["ok"]


def test_20000_quote_marks_only(tmp_path: Path) -> None:
    """Text only of quote marks, no spaces: W007 and nothing else, at once."""
    (result,) = run_child(tmp_path, ["“”" * 10_000], 30)
    assert result["codes"] == ["W007"]
    assert result["quotes"] == 0
    assert result["cpu"] < 5


_PARAGRAPHS = (
    "The harbour board met on {day} evening to discuss the storm damage along the east quay, where "
    "two mooring posts were torn loose and a section of railing fell into the water.",
    "“We will have the railing back before the ferry season starts,” said harbour master "
    "{speaker}.",
    "Volunteers from the rowing club spent most of the next morning clearing kelp and broken "
    "planks from the slipway, and the bakery on Wharf Lane sent over coffee and buns.",
    "Board members agreed to ask the county for an emergency grant to cover the repairs, which "
    "the treasurer put at roughly forty thousand pounds, before the next meeting.",
)
_SPEAKERS = ("Ruth Calloway", "Ansel Moreau", "Petra Lindqvist")
_DAYS = ("Monday", "Tuesday", "Thursday")


def _five_megabytes() -> str:
    parts: list[str] = []
    size = 0
    i = 0
    while size < 5_000_000:
        block = "\n\n".join(_PARAGRAPHS).format(day=_DAYS[i % 3], speaker=_SPEAKERS[i % 3])
        parts.append(block)
        size += len(block) + 2
        i += 1
    return "\n\n".join(parts)


@pytest.mark.slow
def test_five_megabyte_article(tmp_path: Path) -> None:
    text = _five_megabytes()
    assert len(text) >= 5_000_000
    (result,) = run_child(tmp_path, [text], 900)
    assert result["cpu"] < 300, "CPU seconds; about 125 s when written (linear, ~25 s/MB)"
    assert "W005" in result["codes"]
    assert "W006" not in result["codes"]  # fewer than 20,000 marks
    assert not any(c.startswith("E") for c in result["codes"])
    assert result["quotes"] >= text.count("“")  # one per block, the last chunk's too
    assert result["last"]["start"] > len(text) - 1000
    assert result["last"]["speaker"] in _SPEAKERS
    assert result["ok"]


# -- batches through the CLI ----------------------------------------------------------------------


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "saidwhat.cli", "extract", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        timeout=120,
    )


def _records(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def test_jsonl_batch_with_a_bad_line(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "one", "text": QUOTE}, ensure_ascii=False),
        '{"id": "two", "text": "unterminated',
        json.dumps({"id": "three", "text": "“The ferry is late,” said Ansel Moreau."}),
        "",
        json.dumps({"id": "four", "text": "Nobody said anything at all."}),
    ]
    (tmp_path / "batch.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = _cli("batch.jsonl", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    e002 = [line for line in proc.stderr.splitlines() if line.startswith("E002")]
    assert len(e002) == 1 and "batch.jsonl:2" in e002[0], proc.stderr
    records = _records(proc.stdout)
    assert [r["id"] for r in records] == ["one", "three", "four"]
    assert records[0]["quotes"][0]["speaker"] == "Ruth Calloway"
    assert records[1]["quotes"][0]["speaker"] == "Ansel Moreau"
    assert records[2]["quotes"] == []


def test_missing_file_among_good_ones(tmp_path: Path) -> None:
    (tmp_path / "first.txt").write_text(QUOTE, encoding="utf-8")
    (tmp_path / "last.txt").write_text("“The ferry is late,” said Ansel Moreau.", encoding="utf-8")
    proc = _cli("first.txt", "nowhere.txt", "last.txt", cwd=tmp_path)
    assert proc.returncode != 0
    e001 = [line for line in proc.stderr.splitlines() if line.startswith("E001")]
    assert len(e001) == 1 and "nowhere.txt" in e001[0], proc.stderr
    assert [r["id"] for r in _records(proc.stdout)] == ["first", "last"]
