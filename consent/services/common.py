"""Checks and helpers every register service uses."""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from backend.accounts.models import School, User
from backend.audit.services import audit_record
from backend.common.actors import Actor, SystemActor, require_role
from backend.common.errors import NotFound

from ..models import Person
from ..selectors import MANAGE_ROLES
from .messages import NOT_CONSENT_ADMIN, PERSON_ERASED


def check_role(
    *,
    actor: Actor,
    school: School | int,
    roles: Iterable[str],
    message: str,
    system: Collection[SystemActor] = (),
) -> None:
    require_role(actor=actor, school=school, roles=roles, message=message, system=system)


def check_live(person: Person) -> None:
    if person.erased_at is not None:
        raise NotFound(PERSON_ERASED)


def local_today() -> datetime.date:
    return timezone.localdate()


def delete_files_on_commit(names: Sequence[str]) -> None:
    def delete() -> None:
        for name in names:
            if name:
                default_storage.delete(name)

    transaction.on_commit(delete)


def private_file_read(*, person: Person, actor: User, file: Any, action: str, target: Any) -> bytes:
    """Private media for a consent admin's authenticated view; every view audited (R14)."""
    check_role(actor=actor, school=person.school_id, roles=MANAGE_ROLES, message=NOT_CONSENT_ADMIN)
    with file.open("rb") as fh:
        data = fh.read()
    audit_record(
        action=action,
        actor=actor,
        school=School(pk=person.school_id),
        target=target,
        data={"person_id": person.pk},
    )
    return bytes(data)
