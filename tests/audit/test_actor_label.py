"""R14 / hole 12: the audit log names who acted, a person or the system by name."""

from typing import Any

from backend.audit.services import audit_record
from backend.common.actors import SystemActor


def test_r14_a_system_actor_is_recorded_by_its_name(school: Any) -> None:
    event = audit_record(action="test.swept", actor=SystemActor("system:release_due"))
    event.refresh_from_db()
    assert event.actor is None and event.actor_label == "system:release_due"
