"""``saidwhat serve [--db saidwhat.duckdb] [--host 127.0.0.1] [--port 8000]``: the web page and
HTTP API over a store (read-only), on loopback unless told otherwise."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

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


def run(args: argparse.Namespace) -> int:
    """Run the server until interrupted."""
    try:
        import uvicorn

        from saidwhat.serve.app import MAX_TEXT_CHARS, create_app
    except ImportError:
        print(INSTALL_HINT, file=sys.stderr)
        return 2
    try:
        app = create_app(
            args.db, max_text_chars=args.max_text or MAX_TEXT_CHARS, warm_engine=not args.no_warm
        )
    except SaidwhatError as exc:
        print(f"saidwhat serve: {exc}", file=sys.stderr)
        return 2
    # Store queries run on worker threads; hand the GIL over sooner than the default 5 ms so a
    # request's thread is not kept waiting behind another's Python work.
    sys.setswitchinterval(0.001)
    print(
        f"saidwhat: serving {args.db} on {url_of(args.host, args.port)} (Ctrl-C stops)",
        file=sys.stderr,
    )
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        server_header=False,
        h11_max_incomplete_event_size=16 * 1024,
    )
    return 0
