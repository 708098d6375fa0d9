"""JSON bodies nested deeper than any request needs answer 400, not a 500 RecursionError
(issue 16), on the unauthenticated sign-in endpoint too."""

import time
from typing import Any

from rest_framework.test import APIClient

from backend.common.parsers import MAX_JSON_DEPTH, TOO_DEEP, json_depth_exceeds


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_it_answers_400_to_json_nested_1000_deep_on_sign_in(db: None) -> None:
    response = APIClient().post("/api/auth/login", _nested(1000), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == TOO_DEEP


def test_it_answers_400_to_deep_json_on_a_signed_in_endpoint(
    api_as: Any, head_teacher: Any, school: Any
) -> None:
    body = '{"is_head_teacher": ' + _nested(1000) + "}"
    response = api_as(head_teacher).post(
        f"/api/schools/{school.pk}/memberships/1/head-teacher",
        body,
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["detail"] == TOO_DEEP


def test_it_still_parses_json_at_the_depth_limit(db: None) -> None:
    body = '{"email": ' + _nested(MAX_JSON_DEPTH - 1) + "}"
    response = APIClient().post("/api/auth/login", body, content_type="application/json")
    # Parsed, so the serializer names the fields it refuses.
    assert response.status_code == 400
    assert "email" in response.json() and "password" in response.json()


def test_it_does_not_count_brackets_inside_strings() -> None:
    assert not json_depth_exceeds('{"text": "' + "[" * 100 + '\\""}', 2)


def test_it_scans_a_body_of_unclosed_quotes_in_one_pass() -> None:
    # Retrying the string pattern at every quote would take minutes here (quadratic).
    started = time.monotonic()
    assert not json_depth_exceeds('"' + '\\"' * 300_000 + "\\", 2)
    assert time.monotonic() - started < 2
