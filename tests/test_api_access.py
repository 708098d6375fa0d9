"""Table-driven access (issue 16): every API operation, as every role at the school that
owns the thing, as the same role at another school, and signed out, answers as
``tests/access_table.py`` says (rendered in docs/security.md). A new operation the table
does not cover fails here.

Each request carries the role's school tablet (X-Device-Token) and, for a change, the
smallest body the request schema accepts, so the answer shows the access decision rather
than a missing field; each runs in a savepoint rolled back afterwards, so every request
meets the same world.
"""

from __future__ import annotations

import copy
import datetime
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from rest_framework.test import APIClient

from consent.models import Person
from tests.access_table import ACCESS, ROLES, Row, parse_row, render_markdown, render_row
from tests.api_world import (  # noqa: F401 (fixtures)
    World,
    _offline,
    _private_media,
    openapi_document,
    operations,
    world_fixture,
)

ROOT = Path(__file__).resolve().parent.parent
MISSING_ID = 987654321
# A 1x1 PNG: the smallest file the upload operations take as an image.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.fixture(scope="module")
def api_schema() -> dict[str, Any]:
    return openapi_document()


# --- the smallest body a request schema accepts --------------------------------------


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = root["components"]["schemas"][name]
    if "allOf" in schema:
        schema = _resolve(schema["allOf"][0], root)
    if "oneOf" in schema:
        schema = _resolve(schema["oneOf"][0], root)
    return schema


def minimal_value(schema: dict[str, Any], root: dict[str, Any]) -> Any:
    schema = _resolve(schema, root)
    if "enum" in schema:
        return next(v for v in schema["enum"] if v not in (None, ""))
    kind, fmt = schema.get("type"), schema.get("format")
    if kind == "object" or "properties" in schema:
        # The required fields; where nothing is required (a PATCH), every field, so the
        # request asks for some change.
        required = schema.get("required") or list(schema.get("properties", {}))
        return {
            name: minimal_value(prop, root)
            for name, prop in schema.get("properties", {}).items()
            if name in required and not prop.get("readOnly")
        }
    if kind == "array":
        count = schema.get("minItems", 0)
        return [minimal_value(schema.get("items", {}), root) for _ in range(count)]
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return False
    if fmt == "binary":
        return SimpleUploadedFile("one.png", PNG, content_type="image/png")
    if fmt == "date":
        return (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
    if fmt == "date-time":
        return (datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)).isoformat()
    if fmt == "email":
        return "someone@example.com"
    if fmt == "uri":
        return "https://example.com/"
    return "Access test"


# Where the smallest body by the schema meets a rule across fields first.
BODIES: dict[str, Callable[[World], dict[str, Any]]] = {
    "POST /api/posts": lambda w: {"text": "Sports day", "channels": ["website"]},
    "POST /api/posts/{post_id}/blur": lambda w: {"without_consent": True},
    "POST /api/comments/bulk": lambda w: {"ids": [w.ids["comment_id"]], "action": "approve"},
    "POST /api/schools/{school_id}/publishing": lambda w: {
        "action": "pause",
        "reason": "Access test",
    },
}


def request_body(
    world: World, name: str, operation: dict[str, Any], root: dict[str, Any]
) -> tuple[Any, str | None]:
    """(data, format) for APIClient: the minimal JSON body, else multipart."""
    if name in BODIES:
        return BODIES[name](world), "json"
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        return minimal_value(content["application/json"]["schema"], root), "json"
    if "multipart/form-data" in content:
        return minimal_value(content["multipart/form-data"]["schema"], root), "multipart"
    return None, None


# --- one request, undone -------------------------------------------------------------


def outcome(status: int) -> str:
    return "ok" if 200 <= status < 300 else str(status)


def call(
    client: APIClient, method: str, url: str, body: tuple[Any, str | None]
) -> tuple[int, bytes]:
    data, fmt = body
    cookies = copy.deepcopy(client.cookies)  # a sign-out must not sign the client out
    with transaction.atomic():
        if data is None:
            response = getattr(client, method)(url)
        else:
            response = getattr(client, method)(url, data, format=fmt)
        transaction.set_rollback(True)
    client.cookies = cookies
    content = b"" if getattr(response, "streaming", False) else response.content
    return response.status_code, content


def fill(template: str, ids: dict[str, Any]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), template)


