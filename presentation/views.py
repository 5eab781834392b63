"""HTTP in, HTTP out: parse with a serializer, call one use case, render the result."""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.views import (
    TokenObtainPairView,
    TokenRefreshView,
    TokenVerifyView,
)

from application import accounts, catalog, downloads
from application import health as health_service
from application import requests as request_service
from application.downloads import XLSX_CONTENT_TYPE, Download
from presentation import serializers as s
from presentation.errors import ErrorSerializer
from presentation.lockout import LockedOut
from presentation.pagination import RequestPagination
from presentation.throttles import AuthThrottle, CreateRequestThrottle
from presentation.tokens import RevocableTokenRefreshSerializer, RevocableTokenVerifySerializer


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    return {code: OpenApiResponse(ErrorSerializer, description="error") for code in codes}


def file_response(download: Download) -> FileResponse:
    """RFC 6266/5987 Content-Disposition (filename*=UTF-8''...) for Japanese names."""
    response = FileResponse(
        download.stream,
        as_attachment=True,
        filename=download.filename,
        content_type=download.content_type,
    )
    response["Content-Length"] = str(download.size)
    response["Cache-Control"] = "private, no-store"
    return response


XLSX_RESPONSE = {(200, XLSX_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY, "the workbook")}

# --- Accounts ---------------------------------------------------------------------------------


class RegisterView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [AuthThrottle]

    @extend_schema(
        tags=["auth"],
        request=s.RegisterSerializer,
        responses={202: s.DetailSerializer, **errors(400, 429)},
        auth=[],
        description=(
            "The same 202 answer whether the address is new or already has an account: the "
            "mail sent to the address says which (a verification link, or how to log in)."
        ),
    )
    def post(self, request: Request) -> Response:
        data = s.RegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        accounts.register(**data.validated_data)
        return Response({"detail": accounts.REGISTERED_DETAIL}, status=status.HTTP_202_ACCEPTED)


class VerifyEmailView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [AuthThrottle]

    @extend_schema(
        tags=["auth"],
        request=s.VerifyEmailSerializer,
        responses={200: s.DetailSerializer, **errors(400, 429)},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = s.VerifyEmailSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        accounts.verify_email(**data.validated_data)
        return Response({"detail": "Your email address is verified."})


class NoStoreMixin:
    """Responses carrying tokens must not be kept by browsers or proxies (RFC 6749 5.1)."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        response["Pragma"] = "no-cache"
        return response


@extend_schema(
    tags=["auth"],
    responses={200: s.TokenPairSerializer, **errors(400, 401, 429)},
    description=(
        "After AXES_FAILURE_LIMIT failed logins for one address from one client, that pair "
        "gets 429 locked_out for AXES_COOLOFF_MINUTES."
    ),
)
class TokenView(NoStoreMixin, TokenObtainPairView):
    serializer_class = s.EmailTokenObtainPairSerializer
    throttle_classes = [AuthThrottle]

    def post(self, request: Request, *args, **kwargs) -> Response:
        try:
            return super().post(request, *args, **kwargs)
        except AuthenticationFailed:
            # django-axes refused before checking the password (presentation/lockout.py).
            if getattr(request, "axes_locked_out", False):
                raise LockedOut() from None
            raise


@extend_schema(tags=["auth"], responses={200: s.TokenRefreshedSerializer, **errors(400, 401, 429)})
class TokenRefresh(NoStoreMixin, TokenRefreshView):
    serializer_class = RevocableTokenRefreshSerializer
    throttle_classes = [AuthThrottle]


@extend_schema(
    tags=["auth"],
    responses={200: OpenApiResponse(description="the token is valid"), **errors(400, 401, 429)},
)
class TokenVerify(TokenVerifyView):
    serializer_class = RevocableTokenVerifySerializer
    throttle_classes = [AuthThrottle]


class MeView(APIView):
    permission_classes = [IsAuthenticated]  # also unverified: the front end shows the state

    @extend_schema(tags=["auth"], responses={200: s.UserSerializer, **errors(401)})
    def get(self, request: Request) -> Response:
        return Response(s.UserSerializer(request.user).data)


# --- Catalog ----------------------------------------------------------------------------------


class OptionsView(APIView):
    @extend_schema(tags=["catalog"], responses={200: s.OptionsSerializer, **errors(401)})
    def get(self, request: Request) -> Response:
        return Response(catalog.options())


class StationSearchView(APIView):
    @extend_schema(
        tags=["catalog"],
        parameters=[s.StationSearchQuerySerializer],
        responses={200: s.StationSearchSerializer, **errors(400, 401)},
    )
    def get(self, request: Request) -> Response:
        query = s.StationSearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        hits = catalog.search_stations(**query.validated_data)
        results = s.StationHitSerializer(hits, many=True).data
        return Response({"count": len(results), "results": results})


# --- Requests ---------------------------------------------------------------------------------

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "Repeat a POST safely: the same key with the same body returns the first request "
        "(200); with a different body the answer is 422 idempotency_key_reused."
    ),
)


class RequestListCreateView(GenericAPIView):
    pagination_class = RequestPagination
    serializer_class = s.FileRequestSerializer
    throttle_classes = [CreateRequestThrottle]

    def get_queryset(self):
        query = s.RequestListQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return request_service.requests_of(
            self.request.user, status=query.validated_data.get("status")
        )

    @extend_schema(
        tags=["requests"],
        parameters=[s.RequestListQuerySerializer],
        responses={200: s.FileRequestSerializer(many=True), **errors(400, 401, 404)},
    )
    def get(self, request: Request) -> Response:
        page = request_service.attach_selections(self.paginate_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        tags=["requests"],
        request=s.CreateRequestSerializer,
        parameters=[IDEMPOTENCY_HEADER],
        responses={
            202: s.FileRequestDetailSerializer,
            200: OpenApiResponse(s.FileRequestDetailSerializer, "repeat of an Idempotency-Key"),
            **errors(400, 401, 422, 429),
        },
    )
    def post(self, request: Request) -> Response:
        data = s.CreateRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        file_request, created = request_service.create_request(
            request.user,
            idempotency_key=request.headers.get("Idempotency-Key"),
            **data.validated_data,
        )
        body = s.FileRequestDetailSerializer(
            request_service.request_of(request.user, file_request.pk), context={"request": request}
        ).data
        headers = {"Location": body["url"]}
        if not created:
            headers["Idempotent-Replayed"] = "true"
        code = status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK
        return Response(body, status=code, headers=headers)


def _detail(request: Request, pk: int) -> Response:
    file_request = request_service.request_of(request.user, pk)
    return Response(s.FileRequestDetailSerializer(file_request, context={"request": request}).data)


class RequestDetailView(APIView):
    @extend_schema(
        tags=["requests"], responses={200: s.FileRequestDetailSerializer, **errors(401, 404)}
    )
    def get(self, request: Request, pk: int) -> Response:
        return _detail(request, pk)


class RequestRetryView(APIView):
    throttle_classes = [CreateRequestThrottle]

    @extend_schema(
        tags=["requests"],
        request=None,
        responses={202: s.FileRequestDetailSerializer, **errors(401, 404, 409, 429)},
        description=(
            "Queue a failed or cancelled request again (attempts reset), or make the file of a "
            "finished request again once it has expired."
        ),
    )
    def post(self, request: Request, pk: int) -> Response:
        file_request = request_service.request_of(request.user, pk)
        request_service.retry_request(file_request, actor=request.user)
        response = _detail(request, pk)
        response.status_code = status.HTTP_202_ACCEPTED
        return response


class RequestCancelView(APIView):
    @extend_schema(
        tags=["requests"],
        request=None,
        responses={200: s.FileRequestDetailSerializer, **errors(401, 404, 409)},
        description=(
            "A queued request is cancelled at once; a running one gets cancel_requested and "
            "stops at the worker's next page."
        ),
    )
    def post(self, request: Request, pk: int) -> Response:
        file_request = request_service.request_of(request.user, pk)
        request_service.cancel_request(file_request, actor=request.user)
        return _detail(request, pk)


class RequestFileView(APIView):
    @extend_schema(tags=["requests"], responses={**XLSX_RESPONSE, **errors(401, 404, 409, 410)})
    def get(self, request: Request, pk: int):
        file_request = request_service.request_of(request.user, pk)
        return file_response(downloads.open_download(file_request))


# --- The emailed link, health ---------------------------------------------------------------


class TokenDownloadView(APIView):
    """No login: the encrypted, expiring token in the mail is the permission."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        tags=["downloads"], auth=[], responses={**XLSX_RESPONSE, **errors(404, 409, 410)}
    )
    def get(self, request: Request, token: str):
        file_request = downloads.request_for_token(token)
        return file_response(downloads.open_download(file_request))


