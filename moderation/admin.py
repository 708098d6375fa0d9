"""Read-only views of posts for administrators: every change goes through the API so the
checks, the device gate and the audit trail cannot be skipped. The approval policy is
editable here through `approvals.school_policy_update`, which checks the role and audits."""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from backend.accounts.models import User
from backend.accounts.selectors import school_ids_for_user, user_has_role
from backend.common.errors import InvalidInput, Refused

from .approvals import (
    POLICY_ROLES,
    policy_settings,
    school_policy_update,
    school_policy_validate,
)
from .models import CheckRun, Face, FaceDispute, Post, PostImage, PostSeen, SchoolPolicy


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


@admin.register(PostSeen)
class PostSeenAdmin(ReadOnlyAdmin):
    """What each leader last saw of a post (issue 17, item 9): kept by the service, read here."""

    list_display = ["post", "user", "version", "seen_at"]
    list_select_related = ["post", "user"]


@admin.register(Face)
class FaceAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "image",
        "source",
        "identifiable",
        "person",
        "tag",
        "tagged_by",
        "tagged_at",
        "adult_name",
        "adult_confirmed_by",
        "identity_dispute",
        "blurred",
    ]


@admin.register(FaceDispute)
class FaceDisputeAdmin(ReadOnlyAdmin):
    """Disputes are raised and resolved through the API (a leader, a reason, the checks
    re-run); here they can only be read."""

    list_display = ["id", "face", "person", "status", "raised_by", "created_at", "resolved_by"]
    list_filter = ["status"]


class SchoolPolicyForm(forms.ModelForm[SchoolPolicy]):
    """Checks each setting as the service will (the message lands on the field)."""

    class Meta:
        model = SchoolPolicy
        # The admin passes its own list (every field but the read-only ones).
        fields = "__all__"  # noqa: DJ007

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        settings = policy_settings()
        changes = {f: cleaned[f] for f in self.changed_data if f in settings and f in cleaned}
        try:
            school_policy_validate(changes=changes)
        except InvalidInput as exc:
            self.add_error(exc.field if exc.field in self.fields else None, exc.message)
        return cleaned


@admin.register(SchoolPolicy)
class SchoolPolicyAdmin(admin.ModelAdmin[SchoolPolicy]):
    list_display = [
        "school",
        "approvals_required",
        "approvals_required_identifiable_pupils",
        "dsl_clearance_required",
        "daily_digest",
        "adult_tags_need_leader_confirmation",
        "paused_at",
    ]
    # Pausing goes through the API (who and why are required and audited).
    readonly_fields = ["school", "paused_at", "paused_by", "pause_reason"]
    form = SchoolPolicyForm

    # Hole 12: the same check as the service, so the form is never offered to someone the
    # service would refuse. Policies are made on first use (school_policy_get_or_create)
    # and never deleted: deleting one would quietly reset a school to the defaults.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        user = request.user
        if not isinstance(user, User) or not super().has_change_permission(request, obj):
            return False
        if obj is None:
            return bool(school_ids_for_user(user=user, roles=POLICY_ROLES))
        return user_has_role(user=user, school=obj.school_id, roles=POLICY_ROLES)

    def save_model(self, request: HttpRequest, obj: SchoolPolicy, form: Any, change: bool) -> None:
        """Through the service (role check, audit), never a plain save."""
        settings = policy_settings()
        changes = {f: form.cleaned_data[f] for f in form.changed_data if f in settings}
        try:
            school_policy_update(school=obj.school, actor=request.user, changes=changes)  # type: ignore[arg-type]
        except Refused as exc:
            raise PermissionDenied(exc.message) from exc
        obj.refresh_from_db()
