"""Shared fixtures: a school with one named user per role, an outsider from another school,
and API clients signed in as each (with the second factor passed where the role needs it)."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from backend.accounts.models import Role, School, User
from backend.accounts.services import device_enrol
from backend.common.actors import SYSTEM_SHELL
from tests.factories import SchoolFactory, member


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    settings.MEDIA_ROOT = str(tmp_path / "private")


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Throttle and rate-limit counters live in the cache: each test starts from zero."""
    cache.clear()


@pytest.fixture
def school(db: None) -> School:
    return SchoolFactory(slug="oakfield", name="Oakfield Primary")


@pytest.fixture
def other_school(db: None) -> School:
    return SchoolFactory(slug="elmwood", name="Elmwood Academy")


@pytest.fixture
def teacher(school: School) -> User:
    return member(school, Role.STAFF, email="teacher@oakfield.test")


@pytest.fixture
def head_teacher(school: School) -> User:
    return member(school, Role.LEADER, Role.STAFF, email="head@oakfield.test", head_teacher=True)


@pytest.fixture
def deputy_head(school: School) -> User:
    return member(school, Role.LEADER, Role.STAFF, email="deputy@oakfield.test")


@pytest.fixture
def safeguarding_lead(school: School) -> User:
    return member(school, Role.DSL, Role.STAFF, email="dsl@oakfield.test")


@pytest.fixture
def data_manager(school: School) -> User:
    return member(school, Role.CONSENT_ADMIN, email="data@oakfield.test")


@pytest.fixture
def trust_admin(school: School) -> User:
    return member(school, Role.TRUST_ADMIN, email="it@oakfield.test")


@pytest.fixture
def outsider(other_school: School) -> User:
    """Holds every role, but at another school."""
    return member(other_school, *Role.values, email="outsider@elmwood.test")


def signed_in(user: User, *, verified: bool = True) -> APIClient:
    client = APIClient()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if verified and device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def api_as() -> Callable[..., APIClient]:
    return signed_in


@pytest.fixture
def device_token(school: School) -> str:
    _, token = device_enrol(school=school, name="Class 3 iPad", actor=SYSTEM_SHELL)
    return token


@pytest.fixture
def tablet_as(device_token: str) -> Callable[[User], APIClient]:
    """An API client on the school's enrolled tablet, signed in as `user`."""

    def make(user: User) -> APIClient:
        client = signed_in(user)
        client.credentials(HTTP_X_DEVICE_TOKEN=device_token)
        return client

    return make


def queries_for_get(client: APIClient, url: str) -> int:
    """How many database queries one GET of `url` costs (the page must answer 200)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries)


@pytest.fixture
def count_queries() -> Callable[[APIClient, str], int]:
    return queries_for_get
