"""HTTP in, HTTP out: parse with a serializer, call one use case, render the result."""

from __future__ import annotations

import re
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer
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
from application import records as records_service
from application import requests as request_service
from application.downloads import XLSX_CONTENT_TYPE, Download
from presentation import serializers as s
from presentation.errors import ErrorSerializer
from presentation.link_page import MailedLinkPageRenderer
from presentation.lockout import LockedOut
from presentation.pagination import RequestPagination
from presentation.ranges import Unsatisfiable, requested_range
from presentation.throttles import AuthThrottle, CreateRequestThrottle, PasswordResetThrottle
from presentation.tokens import (
    LogoutSerializer,
    RevocableTokenVerifySerializer,
    RotatingTokenRefreshSerializer,
    SessionJWTAuthentication,
)


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    return {code: OpenApiResponse(ErrorSerializer, description="error") for code in codes}


def ascii_fallback(filename: str) -> str:
    """An ASCII name for clients without RFC 5987: 気象データ_東京ほか1地点_202001-202012.xlsx
    -> jma-weather-202001-202012.xlsx (the "_"-separated parts that are plain ASCII)."""
    stem, dot, extension = filename.rpartition(".")
    if not dot:
        stem, extension = filename, ""
    parts = stem.split("_")
    kept = [part for part in parts if re.fullmatch(r"[A-Za-z0-9.-]+", part)]
    name = "_".join(kept)
    if kept != parts:
        name = "-".join(["jma-weather", name]) if name else "jma-weather"
    safe_extension = re.sub(r"[^A-Za-z0-9]", "", extension)
    return f"{name}.{safe_extension}" if safe_extension else name


def attachment_header(filename: str) -> str:
    """RFC 6266 Content-Disposition: an ASCII filename= for old clients, and filename*=
    (RFC 5987, UTF-8) with the workbook's Japanese name, which current browsers prefer."""
    fallback = ascii_fallback(filename)
    if fallback == filename:
        return f'attachment; filename="{filename}"'
    return f"attachment; filename=\"{fallback}\"; filename*=utf-8''{quote(filename, safe='')}"


def file_response(request: Request, download: Download) -> HttpResponse:
    """The workbook as an attachment named per RFC 6266 (see attachment_header), whole or the
    one byte range asked for (presentation/ranges.py): 206, or 416 beyond the end."""
    wanted = requested_range(
        request.headers.get("Range"),
        download.size,
        if_range=request.headers.get("If-Range"),
        etag=download.etag,
    )
    if isinstance(wanted, Unsatisfiable):
        response = JsonResponse(
            {
                "code": "range_not_satisfiable",
                "message": _("The file has %(size)s bytes; the range asked for is beyond them.")
                % {"size": download.size},
            },
            status=status.HTTP_416_REQUESTED_RANGE_NOT_SATISFIABLE,
        )
        response["Content-Range"] = f"bytes */{download.size}"
        return response
    if wanted is None:
        response = FileResponse(
            downloads.open_download(download), content_type=download.content_type
        )
        response["Content-Length"] = str(download.size)
    else:
        first, last = wanted
        response = StreamingHttpResponse(
            downloads.open_download(download, wanted),
            status=status.HTTP_206_PARTIAL_CONTENT,
            content_type=download.content_type,
        )
        response["Content-Range"] = f"bytes {first}-{last}/{download.size}"
        response["Content-Length"] = str(last - first + 1)
    response["Content-Disposition"] = attachment_header(download.filename)
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = download.etag
    response["Cache-Control"] = "private, no-store"
    return response


XLSX_RESPONSE = {
    (200, XLSX_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY, "the workbook"),
    (206, XLSX_CONTENT_TYPE): OpenApiResponse(
        OpenApiTypes.BINARY, "the byte range asked for with `Range: bytes=first-last`"
    ),
}

# --- Accounts ---------------------------------------------------------------------------------


