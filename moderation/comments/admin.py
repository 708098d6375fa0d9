"""Read-only admin views for inspection. Changes go through the dashboard API, whose
services check roles, capture evidence first and audit everything: the admin offers no
path around them."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    Comment,
    CommentCorrection,
    Evidence,
    ModerationAction,
    PollState,
    ScreeningAdaptation,
    ScreeningSettings,
)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["id", "school", "channel", "verdict", "escalated", "status", "review",
                    "created_at"]  # fmt: skip
    list_filter = ["channel", "verdict", "escalated", "status", "review"]
    search_fields = ["external_id", "post_external_id"]
    list_select_related = ["school"]
    # What the comment says and who wrote it is read on the dashboard, where viewing
    # escalated material is audited (R14), not here.
    exclude = ["text", "previous_texts", "author_name", "author_external_id", "labels",
               "media_urls", "permalink"]  # fmt: skip


@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnlyAdmin):
    list_display = ["id", "comment", "kind", "actor", "platform_op", "platform_state",
                    "attempts", "created_at"]  # fmt: skip
    list_filter = ["kind", "platform_state"]
    list_select_related = ["actor"]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["id", "comment", "reason", "sha256", "captured_by", "captured_at",
                    "countersigned_by"]  # fmt: skip
    list_select_related = ["captured_by", "countersigned_by"]
    exclude = ["canonical"]  # read through the API, where each view is audited (R14)


@admin.register(PollState)
class PollStateAdmin(ReadOnlyAdmin):
    list_display = ["publication", "channel", "last_polled_at", "next_poll_at", "failures",
                    "comments_seen"]  # fmt: skip
    list_filter = ["channel"]


@admin.register(ScreeningSettings)
class ScreeningSettingsAdmin(ReadOnlyAdmin):
    list_display = ["school", "updated_by", "updated_at"]


# Issue 15: read-only here; corrections go through "Reclassify" (comment_reclassify) and
# adaptations through the refit, which checks them against held-out comments.
@admin.register(CommentCorrection)
class CommentCorrectionAdmin(ReadOnlyAdmin):
    list_display = ["comment", "school", "labels", "corrected_by", "updated_at"]


@admin.register(ScreeningAdaptation)
class ScreeningAdaptationAdmin(ReadOnlyAdmin):
    list_display = ["school", "fitted_at", "thresholds"]
