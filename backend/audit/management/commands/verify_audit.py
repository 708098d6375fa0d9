from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backend.audit.models import AuditEvent
from backend.audit.selectors import audit_chain_report

BAD_ANCHOR = "--anchor must be '<seq>:<hash>' as logged by audit.heartbeat."


class Command(BaseCommand):
    help = (
        "Verify the audit log's chain (R14): hash links, HMAC signatures, and optionally an"
        " anchor logged outside the database; exit non-zero naming the first broken event."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="SEQ:HASH",
            help="A head logged by audit.heartbeat ('audit anchor seq=.. hash=..'): the event"
            " must still have that hash. Catches the newest events cut off with the head.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_chain_report()
        if report.broken:
            raise CommandError(report.summary)
        for anchor in options["anchor"]:
            seq_text, _, expected = anchor.partition(":")
            if not seq_text.isdigit() or not expected:
                raise CommandError(BAD_ANCHOR)
            event = AuditEvent.objects.filter(seq=int(seq_text)).first()
            if event is None or event.hash != expected:
                raise CommandError(
                    f"Audit chain does not match the anchor at event #{seq_text}: the events"
                    " up to it were rewritten or removed."
                )
        self.stdout.write(report.summary)
        if options["anchor"]:
            self.stdout.write(f"Matches {len(options['anchor'])} anchor(s) logged outside.")
