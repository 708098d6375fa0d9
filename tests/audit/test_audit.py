"""R14: an append-only, hash-chained audit log with a verify command."""

from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from backend.audit.models import AppendOnlyError, AuditEvent
from backend.audit.selectors import audit_verify
from backend.audit.services import audit_record


def _three_events(school: Any) -> list[AuditEvent]:
    return [audit_record(action=f"test.{n}", school=school, data={"n": n}) for n in range(3)]


def test_each_event_links_to_the_one_before(school: Any) -> None:
    events = _three_events(school)
    assert events[1].prev_hash == events[0].hash and events[2].prev_hash == events[1].hash
    assert audit_verify() is None


def test_the_orm_refuses_to_change_an_event(school: Any) -> None:
    event = _three_events(school)[0]
    event.action = "forged"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")


def test_the_orm_refuses_to_delete_an_event(school: Any) -> None:
    event = _three_events(school)[0]
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_verify_audit_passes_on_an_intact_chain(school: Any, capsys: Any) -> None:
    _three_events(school)
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out


def test_verify_audit_names_an_altered_event(school: Any) -> None:
    events = _three_events(school)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET data = %s WHERE id = %s", ['{"n": 99}', events[1].pk]
        )
    with pytest.raises(CommandError, match=rf"#{events[1].seq}.*altered"):
        call_command("verify_audit")


def test_verify_audit_names_a_removed_event(school: Any) -> None:
    events = _three_events(school)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    with pytest.raises(CommandError, match=rf"#{events[1].seq}.*missing"):
        call_command("verify_audit")


def test_verify_audit_notices_the_newest_events_removed(school: Any) -> None:
    events = _three_events(school)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])
    with pytest.raises(CommandError, match=rf"#{events[2].seq}"):
        call_command("verify_audit")


def test_the_audit_api_shows_only_the_users_schools(
    api_as: Any, school: Any, trust_admin: Any, outsider: Any, other_school: Any
) -> None:
    audit_record(action="test.mine", school=school)
    audit_record(action="test.theirs", school=other_school)
    mine = [e["action"] for e in api_as(trust_admin).get("/api/audit").json()["results"]]
    theirs = [e["action"] for e in api_as(outsider).get("/api/audit").json()["results"]]
    assert "test.mine" in mine and "test.theirs" not in mine
    assert "test.theirs" in theirs and "test.mine" not in theirs


def test_the_audit_api_is_not_for_teachers(api_as: Any, school: Any, teacher: Any) -> None:
    audit_record(action="test.mine", school=school)
    assert api_as(teacher).get("/api/audit").json()["results"] == []
