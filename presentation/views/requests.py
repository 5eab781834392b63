"""One's own requests: list, create, estimate, detail, retry, cancel, file."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from application import downloads
from application import requests as request_service
from presentation import serializers as s
from presentation.pagination import RequestPagination
from presentation.throttles import CreateRequestThrottle
from presentation.views.common import errors
from presentation.views.files import XLSX_RESPONSE, file_response

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
        return request_service.listing_of(
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
        page = request_service.views_of(self.paginate_queryset(self.get_queryset()), request.user)
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
        view, created = request_service.create_and_view(
            request.user,
            idempotency_key=request.headers.get("Idempotency-Key"),
            **data.validated_data,
        )
        body = s.FileRequestDetailSerializer(view, context={"request": request}).data
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
