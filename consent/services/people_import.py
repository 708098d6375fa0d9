"""The MIS CSV import as a service: check the actor, then parse -> plan -> apply.

`consent.mis_import` holds the steps (the format, the pure plan, the bulk writes); this
service adds the actor check and the consent-ended work for whoever the import ended (R10).
"""

from __future__ import annotations

import time
from typing import IO

from django.db import transaction

from backend.accounts.models import School
from backend.common.actors import SYSTEM_SHELL, Actor

from ..mis_import import mis_import_apply, mis_import_parse, mis_import_reject, mis_import_run_start
from ..models import ImportRun
from ..selectors import MANAGE_ROLES
from .common import check_role
from .consent_ends import REASON_LEFT, REASON_WITHDRAWN, consent_end_dispatch
from .messages import NOT_CONSENT_ADMIN


def people_import_from_csv(
    *,
    school: School,
    file: IO[bytes] | bytes,
    filename: str = "",
    full_roll: bool = False,
    actor: Actor,
) -> ImportRun:
    """Validate the whole MIS export, then apply every good row in one transaction.

    1. Check the actor: a consent administrator of the school, or the operator's shell.
    2. Parse and validate (no writes); a file-level problem rejects the whole file.
    3. Plan and write (`mis_import_apply`); with full_roll, people of the kinds in the file
       who are absent from it leave.
    4. Anyone whose consent ended (leaving, a refusal, a cleared grant, a contact losing
       parental responsibility) gets the consent-ended work after commit (R10).
    """
    check_role(
        actor=actor,
        school=school,
        roles=MANAGE_ROLES,
        message=NOT_CONSENT_ADMIN,
        system=(SYSTEM_SHELL,),
    )
    data = file if isinstance(file, bytes) else file.read()
    started = time.monotonic()
    parsed = mis_import_parse(data)
    run = mis_import_run_start(
        school=school,
        data=data,
        filename=filename,
        full_roll=full_roll,
        parsed=parsed,
        actor=actor,
    )
    if parsed.file_errors:
        return mis_import_reject(run=run, parsed=parsed, actor=actor, started=started)
    with transaction.atomic():
        ends = mis_import_apply(run=run, parsed=parsed, actor=actor, started=started)
        consent_end_dispatch(person_ids=ends.left, reason=REASON_LEFT)
        consent_end_dispatch(person_ids=ends.withdrawn, reason=REASON_WITHDRAWN)
        consent_end_dispatch(person_ids=ends.enrolled_leavers, reason=REASON_LEFT)
    return run
