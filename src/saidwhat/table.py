"""A readable who-said-what table for the terminal (``saidwhat extract --pretty``)."""

from __future__ import annotations

import shutil
import textwrap

from saidwhat.records import Article


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def format_article(article: Article) -> str:
    """One article: header line, then a row per quotation (speaker, kind, cue, medium, quote)."""
    width = max(80, min(shutil.get_terminal_size((120, 20)).columns, 160))
    quote_w = max(30, width - 58)
    head = f"== {article.id}"
    if article.published:
        head += f"  ({article.published})"
    if article.title:
        head += f"  {article.title}"
    lines = [head]
    if not article.quotes:
        lines.append("   no quotations found")
    for q in article.quotes:
        who = q.speaker or "(unattributed)"
        via = q.cue or "-"
        if q.medium:
            via += f" / {q.medium}"
        kind = q.kind + (f"<{q.parent}" if q.parent else "")
        lines.append(
            f"   {q.id:>4} {_clip(who, 22):22} {kind:11} {_clip(via, 16):16} "
            f"{q.confidence:4.2f}  “{_clip(q.text, quote_w)}”"
        )
    if article.not_quotes:
        names = ", ".join(f"“{n.text}” ({n.reason})" for n in article.not_quotes)
        lines.extend(textwrap.wrap("   not quotations: " + names, width, subsequent_indent="     "))
    for c in article.captions:
        lines.append(f"   caption: {_clip(c.text, width - 30)}  [credit: {c.credit}]")
    for w in article.warnings:
        lines.append(f"   {w.code}: {w.message}")
    return "\n".join(lines)
