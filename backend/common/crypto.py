"""Encryption at rest for secrets and face encodings (Fernet, keys from the environment).

Several keys may be configured: the first encrypts, any decrypts, so keys can be rotated.
"""

import json
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@cache
def _fernet() -> MultiFernet:
    keys = [k.strip() for k in settings.FIELD_ENCRYPTION_KEYS if k.strip()]
    return MultiFernet([Fernet(k.encode()) for k in keys])


def encrypt_bytes(data: bytes) -> bytes:
    return _fernet().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    return _fernet().decrypt(bytes(token))


def encrypt_json(value: Any) -> bytes:
    return encrypt_bytes(json.dumps(value, sort_keys=True).encode())


def decrypt_json(token: bytes) -> Any:
    return json.loads(decrypt_bytes(token))
