"""Sending a request's file: names, ranges, the emailed link's download."""

from __future__ import annotations

import re
from urllib.parse import quote

from django.http import FileResponse, HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from application import downloads
from application.downloads import XLSX_CONTENT_TYPE, Download
from presentation.link_page import MailedLinkPageRenderer
from presentation.ranges import Unsatisfiable, requested_range
from presentation.views.common import errors


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
