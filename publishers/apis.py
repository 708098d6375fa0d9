"""Thin views for channels, publications, takedowns, website comments and the Facebook
webhook: parse, call a service or selector, render. Another school's object answers 404.

Credentials are write-only: accepted on create/update, never in any response.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import Role
from backend.accounts.selectors import school_get_for_user
from backend.common.types import AuthedRequest
from moderation import interface

from . import selectors, services
from .adapters import SPECS, credentials_decrypt
from .base import ACCOUNT_FIELD_INPUT_TYPES, PublisherError
from .meta.webhooks import SIGNATURE_HEADER
from .models import ChannelAccount, ChannelKind, Publication, Takedown, WebsiteComment
from .registry import publisher_classes


def _account_output(account: ChannelAccount) -> dict[str, Any]:
    spec = SPECS[account.kind]
    try:
        names = sorted(credentials_decrypt(account))
    except PublisherError:  # unreadable credentials: report none set
        names = []
    return {
        "id": account.pk,
        "school": account.school_id,
        "kind": account.kind,
        "display_name": account.display_name,
        "enabled": account.enabled,
        "config": account.config,
        # Which secret fields are set, never their values.
        "credentials_set": names,
        "credentials_needed": list(spec.required_secrets),
        "health": {
            "ok": account.health_ok,
            "problems": account.health_problems,
            "checked_at": account.health_checked_at,
        },
        "created_at": account.created_at,
        "updated_at": account.updated_at,
    }


class ChannelAccountOutput(serializers.Serializer):
    class Health(serializers.Serializer):
        ok = serializers.BooleanField(allow_null=True)
        problems = serializers.ListField(child=serializers.CharField())
        checked_at = serializers.DateTimeField(allow_null=True)

    id = serializers.IntegerField()
    school = serializers.IntegerField()
    kind = serializers.ChoiceField(ChannelKind.choices)
    display_name = serializers.CharField()
    enabled = serializers.BooleanField()
    config = serializers.DictField(child=serializers.CharField())
    credentials_set = serializers.ListField(child=serializers.CharField())
    credentials_needed = serializers.ListField(child=serializers.CharField())
    health = Health()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class ChannelAccountListApi(APIView):
    """GET: the school's channels and their health. POST: connect a channel. Trust
    administrators only."""

    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(ChannelKind.choices)
        display_name = serializers.CharField(max_length=200)
        enabled = serializers.BooleanField(default=True)
        config = serializers.DictField(
            child=serializers.CharField(allow_blank=True), required=False
        )
        credentials = serializers.DictField(
            child=serializers.CharField(allow_blank=True, trim_whitespace=True),
            required=False,
            write_only=True,
        )

    @extend_schema(responses=ChannelAccountOutput(many=True))
    def get(self, request: AuthedRequest, school_id: int) -> Response:
        school = school_get_for_user(
            user=request.user, school_id=school_id, roles=[Role.TRUST_ADMIN]
        )
        accounts = selectors.channel_accounts_for_school(school_id=school.pk)
        return Response([_account_output(a) for a in accounts])

    @extend_schema(request=InputSerializer, responses={201: ChannelAccountOutput})
    def post(self, request: AuthedRequest, school_id: int) -> Response:
        school = school_get_for_user(
            user=request.user, school_id=school_id, roles=[Role.TRUST_ADMIN]
        )
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        account = services.channel_account_create(
            school=school, actor=request.user, **data.validated_data
        )
        return Response(_account_output(account), status=201)


class ChannelAccountDetailApi(APIView):
    class InputSerializer(serializers.Serializer):
        display_name = serializers.CharField(max_length=200, required=False)
        enabled = serializers.BooleanField(required=False)
        config = serializers.DictField(
            child=serializers.CharField(allow_blank=True), required=False
        )
        # Blank values keep what is stored: secrets are never shown back, so a form can
        # leave them empty.
        credentials = serializers.DictField(
            child=serializers.CharField(allow_blank=True), required=False, write_only=True
        )

    @extend_schema(responses=ChannelAccountOutput)
    def get(self, request: AuthedRequest, account_id: int) -> Response:
        account = selectors.channel_account_get_for_admin(user=request.user, account_id=account_id)
        return Response(_account_output(account))

    @extend_schema(request=InputSerializer, responses=ChannelAccountOutput)
    def patch(self, request: AuthedRequest, account_id: int) -> Response:
        account = selectors.channel_account_get_for_admin(user=request.user, account_id=account_id)
        data = self.InputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        account = services.channel_account_update(
            account=account, actor=request.user, **data.validated_data
        )
        return Response(_account_output(account))


class ChannelAccountHealthApi(APIView):
    """POST: check the token and permissions now; the result is stored and returned."""

    @extend_schema(request=None, responses=ChannelAccountOutput)
    def post(self, request: AuthedRequest, account_id: int) -> Response:
        account = selectors.channel_account_get_for_admin(user=request.user, account_id=account_id)
        account = services.channel_account_check_health(account=account, actor=request.user)
        return Response(_account_output(account))


class PublicationOutput(serializers.ModelSerializer[Publication]):
    resolved_by_name = serializers.SerializerMethodField()

    class Meta:
        model = Publication
        fields = [
            "id",
            "post",
            "channel",
            "state",
            "attempts",
            "external_id",
            "url",
            "error",
            "published_at",
            "taken_down_at",
            "next_attempt_at",
            "resolved_by_name",
            "created_at",
            "updated_at",
        ]

    def get_resolved_by_name(self, pub: Publication) -> str | None:
        return str(pub.resolved_by) if pub.resolved_by_id else None


class PostPublicationsApi(APIView):
    """GET: per channel, where the post stands (partial success is visible per channel)."""

    @extend_schema(responses=PublicationOutput(many=True))
    def get(self, request: AuthedRequest, post_id: int) -> Response:
        visible_id = interface.post_id_visible_to(user=request.user, post_id=post_id)
        pubs = selectors.publications_for_post(post_id=visible_id)
        return Response(PublicationOutput(pubs, many=True).data)


class PublicationMarkPostedApi(APIView):
    """POST: a leader found the unconfirmed post on the platform; record its link."""

    class InputSerializer(serializers.Serializer):
        url = serializers.URLField(max_length=500)
        external_id = serializers.CharField(max_length=200, required=False, allow_blank=True)

    @extend_schema(request=InputSerializer, responses=PublicationOutput)
    def post(self, request: AuthedRequest, publication_id: int) -> Response:
        pub = selectors.publication_get_for_user(user=request.user, publication_id=publication_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        pub = services.publication_mark_posted(
            publication=pub, actor=request.user, **data.validated_data
        )
        pub.refresh_from_db()
        return Response(PublicationOutput(pub).data)


class PublicationRetryApi(APIView):
    """POST: post again on this channel (failed, or unconfirmed and checked not there)."""

    @extend_schema(request=None, responses=PublicationOutput)
    def post(self, request: AuthedRequest, publication_id: int) -> Response:
        pub = selectors.publication_get_for_user(user=request.user, publication_id=publication_id)
        pub = services.publication_retry(publication=pub, actor=request.user)
        pub.refresh_from_db()
        return Response(PublicationOutput(pub).data)


class TakedownPublicationOutput(serializers.ModelSerializer[Publication]):
    class Meta:
        model = Publication
        fields = ["id", "channel", "state", "error", "taken_down_at"]


class TakedownOutput(serializers.ModelSerializer[Takedown]):
    requested_by_name = serializers.SerializerMethodField()
    confirmed_by_name = serializers.SerializerMethodField()
    automatic = serializers.SerializerMethodField(
        help_text="Asked for by the system when someone's consent ended (R10)."
    )
    post_text = serializers.CharField(source="post.text", read_only=True)
    publications = TakedownPublicationOutput(many=True, source="post.publications")

    class Meta:
        model = Takedown
        fields = [
            "id",
            "post",
            "school",
            "state",
            "reason",
            "requested_by_name",
            "requested_at",
            "confirmed_by_name",
            "confirmed_at",
            "completed_at",
            "automatic",
            "post_text",
            "publications",
        ]

    def get_automatic(self, t: Takedown) -> bool:
        return t.requested_by_id is None

    def get_requested_by_name(self, t: Takedown) -> str:
        return str(t.requested_by) if t.requested_by_id else "automatic (consent ended)"

    def get_confirmed_by_name(self, t: Takedown) -> str | None:
        return str(t.confirmed_by) if t.confirmed_by_id else None


class PostTakedownApi(APIView):
    """POST: a leader asks for a published post to come down (then confirms it)."""

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=1000)

    @extend_schema(request=InputSerializer, responses={201: TakedownOutput})
    def post(self, request: AuthedRequest, post_id: int) -> Response:
        visible_id = interface.post_id_visible_to(user=request.user, post_id=post_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # The takedown workflow is moderation's (moderation/takedowns.py).
        takedown = interface.takedown_request_for_post_by_leader(
            post_id=visible_id, actor=request.user, reason=data.validated_data["reason"]
        )
        takedown = selectors.takedown_get_for_leader(user=request.user, takedown_id=takedown.pk)
        return Response(TakedownOutput(takedown).data, status=201)


class TakedownListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        school = serializers.IntegerField(required=False)
        state = serializers.ChoiceField(Takedown.State.choices, required=False)

    @extend_schema(
        parameters=[OpenApiParameter("school", int), OpenApiParameter("state", str)],
        responses=TakedownOutput(many=True),
    )
    def get(self, request: AuthedRequest) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        takedowns = selectors.takedowns_for_user(
            user=request.user,
            school_id=filters.validated_data.get("school"),
            state=filters.validated_data.get("state"),
        )
        return Response(TakedownOutput(takedowns, many=True).data)


class TakedownDetailApi(APIView):
    @extend_schema(responses=TakedownOutput)
    def get(self, request: AuthedRequest, takedown_id: int) -> Response:
        takedown = selectors.takedown_get_for_leader(user=request.user, takedown_id=takedown_id)
        return Response(TakedownOutput(takedown).data)


class TakedownConfirmApi(APIView):
    """POST: a leader confirms; the post is deleted on every channel, retried until done."""

    @extend_schema(request=None, responses=TakedownOutput)
    def post(self, request: AuthedRequest, takedown_id: int) -> Response:
        takedown = selectors.takedown_get_for_leader(user=request.user, takedown_id=takedown_id)
        interface.takedown_confirm(takedown=takedown, actor=request.user)
        takedown = selectors.takedown_get_for_leader(user=request.user, takedown_id=takedown_id)
        return Response(TakedownOutput(takedown).data)


class WebsiteCommentOutput(serializers.ModelSerializer[WebsiteComment]):
    school = serializers.IntegerField(source="entry.school_id")
    post = serializers.IntegerField(source="entry.publication.post_id")

    class Meta:
        model = WebsiteComment
        fields = [
            "id",
            "entry",
            "school",
            "post",
            "author_name",
            "text",
            "status",
            "created_at",
            "decided_at",
        ]


class WebsiteCommentListApi(APIView):
    """GET: comments left on the school's news page (pending ones await a decision)."""

    class FilterSerializer(serializers.Serializer):
        school = serializers.IntegerField(required=False)
        status = serializers.ChoiceField(WebsiteComment.Status.choices, required=False)

    @extend_schema(
        parameters=[OpenApiParameter("school", int), OpenApiParameter("status", str)],
        responses=WebsiteCommentOutput(many=True),
    )
    def get(self, request: AuthedRequest) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        comments = selectors.website_comments_for_user(
            user=request.user,
            school_id=filters.validated_data.get("school"),
            status=filters.validated_data.get("status"),
        )
        return Response(WebsiteCommentOutput(comments, many=True).data)


