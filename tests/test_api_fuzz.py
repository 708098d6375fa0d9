"""schemathesis against the API's own OpenAPI schema (issue 16): for every operation, a
bounded number of requests generated from the schema, each sent through the WSGI app (every
middleware: sessions, CSRF, the device gate) as each role with its second factor passed, on
the school's tablet; no answer may be a 5xx, and every answer must be one the schema
declares (status code, content type, headers, body).

Path parameters are fixed to the world's real objects (random ids would only meet 404); the
rest (query, body, headers) is generated. Examples are derandomised, so a run is
reproducible. Each request runs in a savepoint rolled back afterwards, so every request
meets the same world.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from backend.common.schema import DEVICE_TOKEN_HEADER_NAME
from tests.access_table import ROLES
from tests.api_world import (  # noqa: F401 (fixtures)
    World,
    _offline,
    _private_media,
    openapi_document,
    operations,
    world_fixture,
)

#: Generated examples per operation (valid and invalid mixed); each is sent once as each
#: role. FUZZ_EXAMPLES=50 for a deeper run by hand.
EXAMPLES_PER_OPERATION = int(os.environ.get("FUZZ_EXAMPLES", "6"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
CSRF_TOKEN = "fuzzcsrftokenfuzzcsrftokenfuzzcs"  # any 32 letters and digits will do


@pytest.fixture(scope="module")
def wsgi_app() -> Iterator[Any]:
    """The real WSGI application. Django closes a connection in an open transaction when a
    request starts or ends; the test's transaction must survive, as Django's test client
    arranges for itself."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def sessions(world: World) -> dict[str, str]:
    """A signed-in session (second factor passed) per role, by cookie value."""
    return {role: world.client(role).cookies["sessionid"].value for role in ROLES}


@pytest.fixture(scope="module")
def fuzz_schema() -> Any:
    return schemathesis.openapi.from_dict(openapi_document())


def _send(case: Any, app: Any, session: str, token: str) -> Any:
    """One request, undone."""
    with transaction.atomic():
        response = case.call(
            app=app,
            headers={"X-CSRFToken": CSRF_TOKEN, DEVICE_TOKEN_HEADER_NAME: token},
            cookies={"sessionid": session, "csrftoken": CSRF_TOKEN},
        )
        transaction.set_rollback(True)
    return response


@pytest.mark.parametrize("operation", operations())
def test_every_answer_is_declared_and_none_is_a_server_error(
    world: World,
    wsgi_app: Any,
    sessions: dict[str, str],
    fuzz_schema: Any,
    operation: str,
    db: None,
) -> None:
    method, path = operation.split(" ", 1)
    api_operation = fuzz_schema[path][method]
    ids = world.path_ids(path) or None
    # Valid requests by the schema, and invalid ones (wrong types, missing fields...).
    strategy = hypothesis.strategies.one_of(
        api_operation.as_strategy(generation_mode=GenerationMode.POSITIVE, path_parameters=ids),
        api_operation.as_strategy(generation_mode=GenerationMode.NEGATIVE, path_parameters=ids),
    )

    @hypothesis.settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    @hypothesis.given(case=strategy)
    def send_as_each_role(case: Any) -> None:
        for role in ROLES:
            hypothesis.note(f"as {role}")
            response = _send(case, wsgi_app, sessions[role], world.device_token)
            case.validate_response(response, checks=CHECKS)

    send_as_each_role()


HAND_PAGINATED = (
    "/api/audit",
    "/api/comments",
    "/api/schools/{school_id}/people",
    "/api/schools/{school_id}/people/status",
    "/api/schools/{school_id}/imports",
)


def _component(ref: dict[str, Any]) -> dict[str, Any]:
    return openapi_document()["components"]["schemas"][ref["$ref"].rsplit("/", 1)[-1]]  # type: ignore[no-any-return]


@pytest.mark.parametrize("path", HAND_PAGINATED)
def test_hand_paginated_lists_are_declared_as_pages(path: str) -> None:
    get = openapi_document()["paths"][path]["get"]
    page = _component(get["responses"]["200"]["content"]["application/json"]["schema"])

    assert set(page["properties"]) == {"count", "next", "previous", "results"}
    assert "page" in {p["name"] for p in get["parameters"]}


def test_changes_from_a_tablet_declare_the_device_header_and_its_refusal() -> None:
    create = openapi_document()["paths"]["/api/posts"]["post"]

    assert DEVICE_TOKEN_HEADER_NAME in {p["name"] for p in create["parameters"]}
    refusal = _component(create["responses"]["403"]["content"]["application/json"]["schema"])
    assert {"detail", "code"} <= set(refusal["properties"])
