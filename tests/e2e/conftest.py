"""Browser tests: the real ``saidwhat serve`` on the example store, driven in headless Chromium
(Debian's ``chromium``, through Playwright with the system browser; Playwright's own browser
download is never used). Skipped, with a message saying how to get one, when no Chromium or no
Playwright is installed. Screenshots go to ``artifacts/screenshots/``."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

TESTS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TESTS))
ROOT = TESTS.parent
SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
INSTALL = (
    "apt-get install -y chromium chromium-driver (as root; .ci/run does it), then "
    "pip install playwright (the dev extra)"
)


def chromium() -> str | None:
    """The system Chromium: $SAIDWHAT_CHROMIUM, else the usual names on PATH."""
    given = os.environ.get("SAIDWHAT_CHROMIUM")
    if given:
        return given if Path(given).exists() else None
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tests here ``e2e``, and skip them clearly when no browser can be had."""
    reason = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        reason = f"browser tests skipped: Playwright is not installed ({INSTALL})"
    if reason is None and chromium() is None:
        reason = f"browser tests skipped: no Chromium found ({INSTALL})"
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).parent == here:
            item.add_marker(pytest.mark.e2e)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"saidwhat serve exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "api/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("saidwhat serve did not answer in time")


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    """``saidwhat serve`` on the example store, on a free loopback port; yields its URL."""
    from test_serve_support import example_store

    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "saidwhat.cli",
                "serve",
                "--db",
                str(example_store()),
                "--port",
                str(port),
            ],
            stdout=log,
            stderr=log,
        )
        try:
            wait_ready(url, proc)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.seek(0)
            text = log.read().decode(errors="replace")
    assert "Traceback" not in text, text


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium(), headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    """A fresh page (1280x860) that records every request and every script error."""
    context = browser.new_context(viewport={"width": 1280, "height": 860}, base_url=server)
    pg = context.new_page()
    pg.requests = []
    pg.errors = []
    pg.on("request", lambda r: pg.requests.append(r.url))
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    try:
        yield pg
    finally:
        context.close()
    assert not pg.errors, pg.errors
    assert all(u.startswith(server) or u.startswith("data:") for u in pg.requests), pg.requests


def shot(page: Any, name: str, full_page: bool = False) -> Path:
    """Save a screenshot as a test artifact."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
