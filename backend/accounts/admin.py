from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest

from backend.common.errors import DomainError, Refused

from .models import Device, Membership, School, Trust, User
from .services import SCHOOL_DETAIL_FIELDS, membership_head_teacher_set, school_details_update


class MembershipInline(admin.TabularInline[Membership, Any]):
    model = Membership
    extra = 0
    # R13: set with the Memberships page's actions, which check and audit (the service).
    readonly_fields = ["is_head_teacher"]

    # Hole 12: a role is given through membership_grant (checked and audited; `create_user`
    # at the shell), never by a free edit of the row here.
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _set_head_teacher(
    request: HttpRequest, queryset: QuerySet[Membership], *, is_head_teacher: bool
) -> None:
    for membership in queryset.select_related("user", "school"):
        try:
            membership_head_teacher_set(
                membership=membership,
                is_head_teacher=is_head_teacher,
                actor=request.user,  # type: ignore[arg-type]
            )
        except DomainError as error:
            messages.error(request, f"{membership}: {error.message}")
        else:
            messages.success(request, f"{membership}: saved.")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    """Roles are listed here; the head-teacher mark (R13: the head teacher and the DSL alone
    see escalated comments) changes only through the actions, which check and audit."""

    list_display = ["user", "school", "role", "is_head_teacher"]
    list_filter = ["role", "is_head_teacher", "school"]
    search_fields = ["user__email", "user__full_name", "school__name"]
    readonly_fields = ["user", "school", "role", "is_head_teacher", "created_at"]
    actions = ["mark_head_teacher", "clear_head_teacher"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # roles are given with `create_user` / `membership_grant` (audited)

    @admin.action(description="Mark as the school's head teacher (sees escalated comments)")
    def mark_head_teacher(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        _set_head_teacher(request, queryset, is_head_teacher=True)

    @admin.action(description="Clear the head-teacher mark")
    def clear_head_teacher(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        _set_head_teacher(request, queryset, is_head_teacher=False)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password", "full_name")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = ((None, {"fields": ("email", "password1", "password2")}),)
    filter_horizontal = ()
    list_filter = ["is_active"]
    inlines = [MembershipInline]


@admin.register(Trust)
class TrustAdmin(admin.ModelAdmin[Trust]):
    list_display = ["name", "slug"]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin[School]):
    list_display = ["name", "slug", "trust", "face_identification_enabled"]
    # DPIA sign-off goes through school_dpia (audited), never a free edit here; schools are
    # made with create_school (audited); the rest is saved through school_details_update.
    readonly_fields = [
        "slug",
        "trust",
        "dpia_reference",
        "dpo_name",
        "dpia_signed_at",
        "created_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: School, form: Any, change: bool) -> None:
        """Through the service (role check, audit), never a plain save."""
        changes = {f: form.cleaned_data[f] for f in form.changed_data if f in SCHOOL_DETAIL_FIELDS}
        try:
            school_details_update(
                school=obj,
                changes=changes,
                actor=request.user,  # type: ignore[arg-type]
            )
        except Refused as exc:
            raise PermissionDenied(exc.message) from exc


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin[Device]):
    """Read-only here: enrol with `enrol_device` or the API so the credential is shown once
    and the enrolment is audited."""

    list_display = ["name", "school", "created_at", "revoked_at", "last_seen_at"]
    readonly_fields = [
        "school",
        "name",
        "token_prefix",
        "enrolled_by",
        "created_at",
        "revoked_at",
        "last_seen_at",
    ]
    exclude = ["token_hash"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
