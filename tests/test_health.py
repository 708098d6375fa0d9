from typing import Any

from django.test import Client


def test_healthz_reports_database_and_broker(db: None) -> None:
    response = Client().get("/healthz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["database"]["ok"] and body["broker"]["ok"]


def test_healthz_is_503_when_the_broker_is_down(db: None, settings: Any) -> None:
    from backend.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = Client().get("/healthz")
    finally:
        app.conf.broker_url = original
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False


def test_the_front_page_serves_a_sign_in_page(db: None) -> None:
    response = Client().get("/")
    assert response.status_code == 200
    assert b"Sign in" in response.content or b'id="root"' in response.content
