from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Heartbeat, Notification


class ReadOnly(admin.ModelAdmin[Any]):
    """Written by the background work only: shown, never edited by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Heartbeat)
class HeartbeatAdmin(ReadOnly):
    list_display = ["component", "last_seen", "started_at", "detail"]


@admin.register(Notification)
class NotificationAdmin(ReadOnly):
    list_display = ["event_key", "recipient", "subject", "created_at", "sent_at"]
    list_filter = ["sent_at"]
    search_fields = ["event_key", "recipient"]
