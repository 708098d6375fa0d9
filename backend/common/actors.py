"""Who is acting: a signed-in user, or the system itself, by name (issue 11, hole 12).

Every service takes a required `actor`. People are `User`s and must hold the role the
service asks for. Work nobody clicks (Celery tasks, beat sweeps, the consent-ended
handlers, management commands run by the operator at the server's shell, the demo
seeder) passes a `SystemActor`, which the audit log records by name. A system actor
passes a role check only where that service lists it in `system=`: a service a person
must never reach without a role check does not list any, and one that only people use
takes `actor: User`, so mypy refuses a system actor there.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

from backend.common.errors import Refused

if TYPE_CHECKING:
    from backend.accounts.models import School, User


@dataclass(frozen=True)
class SystemActor:
    """The system acting on its own; `name` is what the audit log shows."""

    name: str

    def __str__(self) -> str:
        return self.name


# The operator at the server's shell (management commands).
SYSTEM_SHELL = SystemActor("system:shell")
# `seed_demo`: the demo school's register, accounts and channel.
SYSTEM_DEMO = SystemActor("system:demo_seed")
# moderation.release_post / release_due (beat): publish what is due after R9, expire the rest.
SYSTEM_RELEASE = SystemActor("system:release_due")
# consent.consent_ended and the expiry sweep: encodings deleted, takedowns requested (R10).
SYSTEM_CONSENT_ENDED = SystemActor("system:consent_ended")
# consent.expire_due (beat): encodings of people whose biometric consent lapsed (R10).
SYSTEM_CONSENT_EXPIRY = SystemActor("system:consent_expire_due")
# publishers.check_health (daily beat).
SYSTEM_HEALTH_CHECK = SystemActor("system:check_health")
# Comments arriving or changing on a platform (polling, webhooks, website submissions).
SYSTEM_COMMENT_INGEST = SystemActor("system:comment_ingest")
# Comment screening: capture evidence, hide at once, escalate (R11-R13).
SYSTEM_COMMENT_SCREENING = SystemActor("system:comment_screening")
# comments.apply_action / retry_actions: carrying out a hide, delete or reply on a platform.
SYSTEM_COMMENT_ACTIONS = SystemActor("system:comment_actions")

# moderation.run_checks: the safeguarding checks move a post to blocked, needs tagging or
# awaiting approval.
SYSTEM_CHECKS = SystemActor("system:checks")
# Publishers telling moderation that a post's publications settled or its takedown finished.
SYSTEM_PUBLISHING = SystemActor("system:publishing")

# Background bookkeeping (issue 13): heartbeats, the lost-work sweep, the email outbox.
SYSTEM_BACKGROUND = SystemActor("system:background")

# Callers run by the operator at the server (commands and the demo seeder).
OPERATOR: frozenset[SystemActor] = frozenset({SYSTEM_SHELL, SYSTEM_DEMO})

Actor: TypeAlias = "User | SystemActor"


def actor_user(actor: Actor) -> User | None:
    """The user behind `actor`, for `..._by` columns; None when the system acted."""
    return None if isinstance(actor, SystemActor) else actor


def require_role(
    *,
    actor: Actor,
    school: School | int,
    roles: Iterable[str],
    message: str,
    system: Collection[SystemActor] = (),
) -> None:
    """Refused unless `actor` holds one of `roles` at `school`, or is a system actor the
    service explicitly allows (`system`)."""
    if isinstance(actor, SystemActor):
        if actor in system:
            return
        raise Refused(message)
    from backend.accounts.selectors import user_has_role

    if not user_has_role(user=actor, school=school, roles=roles):
        raise Refused(message)
