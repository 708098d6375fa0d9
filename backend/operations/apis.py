from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.common.types import AuthedRequest

from .selectors import background_status


class BackgroundStatusApi(APIView):
    """Is background work (publishing, checks, emails) running? The layout asks for this
    to show leaders and trust administrators a banner when it has stopped (issue 13)."""

    class OutputSerializer(serializers.Serializer[object]):
        ok = serializers.BooleanField()
        worker_ok = serializers.BooleanField()
        beat_ok = serializers.BooleanField()
        stopped_since = serializers.DateTimeField(allow_null=True)

    @extend_schema(responses=OutputSerializer)
    def get(self, request: AuthedRequest) -> Response:
        status = background_status()
        return Response(
            self.OutputSerializer(
                {
                    "ok": status.ok,
                    "worker_ok": status.worker.ok,
                    "beat_ok": status.beat.ok,
                    "stopped_since": status.stopped_since,
                }
            ).data
        )
