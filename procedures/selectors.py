"""Read queries for procedures. Who sees what follows the case (the comment) it belongs
to: a report or a letter is found only by someone who may see its comment, so R13 holds
for escalated comments (the DSL and the head teacher only). Alerted mentions likewise."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from backend.accounts.models import Role, School, User
from backend.accounts.selectors import school_ids_for_user, school_ids_seeing_escalations
from backend.common.errors import NotFound
from moderation import selectors as post_selectors
from moderation.comments import selectors as comment_selectors
from publishers import selectors as publisher_selectors

from .costs import PostCost, post_cost
from .letters import DEFAULT_BODY, DEFAULT_SUBJECT
from .models import (
    LetterTemplate,
    Mention,
    MentionWatch,
    ParentLetter,
    PlatformReport,
    XBudget,
    XCall,
)

if TYPE_CHECKING:  # the type only: procedures reads comments through their selectors
    from moderation.comments.models import Comment

MENTION_ROLES = (Role.LEADER, Role.DSL)

NO_SUCH_LETTER = "No such letter among your schools."
NO_SUCH_REPORT = "No such report among your schools."
NO_SUCH_MENTION = "No such mention among your schools."

_Row = TypeVar("_Row", PlatformReport, ParentLetter)


def case_for(*, user: User, comment_id: int) -> Comment:
    """The comment, if ``user`` may see it (404 otherwise, R13)."""
    return comment_selectors.comment_get_for_user(user=user, comment_id=comment_id)


def reports_for_case(*, comment_id: int) -> QuerySet[PlatformReport]:
    """Reports about a comment the caller has already been allowed to see."""
    return PlatformReport.objects.filter(comment_id=comment_id).select_related(
        "reported_by", "outcome_recorded_by"
    )


def letters_for_case(*, comment_id: int) -> QuerySet[ParentLetter]:
    return ParentLetter.objects.filter(comment_id=comment_id).select_related(
        "created_by", "sent_by", "school"
    )


def _scoped_to_case(found: _Row | None, *, user: User, missing: str) -> _Row:
    """``found`` if the user may see its case (the comment); NotFound otherwise (R13)."""
    if found is None:
        raise NotFound(missing)
    try:
        case_for(user=user, comment_id=found.comment_id)
    except NotFound:
        raise NotFound(missing) from None
    return found


def report_get_for_user(*, user: User, report_id: int) -> PlatformReport:
    report = PlatformReport.objects.select_related("school").filter(pk=report_id).first()
    return _scoped_to_case(report, user=user, missing=NO_SUCH_REPORT)


def letter_get_for_user(*, user: User, letter_id: int) -> ParentLetter:
    letter = (
        ParentLetter.objects.select_related("school", "created_by", "sent_by")
        .filter(pk=letter_id)
        .first()
    )
    return _scoped_to_case(letter, user=user, missing=NO_SUCH_LETTER)


def letter_template_for(*, school: School) -> tuple[str, str]:
    """The school's (subject, body), or the packaged wording."""
    stored = LetterTemplate.objects.filter(school=school).first()
    return (stored.subject, stored.body) if stored else (DEFAULT_SUBJECT, DEFAULT_BODY)


# --------------------------------------------------------------------------- mentions


def _mentions_q(user: User) -> Q:
    # R13: an alerted mention (naming a pupil, or threatening) is for the DSL and head only.
    return Q(school_id__in=school_ids_seeing_escalations(user=user), alerted=True) | Q(
        school_id__in=school_ids_for_user(user=user, roles=MENTION_ROLES), alerted=False
    )


def mentions_for_user(
    *, user: User, school_id: int | None = None, state: str | None = None
) -> QuerySet[Mention]:
    qs = Mention.objects.filter(_mentions_q(user))
    if school_id is not None:
        qs = qs.filter(school_id=school_id)
    if state:
        qs = qs.filter(state=state)
    return qs.select_related("captured_by").order_by("-alerted", "-found_at", "-id")


def mention_get_for_user(*, user: User, mention_id: int) -> Mention:
    mention = (
        Mention.objects.filter(_mentions_q(user), pk=mention_id)
        .select_related("school", "captured_by")
        .first()
    )
    if mention is None:
        raise NotFound(NO_SUCH_MENTION)
    return mention


