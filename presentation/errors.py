"""One error shape for every 4xx/5xx under /api/: {"code", "message", "fields"?}.

`code` is stable and machine-readable, `message` is for people, `fields` maps an input field to
its messages (validation errors only). Application errors are translated here, so views never
build error bodies themselves.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from application import errors as app_errors

log = logging.getLogger(__name__)

APPLICATION_STATUS = {
    app_errors.ValidationFailed: status.HTTP_400_BAD_REQUEST,
    app_errors.NotFound: status.HTTP_404_NOT_FOUND,
    app_errors.Conflict: status.HTTP_409_CONFLICT,
    app_errors.Gone: status.HTTP_410_GONE,
    app_errors.IdempotencyKeyReused: status.HTTP_422_UNPROCESSABLE_ENTITY,
    app_errors.TooManyActive: status.HTTP_429_TOO_MANY_REQUESTS,
}

CODE_BY_STATUS = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    410: "gone",
    415: "unsupported_media_type",
    422: "unprocessable",
    429: "throttled",
    500: "server_error",
}


class ErrorSerializer(serializers.Serializer):
    """The body of every error response (documented in the OpenAPI schema)."""

    code = serializers.CharField(help_text="Stable machine-readable error code.")
    message = serializers.CharField(help_text="What went wrong, for people.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Validation errors per input field.",
    )


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict:
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return body


def _flatten(detail: Any) -> list[str]:
    """DRF nests errors (lists in dicts in lists); a field gets a flat list of sentences."""
    if isinstance(detail, dict):
        return [f"{key}: {msg}" for key, value in detail.items() for msg in _flatten(value)]
    if isinstance(detail, list | tuple):
        return [msg for value in detail for msg in _flatten(value)]
    return [str(detail)]


MAX_MESSAGES_PER_FIELD = 20


def _capped(messages: list[str]) -> list[str]:
    """At most MAX_MESSAGES_PER_FIELD messages per field, so an error body stays small."""
    if len(messages) <= MAX_MESSAGES_PER_FIELD:
        return messages
    more = len(messages) - MAX_MESSAGES_PER_FIELD
    return [
        *messages[:MAX_MESSAGES_PER_FIELD],
        _("... and %(more)s more errors like these.") % {"more": more},
    ]


def _validation_fields(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {str(key): _capped(_flatten(value)) for key, value in detail.items()}
    return {"non_field_errors": _capped(_flatten(detail))}


def _summary(fields: dict[str, list[str]]) -> str:
    first_field, messages = next(iter(fields.items()))
    first = messages[0] if messages else _("invalid")
    label = "" if first_field == "non_field_errors" else f"{first_field}: "
    more = len(fields) - 1
    summary = _("Invalid input.") + f" {label}{first}"
    return summary + (_(" (and %(more)s more fields)") % {"more": more} if more else "")


def _from_application(exc: app_errors.ApplicationError) -> Response:
    status_code = next(
        (code for cls, code in APPLICATION_STATUS.items() if isinstance(exc, cls)), 400
    )
    if isinstance(exc, app_errors.ValidationFailed):
        fields = {name: _capped(list(messages)) for name, messages in exc.fields.items()}
        body = error_body(exc.code, _summary(fields), fields)
    else:
        body = error_body(exc.code, exc.message)
    return Response(body, status=status_code)


def _code_of(exc: exceptions.APIException, status_code: int) -> str:
    detail = exc.detail
    if isinstance(detail, dict) and isinstance(detail.get("code"), str):
        return str(detail["code"])  # simplejwt: token_not_valid, user_not_found, ...
    code = getattr(detail, "code", None) or exc.default_code
    return str(code or CODE_BY_STATUS.get(status_code, "error"))


def _message_of(exc: exceptions.APIException) -> str:
    detail = exc.detail
    if isinstance(detail, dict) and "detail" in detail:
        return str(detail["detail"])
    if isinstance(detail, list | dict):
        return "; ".join(_flatten(detail))
    return str(detail)


def api_exception_handler(exc: Exception, context: dict) -> Response:
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: every exception leaves as the one error shape."""
    if isinstance(exc, app_errors.ApplicationError):
        set_rollback()
        return _from_application(exc)
    if isinstance(exc, RequestDataTooBig):
        return Response(
            error_body("payload_too_large", _("The request body is too large.")),
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, SuspiciousOperation):  # too many fields, bad host, ...
        log.warning("refused a suspicious request: %s", exc)
        return Response(
            error_body("bad_request", _("The request was refused: %(reason)s") % {"reason": exc}),
            status=status.HTTP_400_BAD_REQUEST,
        )
    response = drf_exception_handler(exc, context)  # Http404, PermissionDenied, API errors
    if response is None:
        view = context.get("view")
        log.exception("unhandled error in %s", type(view).__name__ if view else "api", exc_info=exc)
        set_rollback()
        return Response(
            error_body("server_error", _("Internal server error. It has been logged.")),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    if isinstance(exc, exceptions.ValidationError):
        fields = _validation_fields(exc.detail)
        response.data = error_body("validation_error", _summary(fields), fields)
    elif isinstance(exc, exceptions.APIException):
        response.data = error_body(_code_of(exc, response.status_code), _message_of(exc))
    else:
        code = CODE_BY_STATUS.get(response.status_code, "error")
        response.data = error_body(code, str(response.data.get("detail", code)))
    return response


# --- Plain Django views under /api/ (outside DRF) ---------------------------------------------


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


@csrf_exempt
def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Catch-all for /api/ paths that match no endpoint (any method: a POST gets 404, not a
    CSRF 403, so a client can tell a missing endpoint)."""
    hint = "" if request.path.endswith("/") else " " + _("API paths end with a slash.")
    message = _("No endpoint at %(path)s.") % {"path": request.path}
    return JsonResponse(error_body("not_found", message + hint), status=404)


def handler404(request: HttpRequest, exception: Exception | None = None):
    if _is_api(request):
        return api_not_found(request)
    return defaults.page_not_found(request, exception)


def handler500(request: HttpRequest):
    if _is_api(request):
        return JsonResponse(
            error_body("server_error", _("Internal server error. It has been logged.")), status=500
        )
    return defaults.server_error(request)


def handler400(request: HttpRequest, exception: Exception | None = None):
    if _is_api(request):
        return JsonResponse(error_body("bad_request", _("Bad request.")), status=400)
    return defaults.bad_request(request, exception)


def handler403(request: HttpRequest, exception: Exception | None = None):
    if _is_api(request):
        return JsonResponse(error_body("permission_denied", _("Forbidden.")), status=403)
    return defaults.permission_denied(request, exception)
