"""Fixtures for procedures: the comments tests' fake platforms (a held threat on the
school's Facebook page), and fakes of the mention search endpoints."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import responses

from moderation.comments import services as comment_services
from moderation.comments.models import Comment
from publishers.models import Publication
from tests.comments.conftest import Platforms, _no_network, fb_post, platforms, x_post
from tests.procedures.fakes import FakeBluesky, FakeXSearch

__all__ = ["_no_network", "fb_post", "platforms", "x_post"]

THREAT = "I know where you live. Watch your back"
FRIENDLY = "Lovely photos from sports day, thank you"


def poll_in(platforms: Platforms, publication: Publication, text: str, **author: str) -> Comment:
    """A comment left on the school's Facebook post and fetched by the comment poller."""
    cid = platforms.graph.add_comment(
        publication.external_id,
        text,
        author=(author.get("id", "666"), author.get("name", "Angry Parent")),
    )
    comment_services.publication_poll(publication_id=publication.pk)
    return Comment.objects.get(external_id=cid)


@pytest.fixture
def threat(platforms: Platforms, fb_post: Publication) -> Comment:
    """A threat held and escalated, with evidence captured before the automatic hide."""
    comment = poll_in(platforms, fb_post, THREAT)
    assert comment.escalated and comment.evidence.exists()
    return comment


@pytest.fixture
def friendly(platforms: Platforms, fb_post: Publication) -> Comment:
    comment = poll_in(platforms, fb_post, FRIENDLY, id="777", name="Kind Parent")
    assert not comment.is_held
    return comment


@dataclass
class Searches:
    bluesky: FakeBluesky
    x: FakeXSearch


@pytest.fixture
def searches(settings: pytest.FixtureRequest) -> Iterator[Searches]:
    settings.X_SEARCH_BEARER_TOKEN = "test-bearer-token"  # type: ignore[attr-defined]
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield Searches(bluesky=FakeBluesky(rsps), x=FakeXSearch(rsps))
