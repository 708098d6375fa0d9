"""Leader decisions and the publishing lifecycle of a post: approve (R8), reject, request
changes, the note thread, release at the scheduled time with a fail-closed re-check (R9),
expiry, the emergency pause and the school's approval policy.

services/ holds drafting and the checks; this module holds what happens after;
handoffs.py and takedowns.py what publishers reports back. All change status only
through workflow.post_transition.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from backend.accounts.models import Role, School, User
from backend.accounts.selectors import school_ids_for_user, user_has_role
from backend.audit.services import audit_record
from backend.common.actors import SYSTEM_RELEASE, SystemActor
from backend.common.dispatch import send_after_commit
from backend.common.errors import Conflict, InvalidInput, Refused
from backend.common.normalise import check_schedule, clean_text
from backend.common.retry import retry_on_deadlock

# Through the module: ``publishing.publications_start`` is looked up when a post is
# released, so a test can stand in for publishers.
from publishers import services as publishing

from .approval_gates import approval_notices_check_acknowledged
from .checks.evaluate import ImageView, evaluate, face_view
from .models import Approval, Face, Post, PostNote, SchoolPolicy
from .notifications import notify_author, notify_leaders
from .workflow import BEFORE_APPROVAL, post_lock, post_transition

S = Post.Status

SELF_APPROVAL = "Nobody approves their own post, whatever their role (R8)."
NOT_A_LEADER = "Only the school's leadership team can approve or reject posts."
NOT_AWAITING = "This post is not waiting for approval (it is {status})."
CONTENT_CHANGED = (
    "The post changed since you opened it. Reload it and check the new version before approving."
)
ALREADY_APPROVED = "You have already approved this version of the post."
CONFIRM_EVERY_IMAGE = (
    "Confirm for each photo that no other identifiable person is in it (R20): face "
    "detection misses turned, profile and partly hidden faces. Not yet confirmed: {photos}. "
    "If someone is there, request changes so a face box is added."
)
NOT_THIS_POSTS_IMAGE = "Only photos of this post can be confirmed (not: {ids})."
REASON_REQUIRED = "Give a reason: the author will see it."
COMMENT_REQUIRED = "Say what needs changing: the author will see it."
NOT_IN_THREAD = "Only the author and the school's leaders can write on this post."
NOTE_EMPTY = "Write something first."
NOT_PAUSER = "Only a leader or trust administrator of the school can pause publishing."
ALREADY_PAUSED = "Publishing is already paused for {school}."
NOT_PAUSED = "Publishing is not paused for {school}."
DSL_CLEARANCE = "A DSL's clearance is still needed (the school's policy)."
SCHEDULE_IN_PAST = "The scheduled time is in the past."
RECHECK_FAILED = "Stopped at publish time: {why}"
EXPIRED_REASON = "Not approved by its scheduled time, so it was not published."
NOT_RELEASER = "Posts are released by the scheduled release, not by hand: approve instead."


def school_policy_get_or_create(school: School | int) -> SchoolPolicy:
    """The school's approval policy, created with the defaults on first use."""
    school_id = school if isinstance(school, int) else school.pk
    policy, _ = SchoolPolicy.objects.get_or_create(school_id=school_id)
    return policy


# --- decisions ------------------------------------------------------------------------------


