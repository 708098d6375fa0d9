"""Read-only views of posts for administrators: every change goes through the API so the
checks, the device gate and the audit trail cannot be skipped. The approval policy is
editable here, and each change is audited."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from backend.audit.services import audit_record

from .models import CheckRun, Face, Post, PostImage, SchoolPolicy


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PostImageInline(admin.TabularInline[PostImage, Post]):
    model = PostImage
    fields = ("position", "alt_text", "width", "height", "detected_at")
    readonly_fields = ("position", "alt_text", "width", "height", "detected_at")
    extra = 0
    can_delete = False


@admin.register(Post)
class PostAdmin(ReadOnlyAdmin):
    list_display = ["id", "school", "author", "status", "scheduled_at", "submitted_at"]
    list_filter = ["status", "school"]
    search_fields = ["text"]
    inlines = [PostImageInline]


@admin.register(CheckRun)
class CheckRunAdmin(ReadOnlyAdmin):
    list_display = ["id", "post", "version", "verdict", "created_at"]
    list_filter = ["verdict"]


@admin.register(Face)
class FaceAdmin(ReadOnlyAdmin):
    list_display = ["id", "image", "source", "identifiable", "person", "tag", "blurred"]


@admin.register(SchoolPolicy)
class SchoolPolicyAdmin(admin.ModelAdmin[SchoolPolicy]):
    list_display = [
        "school",
        "approvals_required",
        "approvals_required_identifiable_pupils",
        "dsl_clearance_required",
        "daily_digest",
        "paused_at",
    ]
    # Pausing goes through the API (who and why are required and audited).
    readonly_fields = ["paused_at", "paused_by", "pause_reason"]

    def save_model(self, request: HttpRequest, obj: SchoolPolicy, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            action="policy.changed",
            actor=request.user,
            school=obj.school,
            target=obj,
            data={f: form.cleaned_data.get(f) for f in form.changed_data},
        )
