from django.urls import path

from . import apis

urlpatterns = [
    path("schools/<int:school_id>/people", apis.PersonListApi.as_view(), name="consent-people"),
    path(
        "schools/<int:school_id>/people/status",
        apis.PublishStatusListApi.as_view(),
        name="consent-publish-status",
    ),
    path("schools/<int:school_id>/imports", apis.ImportListApi.as_view(), name="consent-imports"),
    path(
        "schools/<int:school_id>/imports/columns",
        apis.ImportColumnsApi.as_view(),
        name="consent-import-columns",
    ),
    path(
        "schools/<int:school_id>/imports/template",
        apis.ImportTemplateApi.as_view(),
        name="consent-import-template",
    ),
    path(
        "schools/<int:school_id>/imports/<int:import_id>",
        apis.ImportDetailApi.as_view(),
        name="consent-import",
    ),
    path("schools/<int:school_id>/dpia", apis.SchoolDpiaApi.as_view(), name="consent-dpia"),
    path("people/<int:person_id>", apis.PersonDetailApi.as_view(), name="consent-person"),
    path("people/<int:person_id>/status", apis.PersonStatusApi.as_view(), name="consent-status"),
    path("people/<int:person_id>/leave", apis.PersonLeaveApi.as_view(), name="consent-leave"),
    path(
        "people/<int:person_id>/consent",
        apis.ConsentTimelineApi.as_view(),
        name="consent-timeline",
    ),
    path("people/<int:person_id>/objection", apis.ObjectionApi.as_view(), name="consent-objection"),
    path("people/<int:person_id>/contacts", apis.ContactListApi.as_view(), name="consent-contacts"),
    path(
        "people/<int:person_id>/contacts/<int:contact_id>",
        apis.ContactUpdateApi.as_view(),
        name="consent-contact",
    ),
    path("people/<int:person_id>/flags", apis.FlagListApi.as_view(), name="consent-flags"),
    path(
        "people/<int:person_id>/flags/<int:flag_id>/end",
        apis.FlagEndApi.as_view(),
        name="consent-flag-end",
    ),
    path(
        "people/<int:person_id>/evidence", apis.EvidenceListApi.as_view(), name="consent-evidence"
    ),
    path(
        "people/<int:person_id>/evidence/<int:evidence_id>/file",
        apis.EvidenceFileApi.as_view(),
        name="consent-evidence-file",
    ),
    path(
        "people/<int:person_id>/enrolments",
        apis.EnrolmentListApi.as_view(),
        name="consent-enrolments",
    ),
    path(
        "people/<int:person_id>/enrolments/<int:enrolment_id>",
        apis.EnrolmentDetailApi.as_view(),
        name="consent-enrolment",
    ),
    path(
        "people/<int:person_id>/enrolments/<int:enrolment_id>/photo",
        apis.EnrolmentPhotoApi.as_view(),
        name="consent-enrolment-photo",
    ),
    path("people/<int:person_id>/export", apis.PersonExportApi.as_view(), name="consent-export"),
    path("people/<int:person_id>/erase", apis.PersonEraseApi.as_view(), name="consent-erase"),
]
