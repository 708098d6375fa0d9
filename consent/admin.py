"""Django admin for the register. Every change goes through a service with the signed-in
user as the actor, so the admin can do nothing the API would refuse; lists are scoped to
the schools where the user is a consent administrator. Encodings are never shown, and
safeguarding flags are not shown here at all (R16: the DSL manages them in the app)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse

from backend.accounts.models import School
from backend.accounts.selectors import school_ids_for_user
from backend.common.errors import DomainError

from .models import ConsentRecord, Contact, FaceEnrolment, ImportRun, Person, SchoolBiometrics
from .selectors import DPIA_ROLES, MANAGE_ROLES
from .services import (
    face_enrolment_delete,
    people_import_from_csv,
    person_leave,
    school_dpia_record,
)


def _school_ids(request: HttpRequest, roles: Any = MANAGE_ROLES) -> set[int]:
    return school_ids_for_user(user=request.user, roles=roles)  # type: ignore[arg-type]


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ContactInline(ReadOnlyMixin, admin.TabularInline[Contact, Person]):
    model = Contact
    fields = ("name", "relationship", "has_parental_responsibility", "court_order")
    readonly_fields = fields
    extra = 0


class ConsentRecordInline(ReadOnlyMixin, admin.TabularInline[ConsentRecord, Person]):
    model = ConsentRecord
    fields = (
        "purpose",
        "decision",
        "given_by",
        "contact",
        "method",
        "given_on",
        "expires_on",
        "evidence",
        "recorded_by",
        "recorded_at",
    )
    readonly_fields = fields
    extra = 0


@admin.register(Person)
class PersonAdmin(ReadOnlyMixin, admin.ModelAdmin[Person]):
    list_display = [
        "id",
        "last_name",
        "legal_first_name",
        "kind",
        "mis_id",
        "year_group",
        "on_roll",
    ]
    list_filter = ["kind", "on_roll", "year_group"]
    search_fields = ["last_name", "legal_first_name", "preferred_first_name", "mis_id"]
    fields = (
        "school",
        "kind",
        "mis_id",
        "legal_first_name",
        "preferred_first_name",
        "last_name",
        "year_group",
        "registration_group",
        "date_of_birth",
        "on_roll",
        "left_on",
    )
    readonly_fields = fields
    inlines = [ContactInline, ConsentRecordInline]
    actions = ["mark_left"]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(_school_ids(request))

    def get_queryset(self, request: HttpRequest) -> QuerySet[Person]:
        return (
            super()
            .get_queryset(request)
            .filter(school_id__in=_school_ids(request), erased_at__isnull=True)
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Needed for actions to show; fields stay read-only.
        return bool(_school_ids(request))

    @admin.action(description="Mark as left the school (ends their consent)")
    def mark_left(self, request: HttpRequest, queryset: QuerySet[Person]) -> None:
        done = 0
        for person in queryset.filter(on_roll=True):
            try:
                person_leave(person=person, actor=request.user)  # type: ignore[arg-type]
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{person}: {exc.message}", messages.ERROR)
        self.message_user(request, f"{done} marked as left.")


@admin.register(FaceEnrolment)
class FaceEnrolmentAdmin(ReadOnlyMixin, admin.ModelAdmin[FaceEnrolment]):
    """Enrolments (never the encoding). Add them through the app or `enrol_face`."""

    list_display = ["id", "person", "created_at", "created_by"]
    fields = ("person", "photo_sha256", "encoder", "created_at", "created_by")
    readonly_fields = fields
    actions = ["remove"]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(_school_ids(request))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(_school_ids(request))

    def get_queryset(self, request: HttpRequest) -> QuerySet[FaceEnrolment]:
        return (
            super()
            .get_queryset(request)
            .filter(person__school_id__in=_school_ids(request))
            .defer("encoding_encrypted")
        )

    @admin.action(description="Remove the reference photo and its encoding")
    def remove(self, request: HttpRequest, queryset: QuerySet[FaceEnrolment]) -> None:
        for enrolment in queryset.select_related("person"):
            face_enrolment_delete(enrolment=enrolment, actor=request.user)  # type: ignore[arg-type]
        self.message_user(request, "Removed.")


class ImportForm(forms.Form):
    school = forms.ModelChoiceField(queryset=School.objects.none())
    file = forms.FileField(help_text="CSV export from the MIS (format: docs/consent.md).")
    full_roll = forms.BooleanField(
        required=False,
        help_text="The file is the whole roll: people of its kinds missing from it have left.",
    )


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyMixin, admin.ModelAdmin[ImportRun]):
    list_display = ["id", "school", "status", "rows", "created", "updated", "left", "error_count"]
    fields = (
        "school",
        "filename",
        "sha256",
        "status",
        "full_roll",
        "rows",
        "created",
        "updated",
        "unchanged",
        "left",
        "consent_records",
        "error_count",
        "errors",
        "started_by",
        "started_at",
        "duration_ms",
    )
    readonly_fields = fields
    change_list_template = "admin/consent/importrun/change_list.html"

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(_school_ids(request))

    def get_queryset(self, request: HttpRequest) -> QuerySet[ImportRun]:
        return super().get_queryset(request).filter(school_id__in=_school_ids(request))

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "run/",
                self.admin_site.admin_view(self.run_import),
                name="consent_importrun_run",
            ),
            *super().get_urls(),
        ]

    def run_import(self, request: HttpRequest) -> HttpResponse:
        form = ImportForm(request.POST or None, request.FILES or None)
        form.fields["school"].queryset = School.objects.filter(  # type: ignore[attr-defined]
            pk__in=_school_ids(request)
        )
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                run = people_import_from_csv(
                    school=form.cleaned_data["school"],
                    file=upload.read(),
                    filename=upload.name,
                    full_roll=form.cleaned_data["full_roll"],
                    actor=request.user,  # type: ignore[arg-type]
                )
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                level = messages.SUCCESS if not run.error_count else messages.WARNING
                self.message_user(
                    request,
                    f"Import #{run.pk} {run.status}: {run.created} created, {run.updated} "
                    f"updated, {run.unchanged} unchanged, {run.left} left, "
                    f"{run.error_count} bad rows.",
                    level,
                )
                return HttpResponseRedirect(
                    reverse("admin:consent_importrun_change", args=[run.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": "Import people from the MIS",
            "opts": self.model._meta,
        }
        return render(request, "admin/consent/importrun/run.html", context)


class DpiaForm(forms.ModelForm[SchoolBiometrics]):
    dpia_reference = forms.CharField(max_length=100, label="DPIA reference")
    dpo_name = forms.CharField(max_length=200, label="Data protection officer who signed off")

    class Meta:
        model = SchoolBiometrics
        fields = ["dpia_reference", "dpo_name"]


@admin.register(SchoolBiometrics)
class SchoolBiometricsAdmin(admin.ModelAdmin[SchoolBiometrics]):
    """R19: record the DPIA reference and the DPO's sign-off (via school_dpia_record)."""

    form = DpiaForm
    list_display = ["name", "slug", "dpia_reference", "dpo_name", "dpia_signed_at"]
    readonly_fields = ["dpia_signed_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(_school_ids(request, DPIA_ROLES))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(_school_ids(request, DPIA_ROLES))

    def get_queryset(self, request: HttpRequest) -> QuerySet[SchoolBiometrics]:
        return super().get_queryset(request).filter(pk__in=_school_ids(request, DPIA_ROLES))

    def save_model(
        self, request: HttpRequest, obj: SchoolBiometrics, form: Any, change: bool
    ) -> None:
        school = School.objects.get(pk=obj.pk)
        school_dpia_record(
            school=school,
            reference=form.cleaned_data["dpia_reference"],
            dpo_name=form.cleaned_data["dpo_name"],
            actor=request.user,  # type: ignore[arg-type]
        )