class _WebsiteCommentDecideApi(APIView):
    status_to = ""

    @extend_schema(request=None, responses=WebsiteCommentOutput)
    def post(self, request: AuthedRequest, comment_id: int) -> Response:
        comment = selectors.website_comment_get_for_moderator(
            user=request.user, comment_id=comment_id
        )
        comment = services.website_comment_decide(
            comment=comment, actor=request.user, status=self.status_to
        )
        return Response(WebsiteCommentOutput(comment).data)


class WebsiteCommentApproveApi(_WebsiteCommentDecideApi):
    status_to = WebsiteComment.Status.APPROVED


class WebsiteCommentRejectApi(_WebsiteCommentDecideApi):
    status_to = WebsiteComment.Status.REJECTED


@method_decorator(csrf_exempt, name="dispatch")
class FacebookWebhookView(View):
    """Meta's webhook: GET is the subscription handshake (echo ``hub.challenge`` when the
    verify token matches, else 403); POST must carry a valid ``X-Hub-Signature-256`` over
    the raw body (else 403), is stored once per comment and answered 200 at once."""

    def get(self, request: HttpRequest) -> HttpResponse:
        challenge = services.webhook_facebook_challenge(params=request.GET)
        if challenge is None:
            return HttpResponse("Verification failed.", status=403, content_type="text/plain")
        return HttpResponse(challenge, content_type="text/plain")

    def post(self, request: HttpRequest) -> HttpResponse:
        receipt = services.webhook_facebook_receive(
            raw_body=request.body, signature=request.headers.get(SIGNATURE_HEADER)
        )
        if not receipt.verified:
            return HttpResponse("Bad signature.", status=403, content_type="text/plain")
        return HttpResponse("OK", content_type="text/plain")


