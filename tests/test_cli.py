"""The ``saidwhat`` command line: ``extract`` (JSONL, --pretty, stdin) and ``eval``.

Each CLI run is a child process that loads the model (seconds), so there are only a few.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from phenomena import REFERENCE_KEYS, raw_article, write_gold_jsonl
from saidwhat.pipeline import Engine

ARTICLE_A = (
    "The Kestrel Valley orchard festival drew a record crowd on Saturday.\n\n"
    "“We ran out of cider by two o’clock,” said organiser Henrietta Vale."
)
ARTICLE_B = (
    "Two new buses will serve the hill villages from June.\n\n"
    "“The old timetable left people stranded,” said councillor Bartholomew Acre. "
    "“This fixes it.”"
)
ARTICLE_C = "The river level fell overnight.\n\n“The worst is over,” said warden Ilse Tamsin."
GOLD_KEYS = ("id", "text", "published", "quotes", "not_quotes", "captions")
QUOTE_KEYS = ("spans", "kind", "speaker", "speaker_spans", "cue_spans")


def saidwhat_cli(
    *args: str, cwd: Path, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "saidwhat.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        timeout=120,
    )
    return proc


def _records(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def _is_pairs(value: Any, text: str) -> bool:
    return isinstance(value, list) and all(
        isinstance(p, list) and len(p) == 2 and 0 <= p[0] < p[1] <= len(text) for p in value
    )


def test_extract_writes_gold_format(tmp_path: Path) -> None:
    (tmp_path / "orchard.txt").write_text(ARTICLE_A, encoding="utf-8")
    jsonl = [
        {"id": "buses", "text": ARTICLE_B, "published": "2024-05-17"},
        {"id": "river", "text": ARTICLE_C},
    ]
    (tmp_path / "more.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in jsonl), encoding="utf-8"
    )
    proc = saidwhat_cli("extract", "orchard.txt", "more.jsonl", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.splitlines()) == 3
    records = _records(proc.stdout)
    assert [r["id"] for r in records] == ["orchard", "buses", "river"]
    assert [r["published"] for r in records] == [None, "2024-05-17", None]
    assert [r["text"] for r in records] == [ARTICLE_A, ARTICLE_B, ARTICLE_C]
    for r in records:
        assert set(GOLD_KEYS) <= set(r), r.keys()
        assert r["schema"] == "saidwhat/1"
        assert r["not_quotes"] == [] and r["captions"] == []
        assert r["quotes"], r["id"]
        for q in r["quotes"]:
            assert set(QUOTE_KEYS) <= set(q)
            assert q["kind"] in {"direct", "partial", "indirect", "nested"}
            for key in ("spans", "speaker_spans", "cue_spans"):
                assert _is_pairs(q[key], r["text"]), (key, q[key])
            assert q["spans"], q
            text = r["text"]
            assert " ".join(text[a:b] for a, b in q["spans"]) == q["text"]
            for a, b in q["speaker_spans"]:
                assert text[a:b] in q["speaker"], (text[a:b], q["speaker"])
            assert [text[a:b] for a, b in q["cue_spans"]] in ([], ["said"])
    speakers = [[q["speaker"] for q in r["quotes"]] for r in records]
    assert speakers == [
        ["Henrietta Vale"],
        ["Bartholomew Acre", "Bartholomew Acre"],
        ["Ilse Tamsin"],
    ]


def test_extract_stdin_jsonl_pretty(tmp_path: Path) -> None:
    """JSONL records on stdin, printed as a who-said-what table."""
    lines = [
        json.dumps({"id": "orchard", "text": ARTICLE_A}, ensure_ascii=False),
        json.dumps({"id": "river", "text": ARTICLE_C, "published": "2024-02-29"}),
    ]
    proc = saidwhat_cli("extract", "--pretty", cwd=tmp_path, stdin="\n".join(lines) + "\n")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert not out.lstrip().startswith("{"), "a table, not JSON"
    assert "orchard" in out and "river" in out
    assert out.index("orchard") < out.index("Henrietta Vale") < out.index("river")
    assert out.index("river") < out.index("Ilse Tamsin")
    assert "We ran out of cider" in out
    assert "2 article(s)" in proc.stderr


def test_eval_agrees_with_reference_scorer(
    shared_dir: Path, engine: Engine, tmp_path: Path
) -> None:
    """``saidwhat eval GOLD SYSTEM`` and ``shared/tools/score.py`` give the same numbers.

    The system output is the engine's, made imperfect on purpose (a dropped quote, a wrong speaker,
    a cut span), so that the scores are not all 1.0.
    """
    names = ["speaker_pronouns", "split_comma", "nested"]
    gold_path = write_gold_jsonl(tmp_path / "gold.jsonl", names)
    system = [engine.extract(raw_article(n)).to_dict(with_text=False) for n in names]
    system[0]["quotes"].pop()
    system[1]["quotes"][0]["speaker"] = "Somebody Else"
    a, b = system[2]["quotes"][0]["spans"][0]
    system[2]["quotes"][0]["spans"] = [[a, a + (b - a) // 2]]
    system_path = tmp_path / "system.jsonl"
    system_path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in system), encoding="utf-8"
    )

    ours = saidwhat_cli("eval", str(gold_path), str(system_path), "--json", cwd=tmp_path)
    assert ours.returncode == 0, ours.stderr
    reference = subprocess.run(
        [
            sys.executable,
            str(shared_dir / "tools" / "score.py"),
            str(gold_path),
            str(system_path),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    mine = json.loads(ours.stdout)
    theirs = json.loads(reference.stdout)
    assert {k: mine[k] for k in REFERENCE_KEYS} == {k: theirs[k] for k in REFERENCE_KEYS}
    assert theirs["articles"] == 3
    assert theirs["detect@0.8"]["r"] < 1.0
    assert theirs["who_said_what@0.3"]["r"] < 1.0


@pytest.mark.parametrize("args", [["extract", "--bogus"], [], ["shout"]], ids=str)
def test_bad_arguments_exit_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    from saidwhat.cli import main

    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == 2
    assert "usage" in capsys.readouterr().err


def test_eval_without_files_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    from saidwhat.cli import main

    assert main(["eval"]) == 2
    assert "GOLD" in capsys.readouterr().err
