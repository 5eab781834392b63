"""django-axes hooks: whose attempts are counted, and what a locked-out client is told.

Attempts count per (address, client address): the admin form names the address "username",
the token endpoint "email"; both are normalized as they are stored, so "A@x.jp" and "a@x.jp"
are one account's attempts. The client address is common.client_ip's.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException

from common.emails import normalize_email


def username_of(request, credentials: dict | None) -> str:
    credentials = credentials or {}
    raw = credentials.get("email") or credentials.get("username")
    if raw is None and request is not None and request.method == "POST":
        raw = request.POST.get("username") or request.POST.get("email")
    return normalize_email(str(raw or ""))


def _minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def locked_message() -> str:
    return _(
        "Too many failed logins for this account from your address; try again in "
        "%(minutes)s minutes, or reset your password."
    ) % {"minutes": _minutes()}


def locked_out_response(request, original_response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the API's error shape under /api/, plain text elsewhere."""
    message = locked_message()
    retry_after = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    if request.path.startswith("/api/"):
        response = JsonResponse({"code": "locked_out", "message": message}, status=429)
    else:
        response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = retry_after
    return response


class LockedOut(APIException):
    """The token endpoint's answer while django-axes holds the (account, client) pair."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"

    def __init__(self) -> None:
        super().__init__(locked_message(), code="locked_out")
