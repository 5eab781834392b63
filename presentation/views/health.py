"""Health: live, ready, and the detailed health behind a token."""

from __future__ import annotations

from django.conf import settings
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from application import health as health_service
from presentation import serializers as s
from presentation.tokens import (
    SessionJWTAuthentication,
)
from presentation.views.common import errors


class LiveView(APIView):
    """Liveness: the process answers. No database, so a database outage restarts nothing."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        tags=["health"],
        auth=[],
        responses={200: s.ProbeSerializer},
        summary="Liveness probe",
        description="Liveness probe: 200 while this process answers HTTP.",
    )
    def get(self, request: Request) -> Response:
        return Response({"code": "ok", "message": _("The API process answers.")})


class ReadyView(APIView):
    """Readiness: this API node can serve (its database answers). For load balancers."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        tags=["health"],
        auth=[],
        responses={200: s.ProbeSerializer, 503: s.ProbeSerializer},
        summary="Readiness probe (for load balancers)",
        description=(
            "Readiness probe for load balancers: 200 when the database answers, 503 when it "
            "does not. Batch daemons are not considered: the API serves without them."
        ),
    )
    def get(self, request: Request) -> Response:
        if health_service.database_ready():
            return Response({"code": "ok", "message": _("The database is reachable.")})
        return Response(
            {"code": "unavailable", "message": _("The database is not reachable.")},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
        )


HEALTH_TOKEN_HEADER = OpenApiParameter(
    "X-Health-Token",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="HEALTH_TOKEN, for a monitor to get the details without a staff account",
)


class HealthView(APIView):
    """The verdict for anyone; the details for staff or a monitor with HEALTH_TOKEN."""

    permission_classes = [AllowAny]
    # A staff account's access token, or its admin session in a browser.
    authentication_classes = [SessionJWTAuthentication, SessionAuthentication]

    @extend_schema(
        tags=["health"],
        summary="The service's full health report (for monitoring)",
        auth=[],
        parameters=[HEALTH_TOKEN_HEADER],
        responses={200: s.HealthSerializer, 503: s.HealthSerializer, **errors(403)},
        description=(
            "The service's health, for monitoring: 200 when the database is reachable and a "
            "batch worker is alive (heartbeats); 503 otherwise, also when only the daemons are "
            "down. Anyone gets `code` and `message`; staff (an access token or the admin's "
            "session) and requests with `X-Health-Token: HEALTH_TOKEN` also get the details: "
            "database, workers, queue depth, the layout canary. A wrong token is 403. Not for "
            "load balancers: use health/ready/ (and health/live/ for liveness)."
        ),
    )
    def get(self, request: Request) -> Response:
        detailed = self._may_see_details(request)
        report = health_service.health()
        healthy = report.pop("healthy")
        if healthy:
            report.update(code="ok", message=_("Database reachable and a batch worker is alive."))
        elif not report["database"]["ok"]:
            report.update(code="unhealthy", message=_("The database is not reachable."))
        else:
            report.update(
                code="unhealthy",
                message=_(
                    "No batch worker has sent a heartbeat in the last %(seconds)s s; requests "
                    "are not being processed."
                )
                % {"seconds": report["workers"]["stale_after_s"]},
            )
        code = status.HTTP_200_OK if healthy else status.HTTP_503_SERVICE_UNAVAILABLE
        if not detailed:
            message = "The service works." if healthy else "The service is unhealthy."
            return Response({"code": report["code"], "message": message}, status=code)
        return Response(s.HealthSerializer(report).data, status=code)

    @staticmethod
    def _may_see_details(request: Request) -> bool:
        """Staff, or the configured token (compared in constant time); a wrong one is 403."""
        if request.user.is_authenticated and request.user.is_staff:
            return True
        sent = request.headers.get("X-Health-Token")
        expected = settings.HEALTH_TOKEN
        if not sent or not expected:
            return False
        if not constant_time_compare(sent, expected):
            raise PermissionDenied(_("The health token is not valid."), code="health_token_invalid")
        return True
