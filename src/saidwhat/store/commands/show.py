"""``saidwhat show ARTICLE_ID [--version N] [--plain]``: the article with its quotations marked
(colour on a terminal, ⟦brackets⟧ otherwise) and a who-said-what list below."""

from __future__ import annotations

import argparse
import sys
import textwrap

from saidwhat.store.api import Store
from saidwhat.store.commands.common import add_db, clip, guarded, positive, width
from saidwhat.store.results import StoredArticle

_COLOURS = ("\033[1;33m", "\033[1;36m", "\033[1;35m", "\033[1;32m")
_RESET = "\033[0m"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("article_id", metavar="ARTICLE_ID")
    parser.add_argument("--version", type=positive, help="a stored version (default: latest)")
    parser.add_argument("--plain", action="store_true", help="no colours, even on a terminal")
    add_db(parser)


def marked(article: StoredArticle, colour: bool) -> str:
    """The text with every quotation span marked and labelled with its quote id."""
    cuts: list[tuple[int, int, str]] = []
    for i, m in enumerate(article.mentions):
        for a, b in m.spans:
            cuts.append((a, b, m.quote_id if (a, b) == m.spans[0] else ""))
        _ = i
    cuts.sort()
    out: list[str] = []
    pos = 0
    for n, (a, b, label) in enumerate(cuts):
        if a < pos:  # nested inside the previous span: leave it to the list below
            continue
        out.append(article.text[pos:a])
        tag = f"[{label}]" if label else ""
        if colour:
            c = _COLOURS[n % len(_COLOURS)]
            out.append(f"{c}{article.text[a:b]}{_RESET}\033[2m{tag}{_RESET}")
        else:
            out.append(f"⟦{article.text[a:b]}⟧{tag}")
        pos = b
    out.append(article.text[pos:])
    return "".join(out)


def render(article: StoredArticle, colour: bool) -> str:
    w = width()
    head = [
        f"== {article.article_id} (version {article.version} of {article.versions})",
        f"   {article.title or '(no title)'}",
        f"   {article.outlet or '(unknown outlet)'} · "
        f"{article.published.isoformat() if article.published else 'undated'}"
        + (f" · {article.url}" if article.url else ""),
        "",
    ]
    body = [
        "\n".join(textwrap.wrap(p, w - 2)) if not colour else p
        for p in marked(article, colour).split("\n")
    ]
    rows = ["", f"{len(article.mentions)} quotation(s):"]
    for m in article.mentions:
        via = m.cue or "-"
        if m.medium:
            via += f" / {m.medium}"
        rows.append(
            f"  {m.quote_id:>4} {clip(m.speaker or '(unattributed)', 24):24} {m.kind:9} "
            f"{clip(via, 14):14} {m.confidence:4.2f} {m.quotation_count:>3} report(s)  "
            f"“{clip(m.text, max(20, w - 78))}”"
        )
    return "\n".join(head + body + rows)


def run(args: argparse.Namespace) -> int:
    def body() -> int:
        with Store(args.db, sync=False) as store:
            article = store.article(args.article_id, args.version)
        print(render(article, colour=sys.stdout.isatty() and not args.plain))
        return 0

    return guarded("show", body)
