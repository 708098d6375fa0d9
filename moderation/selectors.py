"""Read queries for posts. Every queryset is scoped to what the user may see: staff see
their own posts, leaders and DSLs every post of their schools."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import F, Prefetch, Q, QuerySet

from backend.accounts.models import Role, User
from backend.accounts.selectors import school_ids_for_user
from backend.audit.models import AuditEvent
from backend.audit.selectors import audit_events_for_target
from backend.common.errors import NotFound

from .models import (
    Approval,
    CheckRun,
    Face,
    FaceDispute,
    Post,
    PostImage,
    PostNote,
    PostSeen,
    SchoolPolicy,
)


@dataclass(frozen=True)
class ImageGuidance:
    """R21 for one school: the published long side, and whether close-ups block."""

    published_long_side: int
    close_up_faces_block: bool


def school_image_guidance(*, school_id: int) -> ImageGuidance:
    """The school's R21 policy, the deployment defaults filling what it leaves blank (reads
    only: a school without a policy row gets the defaults)."""
    row = (
        SchoolPolicy.objects.filter(school_id=school_id)
        .values_list("published_long_side", "close_up_faces_block")
        .first()
    )
    long_side, blocks = row if row else (None, False)
    return ImageGuidance(
        published_long_side=long_side or int(settings.PUBLISHED_LONG_SIDE),
        close_up_faces_block=blocks or bool(settings.FACE_CLOSE_UP_BLOCKS),
    )


def school_adult_tags_need_confirmation(*, school_id: int) -> bool:
    """R2 by school policy: must a leader other than the tagger confirm adult tags?"""
    return bool(
        SchoolPolicy.objects.filter(school_id=school_id)
        .values_list("adult_tags_need_leader_confirmation", flat=True)
        .first()
    )


def school_publishing_paused(*, school_id: int) -> bool:
    """Is the school's publishing paused (the emergency pause)? Reads only: a school
    without a policy row is not paused."""
    return SchoolPolicy.objects.filter(school_id=school_id, paused_at__isnull=False).exists()


REVIEWER_ROLES = (Role.LEADER, Role.DSL)
NO_SUCH_POST = "No such post among yours."


def posts_visible_to(*, user: User) -> QuerySet[Post]:
    reviewer_schools = school_ids_for_user(user=user, roles=REVIEWER_ROLES)
    member_schools = school_ids_for_user(user=user)
    return Post.objects.filter(
        Q(school_id__in=reviewer_schools) | Q(school_id__in=member_schools, author=user)
    )


def post_list(
    *,
    user: User,
    status: list[str] | None = None,
    channel: str | None = None,
    author_id: int | None = None,
    identifiable_pupils: bool | None = None,
    scheduled_from: datetime | None = None,
    scheduled_to: datetime | None = None,
    school_id: int | None = None,
) -> QuerySet[Post]:
    """The queue, most urgent first: scheduled posts by time, then unscheduled by age."""
    qs = posts_visible_to(user=user).select_related("author", "school")
    if status:
        qs = qs.filter(status__in=status)
    if channel:
        qs = (
            qs.filter(channels__contains=[channel])
            if _json_contains()
            else qs.filter(channels__icontains=f'"{channel}"')
        )
    if author_id:
        qs = qs.filter(author_id=author_id)
    if identifiable_pupils is not None:
        qs = qs.filter(has_identifiable_pupils=identifiable_pupils)
    if scheduled_from:
        qs = qs.filter(scheduled_at__gte=scheduled_from)
    if scheduled_to:
        qs = qs.filter(scheduled_at__lte=scheduled_to)
    if school_id:
        qs = qs.filter(school_id=school_id)
    return qs.prefetch_related(
        Prefetch("images", queryset=PostImage.objects.only("id", "post_id", "position"))
    ).order_by(F("scheduled_at").asc(nulls_last=True), "submitted_at", "id")


def _json_contains() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def post_get(*, user: User, post_id: int) -> Post:
    post = posts_visible_to(user=user).select_related("school", "author").filter(pk=post_id).first()
    if post is None:
        raise NotFound(NO_SUCH_POST)
    return post


def post_detail(*, user: User, post_id: int) -> Post:
    """One post with everything the detail page shows, in a fixed number of queries."""
    post = (
        posts_visible_to(user=user)
        .select_related("school", "author")
        .prefetch_related(
            Prefetch(
                "images",
                queryset=PostImage.objects.prefetch_related(
                    Prefetch(
                        "faces",
                        queryset=Face.objects.select_related(
                            "person", "tagged_by", "adult_confirmed_by"
                        ).prefetch_related(
                            Prefetch(
                                "disputes",
                                queryset=FaceDispute.objects.select_related(
                                    "raised_by", "resolved_by"
                                ),
                            )
                        ),
                    )
                ),
            ),
            Prefetch(
                "approvals",
                queryset=Approval.objects.select_related("approver").filter(voided_at__isnull=True),
            ),
            Prefetch("notes", queryset=PostNote.objects.select_related("author")),
        )
        .filter(pk=post_id)
        .first()
    )
    if post is None:
        raise NotFound(NO_SUCH_POST)
    return post


def post_latest_check(*, post: Post) -> CheckRun | None:
    return post.check_runs.filter(version=post.version).order_by("-id").first()


def post_history(*, post: Post) -> QuerySet[AuditEvent]:
    return audit_events_for_target(target_type="moderation.post", target_id=str(post.pk))


def post_image_get(*, user: User, post_id: int, image_id: int) -> PostImage:
    post = post_get(user=user, post_id=post_id)
    image = PostImage.objects.filter(post=post, pk=image_id).select_related("post").first()
    if image is None:
        raise NotFound("No such photo on this post.")
    return image


def face_get(*, user: User, post_id: int, face_id: int) -> Face:
    post = post_get(user=user, post_id=post_id)
    face = (
        Face.objects.select_related("image__post__school")
        .filter(pk=face_id, image__post=post)
        .first()
    )
    if face is None:
        raise NotFound("No such face on this post.")
    return face


def face_dispute_get(*, user: User, post_id: int, dispute_id: int) -> FaceDispute:
    post = post_get(user=user, post_id=post_id)
    dispute = (
        FaceDispute.objects.select_related("face__image__post__school")
        .filter(pk=dispute_id, face__image__post=post)
        .first()
    )
    if dispute is None:
        raise NotFound("No such dispute on this post.")
    return dispute


def may_see_original(*, user: User, post: Post) -> bool:
    """Originals (with their metadata) only for the author and the school's leaders."""
    if post.author_id == user.pk:
        return True
    return post.school_id in school_ids_for_user(user=user, roles=REVIEWER_ROLES)


