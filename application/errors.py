"""What a use case can refuse, in terms the presentation layer maps to HTTP.

The application layer knows nothing about HTTP; each error carries a stable machine `code`
and a human `message` that the API (or the admin) shows as is.
"""

from __future__ import annotations

from django.utils.translation import gettext as _


class ApplicationError(Exception):
    code = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class ValidationFailed(ApplicationError):
    """Input that breaks a rule; `fields` maps a field name to its messages."""

    code = "validation_error"

    def __init__(self, fields: dict[str, list[str]], message: str | None = None) -> None:
        super().__init__(message or _("The request is not valid; see fields."))
        self.fields = fields


class NotFound(ApplicationError):
    code = "not_found"

    def __init__(self, message: str | None = None, *, code: str | None = None) -> None:
        super().__init__(message or _("Not found."), code=code)


class Conflict(ApplicationError):
    """The thing exists but its state does not allow the action (e.g. cancel a finished one)."""

    code = "conflict"


class IdempotencyKeyReused(ApplicationError):
    """The same Idempotency-Key came back with a different request body."""

    code = "idempotency_key_reused"


class TooManyActive(ApplicationError):
    code = "too_many_active_requests"


class Gone(ApplicationError):
    """It existed but is no longer available (expired link, purged file)."""

    code = "gone"
