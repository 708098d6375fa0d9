"""Leader decisions and the publishing lifecycle of a post: approve (R8), reject, request
changes, the note thread, release at the scheduled time with a fail-closed re-check (R9),
expiry, the emergency pause, and the hand-offs to publishers (outcomes, takedown).

services.py holds drafting and the checks; this module holds what happens after. Both
change status only through workflow.post_transition.
"""

from datetime import datetime
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from backend.accounts.models import Role, School, User
from backend.accounts.selectors import school_ids_for_user, user_has_role
from backend.audit.services import audit_record
from backend.common.errors import Conflict, InvalidInput, Refused

from .checks.evaluate import CHANNEL_LABELS, ImageView, evaluate, face_view
from .models import Approval, Face, Post, PostNote, SchoolPolicy
from .notifications import notify_author, notify_leaders
from .workflow import BEFORE_APPROVAL, post_transition

S = Post.Status

SELF_APPROVAL = "Nobody approves their own post, whatever their role (R8)."
NOT_A_LEADER = "Only the school's leadership team can approve or reject posts."
NOT_AWAITING = "This post is not waiting for approval (it is {status})."
CONTENT_CHANGED = (
    "The post changed since you opened it. Reload it and check the new version before approving."
)
ALREADY_APPROVED = "You have already approved this version of the post."
CONFIRM_NO_FACES = (
    "A photo has no detected face: confirm that nobody identifiable is in it "
    "(R20), or add a face box by hand."
)
REASON_REQUIRED = "Give a reason: the author will see it."
COMMENT_REQUIRED = "Say what needs changing: the author will see it."
NOT_IN_THREAD = "Only the author and the school's leaders can write on this post."
NOT_PAUSER = "Only a leader or trust administrator of the school can pause publishing."
ALREADY_PAUSED = "Publishing is already paused for {school}."
NOT_PAUSED = "Publishing is not paused for {school}."
DSL_CLEARANCE = "A DSL's clearance is still needed (the school's policy)."
SCHEDULE_IN_PAST = "The scheduled time is in the past."
RECHECK_FAILED = "Stopped at publish time: {why}"
EXPIRED_REASON = "Not approved by its scheduled time, so it was not published."


def policy_for(school: School | int) -> SchoolPolicy:
    school_id = school if isinstance(school, int) else school.pk
    policy, _ = SchoolPolicy.objects.get_or_create(school_id=school_id)
    return policy


def _lock(post_id: int) -> Post:
    return Post.objects.select_for_update().select_related("school").get(pk=post_id)


def _latest_findings(post: Post) -> list[dict[str, Any]]:
    run = post.check_runs.filter(version=post.version).order_by("-id").first()
    return run.findings if run else []


# --- decisions ------------------------------------------------------------------------------


def post_approve(
    *,
    post_id: int,
    approver: User,
    content_hash: str,
    scheduled_at: datetime | None | Any = ...,
    confirm_no_identifiable_faces: bool = False,
) -> Post:
    """Record one leader's approval of this exact content; when the policy's count is met,
    the post is approved and released now or at its scheduled time.

    1. Check: leader (or DSL when the policy wants clearance), not the author (R8), post
       awaiting approval, the hash the leader saw is the current one, R20 confirmed.
    2. Record the approval (one per leader and content hash, database-enforced).
    3. Enough distinct approvers (two when identifiable pupils and the policy says so)?
       -> approved -> scheduled or publishing.
    """
    with transaction.atomic():
        post = _lock(post_id)
        if post.author_id == approver.pk:
            raise Refused(SELF_APPROVAL, code="self_approval")
        is_leader = user_has_role(user=approver, school=post.school_id, roles=[Role.LEADER])
        is_dsl = user_has_role(user=approver, school=post.school_id, roles=[Role.DSL])
        policy = policy_for(post.school_id)
        if not (is_leader or (is_dsl and policy.dsl_clearance_required)):
            raise Refused(NOT_A_LEADER)
        if post.status != S.AWAITING_APPROVAL:
            raise Conflict(
                NOT_AWAITING.format(status=post.get_status_display().lower()), field="status"
            )
        if content_hash != post.content_hash:
            raise Conflict(CONTENT_CHANGED, field="content_hash", code="content_changed")
        if (
            any(f["rule"] == "R20" for f in _latest_findings(post))
            and not confirm_no_identifiable_faces
        ):
            raise InvalidInput(CONFIRM_NO_FACES, field="confirm_no_identifiable_faces")
        if scheduled_at is not ... and scheduled_at is not None and scheduled_at < timezone.now():
            raise InvalidInput(SCHEDULE_IN_PAST, field="scheduled_at")
        try:
            with transaction.atomic():
                Approval.objects.create(
                    post=post,
                    approver=approver,
                    content_hash=content_hash,
                    confirmed_no_identifiable_faces=confirm_no_identifiable_faces,
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
                "confirmed_no_identifiable_faces": confirm_no_identifiable_faces,
            },
        )
        live = list(
            Approval.objects.filter(
                post=post, content_hash=content_hash, voided_at__isnull=True
            ).select_related("approver")
        )
        if len({a.approver_id for a in live}) < policy.approvals_needed(post):
            return post
        if (
            policy.dsl_clearance_required
            and post.has_identifiable_pupils
            and not any(
                user_has_role(user=a.approver, school=post.school_id, roles=[Role.DSL])
                for a in live
            )
        ):
            post.status_reason = DSL_CLEARANCE
            Post.objects.filter(pk=post.pk).update(status_reason=DSL_CLEARANCE)
            return post
        post_transition(
            post=post,
            to=S.APPROVED,
            actor=approver,
            data={"approvers": [a.approver_id for a in live]},
        )
        post_id_ = post.pk
        transaction.on_commit(lambda: notify_author(post_id=post_id_, event="approved"))
        if post.scheduled_at and post.scheduled_at > timezone.now():
            post_transition(post=post, to=S.SCHEDULED, actor=approver)
        else:
            _queue_release(post)
    return post


