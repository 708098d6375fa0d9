from django.urls import path

from . import apis

urlpatterns = [
    path("posts", apis.PostListApi.as_view(), name="posts"),
    path("posts/<int:post_id>", apis.PostDetailApi.as_view(), name="post-detail"),
    path("posts/<int:post_id>/submit", apis.PostSubmitApi.as_view(), name="post-submit"),
    path("posts/<int:post_id>/images", apis.PostImageAddApi.as_view(), name="post-images"),
    path(
        "posts/<int:post_id>/images/<int:image_id>", apis.PostImageApi.as_view(), name="post-image"
    ),
    path(
        "posts/<int:post_id>/images/<int:image_id>/file/<str:variant>",
        apis.PostImageFileApi.as_view(),
        name="post-image-file",
    ),
    path(
        "posts/<int:post_id>/images/<int:image_id>/faces",
        apis.FaceAddApi.as_view(),
        name="post-image-faces",
    ),
    path(
        "posts/<int:post_id>/faces/<int:face_id>/tag",
        apis.FaceTagApi.as_view(),
        name="post-face-tag",
    ),
    path(
        "posts/<int:post_id>/faces/<int:face_id>/dispute",
        apis.FaceDisputeApi.as_view(),
        name="post-face-dispute",
    ),
    path(
        "posts/<int:post_id>/faces/<int:face_id>/confirm-adult",
        apis.FaceAdultConfirmApi.as_view(),
        name="post-face-confirm-adult",
    ),
    path(
        "posts/<int:post_id>/disputes/<int:dispute_id>/resolve",
        apis.FaceDisputeResolveApi.as_view(),
        name="post-dispute-resolve",
    ),
    path("posts/<int:post_id>/blur", apis.PostBlurApi.as_view(), name="post-blur"),
    path("posts/<int:post_id>/approve", apis.PostApproveApi.as_view(), name="post-approve"),
    path("posts/<int:post_id>/reject", apis.PostRejectApi.as_view(), name="post-reject"),
    path(
        "posts/<int:post_id>/request-changes",
        apis.PostRequestChangesApi.as_view(),
        name="post-request-changes",
    ),
    path("posts/<int:post_id>/notes", apis.PostNoteApi.as_view(), name="post-notes"),
    path("posts/<int:post_id>/history", apis.PostHistoryApi.as_view(), name="post-history"),
    path("posts/<int:post_id>/diff", apis.PostVersionDiffApi.as_view(), name="post-diff"),
    path("posts/<int:post_id>/seen", apis.PostSeenApi.as_view(), name="post-seen"),
    path(
        "schools/<int:school_id>/publishing",
        apis.SchoolPublishingApi.as_view(),
        name="school-publishing",
    ),
]
