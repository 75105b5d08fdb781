"""Property-based tests of the HTTP API from its own OpenAPI schema (schemathesis): generated
requests, valid and invalid, never get a server error and every answer matches the schema."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

pytest.importorskip("fastapi", reason="the 'serve' extra is not installed")
schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from hypothesis import HealthCheck, settings
from schemathesis.checks import (  # noqa: E402
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from saidwhat.serve.app import create_app  # noqa: E402
from test_serve_support import example_store, fake_extract  # noqa: E402

APP = create_app(example_store(), extractor=fake_extract, max_text_chars=3000)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def _close_store() -> Iterator[None]:
    yield
    APP.state.reader.close()


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_api_conforms_to_its_schema(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)
