"""Which channels a school can post to, for the staff's channel picker (issue 17, item 6):
the website unless switched off, any other channel only with a switched-on account."""

from typing import Any

import pytest

from tests.publishers.factories import connect


@pytest.mark.django_db
def test_staff_are_offered_the_website_and_only_the_connected_channels_item_6(
    api_as: Any, teacher: Any, school: Any
) -> None:
    connect(school, "facebook")
    connect(school, "x", enabled=False)
    rows = api_as(teacher).get(f"/api/schools/{school.pk}/channels").json()
    connected = {row["kind"]: row["connected"] for row in rows}
    assert connected == {"website": True, "x": False, "facebook": True, "instagram": False}


@pytest.mark.django_db
def test_a_switched_off_website_account_is_not_offered(
    api_as: Any, teacher: Any, school: Any
) -> None:
    connect(school, "website", enabled=False)
    rows = api_as(teacher).get(f"/api/schools/{school.pk}/channels").json()
    assert [row["kind"] for row in rows if row["connected"]] == []


@pytest.mark.django_db
def test_the_channels_of_another_school_are_not_found(
    api_as: Any, teacher: Any, other_school: Any
) -> None:
    assert api_as(teacher).get(f"/api/schools/{other_school.pk}/channels").status_code == 404
