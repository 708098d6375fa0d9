"""One decision on many comments from the dashboard, each succeeding or failing alone."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from backend.accounts.models import User
from backend.common.errors import DomainError, InvalidInput

from .. import selectors
from ..models import Comment
from .decisions import (
    comment_approve,
    comment_assign,
    comment_block_author,
    comment_delete,
    comment_keep_hidden,
    comment_report,
)
from .messages import BULK_EMPTY, BULK_TOO_MANY, BULK_UNKNOWN_ACTION

BULK_LIMIT = 100


@dataclass(frozen=True)
class BulkOutcome:
    comment_id: int
    ok: bool
    detail: str = ""


# Each bulk action, given the comment, the actor, the note and the assignee.
_BULK_DECISIONS: dict[str, Callable[[Comment, User, str, User | None], Any]] = {
    "approve": lambda c, u, note, _: comment_approve(comment=c, actor=u, note=note),
    "keep_hidden": lambda c, u, note, _: comment_keep_hidden(comment=c, actor=u, note=note),
    "delete": lambda c, u, note, _: comment_delete(comment=c, actor=u, note=note),
    "block_author": lambda c, u, note, _: comment_block_author(comment=c, actor=u, note=note),
    "report": lambda c, u, note, _: comment_report(comment=c, actor=u, note=note),
    "assign": lambda c, u, _, assignee: comment_assign(comment=c, actor=u, assignee=assignee),
}
BULK_ACTIONS = tuple(_BULK_DECISIONS)


def comments_bulk(
    *,
    actor: User,
    comment_ids: Sequence[int],
    action: str,
    note: str = "",
    assignee: User | None = None,
) -> list[BulkOutcome]:
    """The same action on many comments; each succeeds or fails on its own, with the same
    checks as one at a time (a comment the actor may not see is "not found")."""
    if action not in BULK_ACTIONS:
        raise InvalidInput(
            BULK_UNKNOWN_ACTION.format(actions=", ".join(BULK_ACTIONS)), field="action"
        )
    ids = list(dict.fromkeys(int(i) for i in comment_ids))
    if not ids:
        raise InvalidInput(BULK_EMPTY, field="ids")
    if len(ids) > BULK_LIMIT:
        raise InvalidInput(BULK_TOO_MANY.format(limit=BULK_LIMIT), field="ids")
    decide = _BULK_DECISIONS[action]
    outcomes = []
    for comment_id in ids:
        try:
            comment = selectors.comment_get_for_user(user=actor, comment_id=comment_id)
            decide(comment, actor, note, assignee)
        except DomainError as error:
            outcomes.append(BulkOutcome(comment_id, False, error.message))
        else:
            outcomes.append(BulkOutcome(comment_id, True))
    return outcomes