@retry_on_deadlock
def post_approve(
    *,
    post_id: int,
    approver: User,
    content_hash: str,
    scheduled_at: datetime | None | Any = ...,
    confirmed_images: Sequence[int] = (),
    acknowledged: Sequence[str] = (),
) -> Post:
    """Record one leader's approval of this exact content; when the policy's count is met,
    the post is approved and released now or at its scheduled time.

    1. Check: leader (or DSL when the policy wants clearance), not the author (R8), post
       awaiting approval, the hash the leader saw is the current one, and every photo
       confirmed to show no other identifiable person (R20: detectors miss faces, so the
       approver looks at each published image, not only those where none was found),
       and every notice an app above asks the leader to accept (``approval_gates``: e.g.
       over the X budget) acknowledged by its code.
    2. Record the approval (one per leader and content hash, database-enforced) with the
       photos it confirmed.
    3. Enough distinct approvers (two when identifiable pupils and the policy says so)?
       -> approved -> scheduled or publishing.
    """
    with transaction.atomic():
        post = post_lock(post_id)
        if post.author_id == approver.pk:
            raise Refused(SELF_APPROVAL, code="self_approval")
        is_leader = user_has_role(user=approver, school=post.school_id, roles=[Role.LEADER])
        is_dsl = user_has_role(user=approver, school=post.school_id, roles=[Role.DSL])
        policy = school_policy_get_or_create(post.school_id)
        if not (is_leader or (is_dsl and policy.dsl_clearance_required)):
            raise Refused(NOT_A_LEADER)
        if post.status != S.AWAITING_APPROVAL:
            raise Conflict(
                NOT_AWAITING.format(status=post.get_status_display().lower()), field="status"
            )
        if content_hash != post.content_hash:
            raise Conflict(CONTENT_CHANGED, field="content_hash", code="content_changed")
        confirmed = _check_every_image_confirmed(post, confirmed_images)
        accepted = approval_notices_check_acknowledged(
            post_id=post.pk,
            school_id=post.school_id,
            text=post.text,
            channels=post.channels,
            acknowledged=acknowledged,
        )
        if scheduled_at is not ... and scheduled_at is not None:
            now = timezone.now()
            if scheduled_at < now:
                raise InvalidInput(SCHEDULE_IN_PAST, field="scheduled_at")
            check_schedule(scheduled_at, now=now)
        try:
            with transaction.atomic():
                Approval.objects.create(
                    post=post,
                    approver=approver,
                    content_hash=content_hash,
                    confirmed_images=confirmed,
                    # The old single tick, kept for readers of earlier approvals.
                    confirmed_no_identifiable_faces=bool(confirmed),
                )
        except IntegrityError as exc:
            raise Conflict(ALREADY_APPROVED, code="already_approved") from exc
        if scheduled_at is not ...:
            Post.objects.filter(pk=post.pk).update(scheduled_at=scheduled_at)
            post.scheduled_at = scheduled_at
        audit_record(
            action="post.approval_recorded",
            actor=approver,
            school=post.school,
            target=post,
            data={
                "content_hash": content_hash,
                "confirmed_images": confirmed,
                "acknowledged": accepted,
            },
        )
        _approve_when_enough(post=post, policy=policy, content_hash=content_hash, actor=approver)
    return post


def _approve_when_enough(
    *, post: Post, policy: SchoolPolicy, content_hash: str, actor: User
) -> None:
    """Step 3 of ``post_approve``: enough distinct approvers of this content (and a DSL
    among them when the policy wants clearance for identifiable pupils)? Then approved,
    and scheduled or released now."""
    live = list(
        Approval.objects.filter(
            post=post, content_hash=content_hash, voided_at__isnull=True
        ).select_related("approver")
    )
    if len({a.approver_id for a in live}) < policy.approvals_needed(post):
        return
    if (
        policy.dsl_clearance_required
        and post.has_identifiable_pupils
        and not any(
            user_has_role(user=a.approver, school=post.school_id, roles=[Role.DSL]) for a in live
        )
    ):
        post.status_reason = DSL_CLEARANCE
        Post.objects.filter(pk=post.pk).update(status_reason=DSL_CLEARANCE)
        return
    post_transition(
        post=post,
        to=S.APPROVED,
        actor=actor,
        data={"approvers": [a.approver_id for a in live]},
    )
    if post.scheduled_at and post.scheduled_at > timezone.now():
        post_transition(post=post, to=S.SCHEDULED, actor=actor)
    else:
        _queue_release(post)
    # In the decision's transaction: the email is in the outbox exactly when the decision is.
    notify_author(post_id=post.pk, event="approved")


def _check_every_image_confirmed(post: Post, confirmed_images: Sequence[int]) -> list[int]:
    """R20: the approver confirmed every photo of the post (all of them are published),
    and nothing else. Returns the confirmed ids, sorted, as the approval records them."""
    image_ids = list(post.images.order_by("position", "id").values_list("id", flat=True))
    confirmed = set(confirmed_images)
    strangers = sorted(confirmed - set(image_ids))
    if strangers:
        raise InvalidInput(
            NOT_THIS_POSTS_IMAGE.format(ids=", ".join(map(str, strangers))),
            field="confirmed_images",
        )
    missing = [n for n, image_id in enumerate(image_ids, start=1) if image_id not in confirmed]
    if missing:
        photos = ", ".join(f"photo {n}" for n in missing)
        raise InvalidInput(CONFIRM_EVERY_IMAGE.format(photos=photos), field="confirmed_images")
    return sorted(confirmed)


