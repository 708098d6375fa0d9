"""Signed, expiring public URLs for the images of a publication in flight.

Instagram does not take uploads: it fetches each image from a public HTTPS URL. We give it
``/media/p/<token>``, where the token is signed with Django's ``TimestampSigner`` (the
site's SECRET_KEY; nothing guessable) and names one publication and one image position.
The view serves the publishable, metadata-free ``large`` variant (R6) only while the token
is younger than ``MEDIA_URL_MAX_AGE`` and the publication is still queued or attempting.
"""

from __future__ import annotations

from datetime import timedelta

from django.core import signing
from django.urls import reverse

from publishers.website.links import absolute

SALT = "publishers.media"
#: Instagram fetches while the container is created; keep the link alive long enough for
#: retries within one attempt, and no longer.
MEDIA_URL_MAX_AGE = timedelta(hours=2)


def media_token(*, publication_id: int, position: int) -> str:
    return signing.TimestampSigner(salt=SALT).sign_object({"p": publication_id, "i": position})


def media_url(*, publication_id: int, position: int) -> str:
    token = media_token(publication_id=publication_id, position=position)
    return absolute(reverse("publication-media", kwargs={"token": token}))


def media_token_read(token: str) -> tuple[int, int] | None:
    """(publication id, image position), or None for a forged, altered or expired token."""
    try:
        value = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=MEDIA_URL_MAX_AGE)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    if not isinstance(value, dict):
        return None
    publication_id, position = value.get("p"), value.get("i")
    if not isinstance(publication_id, int) or not isinstance(position, int):
        return None
    return publication_id, position
