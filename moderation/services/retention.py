"""Retention of post images (R6, R15): private originals go once a post is finished."""

from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from backend.audit.services import audit_record

from ..models import PostImage
from .common import S

FINAL_STATUSES = (S.PUBLISHED, S.PARTIALLY_PUBLISHED, S.TAKEN_DOWN, S.REJECTED, S.EXPIRED, S.FAILED)


def post_originals_purge(*, now: datetime | None = None) -> int:
    """Delete the private originals of posts that reached a final status longer ago than
    ORIGINALS_RETENTION_DAYS. The metadata-free variants stay (they are what was
    published); the original, with its camera metadata and full resolution, goes."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.ORIGINALS_RETENTION_DAYS)
    images = list(
        PostImage.objects.filter(
            post__status__in=FINAL_STATUSES,
            post__updated_at__lt=cutoff,
            original_purged_at__isnull=True,
        ).select_related("post__school")
    )
    for image in images:
        with transaction.atomic():
            updated = PostImage.objects.filter(pk=image.pk, original_purged_at__isnull=True).update(
                original_purged_at=now, original=""
            )
            if updated and image.original.name:
                transaction.on_commit(partial(default_storage.delete, image.original.name))
    if images:
        audit_record(
            action="retention.originals_purged",
            data={"images": len(images), "cutoff": cutoff.isoformat()},
        )
    return len(images)
