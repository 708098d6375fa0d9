"""The publishers' API: channel accounts (trust admins; credentials write-only), per-channel
publication status, resolving unconfirmed posts, takedowns and website comments. Every
endpoint answers 404 for another school's object."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from backend.accounts.models import Role, School, User
from moderation import takedowns
from moderation.models import Post
from publishers import services
from publishers.models import ChannelAccount, Publication, Takedown, WebsiteComment, WebsiteEntry
from tests.commits import commits_for_real, committed
from tests.factories import member
from tests.publishers.factories import ALL_SECRET_VALUES, X_SECRETS, connect
from tests.publishers.fakes import FakeX

P = Publication.State
S = Post.Status


def assert_no_secrets(response: Any) -> None:
    body = response.content.decode()
    assert not [s for s in ALL_SECRET_VALUES if s in body]


@pytest.fixture
def unconfirmed(
    make_post: Callable[..., Post], fake_x: FakeX, x_account: ChannelAccount
) -> Publication:
    fake_x.fail("create", "server_error")
    post = make_post(channels=("x", "website"), text="Our class assembly")
    with committed():
        services.publications_start(post_id=post.pk)
    pub = Publication.objects.get(post=post, channel="x")
    assert pub.state == P.UNCONFIRMED
    return pub


@pytest.fixture
def comment(make_post: Callable[..., Post]) -> WebsiteComment:
    post = make_post(channels=("website",))
    with committed():
        services.publications_start(post_id=post.pk)
    entry = WebsiteEntry.objects.get(publication__post=post)
    with committed():
        return services.website_comment_submit(entry=entry, author_name="A Parent", text="Great!")


# --------------------------------------------------------------------------- channel accounts


def test_a_trust_admin_connects_x_and_never_sees_the_secrets_again(
    api_as: Callable[[User], APIClient], trust_admin: User, school: School
) -> None:
    client = api_as(trust_admin)

    created = client.post(
        f"/api/schools/{school.pk}/channel-accounts",
        {"kind": "x", "display_name": "Oakfield on X", "credentials": X_SECRETS},
        format="json",
    )

    assert created.status_code == 201, created.content
    assert created.json()["credentials_set"] == sorted(X_SECRETS)
    assert_no_secrets(created)
    listed = client.get(f"/api/schools/{school.pk}/channel-accounts")
    assert [a["kind"] for a in listed.json()] == ["x"]
    assert_no_secrets(listed)
    detail = client.get(f"/api/channel-accounts/{created.json()['id']}")
    assert_no_secrets(detail)
    account = ChannelAccount.objects.get()
    assert not [s for s in ALL_SECRET_VALUES if s.encode() in bytes(account.credentials_encrypted)]


def test_connecting_needs_every_credential(
    api_as: Callable[[User], APIClient], trust_admin: User, school: School
) -> None:
    response = api_as(trust_admin).post(
        f"/api/schools/{school.pk}/channel-accounts",
        {"kind": "facebook", "display_name": "Page", "credentials": {"app_secret": "s"}},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["detail"] == (
        "These are needed to connect Facebook: page_id, page_access_token."
    )


def test_a_blank_credential_keeps_the_stored_one(
    api_as: Callable[[User], APIClient], trust_admin: User, x_account: ChannelAccount
) -> None:
    response = api_as(trust_admin).patch(
        f"/api/channel-accounts/{x_account.pk}",
        {"display_name": "Renamed", "credentials": {"access_token": "", "consumer_key": "new"}},
        format="json",
    )

    assert response.status_code == 200, response.content
    from publishers.adapters import credentials_decrypt

    x_account.refresh_from_db()
    assert credentials_decrypt(x_account) == {**X_SECRETS, "consumer_key": "new"}
    assert x_account.display_name == "Renamed"


def test_a_trust_admin_runs_the_health_check(
    api_as: Callable[[User], APIClient],
    trust_admin: User,
    x_account: ChannelAccount,
    fake_x: FakeX,
) -> None:
    fake_x.access_level = "read"

    response = api_as(trust_admin).post(f"/api/channel-accounts/{x_account.pk}/health-check")

    assert response.status_code == 200
    health = response.json()["health"]
    assert health["ok"] is False
    assert health["problems"] == [
        "The X connection is read-only, so it cannot post. Give the X app Read and Write "
        "permission in the X developer portal, then reconnect X."
    ]
    assert_no_secrets(response)


@pytest.mark.parametrize("who", ["teacher", "head_teacher", "safeguarding_lead", "data_manager"])
def test_only_trust_admins_see_channel_accounts(
    api_as: Callable[[User], APIClient],
    who: str,
    request: Any,
    school: School,
    x_account: ChannelAccount,
) -> None:
    client = api_as(request.getfixturevalue(who))

    assert client.get(f"/api/schools/{school.pk}/channel-accounts").status_code == 404
    assert client.get(f"/api/channel-accounts/{x_account.pk}").status_code == 404


# --------------------------------------------------------------------------- publications


def test_anyone_who_sees_the_post_sees_each_channel(
    api_as: Callable[[User], APIClient],
    teacher: User,
    head_teacher: User,
    unconfirmed: Publication,
) -> None:
    for user in (teacher, head_teacher):
        response = api_as(user).get(f"/api/posts/{unconfirmed.post_id}/publications")
        assert response.status_code == 200
        assert {p["channel"]: p["state"] for p in response.json()} == {
            "website": "published",
            "x": "unconfirmed",
        }


def test_it_lists_a_posts_channels_in_the_same_number_of_queries_for_2_or_4(
    api_as: Callable[[User], APIClient],
    count_queries: Callable[[APIClient, str], int],
    make_post: Callable[..., Post],
    school: School,
    head_teacher: User,
) -> None:
    """A post has one publication per channel (four at most); each one here was resolved by
    its own leader, so a query per publication would show."""
    post = make_post(channels=("website", "x", "facebook", "instagram"))

    def add_publications(*channels: str) -> None:
        for channel in channels:
            leader = member(school, Role.LEADER, email=f"{channel}-leader@oakfield.test")
            Publication.objects.create(
                post=post,
                school=school,
                channel=channel,
                account=connect(school, channel),
                state=P.PUBLISHED,
                resolved_by=leader,
            )

    client = api_as(head_teacher)
    url = f"/api/posts/{post.pk}/publications"
    add_publications("website", "x")
    count_queries(client, url)  # the first request also loads the session
    for_two = count_queries(client, url)
    add_publications("facebook", "instagram")

    assert len(client.get(url).json()) == 4
    assert count_queries(client, url) == for_two


def test_a_leader_marks_an_unconfirmed_post_as_posted(
    api_as: Callable[[User], APIClient], head_teacher: User, unconfirmed: Publication
) -> None:
    post = unconfirmed.post
    post.refresh_from_db()
    assert post.status == S.PARTIALLY_PUBLISHED

    with committed():
        response = api_as(head_teacher).post(
            f"/api/publications/{unconfirmed.pk}/mark-posted",
            {"url": "https://x.com/oakfield/status/1912000000000000099"},
            format="json",
        )

    assert response.status_code == 200, response.content
    assert response.json()["state"] == "published"
    assert response.json()["external_id"] == "1912000000000000099"
    post.refresh_from_db()
    assert post.status == S.PUBLISHED


def test_a_leader_posts_again_once_after_checking_it_is_not_there(
    api_as: Callable[[User], APIClient],
    head_teacher: User,
    unconfirmed: Publication,
    fake_x: FakeX,
) -> None:
    with committed():
        response = api_as(head_teacher).post(f"/api/publications/{unconfirmed.pk}/post-again")

    assert response.status_code == 200, response.content
    assert [p["text"] for p in fake_x.posts] == ["Our class assembly"]
    unconfirmed.refresh_from_db()
    assert unconfirmed.state == P.PUBLISHED
    unconfirmed.post.refresh_from_db()
    assert unconfirmed.post.status == S.PUBLISHED


# Posting again re-checks consent first (R9): proved without mocking the re-check in
# tests/publishers/test_publish_recheck.py (test_r9_post_again_is_refused_...).


def test_a_dsl_cannot_resolve_publications(
    api_as: Callable[[User], APIClient], safeguarding_lead: User, unconfirmed: Publication
) -> None:
    client = api_as(safeguarding_lead)
    assert client.post(f"/api/publications/{unconfirmed.pk}/post-again").status_code == 403
    assert (
        client.post(
            f"/api/publications/{unconfirmed.pk}/mark-posted",
            {"url": "https://x.com/a/status/1"},
            format="json",
        ).status_code
        == 403
    )


# --------------------------------------------------------------------------- takedowns


@commits_for_real
def test_a_leader_requests_and_confirms_a_takedown(
    api_as: Callable[[User], APIClient],
    head_teacher: User,
    make_post: Callable[..., Post],
    fake_x: FakeX,
    x_account: ChannelAccount,
) -> None:
    post = make_post(channels=("x", "website"))
    services.publications_start(post_id=post.pk)
    client = api_as(head_teacher)

    requested = client.post(
        f"/api/posts/{post.pk}/takedown",
        {"reason": "A parent asked us to remove it"},
        format="json",
    )

    assert requested.status_code == 201, requested.content
    body = requested.json()
    assert body["state"] == "awaiting_confirmation"
    assert body["requested_by_name"] == str(head_teacher)
    listed = client.get("/api/takedowns", {"state": "awaiting_confirmation"})
    assert [t["id"] for t in listed.json()] == [body["id"]]
    confirmed = client.post(f"/api/takedowns/{body['id']}/confirm")
    assert confirmed.status_code == 200
    assert confirmed.json()["state"] == "done"
    assert {p["state"] for p in confirmed.json()["publications"]} == {"taken_down"}
    assert fake_x.posts == []


def test_a_teacher_cannot_take_a_post_down(
    api_as: Callable[[User], APIClient], teacher: User, make_post: Callable[..., Post]
) -> None:
    post = make_post(channels=("website",))
    services.publications_start(post_id=post.pk)

    response = api_as(teacher).post(
        f"/api/posts/{post.pk}/takedown", {"reason": "x"}, format="json"
    )

    assert response.status_code == 403
    assert not Takedown.objects.exists()


def test_a_takedown_needs_a_reason(
    api_as: Callable[[User], APIClient], head_teacher: User, make_post: Callable[..., Post]
) -> None:
    post = make_post(channels=("website",))
    services.publications_start(post_id=post.pk)

    response = api_as(head_teacher).post(
        f"/api/posts/{post.pk}/takedown", {"reason": "  "}, format="json"
    )

    assert response.status_code == 400


# --------------------------------------------------------------------------- website comments


def test_a_leader_approves_a_pending_comment(
    api_as: Callable[[User], APIClient], head_teacher: User, comment: WebsiteComment
) -> None:
    client = api_as(head_teacher)
    pending = client.get("/api/website-comments", {"status": "pending"})
    assert [c["text"] for c in pending.json()] == ["Great!"]

    response = client.post(f"/api/website-comments/{comment.pk}/approve")

    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    again = client.post(f"/api/website-comments/{comment.pk}/reject")
    assert again.status_code == 409


def test_a_teacher_cannot_moderate_comments(
    api_as: Callable[[User], APIClient], teacher: User, comment: WebsiteComment
) -> None:
    client = api_as(teacher)
    assert client.get("/api/website-comments").json() == []
    assert client.post(f"/api/website-comments/{comment.pk}/approve").status_code == 404


# --------------------------------------------------------------------------- isolation


def test_every_endpoint_hides_another_schools_objects(
    api_as: Callable[[User], APIClient],
    outsider: User,
    school: School,
    x_account: ChannelAccount,
    unconfirmed: Publication,
    comment: WebsiteComment,
    head_teacher: User,
) -> None:
    """The outsider holds every role, at another school: everything here is 404 or empty."""
    with committed():
        takedown = takedowns.takedown_request_for_post_by_leader(
            post_id=unconfirmed.post_id, actor=head_teacher, reason="test"
        )
    client = api_as(outsider)
    post_id = unconfirmed.post_id
    gets = [
        f"/api/schools/{school.pk}/channel-accounts",
        f"/api/channel-accounts/{x_account.pk}",
        f"/api/posts/{post_id}/publications",
        f"/api/takedowns/{takedown.pk}",
    ]
    posts = [
        (
            f"/api/schools/{school.pk}/channel-accounts",
            {"kind": "facebook", "display_name": "x", "credentials": {}},
        ),
        (f"/api/channel-accounts/{x_account.pk}/health-check", {}),
        (f"/api/publications/{unconfirmed.pk}/mark-posted", {"url": "https://x.com/a/status/1"}),
        (f"/api/publications/{unconfirmed.pk}/post-again", {}),
        (f"/api/posts/{post_id}/takedown", {"reason": "mine now"}),
        (f"/api/takedowns/{takedown.pk}/confirm", {}),
        (f"/api/website-comments/{comment.pk}/approve", {}),
        (f"/api/website-comments/{comment.pk}/reject", {}),
    ]
    for path in gets:
        assert client.get(path).status_code == 404, path
    for path, data in posts:
        assert client.post(path, data, format="json").status_code == 404, path
    patched = client.patch(
        f"/api/channel-accounts/{x_account.pk}", {"enabled": False}, format="json"
    )
    assert patched.status_code == 404
    assert client.get("/api/takedowns").json() == []
    assert client.get("/api/takedowns", {"school": school.pk}).json() == []
    assert client.get("/api/website-comments").json() == []
    assert client.get("/api/website-comments", {"school": school.pk}).json() == []
    x_account.refresh_from_db()
    assert x_account.enabled
    takedown.refresh_from_db()
    assert takedown.state == Takedown.State.AWAITING_CONFIRMATION


def test_signed_out_callers_get_nothing(x_account: ChannelAccount, school: School) -> None:
    client = APIClient()
    for path in (
        f"/api/schools/{school.pk}/channel-accounts",
        "/api/takedowns",
        "/api/website-comments",
    ):
        assert client.get(path).status_code in (401, 403)


def test_the_api_schema_includes_the_publishers_endpoints(
    api_as: Callable[[User], APIClient], head_teacher: User
) -> None:
    schema = api_as(head_teacher).get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = json.loads(schema.content)["paths"]
    assert "/api/takedowns/{takedown_id}/confirm" in paths
    assert "/api/schools/{school_id}/channel-accounts" in paths