def post_reject(*, post_id: int, actor: User, reason: str) -> Post:
    if not reason.strip():
        raise InvalidInput(REASON_REQUIRED, field="reason")
    with transaction.atomic():
        post = _lock(post_id)
        _check_decider(post=post, actor=actor)
        if post.status != S.AWAITING_APPROVAL:
            raise Conflict(
                NOT_AWAITING.format(status=post.get_status_display().lower()), field="status"
            )
        PostNote.objects.create(
            post=post, author=actor, kind="rejection", text=reason.strip(), version=post.version
        )
        post_transition(post=post, to=S.REJECTED, actor=actor, reason=reason.strip())
        transaction.on_commit(
            lambda: notify_author(post_id=post_id, event="rejected", note=reason.strip())
        )
    return post


def post_request_changes(*, post_id: int, actor: User, comment: str) -> Post:
    if not comment.strip():
        raise InvalidInput(COMMENT_REQUIRED, field="comment")
    with transaction.atomic():
        post = _lock(post_id)
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
        transaction.on_commit(
            lambda: notify_author(post_id=post_id, event="changes requested", note=comment.strip())
        )
    return post


def _check_decider(*, post: Post, actor: User) -> None:
    roles = (
        [Role.LEADER, Role.DSL]
        if policy_for(post.school_id).dsl_clearance_required
        else [Role.LEADER]
    )
    if not user_has_role(user=actor, school=post.school_id, roles=roles):
        raise Refused(NOT_A_LEADER)


def post_note_add(*, post: Post, author: User, text: str) -> PostNote:
    """The thread on a post: the author and the school's leaders talk about a draft."""
    if not text.strip():
        raise InvalidInput("Write something first.", field="text")
    if post.author_id != author.pk and not user_has_role(
        user=author, school=post.school_id, roles=[Role.LEADER, Role.DSL]
    ):
        raise Refused(NOT_IN_THREAD)
    with transaction.atomic():
        note = PostNote.objects.create(
            post=post, author=author, text=text.strip(), version=post.version
        )
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

    post_id = post.pk
    transaction.on_commit(lambda: release_post.delay(post_id))


def post_recheck_reason(post: Post) -> str | None:
    """Re-evaluate consent, flags, names and contacts on the stored faces (no re-detection);
    None if everything still holds, else the first blocking finding's message."""
    images = list(post.images.all())
    views = []
    for image in images:
        faces = [face_view(f) for f in Face.objects.filter(image=image)]
        views.append(ImageView(key=image.pk, alt_text=image.alt_text, faces=faces))
    result = evaluate(school=post.school, channels=post.channels, text=post.text, images=views)
    blocking = [f for f in result.findings if f.severity != "confirm"]
    return blocking[0].message if blocking else None


