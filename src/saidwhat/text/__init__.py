"""The text layer: read sources into raw articles; find their header, paragraphs and captions.

The function ``layout`` is not re-exported here, so that ``saidwhat.text.layout`` stays the module:
use ``from saidwhat.text.layout import layout``.
"""

from __future__ import annotations

from saidwhat.text.layout import (
    Header,
    Layout,
    find_captions,
    normalize_date,
    parse_header,
    split_paragraphs,
)
from saidwhat.text.reader import (
    check_text,
    decode_bytes,
    read_jsonl,
    read_path,
    read_stdin,
    read_text_file,
)

__all__ = [
    "Header",
    "Layout",
    "check_text",
    "decode_bytes",
    "find_captions",
    "normalize_date",
    "parse_header",
    "read_jsonl",
    "read_path",
    "read_stdin",
    "read_text_file",
    "split_paragraphs",
]
