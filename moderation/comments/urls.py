"""Mounted by the project under /api/ (empty prefix)."""

from django.urls import path

from . import apis, evidence_apis

urlpatterns = [
    path("comments", apis.CommentListApi.as_view(), name="comments"),
    path("comments/bulk", apis.CommentBulkApi.as_view(), name="comments-bulk"),
    path("comments/<int:comment_id>", apis.CommentDetailApi.as_view(), name="comment"),
    path(
        "comments/<int:comment_id>/approve",
        apis.CommentApproveApi.as_view(),
        name="comment-approve",
    ),
    path(
        "comments/<int:comment_id>/keep-hidden",
        apis.CommentKeepHiddenApi.as_view(),
        name="comment-keep-hidden",
    ),
    path(
        "comments/<int:comment_id>/delete", apis.CommentDeleteApi.as_view(), name="comment-delete"
    ),
    path(
        "comments/<int:comment_id>/block-author",
        apis.CommentBlockAuthorApi.as_view(),
        name="comment-block-author",
    ),
    path(
        "comments/<int:comment_id>/report", apis.CommentReportApi.as_view(), name="comment-report"
    ),
    path("comments/<int:comment_id>/reply", apis.CommentReplyApi.as_view(), name="comment-reply"),
    path(
        "comments/<int:comment_id>/assign", apis.CommentAssignApi.as_view(), name="comment-assign"
    ),
    path("comments/<int:comment_id>/notes", apis.CommentNotesApi.as_view(), name="comment-notes"),
    path(
        "comments/<int:comment_id>/evidence",
        evidence_apis.CommentEvidenceApi.as_view(),
        name="comment-evidence",
    ),
    path(
        "evidence/<int:evidence_id>",
        evidence_apis.CommentEvidenceDetailApi.as_view(),
        name="evidence",
    ),
    path(
        "evidence/<int:evidence_id>/countersign",
        evidence_apis.CommentEvidenceCountersignApi.as_view(),
        name="evidence-countersign",
    ),
    path(
        "evidence/<int:evidence_id>/export",
        evidence_apis.CommentEvidenceExportApi.as_view(),
        name="evidence-export",
    ),
    path(
        "schools/<int:school_id>/screening",
        apis.SchoolScreeningApi.as_view(),
        name="school-screening",
    ),
    path(
        "comments/<int:comment_id>/reclassify",
        apis.CommentReclassifyApi.as_view(),
        name="comment-reclassify",
    ),
    path(
        "schools/<int:school_id>/screening/sensitivity",
        apis.SchoolScreeningSensitivityApi.as_view(),
        name="school-screening-sensitivity",
    ),
    path(
        "schools/<int:school_id>/screening/preview",
        apis.SchoolScreeningPreviewApi.as_view(),
        name="school-screening-preview",
    ),
]
