"""The X budget as an approval gate (moderation.approval_gates): a post for X that would take
the school past this month's budget is approved only when the leader accepts the cost."""

from __future__ import annotations

from collections.abc import Sequence

from backend.common.channels import ChannelKind
from moderation.approval_gates import ApprovalNotice

from .selectors import x_over_budget_notice

X_OVER_BUDGET = "x_over_budget"


def x_budget_gate(
    post_id: int, school_id: int, text: str, channels: Sequence[str]
) -> ApprovalNotice | None:
    if ChannelKind.X not in channels:
        return None
    notice = x_over_budget_notice(school_id=school_id, text=text)
    return ApprovalNotice(code=X_OVER_BUDGET, message=notice) if notice else None
