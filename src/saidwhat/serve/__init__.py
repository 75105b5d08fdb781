"""``saidwhat serve``: the web page and HTTP API over a saidwhat store (FastAPI + uvicorn).

:func:`create_app` builds the ASGI application for a store file; ``saidwhat serve`` runs it on
loopback. The pages are plain HTML, CSS and JavaScript shipped in ``static/`` (nothing is fetched
from elsewhere). See docs/web.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from saidwhat.serve.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from saidwhat.serve.app import create_app

        return create_app
    raise AttributeError(name)
