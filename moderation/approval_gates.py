"""What an app above moderation asks the approving leader to accept before a post is
approved (R8): each gate looks at the post and may return a notice the leader must
acknowledge by its code. procedures registers the X budget gate ("this post would take
the school past this month's X budget"). Registered in code (AppConfig.ready), so no
setting can switch a gate off; the same pattern as consent's consent-ended handlers."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from backend.common.errors import Conflict

ACKNOWLEDGE = "{notice} Tick to confirm you accept this, then approve again."


@dataclass(frozen=True)
class ApprovalNotice:
    code: str
    message: str


#: (post id, its school id, its text, its channels) -> a notice, or None.
ApprovalGate = Callable[[int, int, str, Sequence[str]], ApprovalNotice | None]

_gates: list[ApprovalGate] = []


def approval_gate_register(gate: ApprovalGate) -> None:
    if gate not in _gates:
        _gates.append(gate)


def approval_gate_unregister(gate: ApprovalGate) -> None:
    if gate in _gates:
        _gates.remove(gate)


def approval_notices(
    *, post_id: int, school_id: int, text: str, channels: Sequence[str]
) -> list[ApprovalNotice]:
    found = (gate(post_id, school_id, text, channels) for gate in list(_gates))
    return [notice for notice in found if notice is not None]


def approval_notices_check_acknowledged(
    *,
    post_id: int,
    school_id: int,
    text: str,
    channels: Sequence[str],
    acknowledged: Iterable[str],
) -> list[str]:
    """The codes acknowledged, or Conflict (409, field ``acknowledged``, the notice's code)
    for the first notice the leader has not accepted."""
    accepted = set(acknowledged)
    notices = approval_notices(post_id=post_id, school_id=school_id, text=text, channels=channels)
    for notice in notices:
        if notice.code not in accepted:
            raise Conflict(
                ACKNOWLEDGE.format(notice=notice.message), field="acknowledged", code=notice.code
            )
    return [notice.code for notice in notices]
