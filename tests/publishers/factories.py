"""Posts ready to publish, connected channel accounts and photos carrying metadata, built
through the real services where the rule under test lives elsewhere."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from PIL import Image

from backend.accounts.models import Device, School, User
from backend.common.actors import SYSTEM_SHELL
from moderation import services as moderation_services
from moderation.models import Post, compute_content_hash
from publishers import services
from publishers.models import ChannelAccount

X_SECRETS = {
    "consumer_key": "consumer-key-value",
    "consumer_secret": "consumer-secret-value",
    "access_token": "access-token-value",
    "access_token_secret": "access-secret-value",
}
FACEBOOK_SECRETS = {
    "page_access_token": "EAAPageTokenValue",
    "app_secret": "app-secret-value",
    "webhook_verify_token": "verify-token-value",
}
INSTAGRAM_SECRETS = {"access_token": "EAAPageTokenValue", "app_secret": "app-secret-value"}
ALL_SECRET_VALUES = sorted(
    {*X_SECRETS.values(), *FACEBOOK_SECRETS.values(), *INSTAGRAM_SECRETS.values()}
)
PAGE_ID = "104000000000001"
IG_USER_ID = "17841400000000001"


def photo_with_metadata(n: int = 0) -> bytes:
    """A JPEG as a phone would send it: camera make, GPS position and a comment."""
    im = Image.new("RGB", (96, 64), (40 + 50 * n % 200, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"
    exif[0x0110] = "Model 7"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (51.0, 30.0, 0.0), "W", (0.0, 7.0, 0.0)
    out = io.BytesIO()
    im.save(out, "JPEG", exif=exif.tobytes(), comment=b"taken at 1 Secret Road")
    return out.getvalue()


def post_ready_to_publish(
    author: User,
    device: Device,
    *,
    channels: Sequence[str] = ("website",),
    text: str = "Sports day was brilliant!",
    images: int = 0,
    alt: str = "Pupils at sports day",
    status: str = Post.Status.PUBLISHING,
) -> Post:
    """A post as moderation hands it over: approved content, status ``publishing``. The
    images went through the real media pipeline (metadata stripped, R6)."""
    post = moderation_services.post_create(
        author=author, device=device, text=text, channels=list(channels)
    )
    for i in range(images):
        moderation_services.post_image_add(
            post=post,
            actor=author,
            device=device,
            data=photo_with_metadata(i),
            alt_text=f"{alt} {i + 1}",
        )
    content_hash = compute_content_hash(post, list(post.images.all()))
    Post.objects.filter(pk=post.pk).update(status=status, content_hash=content_hash)
    post.refresh_from_db()
    return post


def connect(school: School, kind: str, **overrides: Any) -> ChannelAccount:
    """A connected account of ``kind`` matching the fakes' identities."""
    if kind == "x":
        values: dict[str, Any] = {"credentials": X_SECRETS, "config": {}}
    elif kind == "facebook":
        values = {"credentials": FACEBOOK_SECRETS, "config": {"page_id": PAGE_ID}}
    elif kind == "instagram":
        values = {"credentials": INSTAGRAM_SECRETS, "config": {"ig_user_id": IG_USER_ID}}
    else:
        values = {}
    values.update(overrides)
    values.setdefault("display_name", f"Oakfield {kind}")
    return services.channel_account_create(school=school, actor=SYSTEM_SHELL, kind=kind, **values)
