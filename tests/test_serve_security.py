"""Security of the HTTP API: injection strings in every parameter, no stack traces in answers,
request size limits, a store that stays untouched."""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest

pytest.importorskip("fastapi", reason="the 'serve' extra is not installed")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient
from saidwhat.serve.app import create_app
from test_serve_support import example_store, fake_extract

INJECTIONS = [
    "' OR '1'='1",
    "'; DROP TABLE mentions; --",
    '" OR 1=1 --',
    "1; SELECT * FROM articles",
    "x' UNION SELECT text, text FROM articles --",
    "Almasi' --",
    "%' OR speaker LIKE '%",
    "library OR",
    "NEAR(library close)",
    'text:"library"',
    "quotations_fts MATCH '*'",
    "*",
    '"',
    "'",
    "\\",
    "\x00",
    "lib\x00rary",
    "-- comment",
    "/* x */",
    ")(",
    "${jndi:ldap://127.0.0.1/x}",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "é∆😀\u202e",
    "\ud800",
]
TRACE_MARKERS = ("Traceback", 'File "', "duckdb.", "sqlite3.", "Error:", "line ")


def store_digest(path: Any) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    app = create_app(
        example_store(), extractor=fake_extract, max_text_chars=5000, max_body_bytes=20_000
    )
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def enc(value: str) -> str:
    """``value`` percent-encoded as UTF-8 (lone surrogates too: they arrive as invalid bytes)."""
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def fetch(client: TestClient, path: str, **params: str) -> Any:
    query = "&".join(f"{k}={enc(v)}" for k, v in params.items())
    return client.get(path + ("?" + query if query else ""))


def assert_clean(r: Any) -> None:
    assert r.status_code < 500, (r.request.url, r.status_code, r.text[:300])
    for marker in TRACE_MARKERS[:4]:
        assert marker not in r.text, (r.request.url, r.text[:300])


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_in_every_parameter(client: TestClient, value: str) -> None:
    before = store_digest(example_store())
    q = "/api/quotations"
    for name in (
        "q",
        "speaker",
        "speaker_id",
        "outlet",
        "kind",
        "date_from",
        "date_to",
        "phrase",
        "limit",
        "offset",
    ):
        assert_clean(fetch(client, q, **{name: value}))
    assert_clean(fetch(client, q, q=value, phrase="true"))
    assert_clean(fetch(client, q, q=value, speaker=value, outlet=value, date_from="2024-01-01"))
    assert_clean(fetch(client, "/api/speakers", q=value))
    for name in ("limit", "offset"):
        assert_clean(fetch(client, "/api/speakers", **{name: value}))
    assert_clean(fetch(client, "/api/stats", top=value))
    for base in ("/api/speakers/", "/api/articles/", "/api/quotations/"):
        r = client.get(base + enc(value))
        assert_clean(r)
        assert r.status_code in (404, 422), (base, value, r.status_code)
    assert_clean(fetch(client, "/api/articles/03_rowing_final", version=value))
    safe = value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    r = client.post(
        "/api/extract",
        json={
            "text": "“x,” she said. " + safe,
            "outlet": safe,
            "title": safe,
            "published": safe[:40],
        },
    )
    assert_clean(r)
    # the store is read-only for the server: nothing changed, nothing was dropped
    assert store_digest(example_store()) == before
    assert client.get("/api/health").json()["articles"] == 4


def test_injected_words_are_searched_as_words(client: TestClient) -> None:
    hits = client.get("/api/quotations", params={"q": "library' OR '1'='1"}).json()["items"]
    assert hits == []  # "1" does not occur in a quotation about the library: no bypass
    outlet = client.get("/api/quotations", params={"outlet": "' OR '1'='1"}).json()["items"]
    assert outlet == []


def test_no_stack_trace_on_internal_error(monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app(example_store(), extractor=fake_extract)

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret detail /home/x/store.py line 12")

    with TestClient(app, raise_server_exceptions=False) as c:
        from saidwhat.serve import data

        monkeypatch.setattr(data.Reader, "stats", boom)
        r = c.get("/api/stats")
    assert r.status_code == 500
    assert r.json() == {
        "error": {"code": "E500", "message": "internal error (details are in the server log)"}
    }
    assert "secret" not in r.text


def test_extractor_crash_is_a_500_without_details() -> None:
    def crash(text: str, metadata: dict[str, str | None]) -> Any:
        raise ValueError("engine internals")

    with TestClient(
        create_app(example_store(), extractor=crash), raise_server_exceptions=False
    ) as c:
        r = c.post("/api/extract", json={"text": "hello"})
    assert r.status_code == 500 and "engine internals" not in r.text


def test_body_size_limits(client: TestClient) -> None:
    declared = client.post(
        "/api/extract", content=b"x" * 20_001, headers={"content-type": "application/json"}
    )
    assert declared.status_code == 413
    assert declared.json()["error"]["code"] == "E413"

    def chunks() -> Iterator[bytes]:  # no content-length: counted while reading
        yield b'{"text": "'
        for _ in range(30):
            yield b"y" * 1000
        yield b'"}'

    streamed = client.post(
        "/api/extract", content=chunks(), headers={"content-type": "application/json"}
    )
    assert streamed.status_code == 413
    lying = client.post("/api/extract", content=b"{}", headers={"content-length": "abc"})
    assert lying.status_code in (400, 413)
    chars = client.post("/api/extract", json={"text": "z" * 5001})
    assert chars.status_code == 413 and "5000" in chars.json()["error"]["message"]
    ok = client.post("/api/extract", json={"text": "“Fine,” he said."})
    assert ok.status_code == 200


def test_long_parameters_are_refused(client: TestClient) -> None:
    assert client.get("/api/quotations", params={"q": "a " * 300}).status_code == 422
    assert client.get("/api/speakers/" + "s" * 2001).status_code == 422
    assert client.get("/api/quotations", params={"limit": 10**30}).status_code == 422


def test_security_headers_everywhere(client: TestClient) -> None:
    for url in ("/api/health", "/api/articles/nope", "/", "/static/app.js", "/nowhere"):
        r = client.get(url)
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"], url
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["referrer-policy"] == "no-referrer"