@retry_on_deadlock
def post_reject(*, post_id: int, actor: User, reason: str) -> Post:
    reason = clean_text(reason, field="reason", required=False, multiline=True)
    if not reason:
        raise InvalidInput(REASON_REQUIRED, field="reason")
    with transaction.atomic():
        post = post_lock(post_id)
        _check_decider(post=post, actor=actor)
        if post.status != S.AWAITING_APPROVAL:
            raise Conflict(
                NOT_AWAITING.format(status=post.get_status_display().lower()), field="status"
            )
        PostNote.objects.create(
            post=post, author=actor, kind="rejection", text=reason.strip(), version=post.version
        )
        post_transition(post=post, to=S.REJECTED, actor=actor, reason=reason.strip())
        notify_author(post_id=post_id, event="rejected", note=reason.strip())
    return post


@retry_on_deadlock
def post_request_changes(*, post_id: int, actor: User, comment: str) -> Post:
    comment = clean_text(comment, field="comment", required=False, multiline=True)
    if not comment:
        raise InvalidInput(COMMENT_REQUIRED, field="comment")
    with transaction.atomic():
        post = post_lock(post_id)
        _check_decider(post=post, actor=actor)
        if post.status != S.AWAITING_APPROVAL:
            raise Conflict(
                NOT_AWAITING.format(status=post.get_status_display().lower()), field="status"
            )
        PostNote.objects.create(
            post=post,
            author=actor,
            kind="changes_requested",
            text=comment.strip(),
            version=post.version,
        )
        post_transition(post=post, to=S.CHANGES_REQUESTED, actor=actor, reason=comment.strip())
        notify_author(post_id=post_id, event="changes requested", note=comment.strip())
    return post


def _check_decider(*, post: Post, actor: User) -> None:
    roles = (
        [Role.LEADER, Role.DSL]
        if school_policy_get_or_create(post.school_id).dsl_clearance_required
        else [Role.LEADER]
    )
    if not user_has_role(user=actor, school=post.school_id, roles=roles):
        raise Refused(NOT_A_LEADER)


def post_note_add(*, post: Post, author: User, text: str) -> PostNote:
    """The thread on a post: the author and the school's leaders talk about a draft."""
    text = clean_text(text, field="text", required=False, multiline=True)
    if not text:
        raise InvalidInput(NOTE_EMPTY, field="text")
    if post.author_id != author.pk and not user_has_role(
        user=author, school=post.school_id, roles=[Role.LEADER, Role.DSL]
    ):
        raise Refused(NOT_IN_THREAD)
    with transaction.atomic():
        note = PostNote.objects.create(post=post, author=author, text=text, version=post.version)
        audit_record(
            action="post.note_added",
            actor=author,
            school=post.school,
            target=post,
            data={"note": note.pk},
        )
    return note


# --- release at the scheduled time (R9) -------------------------------------------------------


def _queue_release(post: Post) -> None:
    from .tasks import release_post

    send_after_commit(release_post, post.pk)


def post_recheck_reason(post: Post, *, channels: Sequence[str] | None = None) -> str | None:
    """Re-evaluate consent, flags, names and contacts on the stored faces (no re-detection);
    None if everything still holds, else the first blocking finding's message.

    R9 runs before every publishing attempt: the release, each publication's attempt
    (retries, "post again", after a pause). ``channels`` narrows the consent questions to
    the channel about to be published; findings about no channel (flags, names, contact
    details, untagged faces) stop every channel."""
    images = list(post.images.all())
    views = []
    for image in images:
        faces = [face_view(f) for f in Face.objects.filter(image=image)]
        views.append(ImageView(key=image.pk, alt_text=image.alt_text, faces=faces))
    result = evaluate(
        school=post.school,
        channels=post.channels if channels is None else list(channels),
        text=post.text,
        images=views,
    )
    blocking = [f for f in result.findings if f.severity != "confirm"]
    return blocking[0].message if blocking else None


