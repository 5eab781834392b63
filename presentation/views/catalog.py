"""The catalog: request options, station search, station records."""

from __future__ import annotations

from django.http.response import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from application import catalog
from application import records as records_service
from presentation import serializers as s
from presentation.views import rendered_options
from presentation.views.common import errors

# --- Catalog ----------------------------------------------------------------------------------


class OptionsView(APIView):
    # Public master data (JMA's prefectures, stations and items; the calendar): the same for
    # everyone, so no login and no token read. A call without an Authorization header is a
    # CORS "simple request": no preflight before the form's biggest answer (issue 22).
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["catalog"],
        summary="What can be requested",
        description=(
            "Years and the latest month a period may end in, languages, prefectures with their "
            "stations (coordinates, kind, page type) and weather items with where they are "
            "observed. Front ends build their forms from this. Public (no login): JMA's master "
            "data; revalidated by ETag."
        ),
        responses={
            200: s.OptionsSerializer,
            304: OpenApiResponse(description="Not modified: the If-None-Match ETag is current."),
        },
    )
    def get(self, request: Request) -> HttpResponseBase:
        # Revalidated by ETag (If-None-Match -> 304, no body): the same answer for everyone,
        # so shared caches may keep it too.
        etag = f'"{catalog.options_version()}"'
        asked = request.headers.get("If-None-Match", "")
        if etag in {tag.strip().removeprefix("W/") for tag in asked.split(",")}:
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers=_cache_headers(etag))
        if request.accepted_renderer.format != "json":  # the browsable API
            return Response(catalog.options(), headers=_cache_headers(etag))
        return rendered_options.answer(etag, request.headers.get("Accept-Encoding", ""))


def _cache_headers(etag: str) -> dict[str, str]:
    return {"ETag": etag, "Cache-Control": rendered_options.CACHE_CONTROL}


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
