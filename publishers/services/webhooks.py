"""Facebook webhook intake: the subscription handshake, signature checks, and each
comment event stored once (Meta redelivers) and handed to comment screening."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from ..meta.webhooks import parse_comment_events, verify_signature, verify_subscription
from ..models import ChannelAccount, ChannelKind, WebhookEvent
from . import common
from .accounts import secrets_or_empty


def _facebook_accounts() -> list[ChannelAccount]:
    return list(ChannelAccount.objects.filter(kind=ChannelKind.FACEBOOK, enabled=True))


def webhook_facebook_challenge(*, params: Mapping[str, Any]) -> str | None:
    """Meta's GET handshake: the challenge to echo when ``hub.verify_token`` matches the
    configured token (``FACEBOOK_WEBHOOK_VERIFY_TOKEN``) or an account's; None = refuse."""
    tokens = [str(settings.FACEBOOK_WEBHOOK_VERIFY_TOKEN or "")]
    for account in _facebook_accounts():
        tokens.append(secrets_or_empty(account).get("webhook_verify_token", ""))
    for token in tokens:
        if token:
            challenge = verify_subscription(params, token)
            if challenge is not None:
                return challenge
    return None


@dataclass(frozen=True)
class WebhookReceipt:
    verified: bool
    stored: int = 0
    duplicates: int = 0


def webhook_facebook_receive(*, raw_body: bytes, signature: str | None) -> WebhookReceipt:
    """A POSTed Facebook webhook: verify ``X-Hub-Signature-256`` over the raw body with the
    app secret (``FACEBOOK_APP_SECRET``, or the secret of the Page's account), then store
    each comment event once (Meta redelivers) and queue its processing. Unverified bodies
    store nothing."""
    try:
        payload = json.loads(raw_body or b"{}")
    except ValueError:
        payload = None
    page_ids = {
        str(entry.get("id"))
        for entry in (payload.get("entry") or [] if isinstance(payload, dict) else [])
        if isinstance(entry, dict)
    }
    accounts = [a for a in _facebook_accounts() if str(a.config.get("page_id")) in page_ids]
    global_secret = str(settings.FACEBOOK_APP_SECRET or "")
    trusted: list[ChannelAccount] | None = None  # None: every page (global secret)
    if not (global_secret and verify_signature(raw_body, signature, global_secret)):
        trusted = [
            a
            for a in accounts
            if verify_signature(raw_body, signature, secrets_or_empty(a).get("app_secret", ""))
        ]
        if not trusted:
            return WebhookReceipt(verified=False)
    by_page = {str(a.config.get("page_id")): a for a in (accounts if trusted is None else trusted)}
    stored = duplicates = 0
    for event in parse_comment_events(payload if isinstance(payload, dict) else {}):
        account = by_page.get(event.account_id)
        if trusted is not None and account is None:
            continue  # signed by another Page's app: not ours to accept
        external_id = (
            event.comment_id if event.verb == "add" else f"{event.comment_id}:{event.verb}"
        )
        try:
            with transaction.atomic():
                row = WebhookEvent.objects.create(
                    platform=ChannelKind.FACEBOOK,
                    external_id=external_id[:200],
                    account=account,
                    school_id=account.school_id if account else None,
                    verb=event.verb[:20],
                    payload=event.raw,
                )
                common.queue_task("process_webhook_event", row.pk)
        except IntegrityError:
            duplicates += 1
            continue
        stored += 1
    return WebhookReceipt(verified=True, stored=stored, duplicates=duplicates)


def webhook_event_process(*, event_id: int) -> WebhookEvent | None:
    """Hand a stored event to the comment screening (``PUBLISHERS_COMMENT_EVENT_HANDLERS``,
    dotted paths of ``f(*, event_id: int) -> None``), once. Without handlers it is only
    marked processed; the events stay stored for the comments work to pick up."""
    event = WebhookEvent.objects.filter(pk=event_id, processed_at__isnull=True).first()
    if event is None:
        return None
    for path in list(settings.PUBLISHERS_COMMENT_EVENT_HANDLERS):
        import_string(path)(event_id=event.pk)
    WebhookEvent.objects.filter(pk=event.pk, processed_at__isnull=True).update(
        processed_at=timezone.now()
    )
    event.refresh_from_db()
    return event