def post_release(*, post_id: int, actor: SystemActor, now: datetime | None = None) -> Post | None:
    """At its time, publish an approved post, failing closed (R9).

    Safe to run twice: only an approved or scheduled post that is due is released. A
    paused school's posts wait. If consent or a flag no longer holds, nothing is published:
    the post returns to the queue with the reason, approvals are voided, people are told.
    Only the release task does this (hole 12): people approve, the system releases.
    """
    if actor != SYSTEM_RELEASE:
        raise Refused(NOT_RELEASER)
    with transaction.atomic():
        post = post_lock(post_id)
        if post.status not in (S.APPROVED, S.SCHEDULED):
            return None
        if post.scheduled_at and post.scheduled_at > (now or timezone.now()):
            if post.status == S.APPROVED:
                post_transition(post=post, to=S.SCHEDULED, actor=actor)
            return None
        if school_policy_get_or_create(post.school_id).is_paused:
            if post.status == S.APPROVED:
                post_transition(
                    post=post, to=S.SCHEDULED, actor=actor, reason="Publishing is paused"
                )
            return None
        why = post_recheck_reason(post)
        approved = Approval.objects.filter(
            post=post, voided_at__isnull=True, content_hash=post.content_hash
        ).exists()
        if why is None and not approved:
            why = CONTENT_CHANGED
        if why is not None:
            Approval.objects.filter(post=post, voided_at__isnull=True).update(
                voided_at=timezone.now()
            )
            # The old time has passed: clear it, so the post waits in the queue for a new
            # decision instead of expiring at once.
            post_transition(
                post=post,
                to=S.AWAITING_APPROVAL,
                actor=actor,
                reason=RECHECK_FAILED.format(why=why),
                data={"fail_closed": True},
                scheduled_at=None,
            )
            note = RECHECK_FAILED.format(why=why)
            notify_author(post_id=post_id, event="not published", note=note)
            notify_leaders(post_id=post_id, subject="not published", note=note)
            return post
        post_transition(post=post, to=S.PUBLISHING, actor=actor)
        transaction.on_commit(lambda: publishing.publications_start(post_id=post_id))
    return post


def posts_release_due(*, actor: SystemActor, now: datetime | None = None) -> dict[str, int]:
    """Beat, every minute: release due posts; expire posts still unapproved at their time."""
    if actor != SYSTEM_RELEASE:
        raise Refused(NOT_RELEASER)
    now = now or timezone.now()
    released = expired = 0
    paused = set(
        SchoolPolicy.objects.filter(paused_at__isnull=False).values_list("school_id", flat=True)
    )
    due = (
        Post.objects.filter(
            # A scheduled post without a time was approved during a pause: due at once
            # now that its school publishes again (R9 re-check in post_release).
            Q(status__in=[S.APPROVED, S.SCHEDULED], scheduled_at__lte=now)
            | Q(status=S.SCHEDULED, scheduled_at__isnull=True)
        )
        .exclude(school_id__in=paused)
        .values_list("id", flat=True)
    )
    for post_id in list(due):
        if post_release(post_id=post_id, actor=actor, now=now) is not None:
            released += 1
    for post in Post.objects.filter(status__in=list(BEFORE_APPROVAL), scheduled_at__lte=now):
        try:
            with transaction.atomic():  # the expiry and its email together
                post_transition(post=post, to=S.EXPIRED, actor=actor, reason=EXPIRED_REASON)
                notify_author(post_id=post.pk, event="expired", note=EXPIRED_REASON)
        except Conflict:
            continue
        expired += 1
    return {"released": released, "expired": expired}


# --- emergency pause --------------------------------------------------------------------------


def _pausable_schools(*, actor: User, school: School | None, whole_trust: bool) -> list[School]:
    allowed = school_ids_for_user(user=actor, roles=[Role.LEADER, Role.TRUST_ADMIN])
    if school is not None and school.pk not in allowed:
        raise Refused(NOT_PAUSER)
    if whole_trust:
        if school is None or school.trust_id is None:
            raise InvalidInput("This school is not in a trust.", field="whole_trust")
        trust_admin_of = school_ids_for_user(user=actor, roles=[Role.TRUST_ADMIN])
        schools = list(School.objects.filter(trust_id=school.trust_id, pk__in=trust_admin_of))
        if not schools:
            raise Refused("Only a trust administrator can pause the whole trust.")
        return schools
    assert school is not None
    return [school]


def publishing_pause(
    *, actor: User, school: School, reason: str, whole_trust: bool = False
) -> list[SchoolPolicy]:
    """Stop all publishing at once. Scheduled posts wait; resuming is explicit."""
    if not reason.strip():
        raise InvalidInput("Say why publishing is paused.", field="reason")
    schools = _pausable_schools(actor=actor, school=school, whole_trust=whole_trust)
    out = []
    with transaction.atomic():
        for s in schools:
            policy = school_policy_get_or_create(s)
            if policy.is_paused:
                if not whole_trust:
                    raise Conflict(ALREADY_PAUSED.format(school=s.name))
                continue
            SchoolPolicy.objects.filter(pk=policy.pk).update(
                paused_at=timezone.now(), paused_by=actor, pause_reason=reason.strip()
            )
            audit_record(
                action="publishing.paused",
                actor=actor,
                school=s,
                target=policy,
                data={"reason": reason.strip(), "whole_trust": whole_trust},
            )
            policy.refresh_from_db()
            out.append(policy)
    return out


