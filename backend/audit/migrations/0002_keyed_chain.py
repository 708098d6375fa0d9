"""R14: key the audit chain. Events gain the id of the key that signed them; existing
events keep their plain SHA-256 hashes (verified as hash-linked only).

If the chain already has events, one signed `audit.keying_started` event is appended, so
the newest event is signed from the moment keying is on: a later rewrite of every row to
plain SHA-256 (by someone without the key) then shows up as an unsigned newest event."""

from typing import Any

from django.db import migrations, models
from django.utils import timezone


def append_keying_started(apps: Any, schema_editor: Any) -> None:
    from backend.audit.chain import chain_hash, event_payload
    from backend.audit.keys import audit_signing_key

    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditHead = apps.get_model("audit", "AuditHead")
    head = AuditHead.objects.select_for_update().filter(id=1).first()
    if head is None or head.seq == 0:
        return  # nothing written yet: the first event will be signed anyway
    key = audit_signing_key()
    event = AuditEvent(
        seq=head.seq + 1,
        created_at=timezone.now(),
        actor_label="system:migration",
        action="audit.keying_started",
        data={"key_id": key.id, "unkeyed_up_to": head.seq},
        prev_hash=head.hash,
        key_id=key.id,
    )
    event.hash = chain_hash(event_payload(event), key=key.secret)
    event.save()
    AuditHead.objects.filter(id=1).update(seq=event.seq, hash=event.hash)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=16),
        ),
        migrations.RunPython(append_keying_started, migrations.RunPython.noop),
    ]
