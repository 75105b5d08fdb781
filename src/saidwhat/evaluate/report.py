"""Scores and error listings as readable tables or JSON."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from saidwhat.evaluate.metrics import ErrorItem, group_errors

_PRF_HEADER = f"{'metric':<22}{'P':>8}{'R':>8}{'F1':>8}{'TP':>8}{'sys':>8}{'gold':>8}"
_GOLD_KIND_COLUMNS = ("detect@0.3", "detect@0.8", "exact", "who_said_what@0.3", "who_said_what@0.8")
_SYSTEM_KIND_COLUMNS = ("detect@0.3", "detect@0.8", "exact")


def _is_prf(value: Any) -> bool:
    return isinstance(value, Mapping) and {"p", "r", "f1"} <= value.keys()


def _prf_row(name: str, v: Mapping[str, Any]) -> str:
    return (
        f"{name:<22}{v['p']:>8.4f}{v['r']:>8.4f}{v['f1']:>8.4f}"
        f"{v['tp']:>8}{v['sys']:>8}{v['gold']:>8}"
    )


def _short(column: str) -> str:
    return column.replace("who_said_what", "wsw").replace("detect", "det")


def _kind_table(title: str, rows: Mapping[str, Any], columns: Sequence[str], key: str) -> list[str]:
    """A per-kind table: the count, then the share (recall or precision) of each metric."""
    if not rows:
        return []
    count = "gold" if key == "r" else "sys"
    lines = [title, f"{'kind':<12}{count:>6}" + "".join(f"{_short(c):>11}" for c in columns)]
    for kind, row in rows.items():
        cells = "".join(f"{row[c][key]:>11.4f}" for c in columns)
        lines.append(f"{kind:<12}{row[count]:>6}{cells}")
    return lines


def format_table(result: Mapping[str, Any]) -> str:
    """The metrics as a table: P/R/F1 per metric, then speaker accuracy and per-kind tables."""
    lines = [
        f"articles: {result.get('articles', 0)}"
        f" (missing in system: {result.get('articles_missing_in_system', 0)})"
    ]
    if result.get("subset"):
        lines.append(f"subset: {result['subset']}")
    if result.get("scope"):
        lines.append(f"extraction scope: {result['scope']}")
    lines += ["", _PRF_HEADER]
    lines += [_prf_row(name, value) for name, value in result.items() if _is_prf(value)]
    for name, value in result.items():
        if name.startswith("speaker_acc"):
            lines.append(f"{name:<22}{value:>8.4f}")
    gold_rows = result.get("by_gold_kind") or {}
    system_rows = result.get("by_system_kind") or {}
    for block in (
        _kind_table("recall by gold kind", gold_rows, _GOLD_KIND_COLUMNS, "r"),
        _kind_table("precision by system kind", system_rows, _SYSTEM_KIND_COLUMNS, "p"),
    ):
        if block:
            lines += ["", *block]
    return "\n".join(lines)


def format_json(result: Mapping[str, Any], errors: Iterable[ErrorItem] | None = None) -> str:
    """The metrics as one JSON object; with ``errors``, their list under ``"errors"``."""
    out = dict(result)
    if errors is not None:
        out["errors"] = [item.to_dict() for item in errors]
    return json.dumps(out, ensure_ascii=False)


def _speakers(item: ErrorItem) -> str:
    if item.error == "wrong_speaker":
        return f"  gold={item.gold_speaker!r} system={item.system_speaker!r}"
    if item.error == "miss" and item.gold_speaker:
        return f"  gold={item.gold_speaker!r}"
    if item.error == "false_alarm" and item.system_speaker:
        return f"  system={item.system_speaker!r}"
    return ""


def _where(item: ErrorItem) -> str:
    """The offsets: every span, or the outer bounds and a count when there are many."""
    if len(item.spans) <= 3:
        return ",".join(f"{a}-{b}" for a, b in item.spans)
    return f"{item.spans[0][0]}-{item.spans[-1][1]} ({len(item.spans)} spans)"


def format_errors(items: Iterable[ErrorItem], *, per_group: int | None = None) -> str:
    """Errors grouped by type and phenomena, each with its article, offsets and context."""
    lines: list[str] = []
    for group, members in group_errors(items).items():
        lines += ["", f"== {group} ({len(members)})"]
        shown = members if per_group is None else members[:per_group]
        for item in shown:
            lines.append(f"  {item.article} @{_where(item)}: {item.context}{_speakers(item)}")
        if len(shown) < len(members):
            lines.append(f"  … {len(members) - len(shown)} more")
    return "\n".join(lines).lstrip("\n")