class LiveView(APIView):
    """Liveness: the process answers. No database, so a database outage restarts nothing."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        tags=["health"],
        auth=[],
        responses={200: s.ProbeSerializer},
        description="Liveness probe: 200 while this process answers HTTP.",
    )
    def get(self, request: Request) -> Response:
        return Response({"code": "ok", "message": "The API process answers."})


class ReadyView(APIView):
    """Readiness: this API node can serve (its database answers). For load balancers."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        tags=["health"],
        auth=[],
        responses={200: s.ProbeSerializer, 503: s.ProbeSerializer},
        description=(
            "Readiness probe for load balancers: 200 when the database answers, 503 when it "
            "does not. Batch daemons are not considered: the API serves without them."
        ),
    )
    def get(self, request: Request) -> Response:
        if health_service.database_ready():
            return Response({"code": "ok", "message": "The database is reachable."})
        return Response(
            {"code": "unavailable", "message": "The database is not reachable."},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
        )


class HealthView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        tags=["health"],
        auth=[],
        responses={200: s.HealthSerializer, 503: s.HealthSerializer},
        description=(
            "The service's full health report, for monitoring: database, batch workers "
            "(heartbeats) and queue depth. 200 when the database is reachable and a batch "
            "worker is alive; 503 otherwise, also when only the daemons are down. Not for "
            "load balancers: use health/ready/ (and health/live/ for liveness)."
        ),
    )
    def get(self, request: Request) -> Response:
        report = health_service.health()
        healthy = report.pop("healthy")
        if healthy:
            report.update(code="ok", message="Database reachable and a batch worker is alive.")
        elif not report["database"]["ok"]:
            report.update(code="unhealthy", message="The database is not reachable.")
        else:
            report.update(
                code="unhealthy",
                message=(
                    "No batch worker has sent a heartbeat in the last "
                    f"{report['workers']['stale_after_s']} s; requests are not being processed."
                ),
            )
        code = status.HTTP_200_OK if healthy else status.HTTP_503_SERVICE_UNAVAILABLE
        return Response(s.HealthSerializer(report).data, status=code)
