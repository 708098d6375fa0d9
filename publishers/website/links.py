"""Public addresses of the built-in website channel (absolute, from PUBLIC_BASE_URL, so
feeds and emails work behind a proxy)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse

if TYPE_CHECKING:
    from publishers.models import WebsiteEntry, WebsiteEntryImage


def absolute(path: str) -> str:
    return f"{str(settings.PUBLIC_BASE_URL).rstrip('/')}{path}"


def news_path(school_slug: str) -> str:
    return reverse("website-news", kwargs={"school_slug": school_slug})


def entry_path(entry: WebsiteEntry) -> str:
    return reverse("website-entry", kwargs={"school_slug": entry.school.slug, "entry_id": entry.pk})


def entry_url(entry: WebsiteEntry) -> str:
    return absolute(entry_path(entry))


def image_path(image: WebsiteEntryImage) -> str:
    entry = image.entry
    return reverse(
        "website-image",
        kwargs={
            "school_slug": entry.school.slug,
            "entry_id": entry.pk,
            "position": image.position,
        },
    )


def image_url(image: WebsiteEntryImage) -> str:
    return absolute(image_path(image))


def feed_url(school_slug: str, kind: str) -> str:
    """``kind`` is "rss" or "atom"."""
    return absolute(reverse(f"website-feed-{kind}", kwargs={"school_slug": school_slug}))
