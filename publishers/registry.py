"""Every channel's publisher class, by kind: the one place that says what a channel is.

Each class declares its kind, label, names in messages, the comment actions its platform
allows, how long its comments are polled, the fields that connect an account and how it
builds itself from a stored account (see :class:`publishers.base.Publisher`). Everything
else reads those declarations through the functions here: the adapter factory, account
validation, the admin form, the kinds API the front end builds its form from, and comment
moderation. Adding a channel = a ``ChannelKind`` value (backend/common/channels.py) and a
publisher class registered below.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TypeVar

from django.core.exceptions import ImproperlyConfigured

from backend.common.channels import ChannelKind
from publishers.base import COMMENT_ACTIONS, AccountSpec, Publisher
from publishers.meta.facebook import FacebookPagePublisher
from publishers.meta.instagram import InstagramPublisher
from publishers.website.publisher import WebsitePublisher
from publishers.x.client import XPublisher

__all__ = [
    "PUBLISHERS",
    "UnknownChannel",
    "account_spec",
    "channel_comment_actions",
    "channel_comment_poll_max_age",
    "channel_label",
    "channel_name_in_sentence",
    "channel_platform_name",
    "publisher_class",
    "publisher_classes",
    "register",
]

UNKNOWN_CHANNEL = "Unknown channel {kind!r}."
ALREADY_REGISTERED = "Channel {kind!r} is registered twice: {first} and {second}."
INCOMPLETE = "{name} must declare {what}."
LABEL_DIFFERS = "{name} labels {kind!r} {label!r}, but ChannelKind says {expected!r}."
UNKNOWN_ACTIONS = "{name} declares comment actions nobody knows: {actions}."
DUPLICATE_FIELDS = "{name} declares the account field {field!r} twice."

#: Kind -> publisher class, in the order channels are offered.
PUBLISHERS: dict[str, type[Publisher]] = {}

P = TypeVar("P", bound=type[Publisher])


class UnknownChannel(LookupError):
    """No publisher is registered for this kind."""

    def __init__(self, kind: str) -> None:
        super().__init__(UNKNOWN_CHANNEL.format(kind=kind))
        self.kind = kind


def _check(publisher: type[Publisher]) -> None:
    """Refuse a class that leaves something out or contradicts the one label per kind."""
    name = publisher.__qualname__
    for what in ("kind", "label", "platform"):
        if not getattr(publisher, what, ""):
            raise ImproperlyConfigured(INCOMPLETE.format(name=name, what=what))
    kind = str(publisher.kind)
    if kind in ChannelKind.values and publisher.label != ChannelKind(kind).label:
        raise ImproperlyConfigured(
            LABEL_DIFFERS.format(
                name=name, kind=kind, label=publisher.label, expected=ChannelKind(kind).label
            )
        )
    if unknown := publisher.comment_actions - COMMENT_ACTIONS:
        raise ImproperlyConfigured(
            UNKNOWN_ACTIONS.format(name=name, actions=", ".join(sorted(unknown)))
        )
    seen: set[str] = set()
    for field in publisher.account_spec.fields:
        if field.name in seen:
            raise ImproperlyConfigured(DUPLICATE_FIELDS.format(name=name, field=field.name))
        seen.add(field.name)
    other = PUBLISHERS.get(kind)
    if other is not None and other is not publisher:
        raise ImproperlyConfigured(
            ALREADY_REGISTERED.format(kind=kind, first=other.__qualname__, second=name)
        )


def register(publisher: P) -> P:
    """Make a publisher class the one for its kind (usable as a class decorator)."""
    _check(publisher)
    PUBLISHERS[str(publisher.kind)] = publisher
    return publisher


for _publisher in (WebsitePublisher, XPublisher, FacebookPagePublisher, InstagramPublisher):
    register(_publisher)


def publisher_classes() -> list[type[Publisher]]:
    """Every registered channel, in the order they are offered."""
    return list(PUBLISHERS.values())


def publisher_class(kind: str) -> type[Publisher]:
    try:
        return PUBLISHERS[kind]
    except KeyError:
        raise UnknownChannel(kind) from None


def account_spec(kind: str) -> AccountSpec:
    """The fields an administrator fills in to connect an account of this kind."""
    return publisher_class(kind).account_spec


def channel_label(kind: str) -> str:
    """The channel's name in lists and headings ("School website"); the kind if unknown."""
    found = PUBLISHERS.get(kind)
    return str(found.label) if found else kind


def channel_platform_name(kind: str) -> str:
    """The channel's name starting a message ("The school website refused this.")."""
    found = PUBLISHERS.get(kind)
    return found.platform if found else kind


def channel_name_in_sentence(kind: str) -> str:
    """The channel's name inside a sentence ("no consent for photos on the school website")."""
    found = PUBLISHERS.get(kind)
    return (found.name_in_sentence or found.platform) if found else kind


def channel_comment_actions(kind: str) -> frozenset[str]:
    """What the platform lets an app do to other people's comments; nothing if unknown."""
    found = PUBLISHERS.get(kind)
    return found.comment_actions if found else frozenset()


def channel_comment_poll_max_age(kind: str) -> timedelta | None:
    """How long after publishing the channel's comments are read (None: while it is up)."""
    return publisher_class(kind).comment_poll_max_age