def observe(world: World, schema: dict[str, Any], operation: str) -> Row:
    method, template = operation.split(" ", 1)
    spec = schema["paths"][template][method.lower()]
    url = fill(template, world.path_ids(template))
    same, other = [], []

    def body() -> tuple[Any, str | None]:
        return request_body(world, operation, spec, schema)

    for role in ROLES:
        same.append(outcome(call(world.client(role), method.lower(), url, body())[0]))
        client = world.client(role, other_school=True)
        other.append(outcome(call(client, method.lower(), url, body())[0]))
    anonymous = outcome(call(world.client(None), method.lower(), url, body())[0])
    return tuple(same), tuple(other), anonymous


# --- the tests -----------------------------------------------------------------------


def test_the_access_table_has_no_row_for_an_operation_that_is_gone() -> None:
    assert sorted(set(ACCESS) - set(operations())) == []


@pytest.mark.parametrize("operation", sorted(set(ACCESS) | set(operations())))
def test_each_role_at_each_school_gets_what_the_access_table_says(
    world: World, api_schema: dict[str, Any], operation: str, db: None
) -> None:
    """Also fails for an operation the table does not cover, showing the row to review."""
    if operation not in operations():
        pytest.fail(f"{operation} is gone: remove its row from tests/access_table.py")

    observed = observe(world, api_schema, operation)

    assert operation in ACCESS, (
        f"{operation} is not in tests/access_table.py; it answers {render_row(observed)!r}"
    )
    assert observed == parse_row(ACCESS[operation]), (
        f"{operation}: observed {render_row(observed)!r}"
    )


def _operations_with_ids() -> Iterator[str]:
    for operation in sorted(ACCESS):
        if "{" in operation:
            yield operation


@pytest.mark.parametrize("operation", list(_operations_with_ids()))
def test_another_school_cannot_tell_whether_a_thing_exists(
    world: World, api_schema: dict[str, Any], operation: str, db: None
) -> None:
    """Another school's thing answers exactly as a thing that does not exist (404, never
    403: existence does not leak)."""
    method, template = operation.split(" ", 1)
    spec = api_schema["paths"][template][method.lower()]
    real = world.path_ids(template)
    missing = {name: (value if name == "variant" else MISSING_ID) for name, value in real.items()}
    for role in ROLES:
        client = world.client(role, other_school=True)
        answers = [
            call(
                client,
                method.lower(),
                fill(template, ids),
                request_body(world, operation, spec, api_schema),
            )
            for ids in (real, missing)
        ]

        assert answers[0] == answers[1], f"{operation} as {role} of another school"


def _canaries(world: World) -> list[str]:
    people = Person.objects.filter(school=world.school).values_list("legal_first_name", "last_name")
    return [world.school.name, *sorted({f"{first} {last}" for first, last in people})]


@pytest.mark.parametrize(
    "operation", [op for op in sorted(ACCESS) if op.startswith("GET ") and "{" not in op]
)
def test_lists_show_another_school_nothing_of_this_school(
    world: World, api_schema: dict[str, Any], operation: str, db: None
) -> None:
    template = operation.split(" ", 1)[1]
    canaries = _canaries(world)
    for role in ROLES:
        status, content = call(world.client(role, other_school=True), "get", template, (None, None))
        text = json.dumps(json.loads(content)) if content else ""

        leaked = [c for c in canaries if re.search(rf"\b{re.escape(c)}\b", text)]
        assert leaked == [], f"{operation} as {role} of another school shows {leaked}"


def test_a_bulk_decision_on_another_schools_comment_finds_nothing(world: World, db: None) -> None:
    """Bulk decisions answer 200 with an outcome per comment: another school's comment is
    "not found" there, and nothing is decided."""
    comment_id = world.ids["comment_id"]
    body = ({"ids": [comment_id], "action": "approve"}, "json")
    for role in ROLES:
        client = world.client(role, other_school=True)
        status, content = call(client, "post", "/api/comments/bulk", body)

        assert status == 200
        assert [outcome["ok"] for outcome in json.loads(content)] == [False], role


def test_docs_security_carries_the_access_table() -> None:
    doc = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")

    assert render_markdown() in doc, (
        "docs/security.md is out of date: `.venv/bin/python -m tests.access_table` prints the table"
    )
