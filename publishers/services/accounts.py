"""Channel accounts: connect, change and health-check a school's accounts. Credentials are
encrypted before they touch the database and never appear anywhere else."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from backend.accounts.models import Role, School
from backend.audit.services import audit_record
from backend.common.actors import (
    OPERATOR,
    SYSTEM_HEALTH_CHECK,
    Actor,
    SystemActor,
    require_role,
)
from backend.common.errors import Conflict, InvalidInput

from ..adapters import SPECS, credentials_decrypt, credentials_encrypt, custom_hosts_allowed
from ..base import HealthReport, PublisherError
from ..models import ChannelAccount, ChannelKind
from ..notifications import channel_name
from . import common

NOT_CHANNEL_ADMIN = "Only a trust administrator of this school can manage its channels."
UNKNOWN_KIND = "Choose one of: {kinds}."
ACCOUNT_EXISTS = "This school already has a {channel} account; change that one instead."
UNKNOWN_FIELD = "{field!r} is not a setting of a {channel} account."
MISSING_FIELDS = "These are needed to connect {channel}: {fields}."
WEBSITE_NO_SECRETS = "The website channel needs no credentials."
CUSTOM_HOST_REFUSED = "A custom API host is only allowed in development."
DISPLAY_NAME_REQUIRED = "Give the account a name staff will recognise."


def _check_channel_admin(
    *, actor: Actor, school_id: int, system: Collection[SystemActor] = OPERATOR
) -> None:
    """The system actors a service names (`system`) and Django-admin superusers
    (operators) may; otherwise only a trust administrator of the school."""
    if not isinstance(actor, SystemActor) and actor.is_superuser:
        return
    require_role(
        actor=actor,
        school=school_id,
        roles=(Role.TRUST_ADMIN,),
        message=NOT_CHANNEL_ADMIN,
        system=system,
    )


def _clean_fields(
    kind: str, values: Mapping[str, Any] | None, allowed: tuple[str, ...]
) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in (values or {}).items():
        if key not in allowed:
            raise InvalidInput(
                UNKNOWN_FIELD.format(field=key, channel=channel_name(kind)), field=key
            )
        out[key] = "" if value is None else str(value).strip()
    return out


def _validate_account(kind: str, config: dict[str, Any], secrets: dict[str, str]) -> None:
    spec = SPECS[kind]
    missing = [k for k in spec.required_config if not config.get(k)]
    missing += [k for k in spec.required_secrets if not secrets.get(k)]
    if missing:
        raise InvalidInput(
            MISSING_FIELDS.format(channel=channel_name(kind), fields=", ".join(missing)),
            field=missing[0],
        )
    base = str(config.get("api_base") or "")
    if base and not custom_hosts_allowed():
        raise InvalidInput(CUSTOM_HOST_REFUSED, field="api_base")


def channel_account_validate(
    *,
    kind: str,
    display_name: str,
    config: Mapping[str, Any] | None = None,
    credentials: Mapping[str, Any] | None = None,
    account: ChannelAccount | None = None,
    school: School | None = None,
) -> tuple[dict[str, str], dict[str, str] | None, list[str]]:
    """Check an account's fields without saving (the admin form calls this too).

    Returns the config to store, the secrets to store (None: keep the stored ones) and the
    names of the secret fields given. Blank secret fields keep the stored value.
    """
    if kind not in SPECS:
        raise InvalidInput(UNKNOWN_KIND.format(kinds=", ".join(SPECS)), field="kind")
    if not display_name.strip():
        raise InvalidInput(DISPLAY_NAME_REQUIRED, field="display_name")
    spec = SPECS[kind]
    if credentials and not spec.secrets and any(credentials.values()):
        raise InvalidInput(WEBSITE_NO_SECRETS, field="credentials")
    new_config = dict(account.config) if account is not None else {}
    for key, value in _clean_fields(kind, config, spec.config).items():
        if value:
            new_config[key] = value
        else:
            new_config.pop(key, None)
    given = {k: v for k, v in _clean_fields(kind, credentials, spec.secrets).items() if v}
    stored = secrets_or_empty(account) if account is not None else {}
    secrets = {**stored, **given} if (given or account is None) else None
    _validate_account(kind, new_config, secrets if secrets is not None else stored)
    if (
        account is None
        and school is not None
        and ChannelAccount.objects.filter(school=school, kind=kind).exists()
    ):
        raise Conflict(ACCOUNT_EXISTS.format(channel=channel_name(kind)), field="kind")
    return new_config, secrets, sorted(given)


def channel_account_create(
    *,
    school: School,
    actor: Actor,
    kind: str,
    display_name: str,
    enabled: bool = True,
    config: Mapping[str, Any] | None = None,
    credentials: Mapping[str, Any] | None = None,
) -> ChannelAccount:
    """Connect a channel for a school. Secrets are encrypted before they touch the
    database and appear nowhere else (the audit names which fields were set, not values)."""
    _check_channel_admin(actor=actor, school_id=school.pk)
    clean_config, secrets, given = channel_account_validate(
        kind=kind,
        display_name=display_name,
        config=config,
        credentials=credentials,
        school=school,
    )
    try:
        with transaction.atomic():
            account = ChannelAccount.objects.create(
                school=school,
                kind=kind,
                display_name=display_name.strip(),
                enabled=enabled,
                config=clean_config,
                credentials_encrypted=credentials_encrypt(secrets or {}),
            )
            audit_record(
                action="channel_account.created",
                actor=actor,
                school=school,
                target=account,
                data={
                    "kind": kind,
                    "display_name": account.display_name,
                    "enabled": enabled,
                    "config": clean_config,
                    "credentials_set": given,
                },
            )
    except IntegrityError as exc:
        raise Conflict(ACCOUNT_EXISTS.format(channel=channel_name(kind)), field="kind") from exc
    return account


def channel_account_update(
    *,
    account: ChannelAccount,
    actor: Actor,
    display_name: str | None = None,
    enabled: bool | None = None,
    config: Mapping[str, Any] | None = None,
    credentials: Mapping[str, Any] | None = None,
) -> ChannelAccount:
    """Change an account. Credentials are write-only: a blank field keeps the stored value,
    so an admin form never has to show a secret back to keep it."""
    _check_channel_admin(actor=actor, school_id=account.school_id)
    new_config, secrets, given = channel_account_validate(
        kind=account.kind,
        display_name=account.display_name if display_name is None else display_name,
        config=config,
        credentials=credentials,
        account=account,
    )
    changes: dict[str, Any] = {}
    if display_name is not None and display_name.strip() != account.display_name:
        changes["display_name"] = display_name.strip()
    if enabled is not None and enabled != account.enabled:
        changes["enabled"] = enabled
    if new_config != account.config:
        changes["config"] = new_config
    if secrets is not None:
        changes["credentials_encrypted"] = credentials_encrypt(secrets)
        # New credentials: the old health verdict no longer applies.
        changes.update(health_ok=None, health_problems=[], health_checked_at=None)
    if not changes:
        return account
    with transaction.atomic():
        changes["updated_at"] = timezone.now()
        ChannelAccount.objects.filter(pk=account.pk).update(**changes)
        audit_record(
            action="channel_account.updated",
            actor=actor,
            school=School(pk=account.school_id),
            target=account,
            data={
                **{k: v for k, v in changes.items() if k in ("display_name", "enabled", "config")},
                "credentials_set": given,
            },
        )
    account.refresh_from_db()
    return account


def secrets_or_empty(account: ChannelAccount) -> dict[str, str]:
    try:
        return credentials_decrypt(account)
    except PublisherError:
        return {}


def channel_account_check_health(*, account: ChannelAccount, actor: Actor) -> ChannelAccount:
    """Is the token valid and are the permissions enough? Stored on the account (shown
    to trust administrators) and audited. Never raises for platform trouble."""
    _check_channel_admin(
        actor=actor, school_id=account.school_id, system=(SYSTEM_HEALTH_CHECK, *OPERATOR)
    )
    try:
        report = common.ADAPTER_FACTORY(account).check_health()
    except PublisherError as error:
        report = HealthReport(ok=False, problems=[error.message])
    problems = list(report.problems)
    if not account.enabled:
        problems.append("This account is switched off, so nothing is published to it.")
    if account.kind == ChannelKind.INSTAGRAM and not str(settings.PUBLIC_BASE_URL).startswith(
        "https://"
    ):
        problems.append(
            "Instagram fetches images from this server, so it must be reachable over HTTPS "
            "(set PUBLIC_BASE_URL to the https:// address)."
        )
    with transaction.atomic():
        ChannelAccount.objects.filter(pk=account.pk).update(
            health_ok=not problems,
            health_problems=problems,
            health_checked_at=timezone.now(),
        )
        audit_record(
            action="channel_account.health_checked",
            actor=actor,
            school=School(pk=account.school_id),
            target=account,
            data={"ok": not problems, "problems": problems},
        )
    account.refresh_from_db()
    return account


def channel_accounts_check_health_all() -> int:
    """Daily beat: check every enabled third-party account."""
    count = 0
    for account in ChannelAccount.objects.filter(enabled=True).exclude(kind=ChannelKind.WEBSITE):
        channel_account_check_health(account=account, actor=SYSTEM_HEALTH_CHECK)
        count += 1
    return count
