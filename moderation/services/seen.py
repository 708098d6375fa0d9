"""What each leader last saw of a post (issue 17, item 9): the version their "Changed since
you last looked" compares with, on whichever device they use next."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from backend.accounts.models import User
from backend.accounts.selectors import user_has_role
from backend.common.errors import Refused

from ..models import Post, PostSeen
from ..selectors import REVIEWER_ROLES

NOT_REVIEWER = "Only the school's leadership team and safeguarding lead keep track of posts seen."


@transaction.atomic
def post_mark_seen(*, post: Post, actor: User) -> int | None:
    """Record that ``actor`` (a leader or the DSL of the post's school) has the post's
    current version in front of them; answer the version they had seen before (None the
    first time). Safe to repeat: seeing the same version twice changes nothing, and an older
    version never overwrites a newer one."""
    if not user_has_role(user=actor, school=post.school_id, roles=list(REVIEWER_ROLES)):
        raise Refused(NOT_REVIEWER)
    seen = PostSeen.objects.select_for_update().filter(post=post, user=actor).first()
    if seen is None:
        try:
            with transaction.atomic():
                PostSeen.objects.create(post=post, user=actor, version=post.version)
            return None
        except IntegrityError:
            # Another tab of the same leader recorded it a moment ago.
            seen = PostSeen.objects.select_for_update().get(post=post, user=actor)
    previous = seen.version
    if post.version > seen.version:
        seen.version = post.version
        seen.seen_at = timezone.now()
        seen.save(update_fields=["version", "seen_at"])
    return previous
