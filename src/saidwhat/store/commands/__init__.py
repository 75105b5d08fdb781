"""The store's subcommands: ``ingest``, ``search``, ``speakers``, ``stats``, ``show``, ``export``,
``import``. Each is a small module with ``add_arguments(parser)`` and ``run(args)``;
:func:`register` adds them all to the ``saidwhat`` command."""

from __future__ import annotations

import argparse
import importlib

COMMANDS = {
    "ingest": ("saidwhat.ingest.command", "ingest articles into the store"),
    "search": ("saidwhat.store.commands.search", "full-text search over quotations"),
    "speakers": ("saidwhat.store.commands.speakers", "speakers of the corpus"),
    "stats": ("saidwhat.store.commands.stats", "corpus statistics"),
    "show": ("saidwhat.store.commands.show", "one article with its quotations marked"),
    "export": ("saidwhat.store.commands.export", "write the store as Parquet, CSV or JSONL"),
    "import": ("saidwhat.store.commands.importer", "build a store from a Parquet export"),
}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add every store subcommand to ``sub``."""
    for name, (module, help_text) in COMMANDS.items():
        mod = importlib.import_module(module)
        parser = sub.add_parser(
            name, help=help_text, description=(mod.__doc__ or "").split("\n")[0]
        )
        mod.add_arguments(parser)
        parser.set_defaults(func=mod.run)
