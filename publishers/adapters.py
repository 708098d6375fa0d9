"""The one factory that turns a stored :class:`ChannelAccount` into a working
:class:`Publisher`, and the account's encrypted credentials.

Which class serves a kind, and which fields connect it, is declared by the publisher
classes themselves (``publishers.registry``); nothing here names a platform.

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
from collections.abc import Iterator, Mapping
from typing import Any

import requests
from cryptography.fernet import InvalidToken
from django.conf import settings

from backend.common.crypto import decrypt_json, encrypt_json
from publishers.base import AccountSpec, Connection, Publisher, PublisherError
from publishers.http import DEFAULT_TIMEOUT, Timeout, TimeoutSession
from publishers.models import ChannelAccount
from publishers.registry import (
    UnknownChannel,
    account_spec,
    channel_label,
    publisher_class,
    publisher_classes,
)

__all__ = [
    "SPECS",
    "RebasedSession",
    "adapter_for",
    "credentials_decrypt",
    "credentials_encrypt",
    "custom_hosts_allowed",
]

log = logging.getLogger(__name__)


class _RegisteredSpecs(Mapping[str, AccountSpec]):
    """Kind -> account spec of every registered publisher, read live from the registry."""

    def __getitem__(self, kind: str) -> AccountSpec:
        try:
            return account_spec(kind)
        except UnknownChannel:
            raise KeyError(kind) from None

    def __iter__(self) -> Iterator[str]:
        return iter([str(p.kind) for p in publisher_classes()])

    def __len__(self) -> int:
        return len(publisher_classes())


#: The fields each kind of account takes (declared by its publisher class).
SPECS: Mapping[str, AccountSpec] = _RegisteredSpecs()


def custom_hosts_allowed() -> bool:
    return bool(settings.DEBUG or settings.PUBLISHERS_ALLOW_CUSTOM_HOSTS)


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
        label = channel_label(account.kind)
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


def _missing(
    account: ChannelAccount, spec: AccountSpec, secrets: dict[str, str]
) -> PublisherError | None:
    gaps = [k for k in spec.required_secrets if not secrets.get(k)]
    gaps += [k for k in spec.required_config if not account.config.get(k)]
    if not gaps:
        return None
    label = channel_label(account.kind)
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

    ``session`` (HTTP adapters) and ``options`` (passed to the adapter, e.g. Instagram's
    ``sleep``) let tests inject fakes. Raises :class:`PublisherError` when the account is
    not usable (unknown kind, incomplete or unreadable credentials).
    """
    try:
        publisher = publisher_class(account.kind)
    except UnknownChannel as exc:
        raise PublisherError(str(exc), permanent=True) from exc
    secrets = credentials_decrypt(account) if publisher.account_spec.secrets else {}
    problem = _missing(account, publisher.account_spec, secrets)
    if problem is not None:
        raise problem
    base = _api_base(account)
    if base and session is None and publisher.api_hosts:
        session = RebasedSession(base, publisher.api_hosts)
    connection = Connection(
        account=account, secrets=secrets, config=account.config, session=session
    )
    return publisher.connect(connection, **options)
