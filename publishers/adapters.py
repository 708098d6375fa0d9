"""What each channel needs to be connected, and the one factory that turns a stored
:class:`ChannelAccount` into a working :class:`Publisher`.

Credentials are decrypted here, used to build the client, and never kept anywhere else:
not in logs, not in ``repr``, not in audit data, not in API output.

A custom API host (``config["api_base"]``) exists for local fakes in development and in
the integration test (whose worker is a separate process, out of reach of ``responses``).
It is honoured only when ``settings.DEBUG`` or ``settings.PUBLISHERS_ALLOW_CUSTOM_HOSTS``
is true: anywhere else it would let an administrator send the school's tokens to a host
of their choosing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import requests
from cryptography.fernet import InvalidToken
from django.conf import settings

from backend.common.crypto import decrypt_json, encrypt_json
from publishers.base import Publisher, PublisherError
from publishers.http import DEFAULT_TIMEOUT, Timeout, TimeoutSession
from publishers.meta.facebook import FacebookPagePublisher
from publishers.meta.graph import DEFAULT_VERSION, GRAPH_HOST
from publishers.meta.instagram import InstagramPublisher
from publishers.models import ChannelAccount, ChannelKind
from publishers.x.client import MEDIA_HOST, XPublisher

__all__ = [
    "SPECS",
    "ChannelSpec",
    "RebasedSession",
    "adapter_for",
    "credentials_decrypt",
    "credentials_encrypt",
    "custom_hosts_allowed",
]

log = logging.getLogger(__name__)

X_HOSTS = ("https://api.twitter.com", MEDIA_HOST)


@dataclass(frozen=True)
class ChannelSpec:
    """The fields one kind of account takes. ``secrets`` are encrypted and write-only;
    ``config`` is plain and shown back. ``labels`` are what the admin form shows."""

    kind: str
    secrets: tuple[str, ...] = ()
    required_secrets: tuple[str, ...] = ()
    config: tuple[str, ...] = ()
    required_config: tuple[str, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)


SPECS: dict[str, ChannelSpec] = {
    ChannelKind.WEBSITE: ChannelSpec(kind=ChannelKind.WEBSITE),
    ChannelKind.X: ChannelSpec(
        kind=ChannelKind.X,
        secrets=("consumer_key", "consumer_secret", "access_token", "access_token_secret"),
        required_secrets=("consumer_key", "consumer_secret", "access_token", "access_token_secret"),
        config=("user_id", "api_base"),
        labels={
            "consumer_key": "API key (consumer key)",
            "consumer_secret": "API key secret (consumer secret)",
            "access_token": "Access token",
            "access_token_secret": "Access token secret",
            "user_id": "Account's numeric user id (optional; looked up when empty)",
            "api_base": "Custom API host (development only)",
        },
    ),
    ChannelKind.FACEBOOK: ChannelSpec(
        kind=ChannelKind.FACEBOOK,
        secrets=("page_access_token", "app_secret", "webhook_verify_token"),
        required_secrets=("page_access_token", "app_secret"),
        config=("page_id", "app_id", "graph_version", "api_base"),
        required_config=("page_id",),
        labels={
            "page_access_token": "Page access token",
            "app_secret": "App secret",
            "webhook_verify_token": "Webhook verify token (any long random text)",
            "page_id": "Page id",
            "app_id": "App id (lets the health check read the token's permissions)",
            "graph_version": f"Graph API version (default {DEFAULT_VERSION})",
            "api_base": "Custom API host (development only)",
        },
    ),
    ChannelKind.INSTAGRAM: ChannelSpec(
        kind=ChannelKind.INSTAGRAM,
        secrets=("access_token", "app_secret"),
        required_secrets=("access_token", "app_secret"),
        config=("ig_user_id", "app_id", "graph_version", "api_base"),
        required_config=("ig_user_id",),
        labels={
            "access_token": "Access token of the Facebook Page linked to the Instagram account",
            "app_secret": "App secret",
            "ig_user_id": "Instagram professional account id",
            "app_id": "App id (lets the health check read the token's permissions)",
            "graph_version": f"Graph API version (default {DEFAULT_VERSION})",
            "api_base": "Custom API host (development only)",
        },
    ),
}


def custom_hosts_allowed() -> bool:
    return bool(settings.DEBUG or getattr(settings, "PUBLISHERS_ALLOW_CUSTOM_HOSTS", False))


def credentials_encrypt(values: dict[str, str]) -> bytes | None:
    clean = {k: v for k, v in values.items() if v}
    return encrypt_json(clean) if clean else None


def credentials_decrypt(account: ChannelAccount) -> dict[str, str]:
    """The account's secrets, or a ``PublisherError`` a person can act on."""
    if not account.credentials_encrypted:
        return {}
    try:
        value = decrypt_json(bytes(account.credentials_encrypted))
    except (InvalidToken, ValueError) as exc:
        label = ChannelKind(account.kind).label
        raise PublisherError(
            f"The saved {label} connection details cannot be read (the encryption key may "
            f"have changed). A trust administrator needs to reconnect {label}.",
            permanent=True,
            needs_reconnect=True,
            platform=label,
        ) from exc
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


