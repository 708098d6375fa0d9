"""What X costs (pay-per-use since February 2026). The prices live in settings
(``X_PRICE_*``, US dollars), never here: X changes them. Pure functions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

# A link as X counts one: a scheme, "www.", or a bare domain with a path or a common TLD.
LINK = re.compile(
    r"(?:https?://|www\.)\S+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|uk|io|co|edu|gov|ly|me)"
    r"(?:/\S*)?\b",
    re.IGNORECASE,
)


def price(kind: str) -> Decimal:
    """The price of one unit of ``kind`` (an ``XCall.Kind`` value)."""
    prices = {
        "post": settings.X_PRICE_POST,
        "post_with_link": settings.X_PRICE_POST_WITH_LINK,
        "owned_read": settings.X_PRICE_OWNED_READ,
        "other_read": settings.X_PRICE_OTHER_READ,
    }
    return Decimal(str(prices[kind]))


def has_link(text: str) -> bool:
    return LINK.search(text or "") is not None


@dataclass(frozen=True)
class PostCost:
    kind: str
    cost_usd: Decimal
    has_link: bool


def post_cost(text: str) -> PostCost:
    """The estimated cost of publishing ``text`` on X: a link makes it the dearer kind."""
    kind = "post_with_link" if has_link(text) else "post"
    return PostCost(kind=kind, cost_usd=price(kind), has_link=kind == "post_with_link")
