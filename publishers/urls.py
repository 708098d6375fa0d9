from django.urls import path

from . import apis

urlpatterns = [
    path("channels/kinds", apis.ChannelKindListApi.as_view(), name="channel-kinds"),
    path(
        "schools/<int:school_id>/channels", apis.SchoolChannelsApi.as_view(), name="school-channels"
    ),
    path(
        "schools/<int:school_id>/channel-accounts",
        apis.ChannelAccountListApi.as_view(),
        name="channel-accounts",
    ),
    path(
        "channel-accounts/<int:account_id>",
        apis.ChannelAccountDetailApi.as_view(),
        name="channel-account",
    ),
    path(
        "channel-accounts/<int:account_id>/health-check",
        apis.ChannelAccountHealthApi.as_view(),
        name="channel-account-health",
    ),
    path(
        "posts/<int:post_id>/publications",
        apis.PostPublicationsApi.as_view(),
        name="post-publications",
    ),
    path("posts/<int:post_id>/takedown", apis.PostTakedownApi.as_view(), name="post-takedown"),
    path(
        "publications/<int:publication_id>/mark-posted",
        apis.PublicationMarkPostedApi.as_view(),
        name="publication-mark-posted",
    ),
    path(
        "publications/<int:publication_id>/post-again",
        apis.PublicationRetryApi.as_view(),
        name="publication-post-again",
    ),
    path("takedowns", apis.TakedownListApi.as_view(), name="takedowns"),
    path("takedowns/<int:takedown_id>", apis.TakedownDetailApi.as_view(), name="takedown"),
    path(
        "takedowns/<int:takedown_id>/confirm",
        apis.TakedownConfirmApi.as_view(),
        name="takedown-confirm",
    ),
    path("website-comments", apis.WebsiteCommentListApi.as_view(), name="website-comments"),
    path(
        "website-comments/<int:comment_id>/approve",
        apis.WebsiteCommentApproveApi.as_view(),
        name="website-comment-approve",
    ),
    path(
        "website-comments/<int:comment_id>/reject",
        apis.WebsiteCommentRejectApi.as_view(),
        name="website-comment-reject",
    ),
    path("webhooks/facebook", apis.FacebookWebhookView.as_view(), name="webhook-facebook"),
]
