"""The PolNeAR brat reader on a tiny invented corpus (and on the real one when ../shared exists)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest

from saidwhat.errors import SaidwhatError
from saidwhat.evaluate import command
from saidwhat.evaluate.polnear import align_text, load_polnear, parse_brat, read_polnear

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
NAME = "demo-news_2016-05-01_a-made-up-story"
TEXT = (
    "Ann Lee said the plan works. “It is ready,” she added, “and cheap.” "
    "Critics say it is “risky” and slow. Reports claim it failed.\nBadly, too."
)


def at(sub: str, text: str = TEXT) -> tuple[int, int]:
    start = text.index(sub)
    return start, start + len(sub)


def t_line(tid: str, ttype: str, *subs: str) -> str:
    """A brat ``T`` line covering ``subs`` (several: a discontinuous span)."""
    spans = [at(sub) for sub in subs]
    offsets = ";".join(f"{a} {b}" for a, b in spans)
    return f"{tid}\t{ttype} {offsets}\t{' '.join(TEXT[a:b] for a, b in spans)}"


ANN = "\n".join(
    [
        t_line("T1", "Source", "Ann Lee"),
        t_line("T2", "Cue", "said"),
        t_line("T3", "Content", "the plan works"),
        t_line("T4", "Attribution", "said"),
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
        "#1\tAnnotatorNotes T3\tan invented note",
        t_line("T5", "Content", "“It is ready,”", "“and cheap.”"),
        t_line("T6", "Source", "she"),
        t_line("T7", "Cue", "added"),
        t_line("T8", "Attribution", "added"),
        "E2\tAttribution:T8 Source:T6 Cue:T7 Content:T5",
        t_line("T9", "Source", "Critics"),
        t_line("T10", "Cue", "say"),
        t_line("T11", "Content", "it is “risky”"),
        t_line("T12", "Content", "slow"),
        t_line("T13", "Attribution", "say"),
        "E3\tAttribution:T13 Cue:T10 Source:T9 Content:T11 Content2:T12",
        t_line("T14", "Cue", "claim"),
        t_line("T15", "Content", "it failed.\nBadly"),  # brat writes the newline verbatim
        t_line("T16", "Attribution-no-source", "claim"),
        "E4\tAttribution-no-source:T16 Content:T15 Cue:T14",
        t_line("T17", "Cue", "Reports"),
        t_line("T18", "Attribution", "Reports"),
        "E5\tAttribution:T18 Cue:T17",
        "",
    ]
)


def write_corpus(root: Path, *, text: str = TEXT, split: str = "train") -> Path:
    """A one-article corpus under ``root/data/<split>`` with two annotators' files."""
    folder = root / "data" / split
    (folder / "text").mkdir(parents=True)
    (folder / "attributions").mkdir()
    (folder / "text" / f"{NAME}.txt").write_bytes(text.encode("utf-8"))
    (folder / "attributions" / f"{NAME}_a1b2.ann").write_text(ANN, encoding="utf-8")
    other = "T1\tContent 0 3\tAnn\nE1\tAttribution:T1 Content:T1\n"
    (folder / "attributions" / f"{NAME}_ffff.ann").write_text(other, encoding="utf-8")
    (folder / "text" / "unannotated_2016-01-01_x.txt").write_text("No annotation.", "utf-8")
    return root


def test_parse_brat_lines_and_continuations() -> None:
    doc = parse_brat(ANN)
    assert len(doc.bounds) == 18
    assert doc.bounds["T15"].text == "it failed.\nBadly"
    assert doc.bounds["T5"].spans == [at("“It is ready,”"), at("“and cheap.”")]
    assert [e.id for e in doc.events] == ["E1", "E2", "E3", "E4", "E5"]
    assert doc.events[2].args[-1] == ("Content2", "T12")
    assert doc.events[3].type == "Attribution-no-source"


