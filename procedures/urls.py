"""Mounted by the project under /api/ (empty prefix)."""

from django.urls import path

from . import apis

urlpatterns = [
    path(
        "comments/<int:comment_id>/procedures",
        apis.CaseProceduresApi.as_view(),
        name="comment-procedures",
    ),
    path(
        "comments/<int:comment_id>/report-pack",
        apis.ReportPackApi.as_view(),
        name="comment-report-pack",
    ),
    path(
        "comments/<int:comment_id>/platform-reports",
        apis.PlatformReportCreateApi.as_view(),
        name="comment-platform-reports",
    ),
    path(
        "platform-reports/<int:report_id>/outcome",
        apis.PlatformReportOutcomeApi.as_view(),
        name="platform-report-outcome",
    ),
    path(
        "comments/<int:comment_id>/parent-letters",
        apis.ParentLetterCreateApi.as_view(),
        name="comment-parent-letters",
    ),
    path("parent-letters/<int:letter_id>", apis.ParentLetterApi.as_view(), name="parent-letter"),
    path(
        "parent-letters/<int:letter_id>/send",
        apis.ParentLetterSendApi.as_view(),
        name="parent-letter-send",
    ),
    path(
        "parent-letters/<int:letter_id>/pdf",
        apis.ParentLetterPdfApi.as_view(),
        name="parent-letter-pdf",
    ),
    path(
        "schools/<int:school_id>/letter-template",
        apis.LetterTemplateApi.as_view(),
        name="school-letter-template",
    ),
    path("mentions", apis.MentionListApi.as_view(), name="mentions"),
    path(
        "mentions/<int:mention_id>/capture",
        apis.MentionCaptureApi.as_view(),
        name="mention-capture",
    ),
    path(
        "mentions/<int:mention_id>/dismiss",
        apis.MentionDismissApi.as_view(),
        name="mention-dismiss",
    ),
    path(
        "schools/<int:school_id>/mention-watch",
        apis.MentionWatchApi.as_view(),
        name="school-mention-watch",
    ),
    path("schools/<int:school_id>/x-costs", apis.XCostsApi.as_view(), name="school-x-costs"),
    path("posts/<int:post_id>/x-cost", apis.PostXCostApi.as_view(), name="post-x-cost"),
]
