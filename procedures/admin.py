"""Read-only admin: every change goes through the services (audited, permission-checked)."""

from django.contrib import admin

from backend.common.admin import ReadOnlyAdmin

from .models import (
    LetterTemplate,
    Mention,
    MentionWatch,
    ParentLetter,
    PlatformReport,
    XBudget,
    XCall,
)


@admin.register(PlatformReport)
class PlatformReportAdmin(ReadOnlyAdmin):
    list_display = ["id", "school", "comment_id", "platform", "reported_at", "outcome"]
    list_filter = ["platform", "outcome"]


@admin.register(ParentLetter)
class ParentLetterAdmin(ReadOnlyAdmin):
    list_display = ["id", "school", "comment_id", "status", "sent_at"]


@admin.register(LetterTemplate)
class LetterTemplateAdmin(ReadOnlyAdmin):
    list_display = ["school", "updated_at"]


@admin.register(MentionWatch)
class MentionWatchAdmin(ReadOnlyAdmin):
    list_display = ["school", "bluesky_enabled", "x_search_enabled", "last_searched_at"]


@admin.register(Mention)
class MentionAdmin(ReadOnlyAdmin):
    list_display = ["id", "school", "source", "verdict", "alerted", "state", "found_at"]
    list_filter = ["source", "alerted", "state"]


@admin.register(XBudget)
class XBudgetAdmin(ReadOnlyAdmin):
    list_display = ["school", "monthly_budget_usd", "reply_polling_enabled"]


@admin.register(XCall)
class XCallAdmin(ReadOnlyAdmin):
    list_display = ["at", "school", "kind", "units", "cost_usd", "purpose"]
    list_filter = ["kind"]