class ChannelKindOutput(serializers.Serializer):
    """A channel a school can connect, read from its publisher class (publishers.registry).

    The ``type: ignore`` lines: DRF takes declared fields off the class, but the stubs see
    ``label``, ``required``, ``help_text`` and ``fields`` replacing a serializer's own.
    """

    class AccountField(serializers.Serializer):
        name = serializers.CharField()
        label = serializers.CharField()  # type: ignore[assignment]
        secret = serializers.BooleanField()
        required = serializers.BooleanField()  # type: ignore[assignment]
        help_text = serializers.CharField(allow_blank=True)  # type: ignore[assignment]
        input_type = serializers.ChoiceField(ACCOUNT_FIELD_INPUT_TYPES)
        advanced = serializers.BooleanField()

    kind = serializers.ChoiceField(ChannelKind.choices)
    label = serializers.CharField()  # type: ignore[assignment]
    help_text = serializers.CharField(source="account_spec.help_text", allow_blank=True)  # type: ignore[assignment]
    fields = AccountField(source="account_spec.fields", many=True)  # type: ignore[assignment]


class ChannelKindListApi(APIView):
    """GET: every kind of channel, in the order offered, with the fields that connect an
    account of it; the front end builds its connect-account form from this. Nothing here
    is secret or school-specific."""

    @extend_schema(responses=ChannelKindOutput(many=True))
    def get(self, request: AuthedRequest) -> Response:
        return Response(ChannelKindOutput(publisher_classes(), many=True).data)


class SchoolChannelsApi(APIView):
    """GET: every kind of channel and whether this school can post to it now (issue 17,
    item 6). Any member of the school may ask: staff are offered only the connected ones,
    and a trust administrator is told which are missing."""

    class OutputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(ChannelKind.choices)
        label = serializers.CharField()  # type: ignore[assignment]
        connected = serializers.BooleanField()

    @extend_schema(responses=OutputSerializer(many=True))
    def get(self, request: AuthedRequest, school_id: int) -> Response:
        school = school_get_for_user(user=request.user, school_id=school_id)
        connected = selectors.channel_kinds_connected(school_id=school.pk)
        rows = [
            {"kind": p.kind, "label": p.label, "connected": p.kind in connected}
            for p in publisher_classes()
        ]
        return Response(self.OutputSerializer(rows, many=True).data)
