"""Admin pages. Connecting X, Facebook or Instagram is done here by pasting credentials into
write-only password fields: they are encrypted on save and never shown back (a blank field
keeps what is stored). Saving goes through the same services as the API, so the same
checks and audit events apply. Everything else is read-only here: publications, takedowns
and comments change only through their services (API), never by free edits.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from backend.accounts.models import Role, School
from backend.accounts.selectors import school_ids_for_user
from backend.common.errors import DomainError

from . import services
from .adapters import SPECS
from .models import (
    ChannelAccount,
    ChannelKind,
    Publication,
    Takedown,
    WebhookEvent,
    WebsiteComment,
    WebsiteEntry,
)


def _field_name(kind: str, name: str, *, secret: bool) -> str:
    return f"{kind}__{'secret' if secret else 'config'}__{name}"


def _admin_school_ids(request: HttpRequest) -> set[int] | None:
    """None: every school (superuser); else the schools where the user is trust admin."""
    user: Any = request.user
    if user.is_superuser:
        return None
    return school_ids_for_user(user=user, roles=[Role.TRUST_ADMIN])


def _credential_fields() -> dict[str, forms.Field]:
    """One password field per secret and one text field per setting, for every kind.
    Declared on the form class (not added per request) so the admin's fieldsets know them."""
    fields: dict[str, forms.Field] = {}
    for kind, spec in SPECS.items():
        label = ChannelKind(kind).label
        for field in spec.fields:
            hint = f" {field.help_text}" if field.help_text else ""
            if field.secret:
                fields[_field_name(kind, field.name, secret=True)] = forms.CharField(
                    label=field.label,
                    required=False,
                    strip=True,
                    widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
                    help_text=f"{label}. Never shown again; leave empty to keep the saved value."
                    + hint,
                )
            else:
                fields[_field_name(kind, field.name, secret=False)] = forms.CharField(
                    label=field.label, required=False, help_text=f"{label}.{hint}"
                )
    return fields