class RebasedSession(TimeoutSession):
    """A session that sends calls for the platform's hosts to ``base`` instead (local fakes
    only; see the module docstring). Ignores proxy variables: the fake is local."""

    def __init__(self, base: str, hosts: tuple[str, ...], timeout: Timeout = DEFAULT_TIMEOUT):
        super().__init__(timeout)
        self.base = base.rstrip("/")
        self.hosts = hosts
        self.trust_env = False

    def request(
        self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any
    ) -> requests.Response:
        text = url.decode() if isinstance(url, bytes) else url
        for host in self.hosts:
            if text.startswith(host):
                text = self.base + text[len(host) :]
                break
        return super().request(method, text, *args, **kwargs)


def _api_base(account: ChannelAccount) -> str | None:
    base = str(account.config.get("api_base") or "").strip()
    if not base:
        return None
    if not custom_hosts_allowed():
        log.warning("ignoring api_base of channel account %s: custom hosts not allowed", account.pk)
        return None
    return base


def _missing(account: ChannelAccount, secrets: dict[str, str]) -> PublisherError | None:
    spec = SPECS[account.kind]
    gaps = [k for k in spec.required_secrets if not secrets.get(k)]
    gaps += [k for k in spec.required_config if not account.config.get(k)]
    if not gaps:
        return None
    label = ChannelKind(account.kind).label
    return PublisherError(
        f"The {label} account is not fully connected (missing: {', '.join(gaps)}). A trust "
        f"administrator needs to finish connecting it.",
        permanent=True,
        needs_reconnect=True,
        platform=label,
    )


def adapter_for(
    account: ChannelAccount,
    *,
    session: requests.Session | None = None,
    **options: Any,
) -> Publisher:
    """Build the right publisher for ``account`` from its decrypted credentials.

    ``session`` (Meta only) and ``options`` (passed to the adapter, e.g. Instagram's
    ``sleep``) let tests inject fakes. Raises :class:`PublisherError` when the account is
    not usable (incomplete or unreadable credentials).
    """
    if account.kind == ChannelKind.WEBSITE:
        from publishers.website.publisher import WebsitePublisher

        return WebsitePublisher(account)
    secrets = credentials_decrypt(account)
    problem = _missing(account, secrets)
    if problem is not None:
        raise problem
    config = account.config
    base = _api_base(account)
    if account.kind == ChannelKind.X:
        x = XPublisher(
            secrets["consumer_key"],
            secrets["consumer_secret"],
            secrets["access_token"],
            secrets["access_token_secret"],
            user_id=str(config.get("user_id") or "") or None,
            **options,
        )
        client: Any = x.client
        if base:
            client.session = RebasedSession(base, X_HOSTS)
        elif session is not None:
            client.session = session
        return x
    version = str(config.get("graph_version") or DEFAULT_VERSION)
    app_id = str(config.get("app_id") or "") or None
    if base and session is None:
        session = RebasedSession(base, (GRAPH_HOST,))
    if account.kind == ChannelKind.FACEBOOK:
        return FacebookPagePublisher(
            str(config["page_id"]),
            secrets["page_access_token"],
            secrets["app_secret"],
            app_id=app_id,
            graph_version=version,
            session=session,
            **options,
        )
    if account.kind == ChannelKind.INSTAGRAM:
        return InstagramPublisher(
            str(config["ig_user_id"]),
            secrets["access_token"],
            secrets["app_secret"],
            app_id=app_id,
            graph_version=version,
            session=session,
            **options,
        )
    raise PublisherError(f"Unknown channel {account.kind!r}.", permanent=True)
