"""The HTTP API through the ASGI client, on the store of the example articles."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the 'serve' extra is not installed")

with warnings.catch_warnings():  # starlette's note about httpx versions, not about us
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient
from saidwhat.cli import build_parser
from saidwhat.serve.app import create_app
from saidwhat.serve.command import url_of
from test_serve_support import example_store, fake_extract


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    app = create_app(example_store(), extractor=fake_extract, max_text_chars=2000)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def get(client: TestClient, url: str, **params: Any) -> Any:
    r = client.get(url, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def test_health(client: TestClient) -> None:
    assert get(client, "/api/health") == {"status": "ok", "store": "examples.duckdb", "articles": 4}


def test_search_text_ranks_and_shows_appearance(client: TestClient) -> None:
    page = get(client, "/api/quotations", q="library")
    assert page["items"], page
    for hit in page["items"]:
        assert "library" in hit["text"].lower()
        assert hit["article_id"] and hit["quote_id"].startswith("Q")
        assert hit["score"] is not None
    assert page["offset"] == 0 and page["limit"] == 20


def test_phrase_search(client: TestClient) -> None:
    quoted = get(client, "/api/quotations", q='"close a library"')["items"]
    assert [h["speaker"] for h in quoted] == ["Victor Almasi"]
    flag = get(client, "/api/quotations", q="close a library", phrase="true")["items"]
    assert [h["quotation_id"] for h in flag] == [h["quotation_id"] for h in quoted]
    # the same words in another order are not the phrase
    assert get(client, "/api/quotations", q='"library a close"')["items"] == []


def test_filters(client: TestClient) -> None:
    everything = get(client, "/api/quotations", limit=100)["items"]
    assert len(everything) == get(client, "/api/stats")["quotations"]
    by_outlet = get(client, "/api/quotations", outlet="Port Elden Ledger", limit=100)["items"]
    assert by_outlet and {h["outlet"] for h in by_outlet} == {"Port Elden Ledger"}
    indirect = get(client, "/api/quotations", kind="indirect", limit=100)["items"]
    assert indirect and {h["kind"] for h in indirect} == {"indirect"}
    may = get(client, "/api/quotations", date_from="2024-05-01", date_to="2024-05-31", limit=100)
    assert may["items"] and {h["published"] for h in may["items"]} == {"2024-05-14"}
    almasi = get(client, "/api/quotations", speaker="Almasi", limit=100)["items"]
    # his indirect statement and his split direct quote ("a survey by the Friends of the Eastside
    # Library" is the volunteer group's finding, not his)
    assert len(almasi) == 2 and {h["speaker"] for h in almasi} == {"Victor Almasi"}
    sid = almasi[0]["speaker_id"]
    by_id = get(client, "/api/quotations", speaker_id=sid, limit=100)["items"]
    assert {h["quotation_id"] for h in by_id} == {h["quotation_id"] for h in almasi}
    both = get(client, "/api/quotations", speaker_id=sid, q="library")["items"]
    assert len(both) == 1


def test_no_results_and_empty_query(client: TestClient) -> None:
    assert get(client, "/api/quotations", q="zzzunknownword")["items"] == []
    assert get(client, "/api/quotations", q="   ")["items"]  # blank text: newest first
    assert get(client, "/api/quotations", q="!!!")["items"] == []  # no words at all
    assert get(client, "/api/quotations", speaker="Nobody Atall")["items"] == []
    assert get(client, "/api/quotations", date_from="2030-01-01")["items"] == []


def test_paging_is_consistent(client: TestClient) -> None:
    all_ids = [h["quotation_id"] for h in get(client, "/api/quotations", limit=60)["items"]]
    pages: list[str] = []
    offset = 0
    while True:
        page = get(client, "/api/quotations", limit=7, offset=offset)
        pages += [h["quotation_id"] for h in page["items"]]
        offset += 7
        if not page["has_more"]:
            break
    assert pages == all_ids
    assert get(client, "/api/quotations", limit=7, offset=1000)["items"] == []


def test_speakers(client: TestClient) -> None:
    page = get(client, "/api/speakers", limit=5)
    counts = [s["quote_count"] for s in page["items"]]
    assert counts == sorted(counts, reverse=True) and page["has_more"]
    found = get(client, "/api/speakers", q="almasi")["items"]
    assert [s["name"] for s in found] == ["Victor Almasi"]
    detail = get(client, f"/api/speakers/{found[0]['speaker_id']}")
    assert detail["speaker"]["aliases"] == ["Almasi"]
    assert detail["speaker"]["quote_count"] == 2
    assert detail["per_month"] == [{"month": "2024-05", "count": 2}]
    assert detail["outlets"] == [{"outlet": "Alder Creek Courier", "count": 2}]
    page2 = get(client, "/api/speakers", limit=5, offset=5)
    assert not {s["speaker_id"] for s in page2["items"]} & {s["speaker_id"] for s in page["items"]}


def test_article_offsets_point_into_text(client: TestClient) -> None:
    art = get(client, "/api/articles/03_rowing_final")
    text = art["text"]
    assert art["outlet"] == "Kestrel Valley Gazette" and art["version"] == art["versions"] == 1
    assert art["quotes"]
    for q in art["quotes"]:
        assert q["spans"] and q["start"] == q["spans"][0][0] and q["end"] == q["spans"][-1][1]
        joined = " ".join(text[a:b] for a, b in q["spans"])
        assert re.sub(r"\W+", "", joined) == re.sub(r"\W+", "", q["text"])
        for a, b in q["speaker_spans"] + q["cue_spans"]:
            assert 0 <= a < b <= len(text)
        assert 0 <= q["confidence"] <= 1 and q["evidence"]
    nested = [q for q in art["quotes"] if q["kind"] == "nested"]
    assert nested and all(q["parent"] for q in nested)
    parents = {q["quote_id"]: q for q in art["quotes"]}
    for q in nested:
        outer = parents[q["parent"]]
        assert outer["start"] <= q["start"] and q["end"] <= outer["end"]
    assert get(client, "/api/articles/03_rowing_final", version=1)["version"] == 1


def test_quotation_and_not_found(client: TestClient) -> None:
    hit = get(client, "/api/quotations", q="library")["items"][0]
    q = get(client, f"/api/quotations/{hit['quotation_id']}")
    assert q["appearances"][0]["article_id"] == hit["article_id"]
    for url in (
        "/api/articles/nope",
        "/api/speakers/nope",
        "/api/quotations/nope",
        "/api/articles/01_library_vote?version=9",
    ):
        r = client.get(url)
        assert r.status_code == 404, url
        assert r.json()["error"]["code"] == "E404"


def test_stats_and_outlets(client: TestClient) -> None:
    st = get(client, "/api/stats", top=3)
    assert st["articles"] == 4 and st["mentions"] >= st["quotations"] > 40
    assert 0 < st["unattributed_share"] < 0.1
    assert len(st["top_speakers"]) == 3
    assert sum(r["count"] for r in st["per_month"]) == sum(r["count"] for r in st["per_outlet"])
    assert {r["outlet"] for r in st["per_outlet_month"]} == {r["outlet"] for r in st["per_outlet"]}
    outlets = get(client, "/api/outlets")
    assert {o["outlet"] for o in outlets} == {
        "Alder Creek Courier",
        "Kestrel Valley Gazette",
        "Port Elden Ledger",
    }


def test_extract(client: TestClient) -> None:
    r = client.post("/api/extract", json={"text": "“Hello there,” she said.", "outlet": "X"})
    assert r.status_code == 200, r.text
    art = r.json()
    assert art["quotes"][0]["text"] == "Hello there," and art["outlet"] == "X"
    assert art["version"] == 0 and art["quotes"][0]["quotation_id"] is None


def test_extract_errors_are_clear(client: TestClient) -> None:
    big = client.post("/api/extract", json={"text": "x" * 2001})
    assert big.status_code == 413 and "limit is 2000" in big.json()["error"]["message"]
    for body in ({}, {"text": ""}, {"text": 5}, {"text": "ok", "extra": 1}):
        r = client.post("/api/extract", json=body)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["detail"]
    blank = client.post("/api/extract", json={"text": "   "})
    assert blank.status_code == 422 and "text is empty" in blank.json()["detail"][0]["msg"]
    bad_json = client.post(
        "/api/extract", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert bad_json.status_code == 422


def test_validation_errors(client: TestClient) -> None:
    for params in (
        {"limit": 0},
        {"limit": 101},
        {"offset": -1},
        {"offset": 1001},
        {"kind": "shouted"},
        {"date_from": "yesterday"},
        {"q": "x" * 501},
    ):
        r = client.get("/api/quotations", params=params)
        assert r.status_code == 422, params


def test_pages_are_served_with_local_assets_only(client: TestClient) -> None:
    for path in ("/", "/overview", "/try", "/article/03_rowing_final", "/speaker/x/y"):
        r = client.get(path)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        assert "default-src 'self'" in r.headers["content-security-policy"]
        assert r.headers["x-content-type-options"] == "nosniff"
    html = client.get("/").text
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and all(a.startswith(("/", "#")) for a in assets), assets
    for name in ("app.js", "app.css", "favicon.svg"):
        r = client.get(f"/static/{name}")
        assert r.status_code == 200 and "immutable" in r.headers["cache-control"]
        body = r.text
        assert "@import" not in body and "url(http" not in body
        assert not re.search(r"""fetch\(\s*["'`]https?:""", body)
    assert client.get("/static/../pyproject.toml").status_code == 404
    assert client.get("/static/nope.js").status_code == 404
    assert client.get("/docs").status_code == 404  # Swagger UI would load from a CDN


def test_openapi_documents_the_api(client: TestClient) -> None:
    schema = get(client, "/openapi.json")
    paths = set(schema["paths"])
    assert {
        "/api/quotations",
        "/api/quotations/{quotation_id}",
        "/api/speakers",
        "/api/speakers/{speaker_id}",
        "/api/articles/{article_id}",
        "/api/stats",
        "/api/outlets",
        "/api/extract",
        "/api/health",
    } <= paths
    params = {p["name"] for p in schema["paths"]["/api/quotations"]["get"]["parameters"]}
    assert {"q", "speaker", "outlet", "kind", "date_from", "date_to", "limit", "offset"} <= params
    assert "413" in schema["paths"]["/api/extract"]["post"]["responses"]


def test_command_line() -> None:
    parser = build_parser()
    args = parser.parse_args(["serve"])
    assert (args.host, args.port, str(args.db)) == ("127.0.0.1", 8000, "saidwhat.duckdb")
    args = parser.parse_args(["serve", "--db", "x.duckdb", "--port", "9000", "--host", "::1"])
    assert url_of(args.host, args.port) == "http://[::1]:9000/"
    assert url_of("0.0.0.0", 80) == "http://127.0.0.1:80/"
    assert (args.workers, args.search_cache) == (1, None)
    args = parser.parse_args(["serve", "--workers", "2", "--search-cache", "0"])
    assert (args.workers, args.search_cache) == (2, 0)


def test_search_body_is_the_documented_model(client: TestClient) -> None:
    """The search answer is built without pydantic (speed): it must still be exactly what
    ``QuotationPage`` describes, and the same with or without the result cache."""
    from saidwhat.serve.models import QuotationPage

    uncached = create_app(example_store(), extractor=fake_extract, search_cache=0)
    with TestClient(uncached) as other:
        for params in [
            {"q": "library"},
            {"q": "library", "limit": 1, "offset": 1},
            {"speaker": "Almasi"},
            {},
            {"q": "nothing-like-this"},
        ]:
            r = client.get("/api/quotations", params=params)
            assert r.headers["content-type"] == "application/json"
            body = r.json()
            page = QuotationPage.model_validate(body)
            assert page.model_dump(mode="json") == body
            assert get(other, "/api/quotations", **params) == body
            assert get(client, "/api/quotations", **params) == body  # from the cache


def test_missing_store_is_a_clear_error(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    from saidwhat.cli import main

    assert main(["serve", "--db", str(tmp_path / "none.duckdb")]) == 2
    assert "no such store" in capsys.readouterr().err