class ChannelAccountForm(forms.ModelForm[ChannelAccount]):
    """One form for every kind: the fields of the chosen kind are used, the rest must stay
    empty. Secret fields are password inputs that never render a value."""

    class Meta:
        model = ChannelAccount
        fields = ["school", "kind", "display_name", "enabled"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name, value in self.instance.config.items():
                field = _field_name(self.instance.kind, name, secret=False)
                if field in self.fields:
                    self.fields[field].initial = value
            self.fields["school"].disabled = True
            self.fields["kind"].disabled = True

    def values_for(self, kind: str) -> tuple[dict[str, str], dict[str, str]]:
        spec = SPECS[kind]
        config = {
            name: self.cleaned_data.get(_field_name(kind, name, secret=False), "") or ""
            for name in spec.config
        }
        secrets = {
            name: self.cleaned_data.get(_field_name(kind, name, secret=True), "") or ""
            for name in spec.secrets
        }
        return config, secrets

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = cleaned.get("kind") or self.instance.kind
        for other, spec in SPECS.items():
            if other == kind:
                continue
            for name in spec.secrets:
                if cleaned.get(_field_name(other, name, secret=True)):
                    self.add_error(
                        _field_name(other, name, secret=True),
                        f"This belongs to {ChannelKind(other).label}, not the chosen channel.",
                    )
        if kind in SPECS and not self.errors:
            config, secrets = self.values_for(kind)
            try:
                services.channel_account_validate(
                    kind=kind,
                    display_name=cleaned.get("display_name") or "",
                    config=config,
                    credentials=secrets,
                    account=self.instance if self.instance.pk else None,
                    school=cleaned.get("school"),
                )
            except DomainError as error:
                name = error.field or ""
                target = (
                    _field_name(kind, name, secret=name in SPECS[kind].secrets)
                    if name in SPECS[kind].secrets + SPECS[kind].config
                    else (name if name in self.fields else None)
                )
                self.add_error(target, error.message)
        return cleaned


ChannelAccountForm.base_fields.update(_credential_fields())
ChannelAccountForm.declared_fields.update(_credential_fields())


@admin.register(ChannelAccount)
class ChannelAccountAdmin(admin.ModelAdmin[ChannelAccount]):
    form = ChannelAccountForm
    list_display = ["display_name", "kind", "school", "enabled", "health_ok", "health_checked_at"]
    list_filter = ["kind", "enabled", "health_ok"]
    readonly_fields = ["credentials_saved", "health_ok", "health_problems", "health_checked_at"]
    actions = ["check_health"]

    def get_fieldsets(self, request: HttpRequest, obj: ChannelAccount | None = None) -> Any:
        sets: list[Any] = [(None, {"fields": ["school", "kind", "display_name", "enabled"]})]
        for kind, spec in SPECS.items():
            names = [_field_name(kind, n, secret=True) for n in spec.secrets] + [
                _field_name(kind, n, secret=False) for n in spec.config
            ]
            if names and (obj is None or obj.kind == kind):
                sets.append((ChannelKind(kind).label, {"fields": names}))
        sets.append(("Status", {"fields": self.readonly_fields}))
        return sets

    @admin.display(description="Credentials saved")
    def credentials_saved(self, obj: ChannelAccount) -> str:
        return "yes (encrypted; never shown)" if obj.has_credentials else "none"

    def get_queryset(self, request: HttpRequest) -> QuerySet[ChannelAccount]:
        qs = super().get_queryset(request).select_related("school")
        schools = _admin_school_ids(request)
        return qs if schools is None else qs.filter(school_id__in=schools)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "school":
            schools = _admin_school_ids(request)
            qs = School.objects.all()
            kwargs["queryset"] = qs if schools is None else qs.filter(pk__in=schools)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _allowed(self, request: HttpRequest) -> bool:
        user: Any = request.user
        return bool(
            user.is_active
            and user.is_staff
            and (user.is_superuser or school_ids_for_user(user=user, roles=[Role.TRUST_ADMIN]))
        )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Switch an account off instead: its publications keep pointing at it.
        return False

    def save_model(
        self, request: HttpRequest, obj: ChannelAccount, form: Any, change: bool
    ) -> None:
        """Through the services (checks, encryption, audit), never a plain save."""
        config, secrets = form.values_for(obj.kind)
        actor: Any = request.user
        if change:
            saved = services.channel_account_update(
                account=ChannelAccount.objects.get(pk=obj.pk),
                actor=actor,
                display_name=obj.display_name,
                enabled=obj.enabled,
                config=config,
                credentials=secrets,
            )
        else:
            saved = services.channel_account_create(
                school=obj.school,
                actor=actor,
                kind=obj.kind,
                display_name=obj.display_name,
                enabled=obj.enabled,
                config=config,
                credentials=secrets,
            )
        obj.pk = saved.pk
        obj.refresh_from_db()

    @admin.action(description="Check the connection (token and permissions) now")
    def check_health(self, request: HttpRequest, queryset: QuerySet[ChannelAccount]) -> None:
        actor: Any = request.user
        for account in queryset:
            checked = services.channel_account_check_health(account=account, actor=actor)
            if checked.health_ok:
                self.message_user(request, f"{checked}: working.", level=messages.SUCCESS)
            else:
                problems = " ".join(checked.health_problems)
                self.message_user(request, f"{checked}: {problems}", level=messages.WARNING)


class _ReadOnly(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Publication)
class PublicationAdmin(_ReadOnly):
    list_display = ["post", "channel", "state", "attempts", "url", "updated_at"]
    list_filter = ["channel", "state"]
    search_fields = ["external_id", "idempotency_key"]


@admin.register(Takedown)
class TakedownAdmin(_ReadOnly):
    list_display = ["post", "school", "state", "requested_at", "confirmed_at", "completed_at"]
    list_filter = ["state"]


@admin.register(WebsiteEntry)
class WebsiteEntryAdmin(_ReadOnly):
    list_display = ["pk", "school", "published_at", "withdrawn_at"]


@admin.register(WebsiteComment)
class WebsiteCommentAdmin(_ReadOnly):
    list_display = ["pk", "entry", "author_name", "status", "created_at"]
    list_filter = ["status"]


@admin.register(WebhookEvent)
class WebhookEventAdmin(_ReadOnly):
    list_display = ["platform", "external_id", "verb", "school", "received_at", "processed_at"]
    list_filter = ["platform", "verb"]
