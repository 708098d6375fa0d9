"""The built-in website channel: a public news page and RSS/Atom feeds of published posts,
images only from the publishable copy, and pre-moderated comments (R11)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import pytest
from django.core import signing
from django.test import Client

from backend.accounts.models import School
from backend.common.actors import SYSTEM_CONSENT_ENDED
from moderation import takedowns
from moderation.imaging import metadata_present
from moderation.models import Post
from publishers import media, services
from publishers.models import ChannelAccount, Publication, WebsiteComment, WebsiteEntry
from publishers.services import common as services_common
from publishers.services.website_comments import COMMENT_RATE_ADDRESS, COMMENT_RATE_ENTRY
from tests.commits import committed

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def entry(make_post: Callable[..., Post]) -> WebsiteEntry:
    post = make_post(
        channels=("website",),
        text="Sports day\nWhat a day it was.",
        images=2,
        alt="Runners on the track",
    )
    with committed():
        services.publications_start(post_id=post.pk)
    return WebsiteEntry.objects.get(publication__post=post)


@pytest.fixture
def client() -> Client:
    return Client()


def page(entry: WebsiteEntry) -> str:
    return f"/news/{entry.school.slug}/{entry.pk}/"


def test_the_news_page_lists_published_posts_with_their_images_and_alt_text(
    entry: WebsiteEntry, client: Client
) -> None:
    response = client.get(f"/news/{entry.school.slug}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Sports day" in html and "What a day it was." in html
    assert 'alt="Runners on the track 1"' in html and 'alt="Runners on the track 2"' in html
    assert f"/news/{entry.school.slug}/{entry.pk}/images/0.jpg" in html
    assert response["Cache-Control"] == "no-cache, max-age=0"


def test_an_entry_page_shows_the_post(entry: WebsiteEntry, client: Client) -> None:
    response = client.get(page(entry))

    assert response.status_code == 200
    assert "<h2>Sports day</h2>" in response.content.decode()


def test_images_are_the_metadata_free_publishable_copy_never_the_original(
    entry: WebsiteEntry, client: Client
) -> None:
    post = entry.publication.post
    response = client.get(f"{page(entry)}images/1.jpg")

    data = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert response["Content-Type"] == "image/jpeg"
    large = [image.large.open("rb").read() for image in post.images.all()]
    originals = [image.original.open("rb").read() for image in post.images.all()]
    assert data == large[1] and data not in originals
    assert metadata_present(data) == []


def test_the_rss_feed_is_valid_and_lists_the_post(entry: WebsiteEntry, client: Client) -> None:
    response = client.get(f"/news/{entry.school.slug}/feed.rss")

    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel is not None
    assert channel.findtext("title") == "Oakfield Primary news"
    items = channel.findall("item")
    assert [i.findtext("title") for i in items] == ["Sports day"]
    assert items[0].findtext("link") == f"http://127.0.0.1:8000{page(entry)}"
    assert items[0].findtext("guid") == items[0].findtext("link")
    assert items[0].findtext("pubDate")
    enclosure = items[0].find("enclosure")
    assert enclosure is not None and enclosure.get("type") == "image/jpeg"
    assert enclosure.get("url", "").endswith("/images/0.jpg")


def test_the_atom_feed_is_valid_and_lists_the_post(entry: WebsiteEntry, client: Client) -> None:
    response = client.get(f"/news/{entry.school.slug}/feed.atom")

    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}id") and root.findtext(f"{ATOM}updated")
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 1
    item = entries[0]
    assert item.findtext(f"{ATOM}title") == "Sports day"
    assert item.findtext(f"{ATOM}id") and item.findtext(f"{ATOM}updated")
    assert "What a day it was." in (item.findtext(f"{ATOM}summary") or "")


def test_nothing_unpublished_shows(
    make_post: Callable[..., Post], entry: WebsiteEntry, client: Client
) -> None:
    draft_like = make_post(channels=("website",), text="Not yet out")
    with committed():
        services.publications_start(post_id=draft_like.pk)
    Publication.objects.filter(post=draft_like).update(state=Publication.State.ATTEMPTING)

    for path in (f"/news/{entry.school.slug}/", f"/news/{entry.school.slug}/feed.rss"):
        assert "Not yet out" not in client.get(path).content.decode()
    hidden = WebsiteEntry.objects.get(publication__post=draft_like)
    assert client.get(page(hidden)).status_code == 404


def test_another_schools_feed_does_not_show_this_schools_posts(
    entry: WebsiteEntry, other_school: School, client: Client
) -> None:
    html = client.get(f"/news/{other_school.slug}/").content.decode()
    assert "Sports day" not in html
    assert client.get(f"/news/{other_school.slug}/{entry.pk}/").status_code == 404
    assert client.get(f"/news/{other_school.slug}/{entry.pk}/images/0.jpg").status_code == 404


def test_an_unknown_school_or_a_switched_off_feed_is_not_found(
    entry: WebsiteEntry, client: Client
) -> None:
    assert client.get("/news/no-such-school/").status_code == 404
    ChannelAccount.objects.filter(school=entry.school, kind="website").update(enabled=False)
    assert client.get(f"/news/{entry.school.slug}/").status_code == 404
    assert client.get(f"/news/{entry.school.slug}/feed.atom").status_code == 404


# --------------------------------------------------------------------------- comments (R11)


def test_a_comment_is_stored_pending_and_not_shown(entry: WebsiteEntry, client: Client) -> None:
    with committed():
        response = client.post(page(entry), {"author_name": "A Parent", "text": "Lovely photos!"})

    assert response.status_code == 302
    comment = WebsiteComment.objects.get()
    assert comment.status == WebsiteComment.Status.PENDING
    after = client.get(response["Location"]).content.decode()
    assert "will appear once the school has approved it" in after
    assert "Lovely photos!" not in after


def test_only_approved_comments_are_ever_visible(
    entry: WebsiteEntry, client: Client, head_teacher: Any
) -> None:
    for text in ("Approved one", "Rejected one", "Pending one"):
        with committed():
            services.website_comment_submit(entry=entry, author_name="Parent", text=text)
    approved, rejected, _ = WebsiteComment.objects.order_by("id")
    services.website_comment_decide(comment=approved, actor=head_teacher, status="approved")
    services.website_comment_decide(comment=rejected, actor=head_teacher, status="rejected")

    html = client.get(page(entry)).content.decode()

    assert "Approved one" in html
    assert "Rejected one" not in html and "Pending one" not in html


def test_a_comment_needs_a_name_and_text(entry: WebsiteEntry, client: Client) -> None:
    response = client.post(page(entry), {"author_name": " ", "text": "Hi"})

    assert response.status_code == 400
    assert "Please give your name." in response.content.decode()
    assert not WebsiteComment.objects.exists()


def test_a_bot_filling_the_hidden_field_stores_nothing(entry: WebsiteEntry, client: Client) -> None:
    response = client.post(
        page(entry), {"author_name": "Bot", "text": "spam", "website": "http://spam.example"}
    )

    assert response.status_code == 302
    assert not WebsiteComment.objects.exists()


def test_comments_on_a_withdrawn_entry_are_refused(entry: WebsiteEntry, client: Client) -> None:
    with committed():
        takedowns.takedown_request_for_post(
            post_id=entry.publication.post_id, actor=SYSTEM_CONSENT_ENDED, reason="consent"
        )

    assert client.post(page(entry), {"author_name": "P", "text": "Hi"}).status_code == 404
    assert not WebsiteComment.objects.exists()


# --------------------------------------------------------------------------- Instagram links


def in_flight_instagram(make_post: Callable[..., Post], monkeypatch: Any) -> Publication:
    post = make_post(channels=("instagram",), images=1)
    with monkeypatch.context() as patched:
        patched.setattr(services_common, "queue_task", lambda *args, **kwargs: None)
        services.publications_start(post_id=post.pk)
    return Publication.objects.get(post=post)


def test_the_signed_image_link_serves_the_publishable_variant_while_in_flight(
    make_post: Callable[..., Post],
    instagram_account: ChannelAccount,
    monkeypatch: Any,
    client: Client,
) -> None:
    pub = in_flight_instagram(make_post, monkeypatch)
    url = media.media_url(publication_id=pub.pk, position=0)
    assert url.startswith("https://queue.oakfield.test/media/p/")
    path = url.removeprefix("https://queue.oakfield.test")

    response = client.get(path)

    assert response.status_code == 200
    assert response.content == pub.post.images.get().large.open("rb").read()
    assert metadata_present(response.content) == []
    assert response["Cache-Control"] == "private, no-store"
    Publication.objects.filter(pk=pub.pk).update(state=Publication.State.PUBLISHED)
    assert client.get(path).status_code == 404


def test_a_forged_or_expired_image_link_is_refused(
    make_post: Callable[..., Post],
    instagram_account: ChannelAccount,
    monkeypatch: Any,
    client: Client,
) -> None:
    pub = in_flight_instagram(make_post, monkeypatch)
    token = media.media_token(publication_id=pub.pk, position=0)
    forged = signing.TimestampSigner(salt="another").sign_object({"p": pub.pk, "i": 0})

    assert client.get(f"/media/p/{forged}").status_code == 404
    assert client.get(f"/media/p/{token}x").status_code == 404
    assert (
        client.get(f"/media/p/{media.media_token(publication_id=pub.pk, position=5)}").status_code
        == 404
    )
    later = signing.time.time() + media.MEDIA_URL_MAX_AGE.total_seconds() + 5
    monkeypatch.setattr(signing.time, "time", lambda: later)
    assert client.get(f"/media/p/{token}").status_code == 404


def _comment(client: Client, entry: WebsiteEntry, address: str) -> Any:
    with committed():
        return client.post(
            page(entry), {"author_name": "Gran", "text": "Lovely!"}, REMOTE_ADDR=address
        )


def test_it_limits_comments_per_address_with_a_clear_message_and_429(
    entry: WebsiteEntry, client: Client, settings: Any
) -> None:
    settings.WEBSITE_COMMENTS_PER_ADDRESS = 2
    assert [_comment(client, entry, "203.0.113.5").status_code for _ in range(2)] == [302, 302]

    response = _comment(client, entry, "203.0.113.5")

    assert response.status_code == 429
    assert COMMENT_RATE_ADDRESS in response.content.decode()
    assert WebsiteComment.objects.count() == 2


def test_it_limits_comments_per_address_whatever_forwarded_for_says(
    entry: WebsiteEntry, client: Client, settings: Any
) -> None:
    settings.WEBSITE_COMMENTS_PER_ADDRESS = 1
    _comment(client, entry, "203.0.113.5")
    with committed():
        response = client.post(
            page(entry),
            {"author_name": "Gran", "text": "Again"},
            REMOTE_ADDR="203.0.113.5",
            HTTP_X_FORWARDED_FOR="192.0.2.1",
        )
    assert response.status_code == 429


def test_it_limits_comments_per_news_item_from_any_address(
    entry: WebsiteEntry, client: Client, settings: Any
) -> None:
    settings.WEBSITE_COMMENTS_PER_ENTRY = 2
    _comment(client, entry, "203.0.113.1")
    _comment(client, entry, "203.0.113.2")

    response = _comment(client, entry, "203.0.113.3")

    assert response.status_code == 429
    assert COMMENT_RATE_ENTRY in response.content.decode()
