"""What the background work says about itself (heartbeats) and the email outbox that
sends each event once per person (issue 13)."""

from django.db import models
from django.utils import timezone


class Heartbeat(models.Model):
    """The last sign of life of one part of the background work. ``worker`` is refreshed
    by a thread in every worker process and by the ``operations.heartbeat`` task it runs;
    ``beat`` by the beat scheduler each time it sends that task."""

    class Component(models.TextChoices):
        WORKER = "worker", "Worker"
        BEAT = "beat", "Scheduler"

    component = models.CharField(max_length=16, choices=Component.choices, unique=True)
    last_seen = models.DateTimeField(default=timezone.now)
    # Host and process that last wrote (for the IT contact), never anything sensitive.
    detail = models.CharField(max_length=200, blank=True)
    # When this component was last seen after a gap: "stopped since" is measured from
    # last_seen, "running since" from here.
    started_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.component} @ {self.last_seen:%Y-%m-%d %H:%M:%S}"


class Notification(models.Model):
    """One email to one person about one event. ``(event_key, recipient)`` is unique, so
    a task run twice, a re-check or a redelivered message queues nothing new; what is
    pending is sent by ``operations.send_notifications`` (several to one person at once
    go as one digest)."""

    event_key = models.CharField(max_length=200)
    recipient = models.EmailField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event_key", "recipient"], name="notification_once_per_event_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_key} -> {self.recipient}"
