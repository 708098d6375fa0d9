"""What the school's X account costs: recorded calls, the monthly budget, and whether reply
polling is on. Prices come from settings (procedures/costs.py)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from backend.accounts.models import School, User
from backend.common.errors import InvalidInput
from moderation.comments import selectors as comment_selectors
from moderation.comments import services as comment_services
from publishers import selectors as publisher_selectors

from .. import selectors
from ..costs import post_cost, price
from ..models import XBudget, XCall
from .common import SYSTEM_X_COSTS, audit, check_leader

BAD_BUDGET = "Give the monthly budget in US dollars (0 or more), or leave it empty for none."
MAX_BUDGET = Decimal("100000")


def x_call_record(*, school_id: int, kind: str, key: str, purpose: str, units: int = 1) -> bool:
    """Record one paid X use, priced now; the same ``key`` is recorded once (a retried task
    or a post read twice in one search is one charge). True when it was new."""
    _, created = XCall.objects.get_or_create(
        key=key,
        defaults={
            "school_id": school_id,
            "kind": kind,
            "units": units,
            "cost_usd": price(kind) * units,
            "purpose": purpose,
        },
    )
    return created


def x_usage_sync(*, school_id: int, now: datetime | None = None) -> int:
    """Record this month's X posts and reply reads made by publishers and comments (they
    keep their own rows; procedures prices them). Safe to run again: keys are stable."""
    since = selectors.month_start(now)
    new = 0
    for publication_id, text in publisher_selectors.x_publications_since(
        school_id=school_id, since=since
    ):
        kind = post_cost(text).kind
        new += x_call_record(
            school_id=school_id, kind=kind, key=f"post:{publication_id}", purpose="post"
        )
    for comment_id in comment_selectors.x_comment_ids_since(school_id=school_id, since=since):
        new += x_call_record(
            school_id=school_id,
            kind=XCall.Kind.OTHER_READ,
            key=f"reply:{comment_id}",
            purpose="reply polling",
        )
    return new


def _clean_budget(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        budget = Decimal(str(value))
    except ArithmeticError:
        raise InvalidInput(BAD_BUDGET, field="monthly_budget_usd") from None
    if not budget.is_finite() or budget < 0 or budget > MAX_BUDGET:
        raise InvalidInput(BAD_BUDGET, field="monthly_budget_usd")
    return budget.quantize(Decimal("0.01"))


def x_budget_update(
    *,
    school: School,
    actor: User,
    monthly_budget_usd: Any = ...,
    reply_polling_enabled: bool | None = None,
) -> XBudget:
    """A leader sets the monthly X budget (``None``: no budget) and turns reply polling on
    or off; the comments app's fetch channels follow, so polling really stops."""
    check_leader(actor=actor, school=school)
    with transaction.atomic():
        stored, _ = XBudget.objects.select_for_update(of=("self",)).get_or_create(school=school)
        if monthly_budget_usd is not ...:
            stored.monthly_budget_usd = _clean_budget(monthly_budget_usd)
        if reply_polling_enabled is not None:
            stored.reply_polling_enabled = reply_polling_enabled
            channels = [
                c
                for c in comment_selectors.screening_settings_for(school=school).fetch_channels
                if c != "x"
            ]
            comment_services.screening_settings_update(
                school=school,
                actor=actor,
                fetch_channels=[*channels, "x"] if reply_polling_enabled else channels,
            )
        stored.updated_by = actor
        stored.updated_at = timezone.now()
        stored.save()
        audit(
            "x_budget_changed",
            actor=actor,
            school=school,
            target=stored,
            monthly_budget_usd=str(stored.monthly_budget_usd),
            reply_polling_enabled=stored.reply_polling_enabled,
        )
    return stored


def x_reply_polling_pause_if_over_budget(*, school_id: int, now: datetime | None = None) -> bool:
    """Over this month's budget, reading X replies stops first (it is the spend nobody
    chose post by post); a leader turns it on again in the X costs settings. True when
    polling was on and is now paused; safe to repeat."""
    status = selectors.x_status(school=School.objects.get(pk=school_id), now=now)
    if not (status.over_budget and status.reply_polling_enabled):
        return False
    with transaction.atomic():
        stored = XBudget.objects.select_for_update(of=("self",)).get(school_id=school_id)
        stored.reply_polling_enabled = False
        stored.updated_at = timezone.now()
        stored.save(update_fields=["reply_polling_enabled", "updated_at"])
        comment_services.comment_polling_channel_stop(
            school_id=school_id, channel="x", actor=SYSTEM_X_COSTS, reason="over the X budget"
        )
        audit(
            "x_reply_polling_paused",
            actor=SYSTEM_X_COSTS,
            school=stored.school,
            target=stored,
            monthly_budget_usd=str(status.budget_usd),
            spent_usd=str(status.spent_usd),
        )
    return True
