"""Fixtures for the publishing tests: the school's tablet, the platform fakes on
``responses`` (no network), connected accounts and posts ready to publish."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import responses

from backend.accounts.models import Device, School, User
from backend.accounts.services import device_enrol
from backend.common.actors import SYSTEM_SHELL
from moderation.models import Post
from publishers.models import ChannelAccount
from tests.publishers.factories import connect, post_ready_to_publish
from tests.publishers.fakes import FakeGraph, FakeX


@pytest.fixture
def tablet(school: School) -> Device:
    device, _ = device_enrol(school=school, name="Year 3 iPad", actor=SYSTEM_SHELL)
    return device


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def fake_x(rsps: responses.RequestsMock) -> FakeX:
    return FakeX(rsps)


@pytest.fixture
def fake_graph(rsps: responses.RequestsMock) -> FakeGraph:
    return FakeGraph(rsps)


@pytest.fixture
def x_account(school: School) -> ChannelAccount:
    return connect(school, "x")


@pytest.fixture
def facebook_account(school: School) -> ChannelAccount:
    return connect(school, "facebook")


@pytest.fixture
def instagram_account(school: School, settings: Any) -> ChannelAccount:
    settings.PUBLIC_BASE_URL = "https://queue.oakfield.test"
    return connect(school, "instagram")


@pytest.fixture
def make_post(teacher: User, tablet: Device) -> Callable[..., Post]:
    def make(**kwargs: Any) -> Post:
        return post_ready_to_publish(teacher, tablet, **kwargs)

    return make