def person_labels(*, person_ids: set[int]) -> dict[int, dict[str, str]]:
    from consent.selectors import people_labels

    return people_labels(person_ids=person_ids)


@dataclass(frozen=True)
class PublishableImage:
    image_id: int
    data: bytes  # the metadata-free "large" variant: the only bytes ever sent anywhere (R6)
    alt_text: str
    width: int
    height: int


@dataclass(frozen=True)
class PublishableContent:
    post_id: int
    school_id: int
    text: str
    channels: list[str]
    content_hash: str
    images: list[PublishableImage]


def post_publishable(*, post_id: int) -> PublishableContent:
    """Exactly what a publisher may send for an approved post."""
    post = Post.objects.get(pk=post_id)
    images = []
    for image in post.images.all():
        with image.large.open("rb") as fh:
            images.append(
                PublishableImage(
                    image_id=image.pk,
                    data=fh.read(),
                    alt_text=image.alt_text,
                    width=image.large_width,
                    height=image.large_height,
                )
            )
    return PublishableContent(
        post_id=post.pk,
        school_id=post.school_id,
        text=post.text,
        channels=list(post.channels),
        content_hash=post.content_hash,
        images=images,
    )


PUBLISHED_STATUSES = ("published", "partially_published", "publishing")


def post_ids_in_status(
    *, status: str, school_id: int | None = None, updated_before: datetime | None = None
) -> set[int]:
    posts = Post.objects.filter(status=status)
    if school_id is not None:
        posts = posts.filter(school_id=school_id)
    if updated_before is not None:
        posts = posts.filter(updated_at__lte=updated_before)
    return set(posts.values_list("id", flat=True))


def posts_featuring_person(
    *, person_id: int, also_post_ids: Collection[int] = ()
) -> QuerySet[Post]:
    """Published posts that show or name the person: by face match or tag, or by their
    full name in the text or alt text (R10). ``also_post_ids``: posts that may be public
    whatever their status says (publishers: a channel's outcome is still unknown, so a
    post settled as failed may be live there)."""
    from .checks.names import NameIndex, RegisterPerson

    maybe_public = Q(status__in=PUBLISHED_STATUSES) | Q(pk__in=list(also_post_ids))
    by_face = Post.objects.filter(
        maybe_public,
        images__faces__person_id=person_id,
        images__faces__blurred=False,
    )
    ids = set(by_face.values_list("id", flat=True))
    from consent.selectors import person_names

    names = person_names(person_id=person_id)
    if names is not None:
        school_id, first_names, last_name = names
        index = NameIndex.build(
            [RegisterPerson(key=person_id, first_names=first_names, last_name=last_name)]
        )
        published = Post.objects.filter(maybe_public, school_id=school_id)
        for post in published.prefetch_related("images"):
            texts = [post.text] + [img.alt_text for img in post.images.all()]
            if any(index.find_full_names(t) for t in texts if t):
                ids.add(post.pk)
    return Post.objects.filter(pk__in=ids).select_related("school")


def post_seen_version(*, post: Post, user: User) -> int | None:
    """The version of ``post`` that ``user`` last had in front of them, or None."""
    return PostSeen.objects.filter(post=post, user=user).values_list("version", flat=True).first()


def post_diff_since(*, post: Post, version: int) -> dict[str, Any]:
    """What changed between a version a leader saw (as checked) and the current one."""
    import difflib

    from .models import content_snapshot
    from .word_diff import word_diff

    then_run = post.check_runs.filter(version=version).order_by("-id").first()
    if then_run is None or not then_run.content:
        raise NotFound(f"Version {version} of this post was never checked.")
    then = then_run.content
    now = content_snapshot(post, list(post.images.all()))
    then_images = {i["id"]: i for i in then["images"]}
    now_images = {i["id"]: i for i in now["images"]}
    return {
        "from_version": version,
        "to_version": post.version,
        "text_diff": list(
            difflib.unified_diff(
                then["text"].splitlines(), now["text"].splitlines(), "before", "now", lineterm=""
            )
        ),
        "text_changes": word_diff(then["text"], now["text"]),
        "channels": {"before": then["channels"], "now": now["channels"]},
        "images_added": sorted(set(now_images) - set(then_images)),
        "images_removed": sorted(set(then_images) - set(now_images)),
        "images_changed": sorted(
            i
            for i in set(now_images) & set(then_images)
            if now_images[i]["sha256"] != then_images[i]["sha256"]
        ),
        "alt_text_changed": sorted(
            i
            for i in set(now_images) & set(then_images)
            if now_images[i]["alt"] != then_images[i]["alt"]
        ),
    }
