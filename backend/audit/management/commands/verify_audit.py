from typing import Any

from django.core.management.base import BaseCommand, CommandError

from backend.audit.models import AuditEvent
from backend.audit.selectors import audit_verify


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; exit non-zero naming the first broken event."

    def handle(self, *args: Any, **options: Any) -> None:
        broken = audit_verify()
        if broken:
            raise CommandError(f"Audit chain broken at event #{broken.seq}: {broken.reason}.")
        self.stdout.write(f"Audit chain intact: {AuditEvent.objects.count()} events verified.")
