"""Metrics, subsets, error listing, report and ``saidwhat eval`` on invented texts.

When ``../shared`` exists, the metrics are also checked number for number against the reference
scorer (``shared/tools/score.py``) on the seed gold and on PolNeAR-derived records.
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import json
import random
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from saidwhat.evaluate import command, metrics
from saidwhat.evaluate.metrics import (
    apply_subset,
    filter_records,
    group_errors,
    list_errors,
    match_quotes,
    names_match,
    quote_kind,
    score,
    trim_span,
)
from saidwhat.evaluate.report import format_errors, format_json, format_table
from saidwhat.records import Article, Quote, RawArticle

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
TEXT = (
    "Intro line.\n\n“We will win this,” said Jane Doe, the mayor. "
    "Later he said that taxes were too high. Critics called it “a joke” on Monday."
)


def span(sub: str, text: str = TEXT, nth: int = 0) -> list[int]:
    """The offsets of the ``nth`` occurrence of ``sub`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(sub, start + 1)
    return [start, start + len(sub)]


def quote(
    sub: str, speaker: Any = None, kind: str | None = "direct", **extra: Any
) -> dict[str, Any]:
    """A GOLD_FORMAT quote whose content is ``sub`` in :data:`TEXT`."""
    return {"spans": [span(sub)], "text": sub, "kind": kind, "speaker": speaker, **extra}


def gold_of(*quotes: dict[str, Any], text: str = TEXT, aid: str = "a1") -> dict[str, Any]:
    return {aid: {"id": aid, "text": text, "quotes": list(quotes)}}


def system_of(*quotes: dict[str, Any], aid: str = "a1") -> dict[str, Any]:
    return {aid: {"id": aid, "quotes": list(quotes)}}


# -------------------------------------------------------------------------------------------------
# Building blocks


def test_trim_span_drops_marks_spaces_and_punctuation() -> None:
    text = " “Hello, world!” "
    assert trim_span(text, (0, len(text))) == (2, 14)
    assert trim_span(text, (0, 2)) == (2, 2)
    assert trim_span("abc", (-5, 99)) == (0, 3)


@pytest.mark.parametrize(
    ("gold", "system", "expected"),
    [
        ("Chrissy Teigen", "Teigen", True),
        ("Chrissy Teigen", "Chrissy", False),
        ("Chrissy Teigen", "chrissy teigen", True),
        ("Donald Trump", "Mr. Trump", True),
        ("Sen. Elizabeth Warren", "Elizabeth Warren", True),
        ("José Núñez", "Jose Nunez", True),
        ("Jane Doe", "John Doe", False),
        ("Jane Doe", "Jane Ann Doe", True),
        ("the president", "President", False),
        ("Jane Doe", None, False),
        (None, "Jane Doe", False),
        ("Jane Doe", "", False),
    ],
)
def test_names_match(gold: str | None, system: str | None, expected: bool) -> None:
    assert names_match(gold, system) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("“We win,” she said.", "direct"),
        ('  "We win," she said.', "direct"),
        ("that it was “a joke” indeed", "partial"),
        ("that the voters’ mood and Carter’s piety don’t matter", "indirect"),
        ("that he said ‘no’ twice", "partial"),
        ("that taxes were too high", "indirect"),
    ],
)
def test_quote_kind(text: str, expected: str) -> None:
    assert quote_kind(text, [(0, len(text))]) == expected


def test_quote_kind_sees_an_excluded_opening_mark() -> None:
    text = "He said “we win” today."
    assert quote_kind(text, [tuple(span("we win", text))]) == "direct"  # type: ignore[list-item]


# -------------------------------------------------------------------------------------------------
# Detection, exact, speakers


def test_detect_thresholds() -> None:
    gold = gold_of(quote("We will win this"))
    system = system_of(quote("We will win"))  # 11 of 16 trimmed gold characters
    result = score(gold, system)
    assert result["detect@0.3"]["tp"] == 1
    assert result["detect@0.8"]["tp"] == 0
    assert result["exact"]["tp"] == 0


def test_detect_is_one_to_one() -> None:
    gold = gold_of(quote("We will win this"))
    system = system_of(quote("We will win this"), quote("will win this"))
    result = score(gold, system)
    assert result["detect@0.3"] == {"p": 0.5, "r": 1.0, "f1": 0.6667, "tp": 1, "sys": 2, "gold": 1}


def test_best_pairs_first_and_ties() -> None:
    gold = [quote("We will win this")]
    wide = {"spans": [[span("We will win this")[0], span("said Jane Doe")[1]]]}
    exact = quote("We will win this")
    # equal coverage: the higher Jaccard wins
    assert match_quotes(TEXT, gold, [wide, exact], 0.3) == [(0, 1)]
    # full tie: the lowest gold index, then the lowest system index
    assert match_quotes(TEXT, [exact, exact], [exact, exact], 0.3) == [(0, 0), (1, 1)]
    # two golds fully covered by one system quote: the closer (Jaccard) gold takes it
    part = quote("We will")
    assert match_quotes(TEXT, [part, exact], [exact], 0.3) == [(1, 0)]


def test_empty_gold_content_never_matches() -> None:
    gold = gold_of({"spans": [span("“")], "speaker": None})
    result = score(gold, system_of({"spans": [span("“")]}))
    assert result["detect@0.3"]["tp"] == 0
    assert result["exact"]["tp"] == 1  # equal (empty) boundaries after trimming


def test_exact_trims_marks_and_counts_multisets() -> None:
    gold = gold_of(quote("We will win this"), quote("a joke", kind="partial"))
    marked = {"spans": [span("“We will win this,”")]}
    system = system_of(marked, marked, {"start": span("a joke")[0], "end": span("a joke")[1]})
    result = score(gold, system)
    assert result["exact"]["tp"] == 2
    assert result["exact"]["sys"] == 3


def test_speaker_accuracy_and_who_said_what() -> None:
    gold = gold_of(
        quote("We will win this", "Jane Doe"),
        quote("taxes were too high", "Jane Doe", kind="indirect"),
        quote("a joke", "Critics", kind="partial"),
        quote("Intro line", None),
    )
    system = system_of(
        quote("We will win this", "Doe"),
        quote("taxes were too high", {"name": "Ms. Jane Doe"}),
        quote("a joke", "Jane"),
        quote("Intro line", "Anyone"),
        quote("the mayor", "Jane Doe"),
    )
    result = score(gold, system)
    assert result["speaker_acc@0.3"] == round(2 / 3, 4)
    assert result["who_said_what@0.3"] == metrics.prf(2, 5, 3)
    assert result["who_said_what@0.8"]["tp"] == 2


def test_no_named_gold_means_no_speaker_metrics() -> None:
    result = score(gold_of(quote("We will win this")), system_of(quote("We will win this")))
    assert "speaker_acc@0.3" not in result
    assert "who_said_what@0.3" not in result


def test_missing_and_extra_articles() -> None:
    gold = {**gold_of(quote("We will win this")), **gold_of(quote("a joke"), aid="a2")}
    system = {**system_of(quote("We will win this")), **system_of(quote("a joke"), aid="zz")}
    result = score(gold, system)
    assert result["articles"] == 2
    assert result["articles_missing_in_system"] == 1
    assert result["detect@0.3"] == metrics.prf(1, 1, 2)


def test_span_exact_components() -> None:
    jane: dict[str, Any] = {"speaker_spans": [span("Jane Doe")], "cue_spans": [span("said")]}
    gold = gold_of(quote("We will win this", "Jane Doe", **jane))
    system = system_of(
        quote(
            "“We will win this,”", "Doe", speaker_spans=[span("Doe")], cue_spans=jane["cue_spans"]
        ),
        quote("We will win this"),  # the same content segment again: counted once
    )
    result = score(gold, system, spans=True)
    assert result["span_exact_content"] == metrics.prf(1, 1, 1)
    assert result["span_exact_source"] == metrics.prf(0, 1, 1)
    assert result["span_exact_cue"] == metrics.prf(1, 1, 1)
    assert "span_exact_cue" not in score(gold, system)


def test_breakdowns_by_kind() -> None:
    gold = gold_of(
        quote("We will win this", "Jane Doe"),
        quote("taxes were too high", "Jane Doe", kind="indirect"),
        quote("a joke", "Critics", kind="partial"),
    )
    system = system_of(quote("We will win this", "Doe"), quote("a joke", kind="direct"))
    result = score(gold, system)
    by_gold = result["by_gold_kind"]
    assert list(by_gold) == ["direct", "partial", "indirect"]
    assert by_gold["direct"]["detect@0.3"] == {"tp": 1, "r": 1.0}
    assert by_gold["indirect"]["detect@0.3"] == {"tp": 0, "r": 0.0}
    assert by_gold["partial"]["who_said_what@0.3"] == {"tp": 0, "r": 0.0}
    assert by_gold["partial"]["speaker_acc@0.3"] == 0.0
    assert result["by_system_kind"]["direct"] == {
        "sys": 2,
        "detect@0.3": {"tp": 2, "p": 1.0},
        "detect@0.8": {"tp": 2, "p": 1.0},
        "exact": {"tp": 2, "p": 1.0},
    }


# -------------------------------------------------------------------------------------------------
# Subsets


def test_quote_mark_subset() -> None:
    nested = quote("win", "Jane Doe", kind="nested")
    included = {"spans": [span("“We will win this,”")], "kind": "direct"}  # PolNeAR style
    gold = gold_of(
        quote("We will win this", kind=None),  # mark right before the span
        included,
        quote("taxes were too high", kind="indirect"),
        quote("a joke", kind="partial"),
        nested,
    )
    kept = filter_records(gold, side="gold", subset="quote-mark")["a1"]["quotes"]
    assert [q["spans"] for q in kept] == [
        [span("We will win this")],
        [span("“We will win this,”")],
        [span("a joke")],
    ]
    system = system_of(
        quote("We will win this", kind="direct"),
        quote("a joke", kind="partial"),
        quote("taxes were too high", kind="indirect"),
        quote("win", kind="nested"),
        quote("Intro line", kind=None),
        quote("a joke", kind=None),
        quote("Later he said", kind="direct"),  # direct without a mark: a transcript turn
    )
    _, sys_kept = apply_subset(gold, system, "quote-mark")
    assert [q["text"] for q in sys_kept["a1"]["quotes"]] == ["We will win this", "a joke"]
    assert filter_records(gold, side="gold", subset="all") == gold
    only_direct = filter_records(system, side="system", subset="all", kinds={"direct"})
    assert len(only_direct["a1"]["quotes"]) == 2
    with pytest.raises(ValueError):
        filter_records(gold, side="gold", subset="nope")  # type: ignore[arg-type]


# -------------------------------------------------------------------------------------------------
# Errors and report


def _error_case() -> tuple[dict[str, Any], dict[str, Any]]:
    gold = gold_of(
        quote("We will win this", "Jane Doe"),
        quote("taxes were too high", "he", kind="indirect"),
        quote("a joke", "Critics", kind="partial"),
    )
    system = system_of(
        quote("We will win this", "Jane"), quote("Intro line"), quote("a joke", "Critics")
    )
    return gold, system


def test_list_errors_and_groups() -> None:
    items = list_errors(*_error_case())
    kinds = sorted(item.error for item in items)
    assert kinds == ["false_alarm", "miss", "wrong_speaker"]
    miss = next(i for i in items if i.error == "miss")
    assert miss.phenomena == ("gold indirect", "no quote mark", "pronoun speaker")
    assert "[taxes were too high]" in miss.context
    assert len(miss.context) <= 90
    wrong = next(i for i in items if i.error == "wrong_speaker")
    assert (wrong.gold_speaker, wrong.system_speaker) == ("Jane Doe", "Jane")
    assert "gold named speaker" in wrong.phenomena
    alarm = next(i for i in items if i.error == "false_alarm")
    assert "no gold overlap" in alarm.phenomena
    groups = group_errors(items)
    assert next(iter(groups)).startswith("false_alarm: ")
    assert sum(len(v) for v in groups.values()) == 3


def test_report_table_json_and_errors() -> None:
    gold, system = _error_case()
    result = score(gold, system, spans=True)
    table = format_table(result)
    assert "detect@0.3" in table and "who_said_what@0.8" in table
    assert "recall by gold kind" in table and "span_exact_cue" in table
    items = list_errors(gold, system)
    data = json.loads(format_json(result, items))
    assert data["detect@0.3"] == result["detect@0.3"]
    assert len(data["errors"]) == 3
    listing = format_errors(items)
    assert "== miss: gold indirect" in listing and "a1 @" in listing


# -------------------------------------------------------------------------------------------------
# saidwhat eval


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    return parser.parse_args(argv)


def _write_jsonl(path: Path, records: Iterable[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _fake_extract_many(raws: Iterable[RawArticle], **options: Any) -> Iterator[Article]:
    """Finds “…” quotations; stands in for ``saidwhat.batch.extract_many``."""
    for raw in raws:
        quotes = [
            Quote(id=f"Q{n}", spans=[(m.start(1), m.end(1))], text=m.group(1), kind="direct")
            for n, m in enumerate(re.finditer(r"“([^”]*)”", raw.text), 1)
        ]
        yield Article(id=raw.id, text=raw.text, published=raw.published, quotes=quotes)


def test_eval_scores_a_system_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold, system = _error_case()
    gold_path = _write_jsonl(tmp_path / "gold.jsonl", gold.values())
    sys_path = _write_jsonl(tmp_path / "sys.jsonl", system.values())
    assert command.run(_args(str(gold_path), str(sys_path), "--json", "--errors")) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["detect@0.3"] == score(gold, system)["detect@0.3"]
    assert data["subset"] == "all" and len(data["errors"]) == 3
    assert command.run(_args(str(gold_path), str(sys_path), "--errors", "--spans")) == 0
    out = capsys.readouterr().out
    assert "span_exact_source" in out and "== wrong_speaker" in out


def test_eval_extracts_when_no_system(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[dict[str, Any]] = []

    def fake_loader() -> command.Extractor:
        def extract_many(raws: Iterable[RawArticle], **options: Any) -> Iterator[Article]:
            calls.append(options)
            return _fake_extract_many(list(raws))

        return extract_many

    monkeypatch.setattr(command, "load_extractor", fake_loader)
    gold, _ = _error_case()
    gold_path = _write_jsonl(tmp_path / "gold.jsonl", gold.values())
    saved = tmp_path / "out" / "system.jsonl"
    saved.parent.mkdir()
    argv = [str(gold_path), "--json", "--subset", "quote-mark", "--jobs", "2"]
    assert command.run(_args(*argv, "--model", "m", "--save-system", str(saved))) == 0
    data = json.loads(capsys.readouterr().out)
    assert calls == [{"jobs": 2, "model": "m", "scope": "statements"}]
    assert data["subset"] == "quote-mark"
    assert data["detect@0.3"]["gold"] == 2 and data["detect@0.3"]["tp"] == 2
    written = [json.loads(line) for line in saved.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in written] == ["a1"] and len(written[0]["quotes"]) == 2


def test_eval_usage_and_input_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert command.run(_args()) == 2
    assert command.run(_args("a", "b", "c")) == 2
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    assert command.run(_args(str(bad), str(bad))) == 1
    assert "E002" in capsys.readouterr().err
    assert command.run(_args(str(tmp_path / "absent.jsonl"), str(bad))) == 1
    assert "E001" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        _args("g.jsonl", "--limit", "0")


def test_eval_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold = {**gold_of(quote("a joke")), **gold_of(quote("a joke"), aid="a2")}
    gold_path = _write_jsonl(tmp_path / "gold.jsonl", gold.values())
    assert command.run(_args(str(gold_path), str(gold_path), "--limit", "1", "--json")) == 0
    assert json.loads(capsys.readouterr().out)["articles"] == 1


# -------------------------------------------------------------------------------------------------
# Agreement with the reference scorer (needs ../shared)


@pytest.fixture(scope="module")
def reference() -> ModuleType:
    """``shared/tools/score.py`` imported from its path."""
    path = SHARED / "tools" / "score.py"
    if not path.is_file():
        pytest.skip("../shared is not available")
    spec = importlib.util.spec_from_file_location("reference_score", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _speaker_variant(rng: random.Random, name: Any) -> Any:
    words = str(name or "Some One").split()
    options: list[Any] = [
        None, words[-1], words[0], f"Mr. {words[-1]}", {"name": name}, {"text": name},
        "Someone Else", "she", name.upper() if isinstance(name, str) else name, "",
    ]  # fmt: skip
    return rng.choice(options)


def _shift(rng: random.Random, spans: list[list[int]], size: int) -> list[list[int]]:
    out = []
    for a, b in spans:
        a2 = min(max(a + rng.randint(-12, 12), 0), size)
        b2 = min(max(b + rng.randint(-12, 12), 0), size)
        out.append(sorted([a2, b2]))
    return out


def _perturb_quote(rng: random.Random, q: dict[str, Any], size: int) -> dict[str, Any]:
    q = copy.deepcopy(q)
    if rng.random() < 0.4:
        q["spans"] = _shift(rng, q["spans"], size)
    if rng.random() < 0.4:
        q["speaker"] = _speaker_variant(rng, q.get("speaker"))
    if rng.random() < 0.3:
        q["speaker_spans"] = _shift(rng, q.get("speaker_spans") or [[0, 5]], size)
    if rng.random() < 0.2:
        q["cue_spans"] = []
    if rng.random() < 0.1 and len(q["spans"]) == 1:
        (start, end), _ = q.pop("spans")[0], None
        q.update(start=start, end=end)
    return q


def perturb(gold: dict[str, Any], seed: int) -> dict[str, Any]:
    """A system output derived from ``gold``: dropped, shifted, duplicated and invented quotes."""
    rng = random.Random(seed)
    system: dict[str, Any] = {}
    for aid, record in gold.items():
        if rng.random() < 0.1:
            continue  # article missing in the system
        size = len(record["text"])
        quotes = []
        for q in record["quotes"]:
            if rng.random() < 0.2:
                continue
            quotes.append(_perturb_quote(rng, q, size))
            if rng.random() < 0.1:
                quotes.append(copy.deepcopy(quotes[-1]))
        for _ in range(rng.randint(0, 3)):
            start = rng.randrange(size)
            end = min(size, start + rng.randint(1, 120))
            quotes.append({"spans": [[start, end]], "speaker": rng.choice([None, "Jane Doe"])})
        rng.shuffle(quotes)
        system[aid] = {"id": aid, "quotes": quotes}
    return system


def _assert_agrees(reference: ModuleType, gold: dict[str, Any], system: dict[str, Any]) -> None:
    for spans in (False, True):
        expected = reference.score(gold, system, spans)
        mine = score(gold, system, spans=spans)
        assert {k: mine[k] for k in expected} == expected
        assert set(mine) - set(expected) == {"by_gold_kind", "by_system_kind"}


def _seed_gold() -> dict[str, Any]:
    path = SHARED / "reference" / "000_608ada083e2f446a.gold.jsonl"
    record = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    return {f"copy{n}": {**record, "id": f"copy{n}"} for n in range(4)}


@pytest.mark.shared
@pytest.mark.parametrize("seed", range(12))
def test_agrees_with_reference_on_seed_gold(reference: ModuleType, seed: int) -> None:
    gold = _seed_gold()
    _assert_agrees(reference, gold, perturb(gold, seed))
    _assert_agrees(reference, gold, gold)


@pytest.mark.shared
@pytest.mark.parametrize("seed", range(3))
def test_agrees_with_reference_on_polnear(reference: ModuleType, seed: int) -> None:
    from saidwhat.evaluate.polnear import load_polnear

    records = load_polnear(SHARED / "data" / "polnear", "train", limit=60)
    gold = {r["id"]: r for r in records}
    system = perturb(gold, seed)
    _assert_agrees(reference, gold, system)
    _assert_agrees(reference, *apply_subset(gold, system, "quote-mark"))


def test_extraction_scope_follows_the_gold() -> None:
    assert command.extraction_scope(_args("gold.jsonl")) == "statements"
    assert command.extraction_scope(_args("--polnear", "dir")) == "attributions"
    assert command.extraction_scope(_args("--polnear", "dir", "--scope", "statements")) == (
        "statements"
    )
