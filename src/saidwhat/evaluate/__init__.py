"""Evaluation: GOLD_FORMAT metrics, the PolNeAR brat reader, reports and ``saidwhat eval``."""

from __future__ import annotations

from saidwhat.evaluate.metrics import (
    SUBSETS,
    ErrorItem,
    apply_subset,
    filter_records,
    group_errors,
    list_errors,
    names_match,
    score,
)
from saidwhat.evaluate.polnear import PolnearCorpus, PolnearStats, load_polnear, read_polnear
from saidwhat.evaluate.report import format_errors, format_json, format_table

__all__ = [
    "SUBSETS",
    "ErrorItem",
    "PolnearCorpus",
    "PolnearStats",
    "apply_subset",
    "filter_records",
    "format_errors",
    "format_json",
    "format_table",
    "group_errors",
    "list_errors",
    "load_polnear",
    "names_match",
    "read_polnear",
    "score",
]
