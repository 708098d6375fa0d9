from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from .models import Device, Membership, School, Trust, User


class MembershipInline(admin.TabularInline[Membership, Any]):
    model = Membership
    extra = 0


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
    # DPIA sign-off goes through school_dpia (audited), never a free edit here.
    readonly_fields = ["dpia_reference", "dpo_name", "dpia_signed_at"]


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
