"""R14: an append-only, hash-chained audit log with a verify command."""

import importlib
import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection

from backend.audit.chain import chain_hash, event_payload
from backend.audit.models import GENESIS_HASH, AppendOnlyError, AuditEvent, AuditHead
from backend.audit.selectors import audit_verify
from backend.audit.services import audit_record
from backend.audit.tasks import audit_heartbeat


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


# --- R14: the keyed chain (HMAC-SHA256, keys from AUDIT_HMAC_KEYS) ---------------------------

KEY_A = "2026a:" + "a" * 40
KEY_B = "2026b:" + "b" * 40


def _legacy_events(count: int) -> list[AuditEvent]:
    """Events as written before keying: plain SHA-256, no key id."""
    events = []
    for n in range(count):
        head, _ = AuditHead.objects.get_or_create(id=1)
        event = AuditEvent(seq=head.seq + 1, action=f"legacy.{n}", prev_hash=head.hash)
        event.hash = event.compute_hash()
        event.save()
        AuditHead.objects.filter(id=1).update(seq=event.seq, hash=event.hash)
        events.append(event)
    return events


def _rewrite_every_row(*, change: dict[int, Any], key: bytes | None, key_id: str | None) -> None:
    """What someone with database access but without the key can do: change a row and
    recompute every hash after it (and the head) so that the rows link again."""
    prev = GENESIS_HASH
    with connection.cursor() as cursor:
        for event in AuditEvent.objects.order_by("seq"):
            if event.seq in change:
                event.data = change[event.seq]
            if key_id is not None:
                event.key_id = key_id
            event.prev_hash = prev
            event.hash = chain_hash(event_payload(event), key=key)
            cursor.execute(
                "UPDATE audit_auditevent SET data = %s, key_id = %s, prev_hash = %s, hash = %s"
                " WHERE id = %s",
                [json.dumps(event.data), event.key_id, prev, event.hash, event.pk],
            )
            prev = event.hash
        cursor.execute("UPDATE audit_audithead SET hash = %s WHERE id = 1", [prev])


def test_r14_new_events_are_signed_with_the_first_key(school: Any, settings: Any) -> None:
    settings.AUDIT_HMAC_KEYS = [KEY_A, KEY_B]
    event = _three_events(school)[0]
    assert event.key_id == "2026a"
    assert event.hash == chain_hash(event_payload(event), key=b"a" * 40)


def test_r14_a_full_rewrite_without_the_key_is_detected(school: Any) -> None:
    events = _three_events(school)
    # Re-hashed consistently, but with a guessed key: every row links, none verifies.
    _rewrite_every_row(change={events[1].seq: {"n": 99}}, key=b"guessed" * 6, key_id=None)
    with pytest.raises(CommandError, match=rf"#{events[0].seq}.*altered"):
        call_command("verify_audit")


def test_r14_a_rewrite_downgraded_to_plain_hashes_is_detected(school: Any) -> None:
    events = _three_events(school)
    # Every row turned back into an "unkeyed" event with a plain SHA-256 chain.
    _rewrite_every_row(change={events[1].seq: {"n": 99}}, key=None, key_id="")
    with pytest.raises(CommandError, match=rf"#{events[2].seq}.*not signed"):
        call_command("verify_audit")


def test_r14_an_unsigned_event_after_signed_ones_is_detected(school: Any) -> None:
    events = _three_events(school)
    with connection.cursor() as cursor:  # the middle row downgraded and re-hashed
        events[1].key_id = ""
        events[1].data = {"n": 99}
        new_hash = chain_hash(event_payload(events[1]), key=None)
        cursor.execute(
            "UPDATE audit_auditevent SET data = %s, key_id = '', hash = %s WHERE id = %s",
            ['{"n": 99}', new_hash, events[1].pk],
        )
    with pytest.raises(CommandError, match=rf"#{events[1].seq}.*not signed"):
        call_command("verify_audit")


def test_r14_rotated_keys_verify_events_by_their_key_id(
    school: Any, settings: Any, capsys: Any
) -> None:
    settings.AUDIT_HMAC_KEYS = [KEY_A]
    _three_events(school)
    settings.AUDIT_HMAC_KEYS = [KEY_B, KEY_A]  # rotation: the new key signs, the old verifies
    newer = _three_events(school)
    assert newer[0].key_id == "2026b"
    call_command("verify_audit")
    assert "verified with keys [2026a, 2026b]" in capsys.readouterr().out
    settings.AUDIT_HMAC_KEYS = [KEY_B]  # the old key dropped too early
    with pytest.raises(CommandError, match="#1 .*'2026a'.*not in AUDIT_HMAC_KEYS"):
        call_command("verify_audit")