def mention_watch_for(*, school: School) -> MentionWatch:
    """The school's watch, or the defaults (unsaved): no terms yet, Bluesky on, X off."""
    return MentionWatch.objects.filter(school=school).first() or MentionWatch(school=school)


def schools_watching() -> list[int]:
    """Schools with at least one watch term and a source turned on."""
    return [
        int(pk)
        for pk, terms in MentionWatch.objects.filter(
            Q(bluesky_enabled=True) | Q(x_search_enabled=True)
        ).values_list("school_id", "terms")
        if terms
    ]


# --------------------------------------------------------------------------- X costs


def schools_on_x() -> list[int]:
    """Schools with an X account connected (their X use is priced)."""
    return [
        int(pk)
        for pk in School.objects.order_by("pk").values_list("pk", flat=True)
        if publisher_selectors.channel_account_for(school_id=pk, kind="x") is not None
    ]


def month_start(now: datetime | None = None) -> datetime:
    local = timezone.localtime(now or timezone.now())
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def x_budget_for(*, school: School | int) -> XBudget:
    """The school's X budget, or the defaults (unsaved): no budget, reply polling off."""
    school_id = school if isinstance(school, int) else school.pk
    return XBudget.objects.filter(school_id=school_id).first() or XBudget(school_id=school_id)


def x_spend_month_to_date(*, school_id: int, now: datetime | None = None) -> Decimal:
    """What the school's recorded X calls cost this calendar month."""
    total = XCall.objects.filter(school_id=school_id, at__gte=month_start(now)).aggregate(
        total=Sum("cost_usd")
    )["total"]
    return Decimal(total or 0)


def x_calls_by_kind(*, school_id: int, now: datetime | None = None) -> dict[str, dict[str, str]]:
    rows = (
        XCall.objects.filter(school_id=school_id, at__gte=month_start(now))
        .values("kind")
        .annotate(units=Sum("units"), cost=Sum("cost_usd"))
    )
    return {str(r["kind"]): {"units": str(r["units"]), "cost_usd": str(r["cost"])} for r in rows}


OVER_BUDGET = (
    "This post would take the school past this month's X budget "
    "(${spent} spent of ${budget}); a leader must confirm it."
)


@dataclass(frozen=True)
class XStatus:
    budget_usd: Decimal | None
    spent_usd: Decimal
    over_budget: bool
    reply_polling_enabled: bool
    by_kind: dict[str, dict[str, str]]


@dataclass(frozen=True)
class PostEstimate:
    cost: PostCost
    over_budget: bool
    notice: str


def x_budget_allows(*, school_id: int, extra_usd: Decimal, now: datetime | None = None) -> bool:
    """Whether spending ``extra_usd`` more keeps the school within this month's budget."""
    budget = x_budget_for(school=school_id).monthly_budget_usd
    if budget is None:
        return True
    return x_spend_month_to_date(school_id=school_id, now=now) + extra_usd <= budget


def x_status(*, school: School, now: datetime | None = None) -> XStatus:
    stored = x_budget_for(school=school)
    spent = x_spend_month_to_date(school_id=school.pk, now=now)
    budget = stored.monthly_budget_usd
    return XStatus(
        budget_usd=budget,
        spent_usd=spent,
        over_budget=budget is not None and spent >= budget,
        reply_polling_enabled=stored.reply_polling_enabled,
        by_kind=x_calls_by_kind(school_id=school.pk, now=now),
    )


def x_post_estimate(*, post_id: int, user: User) -> PostEstimate:
    """The estimated X cost of a post before approval (a link is flagged: it costs more),
    and whether it would go past the budget, so the approving leader is asked first."""
    post = post_selectors.post_get(user=user, post_id=post_id)
    cost = post_cost(post.text)
    notice = x_over_budget_notice(school_id=post.school_id, text=post.text)
    return PostEstimate(cost=cost, over_budget=bool(notice), notice=notice)


def x_over_budget_notice(*, school_id: int, text: str) -> str:
    """What the approving leader is told when posting ``text`` to X would take the school
    past this month's budget; empty when within it (or there is no budget)."""
    if x_budget_allows(school_id=school_id, extra_usd=post_cost(text).cost_usd):
        return ""
    budget = x_budget_for(school=school_id).monthly_budget_usd
    spent = x_spend_month_to_date(school_id=school_id)
    return OVER_BUDGET.format(spent=spent, budget=budget)
