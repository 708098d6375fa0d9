"""`make run`'s preparation in one process (issue 13): apply migrations, and seed the demo
school only when something changed or it was never seeded, so a restart takes seconds."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from backend.accounts.management.commands.seed_demo import DEMO_LOGINS_FILE


class Command(BaseCommand):
    help = "Migrate, then seed the demo school if it is new or the schema changed."

    def handle(self, *args: Any, **options: Any) -> None:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            self.stdout.write(f"Applying {len(pending)} migration(s)...")
            call_command("migrate", interactive=False, verbosity=0)
        # The database cache holds the throttle counters shared by every process (issue 16);
        # a no-op when the table exists or the cache is Redis.
        call_command("createcachetable", verbosity=0)
        logins = Path(settings.VAR_DIR) / DEMO_LOGINS_FILE
        if pending or not logins.exists():
            self.stdout.write("Seeding the demo school...")
            log = Path(settings.VAR_DIR) / "log" / "seed_demo.log"
            log.parent.mkdir(parents=True, exist_ok=True)
            with log.open("w") as out:
                call_command("seed_demo", stdout=out)