def test_r14_unkeyed_events_before_keying_verify_as_hash_linked(school: Any, capsys: Any) -> None:
    _legacy_events(2)
    _three_events(school)
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "5 events" in out and "Signed events from #3 verified with keys [dev]" in out
    assert "Events #1-#2 predate keying and are only hash-linked" in out


def test_r14_an_altered_unkeyed_event_is_still_detected(school: Any) -> None:
    legacy = _legacy_events(2)
    _three_events(school)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET action = 'forged' WHERE id = %s", [legacy[0].pk]
        )
    with pytest.raises(CommandError, match=r"#1 .*altered"):
        call_command("verify_audit")


def test_r14_the_keying_migration_signs_the_tip_of_an_existing_chain(db: Any) -> None:
    from django.apps import apps

    migration = importlib.import_module("backend.audit.migrations.0002_keyed_chain")
    _legacy_events(2)
    with pytest.raises(CommandError, match="#2 .*not signed"):
        call_command("verify_audit")  # keying on, but nothing signed since
    migration.append_keying_started(apps, None)
    assert audit_verify() is None
    assert AuditEvent.objects.get(seq=3).action == "audit.keying_started"


def test_r14_the_heartbeat_logs_the_head_outside_the_database(
    school: Any, caplog: Any, capsys: Any
) -> None:
    _three_events(school)
    with caplog.at_level(logging.INFO, logger="backend.audit.tasks"):
        assert audit_heartbeat.delay().get() is True
    head = AuditEvent.objects.order_by("-seq").first()
    assert head is not None and head.action == "audit.verified"
    assert f"audit anchor seq={head.seq} hash={head.hash}" in caplog.text
    assert "embedded-and-test-only" not in caplog.text  # never the key
    call_command("verify_audit", anchor=[f"{head.seq}:{head.hash}"])
    assert "Matches 1 anchor" in capsys.readouterr().out


def test_r14_verify_audit_refuses_a_chain_that_no_longer_matches_an_anchor(school: Any) -> None:
    events = _three_events(school)
    anchor = f"{events[2].seq}:{events[2].hash}"
    with connection.cursor() as cursor:  # the newest event cut off, head moved back with it
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])
        cursor.execute(
            "UPDATE audit_audithead SET seq = %s, hash = %s WHERE id = 1",
            [events[1].seq, events[1].hash],
        )
    assert audit_verify() is None  # the database alone cannot tell
    with pytest.raises(CommandError, match=rf"anchor at event #{events[2].seq}"):
        call_command("verify_audit", anchor=[anchor])


def test_r14_malformed_keys_fail_loudly_without_showing_the_secret(
    school: Any, settings: Any
) -> None:
    settings.AUDIT_HMAC_KEYS = ["2026a:too-short-secret"]
    with pytest.raises(ImproperlyConfigured) as refused:
        audit_record(action="test.refused", school=school)
    assert "too-short-secret" not in str(refused.value)
    assert not AuditEvent.objects.filter(action="test.refused").exists()


def _production_settings(**env: str) -> subprocess.CompletedProcess[str]:
    base = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SECRET_KEY": "x" * 50,
        "FIELD_ENCRYPTION_KEYS": "7bkz1kx8bX3Yp5kUcQm4y0Hk0oUZ6rj9iL8q3c1cQ2E=",
        "DATABASE_URL": "postgres://u:p@127.0.0.1:5432/x",
    }
    return subprocess.run(
        [sys.executable, "-c", "import backend.settings.production"],
        cwd=Path(__file__).resolve().parents[2],
        env={**base, **env},
        capture_output=True,
        text=True,
    )


def test_r14_production_requires_audit_keys_and_refuses_the_development_key() -> None:
    assert "AUDIT_HMAC_KEYS" in _production_settings().stderr
    # .env.example leaves it empty: an empty value is refused as firmly as a missing one.
    empty = _production_settings(AUDIT_HMAC_KEYS="")
    assert empty.returncode != 0 and "AUDIT_HMAC_KEYS must be set" in empty.stderr
    refused = _production_settings(AUDIT_HMAC_KEYS="dev:" + "d" * 40)
    assert refused.returncode != 0 and "development key" in refused.stderr
    assert "d" * 40 not in refused.stderr
    assert _production_settings(AUDIT_HMAC_KEYS=KEY_A).returncode == 0
