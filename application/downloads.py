"""Handing out finished workbooks: by the emailed token link or to the logged-in owner."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _

from application.errors import Conflict, Gone, NotFound
from common.crypto import (
    TokenExpired,
    TokenInvalid,
    download_url,
    owner_stamp,
    read_download_claims,
)
from common.result_storage import open_result, open_result_range, result_exists
from repository.models import FileRequest, ResultFile

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_CONTENT_TYPE = "application/zip"  # format=csv: the CSVs and their README


@dataclass(frozen=True)
class Download:
    """A workbook that may be handed out; open_download() reads it (whole or a byte range)."""

    request_id: int
    storage_name: str
    filename: str
    size: int
    etag: str  # strong: the content's SHA-256, so a file made again never matches an old one
    content_type: str = XLSX_CONTENT_TYPE


def request_for_token(token: str) -> FileRequest:
    """The request a download token names. Tampered → NotFound; expired, or made before its
    owner's last password change → Gone."""
    try:
        claims = read_download_claims(token)
    except TokenExpired as exc:
        raise Gone(
            _("This download link has expired. Log in to download the file or request it again."),
            code="link_expired",
        ) from exc
    except TokenInvalid as exc:
        raise NotFound(_("This download link is not valid."), code="link_invalid") from exc
    try:
        file_request = FileRequest.objects.select_related("result", "owner").get(
            pk=claims.request_id
        )
    except FileRequest.DoesNotExist as exc:
        raise NotFound(_("This download link is not valid."), code="link_invalid") from exc
    if not file_request.owner.is_active:  # a deactivated account's links die with it
        raise NotFound(_("This download link is not valid."), code="link_invalid")
    if claims.owner_stamp is not None and claims.owner_stamp != owner_stamp(
        file_request.owner.password
    ):
        raise Gone(
            _(
                "This download link stopped working when the account's password was changed. "
                "Log in to download the file."
            ),
            code="link_revoked",
        )
    return file_request


def result_of(file_request: FileRequest) -> ResultFile | None:
    try:
        return file_request.result
    except ResultFile.DoesNotExist:
        return None


def find_download(file_request: FileRequest) -> Download:
    """The finished workbook, or why it cannot be had (not finished yet, or gone)."""
    if file_request.status != FileRequest.Status.SUCCEEDED:
        raise Conflict(
            _("Request #%(id)s is %(status)s; there is no file to download.")
            % {"id": file_request.pk, "status": file_request.status},
            code="not_ready",
        )
    result = result_of(file_request)
    if result is None:
        raise Gone(
            _("Request #%(id)s has no stored file.") % {"id": file_request.pk}, code="file_gone"
        )
    if not result.is_available or not result_exists(result.storage_name):
        raise Gone(
            _(
                "The file for request #%(id)s expired on %(date)s and was removed. Retry the "
                "request to make it again."
            )
            % {"id": file_request.pk, "date": f"{result.expires_at:%Y-%m-%d}"},
            code="file_gone",
        )
    return Download(
        request_id=file_request.pk,
        storage_name=result.storage_name,
        filename=result.download_name,
        size=result.size,
        etag=f'"{result.sha256}"',
        content_type=ZIP_CONTENT_TYPE
        if result.download_name.lower().endswith(".zip")
        else XLSX_CONTENT_TYPE,
    )


def open_download(
    download: Download, byte_range: tuple[int, int] | None = None
) -> IO[bytes] | Iterator[bytes]:
    """The whole file (a file object), or bytes first..last of it (chunks)."""
    try:
        if byte_range is None:
            return open_result(download.storage_name)
        return open_result_range(download.storage_name, *byte_range)
    except FileNotFoundError as exc:  # purged between the check and the open
        raise Gone(
            _("The file for request #%(id)s was removed.") % {"id": download.request_id},
            code="file_gone",
        ) from exc


def link_for(file_request: FileRequest) -> str | None:
    """The no-login link (as mailed) while the file is downloadable."""
    result = result_of(file_request)
    if file_request.status != FileRequest.Status.SUCCEEDED or result is None:
        return None
    if not result.is_available:
        return None
    return download_url(file_request.pk, stamp=owner_stamp(file_request.owner.password))