def test_load_polnear_records(tmp_path: Path) -> None:
    corpus = read_polnear(write_corpus(tmp_path), "train")
    (record,) = corpus.records
    assert record["id"] == NAME
    assert record["text"] == TEXT
    assert (record["published"], record["outlet"], record["annotator"]) == (
        "2016-05-01",
        "demo-news",
        "a1b2",
    )
    by_id = {q["id"]: q for q in record["quotes"]}
    assert list(by_id) == ["E1", "E2", "E3", "E4"]  # text order; E5 has no content
    first = by_id["E1"]
    assert first["spans"] == [list(at("the plan works"))]
    assert (first["kind"], first["speaker"]) == ("indirect", "Ann Lee")
    assert first["speaker_spans"] == [list(at("Ann Lee"))]
    assert first["cue_spans"] == [list(at("said"))]
    assert by_id["E2"]["kind"] == "direct"
    assert by_id["E2"]["spans"] == [list(at("“It is ready,”")), list(at("“and cheap.”"))]
    assert by_id["E2"]["text"] == "“It is ready,” “and cheap.”"
    assert by_id["E3"]["kind"] == "partial"
    assert by_id["E3"]["spans"] == [list(at("it is “risky”")), list(at("slow"))]
    assert (by_id["E4"]["speaker"], by_id["E4"]["speaker_spans"]) == (None, [])
    assert by_id["E4"]["text"] == "it failed.\nBadly"
    stats = corpus.stats
    assert (stats.articles, stats.articles_without_annotations) == (1, 1)
    assert (stats.attributions, stats.quotes, stats.skipped_no_content) == (5, 4, 1)
    assert (stats.offset_mismatches, stats.text_fixes) == (0, {})
    assert load_polnear(tmp_path / "data", "train") == corpus.records


def test_crlf_text_is_aligned_to_the_offsets(tmp_path: Path) -> None:
    corpus = read_polnear(write_corpus(tmp_path, text=TEXT.replace("\n", "\r\n")), "train")
    assert corpus.stats.text_fixes == {NAME: "crlf->lf"}
    assert corpus.stats.offset_mismatches == 0
    assert corpus.records[0]["text"] == TEXT


def test_align_text_keeps_exact_text_when_offsets_agree() -> None:
    doc = parse_brat(ANN)
    text, how, mismatches = align_text(TEXT, list(doc.bounds.values()))
    assert (text, how, mismatches) == (TEXT, "exact", 0)
    shifted = "X" + TEXT
    _, how, mismatches = align_text(shifted, list(doc.bounds.values()))
    assert how == "exact" and mismatches > 0


def test_limit_and_missing_split(tmp_path: Path) -> None:
    write_corpus(tmp_path)
    assert read_polnear(tmp_path, "train", limit=1).stats.articles == 1
    with pytest.raises(SaidwhatError, match="E001"):
        read_polnear(tmp_path, "dev")


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    return parser.parse_args(argv)


def test_eval_polnear_with_a_system_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_corpus(tmp_path / "corpus")
    gold = load_polnear(root, "train")
    system = tmp_path / "sys.jsonl"
    system.write_text(json.dumps({"id": NAME, "quotes": gold[0]["quotes"][:2]}) + "\n", "utf-8")
    argv = ["--polnear", str(root), "--split", "train", str(system), "--json", "--spans"]
    assert command.run(_args(*argv)) == 0
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    assert data["detect@0.3"]["tp"] == 2 and data["detect@0.3"]["gold"] == 4
    assert data["span_exact_cue"]["tp"] == 2
    assert data["polnear"]["quotes"] == 4
    assert command.run(_args(*argv, "--subset", "quote-mark")) == 0
    subset = json.loads(capsys.readouterr().out)
    assert subset["detect@0.3"]["gold"] == 1  # only the quotation that opens with a mark
    assert command.run(_args("--polnear", str(root), "a", "b")) == 2
    # PolNeAR annotates source, cue and content spans: their scores come without --spans too
    assert command.run(_args(*[a for a in argv if a != "--spans"])) == 0
    assert json.loads(capsys.readouterr().out)["span_exact_cue"]["tp"] == 2


@pytest.mark.shared
@pytest.mark.parametrize("split", ["train", "dev"])
def test_real_polnear_offsets(split: str) -> None:
    root = SHARED / "data" / "polnear"
    if not root.is_dir():
        pytest.skip("../shared is not available")
    corpus = read_polnear(root, split)
    stats = corpus.stats
    assert stats.articles == len(corpus.records) > 0
    assert stats.spans_checked > 0 and stats.offset_mismatches == 0
    assert stats.missing_references == 0
    kinds = {q["kind"] for r in corpus.records for q in r["quotes"]}
    assert kinds == {"direct", "partial", "indirect"}
    for record in corpus.records:
        for q in record["quotes"]:
            assert q["text"] == " ".join(record["text"][a:b] for a, b in q["spans"])