def post_release(*, post_id: int, now: datetime | None = None) -> Post | None:
    """At its time, publish an approved post, failing closed (R9).

    Safe to run twice: only an approved or scheduled post that is due is released. A
    paused school's posts wait. If consent or a flag no longer holds, nothing is published:
    the post returns to the queue with the reason, approvals are voided, people are told.
    """
    from publishers.services import publications_start

    with transaction.atomic():
        post = _lock(post_id)
        if post.status not in (S.APPROVED, S.SCHEDULED):
            return None
        if post.scheduled_at and post.scheduled_at > (now or timezone.now()):
            if post.status == S.APPROVED:
                post_transition(post=post, to=S.SCHEDULED)
            return None
        if policy_for(post.school_id).is_paused:
            if post.status == S.APPROVED:
                post_transition(post=post, to=S.SCHEDULED, reason="Publishing is paused")
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
                reason=RECHECK_FAILED.format(why=why),
                data={"fail_closed": True},
                scheduled_at=None,
            )
            note = RECHECK_FAILED.format(why=why)
            transaction.on_commit(
                lambda: notify_author(post_id=post_id, event="not published", note=note)
            )
            transaction.on_commit(
                lambda: notify_leaders(post_id=post_id, subject="not published", note=note)
            )
            return post
        post_transition(post=post, to=S.PUBLISHING)
        transaction.on_commit(lambda: publications_start(post_id=post_id))
    return post


def posts_release_due(*, now: datetime | None = None) -> dict[str, int]:
    """Beat, every minute: release due posts; expire posts still unapproved at their time."""
    now = now or timezone.now()
    released = expired = 0
    paused = set(
        SchoolPolicy.objects.filter(paused_at__isnull=False).values_list("school_id", flat=True)
    )
    due = (
        Post.objects.filter(status__in=[S.APPROVED, S.SCHEDULED], scheduled_at__lte=now)
        .exclude(school_id__in=paused)
        .values_list("id", flat=True)
    )
    for post_id in list(due):
        if post_release(post_id=post_id, now=now) is not None:
            released += 1
    for post in Post.objects.filter(status__in=list(BEFORE_APPROVAL), scheduled_at__lte=now):
        try:
            post_transition(post=post, to=S.EXPIRED, reason=EXPIRED_REASON)
        except Conflict:
            continue
        expired += 1
        transaction.on_commit(
            partial(notify_author, post_id=post.pk, event="expired", note=EXPIRED_REASON)
        )
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
            policy = policy_for(s)
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
            policy = policy_for(s)
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
    return out


# --- hand-offs from publishers ------------------------------------------------------------------


def post_publications_settled(*, post_id: int) -> Post | None:
    """Publishers calls this when a publication reaches a final state; when none is still
    in flight the post becomes published, partially published or failed."""
    from publishers.selectors import publication_outcomes

    outcomes = publication_outcomes(post_id=post_id)
    if not outcomes or any(v in ("queued", "attempting") for v in outcomes.values()):
        return None
    done = [c for c, v in outcomes.items() if v == "published"]
    to = S.PUBLISHED if len(done) == len(outcomes) else S.PARTIALLY_PUBLISHED if done else S.FAILED
    with transaction.atomic():
        post = _lock(post_id)
        if post.status == to or to not in _next(post.status):
            return None
        failed = sorted(c for c, v in outcomes.items() if v != "published")
        names = ", ".join(CHANNEL_LABELS.get(c, c) for c in failed)
        reason = "" if to == S.PUBLISHED else f"Not published on {names}."
        post_transition(post=post, to=to, reason=reason, data={"outcomes": outcomes})
        if to != S.PUBLISHED:
            transaction.on_commit(
                lambda: notify_leaders(post_id=post_id, subject="publishing problem", note=reason)
            )
    return post


def _next(status: str) -> frozenset[str]:
    from .workflow import TRANSITIONS

    return TRANSITIONS[status]


def post_takedown_request(*, post_id: int, actor: User | None, reason: str) -> Post | None:
    """R10: a published post must come down (consent ended, or a leader asked)."""
    with transaction.atomic():
        post = _lock(post_id)
        if post.status not in (S.PUBLISHED, S.PARTIALLY_PUBLISHED):
            return None
        post_transition(post=post, to=S.TAKEDOWN_REQUESTED, actor=actor, reason=reason)
        transaction.on_commit(
            lambda: notify_leaders(post_id=post_id, subject="takedown needed", note=reason)
        )
    return post


def post_taken_down(*, post_id: int) -> Post | None:
    with transaction.atomic():
        post = _lock(post_id)
        if post.status != S.TAKEDOWN_REQUESTED:
            return None
        post_transition(post=post, to=S.TAKEN_DOWN)
    return post