def publishing_resume(
    *, actor: User, school: School, whole_trust: bool = False
) -> list[SchoolPolicy]:
    schools = _pausable_schools(actor=actor, school=school, whole_trust=whole_trust)
    out = []
    with transaction.atomic():
        for s in schools:
            policy = school_policy_get_or_create(s)
            if not policy.is_paused:
                if not whole_trust:
                    raise Conflict(NOT_PAUSED.format(school=s.name))
                continue
            SchoolPolicy.objects.filter(pk=policy.pk).update(
                paused_at=None, paused_by=None, pause_reason=""
            )
            audit_record(action="publishing.resumed", actor=actor, school=s, target=policy)
            policy.refresh_from_db()
            out.append(policy)
            # Posts held by the pause go out now, each through post_release's R9 re-check.
            held = Post.objects.filter(school=s, status=S.SCHEDULED).filter(
                Q(scheduled_at__isnull=True) | Q(scheduled_at__lte=timezone.now())
            )
            for post in held.only("pk"):
                _queue_release(post)
    return out


# --- the school's approval policy -----------------------------------------------------------------

NOT_POLICY_EDITOR = (
    "Only a leader or trust administrator of the school can change its approval policy."
)
POLICY_FIELD_UNKNOWN = "{field} is not a setting of the approval policy."
POLICY_APPROVALS_MINIMUM = "At least one approval is needed."
POLICY_LONG_SIDE = "The published long side must be a whole number of pixels from 320 to 4096."
POLICY_SWITCH = "{field} is on or off."
POLICY_ROLES = (Role.LEADER, Role.TRUST_ADMIN)
# Pausing has its own service (who and why); the school is what the policy belongs to.
_POLICY_NOT_SETTINGS = frozenset({"id", "school", "paused_at", "paused_by", "pause_reason"})


def policy_settings() -> dict[str, Any]:
    """The policy's settings by name (every concrete field but the pause and the school),
    so a setting added to the model is covered here without a second list to forget."""
    return {
        f.name: f for f in SchoolPolicy._meta.concrete_fields if f.name not in _POLICY_NOT_SETTINGS
    }


def school_policy_validate(*, changes: dict[str, Any]) -> dict[str, Any]:
    """The changes, checked (InvalidInput naming the field); shared with the admin's form."""
    settings = policy_settings()
    clean: dict[str, Any] = {}
    for name, value in changes.items():
        field = settings.get(name)
        if field is None:
            raise InvalidInput(POLICY_FIELD_UNKNOWN.format(field=name), field=name)
        if name.startswith("approvals_required"):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InvalidInput(POLICY_APPROVALS_MINIMUM, field=name)
        elif name == "published_long_side":
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or not 320 <= value <= 4096
            ):
                raise InvalidInput(POLICY_LONG_SIDE, field=name)
        elif isinstance(field.default, bool) and not isinstance(value, bool):
            raise InvalidInput(POLICY_SWITCH.format(field=name), field=name)
        clean[name] = value
    return clean


def school_policy_update(*, school: School, actor: User, changes: dict[str, Any]) -> SchoolPolicy:
    """Change a school's approval policy (how many approvals, DSL clearance, digests, adult
    tags). A person's decision only (hole 12): a leader or trust administrator of the
    school, never a system actor, since loosening the policy loosens every check after it.

    1. Check the actor's role at the school, then each setting.
    2. Lock the policy, write only what differs, audit before and after.
    """
    if not user_has_role(user=actor, school=school, roles=POLICY_ROLES):
        raise Refused(NOT_POLICY_EDITOR)
    clean = school_policy_validate(changes=changes)
    with transaction.atomic():
        policy = SchoolPolicy.objects.select_for_update(of=("self",)).get(
            pk=school_policy_get_or_create(school).pk
        )
        changed = {name: v for name, v in clean.items() if getattr(policy, name) != v}
        if not changed:
            return policy
        before = {name: getattr(policy, name) for name in changed}
        SchoolPolicy.objects.filter(pk=policy.pk).update(**changed)
        audit_record(
            action="policy.changed",
            actor=actor,
            school=school,
            target=policy,
            data={"changed": changed, "before": before},
        )
    policy.refresh_from_db()
    return policy
