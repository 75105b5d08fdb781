"""``saidwhat serve [--db saidwhat.duckdb] [--host 127.0.0.1] [--port 8000]``: the web page and
HTTP API over a store (read-only), on loopback unless told otherwise."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from saidwhat.errors import SaidwhatError
from saidwhat.store.db import DEFAULT_DB

INSTALL_HINT = (
    "saidwhat serve needs the 'serve' extra: pip install 'saidwhat[serve]' "
    "(make install does it from requirements.lock)"
)


def _port(value: str) -> int:
    number = int(value)
    if not 0 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"not a port: {value}")
    return number


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``serve`` options to ``parser``."""
    parser.add_argument("--db", type=Path, default=Path(DEFAULT_DB), help="store file")
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default: loopback only)"
    )
    parser.add_argument("--port", type=_port, default=8000, help="port (default 8000)")
    parser.add_argument(
        "--max-text",
        type=int,
        default=None,
        metavar="CHARS",
        help="longest text POST /api/extract accepts (default 100000)",
    )
    parser.add_argument(
        "--no-warm", action="store_true", help="do not load the engine's model at start"
    )
    parser.add_argument("--log-level", default="warning", help="uvicorn log level")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="server processes (default 1); on a machine with several cores, 2 or more "
        "answer more searches at once (see docs/web.md)",
    )
    parser.add_argument(
        "--search-cache",
        type=int,
        default=None,
        metavar="N",
        help="search results each process remembers until the store changes (default 1024; "
        "0: none)",
    )


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``serve`` to the ``saidwhat`` command's subcommands."""
    parser = sub.add_parser(
        "serve", help="the web page and HTTP API over a store", description=__doc__
    )
    add_arguments(parser)
    parser.set_defaults(func=run)


def url_of(host: str, port: int) -> str:
    """The address a person types to open the page."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


_CONFIG_ENV = "SAIDWHAT_SERVE_CONFIG"
"""How ``serve --workers N`` hands its settings to the worker processes (JSON)."""


def _settings(args: argparse.Namespace) -> dict[str, Any]:
    from saidwhat.serve.app import MAX_TEXT_CHARS

    settings: dict[str, Any] = {
        "db": str(args.db),
        "max_text_chars": args.max_text or MAX_TEXT_CHARS,
        "warm_engine": not args.no_warm,
    }
    if args.search_cache is not None:
        settings["search_cache"] = max(0, args.search_cache)
    return settings


def worker_app() -> Any:
    """The application of one ``serve --workers N`` process (a uvicorn factory)."""
    from saidwhat.serve.app import create_app

    settings = json.loads(os.environ[_CONFIG_ENV])
    sys.setswitchinterval(0.001)
    return create_app(settings.pop("db"), **settings)


def run(args: argparse.Namespace) -> int:
    """Run the server until interrupted."""
    try:
        import uvicorn

        from saidwhat.serve.app import create_app
    except ImportError:
        print(INSTALL_HINT, file=sys.stderr)
        return 2
    if args.workers < 1:
        print("saidwhat serve: --workers must be 1 or more", file=sys.stderr)
        return 2
    settings = _settings(args)
    try:
        # Opens the store (and brings its search index up to date) here, so a store that cannot
        # be read stops the command at once, and worker processes find the index current.
        app = create_app(settings.pop("db"), **settings)
    except SaidwhatError as exc:
        print(f"saidwhat serve: {exc}", file=sys.stderr)
        return 2
    # Store queries run on worker threads; hand the GIL over sooner than the default 5 ms so a
    # request's thread is not kept waiting behind another's Python work.
    sys.setswitchinterval(0.001)
    print(
        f"saidwhat: serving {args.db} on {url_of(args.host, args.port)} "
        f"({args.workers} process{'es' if args.workers > 1 else ''}; Ctrl-C stops)",
        file=sys.stderr,
    )
    options: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "log_level": args.log_level,
        "server_header": False,
        "h11_max_incomplete_event_size": 16 * 1024,
    }
    if args.workers == 1:
        uvicorn.run(app, **options)
        return 0
    app.state.reader.close()
    os.environ[_CONFIG_ENV] = json.dumps(_settings(args))
    uvicorn.run("saidwhat.serve.command:worker_app", factory=True, workers=args.workers, **options)
    return 0