class RegisterView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [AuthThrottle]

    @extend_schema(
        tags=["auth"],
        summary="Create an account",
        request=s.RegisterSerializer,
        responses={202: s.RegisteredSerializer, **errors(400, 429)},
        auth=[],
        description=(
            "Sign up with an email address and a password (Django's password rules). The same "
            "202 answer whether the address is new or already has an account: the mail sent to "
            "the address says which (a verification link, or how to log in). Then get tokens "
            "from auth/token/. `verification_required` says whether requests wait for the "
            "verified address (REQUIRE_VERIFIED_EMAIL); `detail` says the same in words."
        ),
    )
    def post(self, request: Request) -> Response:
        data = s.RegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        accounts.register(**data.validated_data)
        answer = {
            "detail": accounts.registered_detail(),
            "verification_required": settings.REQUIRE_VERIFIED_EMAIL,
        }
        return Response(answer, status=status.HTTP_202_ACCEPTED)


class VerifyEmailView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [AuthThrottle]

    @extend_schema(
        tags=["auth"],
        summary="Verify an email address",
        description=(
            "Confirm the address with the uid and token of the mailed verification link, and "
            "set the account's password (the one chosen at sign-up may be typed again). Whoever "
            "signed up first with this address chose the password so far, possibly not the "
            "address's owner: verifying ends that password and every token issued before. The "
            "same link opened again answers 200 `already_verified`."
        ),
        request=s.VerifyEmailSerializer,
        responses={200: s.VerifiedSerializer, **errors(400, 429)},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = s.VerifyEmailSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if accounts.verify_email(**data.validated_data):
            return Response({"code": "verified", "detail": _("Your email address is verified.")})
        detail = _("This address is already verified. Log in with it.")
        return Response({"code": "already_verified", "detail": detail})


class NoStoreMixin:
    """Responses carrying tokens must not be kept by browsers or proxies (RFC 6749 5.1)."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        response["Pragma"] = "no-cache"
        return response


@extend_schema(
    tags=["auth"],
    summary="Log in: get an access and a refresh token",
    responses={200: s.TokenPairSerializer, **errors(400, 401, 429)},
    description=(
        "Send the email and password; the answer holds a short-lived access token (send it as "
        "`Authorization: Bearer <access>`) and a refresh token for auth/token/refresh/. "
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


@extend_schema(
    tags=["auth"],
    summary="Get a new access token",
    description=(
        "Trade a refresh token for a fresh access token and the next refresh token (no "
        "password needed). A refresh token works once: keep the new one. A used one sent "
        "again is refused, and later than a few seconds after its use it ends the session "
        "(someone else holds a copy)."
    ),
    responses={200: s.TokenRefreshedSerializer, **errors(400, 401, 429)},
)
class TokenRefresh(NoStoreMixin, TokenRefreshView):
    serializer_class = RotatingTokenRefreshSerializer
    throttle_classes = [AuthThrottle]


class LogoutView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [AuthThrottle]

    def get_authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'  # a refused token is 401, as at auth/token/refresh/

    @extend_schema(
        tags=["auth"],
        summary="Log out: end the session",
        description=(
            "Ends the session of this refresh token: it and every access token made from it "
            "stop working at once (other sessions of the account go on). An expired token's "
            "session is over already (200 too); a forged one is 401."
        ),
        request=LogoutSerializer,
        responses={200: s.CodeMessageSerializer, **errors(400, 401, 429)},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        LogoutSerializer(data=request.data).is_valid(raise_exception=True)
        return Response({"code": "logged_out", "message": _("You are logged out.")})


@extend_schema(
    tags=["auth"],
    summary="Check a token",
    description="200 while the access or refresh token is valid and unexpired; 401 otherwise.",
    responses={200: OpenApiResponse(description="the token is valid"), **errors(400, 401, 429)},
)
class TokenVerify(TokenVerifyView):
    serializer_class = RevocableTokenVerifySerializer
    throttle_classes = [AuthThrottle]


class MeView(APIView):
    permission_classes = [IsAuthenticated]  # also unverified: the front end shows the state

    @extend_schema(
        tags=["auth"],
        summary="Who am I",
        description="The account the access token belongs to, and whether its address is verified.",
        responses={200: s.UserSerializer, **errors(401)},
    )
    def get(self, request: Request) -> Response:
        return Response(s.UserSerializer(request.user).data)


class PasswordResetView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [PasswordResetThrottle]

    @extend_schema(
        tags=["auth"],
        summary="Ask for a password reset mail",
        description=(
            "If an active account has this address, a mail with a link to the web front end "
            "(`FRONTEND_BASE_URL/#/reset?uid=...&token=...`) goes out, written in the request's "
            "language. The answer is the same 202 whether or not the address has an account. "
            "Throttled per client address (THROTTLE_PASSWORD_RESET)."
        ),
        request=s.PasswordResetSerializer,
        responses={202: s.CodeMessageSerializer, **errors(400, 429)},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = s.PasswordResetSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        accounts.request_password_reset(data.validated_data["email"])
        message = _("If an account has this address, a mail with a reset link is on its way.")
        return Response(
            {"code": "reset_mail_sent", "message": message}, status=status.HTTP_202_ACCEPTED
        )


class PasswordResetConfirmView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [AuthThrottle]

    @extend_schema(
        tags=["auth"],
        summary="Set a new password with the mailed link",
        description=(
            "`uid` and `token` come from the mailed link; the token works once and expires "
            "after PASSWORD_RESET_TIMEOUT_S. A weak password is refused with field errors under "
            "`new_password`, a bad or used link under `token`."
        ),
        request=s.PasswordResetConfirmSerializer,
        responses={200: s.CodeMessageSerializer, **errors(400, 429)},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = s.PasswordResetConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        accounts.confirm_password_reset(**data.validated_data)
        message = _("Your password has been changed. Log in with the new one.")
        return Response({"code": "password_changed", "message": message})


# --- Catalog ----------------------------------------------------------------------------------


class OptionsView(APIView):
    @extend_schema(
        tags=["catalog"],
        summary="What can be requested",
        description=(
            "Years and the latest month a period may end in, languages, prefectures with their "
            "stations (coordinates, kind, page type) and weather items with where they are "
            "observed. Front ends build their forms from this."
        ),
        responses={
            200: s.OptionsSerializer,
            304: OpenApiResponse(description="Not modified: the If-None-Match ETag is current."),
            **errors(401),
        },
    )
    def get(self, request: Request) -> Response:
        # Revalidated by ETag (If-None-Match -> 304, no body): the answer is the same for
        # every user, but only for logged-in ones, so private caches only.
        etag = f'"{catalog.options_version()}"'
        cache_headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
        asked = request.headers.get("If-None-Match", "")
        if etag in {tag.strip().removeprefix("W/") for tag in asked.split(",")}:
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers=cache_headers)
        return Response(catalog.options(), headers=cache_headers)


class StationSearchView(APIView):
    @extend_schema(
        tags=["catalog"],
        summary="Search stations",
        description=(
            "By name, kana (katakana or hiragana), romaji (Tokyo, Tōkyō or toukyou: `name_en`) "
            "or block_no prefix (`q`), within a prefecture, and nearest first from "
            "`near=LAT,LON` (with `distance_km`)."
        ),
        parameters=[s.StationSearchQuerySerializer],
        responses={200: s.StationSearchSerializer, **errors(400, 401)},
    )
    def get(self, request: Request) -> Response:
        query = s.StationSearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        hits = catalog.search_stations(**query.validated_data)
        results = s.StationHitSerializer(hits, many=True).data
        return Response({"count": len(results), "results": results})


class StationRecordsView(APIView):
    """A station's records from the cache only: 200 when cached (or unavailable), 202 while the
    daemon fetches them. The HTTP thread never fetches JMA."""

    @extend_schema(
        tags=["catalog"],
        summary="A station's records (観測史上1〜10位の値)",
        description=(
            "JMA's top ten per element with value, date and statistics period, from the cache. "
            "`status` is `ready` (200), `queued` (202: the batch daemon fetches them; ask again "
            "shortly) or `unavailable` (200: AMeDAS stations' records are not read yet, or JMA "
            "published none). `stale` means a refresh is queued (JMA's periods move monthly)."
        ),
        responses={
            200: OpenApiTypes.OBJECT,
            202: OpenApiTypes.OBJECT,
            **errors(401, 404),
        },
    )
    def get(self, request: Request, block_no: str) -> Response:
        answer = records_service.station_records(block_no)
        code = status.HTTP_202_ACCEPTED if answer.status == "queued" else status.HTTP_200_OK
        return Response(answer.as_dict(), status=code)


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
        summary="List my requests",
        description="Newest first, paginated (`page`), optionally only one `status`.",
        parameters=[s.RequestListQuerySerializer],
        responses={200: s.FileRequestSerializer(many=True), **errors(400, 401, 404)},
    )
    def get(self, request: Request) -> Response:
        page = request_service.views_of(self.paginate_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        tags=["requests"],
        summary="Queue a request for a workbook",
        description=(
            "Period, stations and/or prefectures, weather items, language and quality columns. "
            "Every rule is checked at once and broken ones come back per field (400). The batch "
            "daemon then fetches the pages; follow `progress` on the request."
        ),
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
            request_service.view_of(request.user, file_request.pk), context={"request": request}
        ).data
        headers = {"Location": body["url"]}
        if not created:
            headers["Idempotent-Replayed"] = "true"
        code = status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK
        return Response(body, status=code, headers=headers)


class RequestEstimateView(APIView):
    @extend_schema(
        tags=["requests"],
        summary="Estimate a request before creating it",
        description=(
            "Takes the same body as creating a request and answers, without queueing anything: "
            "how many station-months it covers, how many are already cached and how many pages "
            "must be fetched from JMA, the data rows, and the expected time at the service's "
            "politeness budget (seconds_per_page) with the pages other queued and running "
            "requests still need (queue_ahead_pages, under the even share running requests "
            "get). A body that create would refuse for a field answers the same 400; one that "
            "is only too large answers 200 with within_limits false."
        ),
        request=s.CreateRequestSerializer,
        responses={200: s.EstimateSerializer, **errors(400, 401)},
    )
    def post(self, request: Request) -> Response:
        data = s.CreateRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        estimate = request_service.estimate_request(**data.validated_data)
        return Response(s.EstimateSerializer(estimate.as_dict()).data)


def _detail(request: Request, pk: int) -> Response:
    view = request_service.view_of(request.user, pk)
    return Response(s.FileRequestDetailSerializer(view, context={"request": request}).data)


class RequestDetailView(APIView):
    @extend_schema(
        tags=["requests"],
        summary="One of my requests",
        description="Status, progress, warnings, error, the file when ready and the timeline.",
        responses={200: s.FileRequestDetailSerializer, **errors(401, 404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        return _detail(request, pk)


class RequestRetryView(APIView):
    throttle_classes = [CreateRequestThrottle]

    @extend_schema(
        tags=["requests"],
        summary="Retry a request",
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
        summary="Cancel a request",
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
    @extend_schema(
        tags=["requests"],
        summary="Download my workbook",
        description=(
            "The .xlsx of a succeeded request, with the access token; 409 before it is ready, "
            "410 after it expired (retry makes it again). One byte range (`Range`, `If-Range` "
            "with the ETag) resumes a download: 206, or 416 beyond the end."
        ),
        responses={**XLSX_RESPONSE, **errors(401, 404, 409, 410, 416)},
    )
    def get(self, request: Request, pk: int):
        file_request = request_service.request_of(request.user, pk)
        return file_response(request, downloads.find_download(file_request))


# --- The emailed link, health ---------------------------------------------------------------


class TokenDownloadView(APIView):
    """No login: the encrypted, expiring token in the mail is the permission.

    A person clicks the link in a browser: its errors come as a page in their language
    (presentation/link_page.py); API clients get the JSON error as everywhere."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    renderer_classes = [JSONRenderer, MailedLinkPageRenderer]

    @extend_schema(
        tags=["downloads"],
        summary="Download by the mailed link",
        description=(
            "No login: the encrypted, expiring token from the finished-request mail is the "
            "permission. 410 once the link or the file has expired, or the owner's password "
            "changed. One byte range (`Range`) resumes a download: 206, or 416 beyond the end. "
            "A browser (Accept: text/html) gets its errors as a page in its language instead "
            "of JSON."
        ),
        auth=[],
        responses={
            **XLSX_RESPONSE,
            **{(code, "application/json"): errors(code)[code] for code in (404, 409, 410, 416)},
            **{
                (code, "text/html"): OpenApiResponse(OpenApiTypes.STR, "a page for people")
                for code in (404, 409, 410)
            },
        },
    )
    def get(self, request: Request, token: str):
        file_request = downloads.request_for_token(token)
        return file_response(request, downloads.find_download(file_request))


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
