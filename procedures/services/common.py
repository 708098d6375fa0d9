"""What every procedure needs: the case (a comment) the actor may act on, and who may act."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from backend.accounts.models import Role, School, User
from backend.accounts.selectors import user_has_role
from backend.audit.services import audit_record
from backend.common.actors import Actor, SystemActor
from backend.common.errors import Refused
from moderation.comments import selectors as comment_selectors

from .. import selectors

if TYPE_CHECKING:  # the type only: procedures reads comments through their selectors
    from moderation.comments.models import Comment

# Leaders and the DSL act on cases (R13 narrows escalated ones to the DSL and head teacher).
ACTING_ROLES = (Role.LEADER, Role.DSL)
SETTINGS_ROLES = (Role.LEADER,)

NOT_A_MODERATOR = "Only the school's leaders and safeguarding lead can do this for a comment."
NOT_A_LEADER = "Only the school's leadership team can change this."

SYSTEM_MENTIONS = SystemActor("system:mention_search")
SYSTEM_X_COSTS = SystemActor("system:x_costs")


def case_to_act_on(*, actor: User, comment_id: int) -> Comment:
    """The comment, if ``actor`` may act on it: a leader or the DSL, and for an escalated
    comment only the DSL and the head teacher (R13). Unseen: 404; seen but not theirs: 403."""
    comment = selectors.case_for(user=actor, comment_id=comment_id)
    if not comment_selectors.user_may_moderate(user=actor, comment=comment):
        raise Refused(NOT_A_MODERATOR)
    return comment


def check_leader(*, actor: User, school: School | int) -> None:
    if not user_has_role(user=actor, school=school, roles=SETTINGS_ROLES):
        raise Refused(NOT_A_LEADER)


def audit(action: str, *, actor: Actor, school: School, target: Any, **data: Any) -> None:
    audit_record(
        action=f"procedures.{action}", actor=actor, school=school, target=target, data=data
    )
