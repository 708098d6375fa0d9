"""A leader changes the school's screening settings: thresholds, word lists, polled
channels."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from backend.accounts.models import School, User
from backend.accounts.selectors import user_has_role
from backend.audit.services import audit_record
from backend.common.channels import ChannelKind
from backend.common.errors import InvalidInput, Refused
from moderation.screening import LABELS

from .. import selectors
from ..models import ScreeningSettings
from .messages import BAD_CHANNELS, BAD_THRESHOLD, BAD_WORDS, NOT_A_LEADER, TOO_MANY_WORDS

MAX_WORDS = 500
MAX_WORD_CHARS = 100


def _clean_words(value: Any, field: str) -> list[str]:
    if not isinstance(value, list | tuple):
        raise InvalidInput(BAD_WORDS.format(limit=MAX_WORD_CHARS), field=field)
    words: list[str] = []
    for item in value:
        if not isinstance(item, str) or len(item.strip()) > MAX_WORD_CHARS:
            raise InvalidInput(BAD_WORDS.format(limit=MAX_WORD_CHARS), field=field)
        word = item.strip()
        if word and word.casefold() not in {w.casefold() for w in words}:
            words.append(word)
    if len(words) > MAX_WORDS:
        raise InvalidInput(TOO_MANY_WORDS.format(limit=MAX_WORDS), field=field)
    return words


def _clean_thresholds(value: Any) -> dict[str, float]:
    message = BAD_THRESHOLD.format(labels=", ".join(LABELS))
    if not isinstance(value, dict):
        raise InvalidInput(message, field="thresholds")
    clean: dict[str, float] = {}
    for label, score in value.items():
        if label not in LABELS or isinstance(score, bool) or not isinstance(score, int | float):
            raise InvalidInput(message, field="thresholds")
        if not 0 < float(score) <= 1:
            raise InvalidInput(message, field="thresholds")
        clean[str(label)] = float(score)
    return clean


def _clean_channels(value: Sequence[str]) -> list[str]:
    channels = list(dict.fromkeys(str(c) for c in value))
    if any(c not in ChannelKind.values for c in channels):
        raise InvalidInput(
            BAD_CHANNELS.format(channels=", ".join(ChannelKind.values)), field="fetch_channels"
        )
    return channels


def _clean_changes(
    thresholds: dict[str, Any] | None,
    word_lists: dict[str, Sequence[str] | None],
    fetch_channels: Sequence[str] | None,
) -> dict[str, Any]:
    """The fields given, checked and normalised; each bad one is a 400 naming it."""
    changes: dict[str, Any] = {}
    if thresholds is not None:
        changes["thresholds"] = _clean_thresholds(thresholds)
    for field, value in word_lists.items():
        if value is not None:
            changes[field] = _clean_words(value, field)
    if "allowed_domains" in changes:
        changes["allowed_domains"] = [d.casefold() for d in changes["allowed_domains"]]
    if fetch_channels is not None:
        changes["fetch_channels"] = _clean_channels(fetch_channels)
    return changes


def screening_settings_update(
    *,
    school: School,
    actor: User,
    thresholds: dict[str, Any] | None = None,
    blocked_words: Sequence[str] | None = None,
    allowed_words: Sequence[str] | None = None,
    staff_names: Sequence[str] | None = None,
    allowed_domains: Sequence[str] | None = None,
    fetch_channels: Sequence[str] | None = None,
) -> ScreeningSettings:
    """A leader changes the school's screening settings (only the fields given)."""
    if not user_has_role(user=actor, school=school, roles=selectors.SETTINGS_EDIT_ROLES):
        raise Refused(NOT_A_LEADER)
    word_lists = {
        "blocked_words": blocked_words,
        "allowed_words": allowed_words,
        "staff_names": staff_names,
        "allowed_domains": allowed_domains,
    }
    changes = _clean_changes(thresholds, word_lists, fetch_channels)
    with transaction.atomic():
        stored, _ = ScreeningSettings.objects.select_for_update(of=("self",)).get_or_create(
            school=school
        )
        for field, value in changes.items():
            setattr(stored, field, value)
        stored.updated_by = actor
        stored.updated_at = timezone.now()
        stored.save()
        # Field names, counts and thresholds only: word lists can hold slurs.
        audit_record(
            action="comments.screening_settings_changed",
            actor=actor,
            school=school,
            target=stored,
            data={
                "fields": sorted(changes),
                "thresholds": changes.get("thresholds"),
                "counts": {k: len(v) for k, v in changes.items() if isinstance(v, list)},
            },
        )
    return stored
