"""Timeline, error and warning texts, rendered in the reader's language when they are read.

What is stored is a code with parameters: RequestEvent.kind and its `data`, the request's
error_code and error_params, and warning_codes. Rendering happens under the active language
(the API's Accept-Language, the admin operator's), through gettext; Japanese is in
locale/ja_messages.py. The English msgids are the texts the service stored before codes, so
an English reader sees what they always saw.

Rows written before codes carry English prose (RequestEvent.message, error_message with
error_params NULL, warnings without warning_codes); migration 0011 turned the known ones
into codes, and whatever remains is shown as it was stored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from repository.models import FileRequest, RequestEvent

Kind = RequestEvent.Kind

# Status words, as they appear inside sentences ("Request #2 is already succeeded ...").
STATUS_LABELS = {
    "queued": _lazy("queued"),
    "running": _lazy("running"),
    "succeeded": _lazy("succeeded"),
    "failed": _lazy("failed"),
    "cancelled": _lazy("cancelled"),
}

# Event kinds' short names (RequestEvent.Kind), for an event without a sentence of its own.
KIND_LABELS = {
    Kind.QUEUED: _lazy("queued"),
    Kind.CLAIMED: _lazy("claimed"),
    Kind.PROGRESS: _lazy("progress"),
    Kind.PAGE_ERROR: _lazy("page error"),
    Kind.RETRY_SCHEDULED: _lazy("retry scheduled"),
    Kind.LEASE_EXPIRED: _lazy("lease expired"),
    Kind.RELEASED: _lazy("released"),
    Kind.CANCEL_REQUESTED: _lazy("cancel requested"),
    Kind.CANCELLED: _lazy("cancelled"),
    Kind.RETRIED: _lazy("retried by user"),
    Kind.SUCCEEDED: _lazy("succeeded"),
    Kind.FAILED: _lazy("failed"),
    Kind.MAIL_QUEUED: _lazy("mail queued"),
    Kind.MAIL_SENT: _lazy("mail sent"),
    Kind.FILE_PURGED: _lazy("file purged"),
}

# Error codes and their texts; PLACED: the same naming the station-month in %(where)s.
ERRORS = {
    "layout_changed": _lazy(
        "JMA's page layout has changed, so the data cannot be read safely. The service needs "
        "an update; retrying will not help until then."
    ),
    "jma_unavailable": _lazy("JMA's site could not be reached; we will retry."),
    "jma_error": _lazy("A JMA page could not be used."),
    "nothing_published": _lazy(
        "JMA published no data for any of the %(station_months)s selected station-months"
    ),
    "invalid_request": _lazy("The request's parameters could not be processed."),
    "storage_error": _lazy("Could not write the result file; we will retry."),
    "internal_error": _lazy("An internal error stopped this attempt; we will retry."),
    "lease_expired": _lazy(
        "The worker processing this request stopped responding, and all %(attempts)s "
        "attempts are used up."
    ),
}
PLACED = {
    "layout_changed": _lazy(
        "JMA's page layout has changed, so the data cannot be read safely (%(where)s). "
        "The service needs an update; retrying will not help until then."
    ),
    "jma_unavailable": _lazy("JMA's site could not be reached (%(where)s); we will retry."),
    "jma_error": _lazy("A JMA page could not be used (%(where)s)."),
}
GAVE_UP = _lazy("Gave up after %(attempts)s attempts. Last error: %(error)s")

WARNINGS = {
    "unpublished": _lazy(
        "%(station)s (%(block_no)s): JMA published no data for %(months)s (no rows)"
    ),
    "not_observed": _lazy(
        "%(station)s (%(block_no)s): %(items)s not on this station's pages (empty cells)"
    ),
}
MONTH_RANGE = _lazy("%(first)s to %(last)s")

RELEASE_REASONS = {
    "shutdown": _lazy("released at shutdown; it will run again"),
    "shutdown_stuck": _lazy("released at shutdown (job did not stop in time)"),
    "fair_share": _lazy(
        "paused to give another user's request a turn; it continues where it stopped"
    ),
}


def status_label(status: str) -> str:
    return str(STATUS_LABELS[status]) if status in STATUS_LABELS else status


def _format(template: Promise | str, params: Mapping[str, Any]) -> str | None:
    """The template (translated: a catalog text) filled in; None when a parameter is missing
    or malformed."""
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return None


# --- Errors -------------------------------------------------------------------------------------


def error_text(code: str, params: Mapping[str, Any] | None, stored: str = "") -> str:
    """An error in the reader's language; `stored` (the English copy) when it has no params
    (a row from before codes) or the code is not one we know."""
    if params is None:
        return stored
    if code not in ERRORS:  # e.g. too_large: our own English sentence, kept as its text
        return str(params.get("text") or stored)
    placed = params.get("where") and PLACED.get(code)
    text = _format(placed or ERRORS[code], params)
    if text is None:
        return stored
    if params.get("gave_up_after"):
        text = _format(GAVE_UP, {"attempts": params["gave_up_after"], "error": text}) or text
    return text


def request_error(request: FileRequest) -> dict[str, str] | None:
    """The request's error as the API shows it: {code, message}, or None."""
    if not (request.error_code or request.error_message):
        return None
    message = error_text(request.error_code, request.error_params, request.error_message)
    return {"code": request.error_code, "message": message}


# --- Warnings -----------------------------------------------------------------------------------


def _in_reader_language(value: Any) -> str:
    """A parameter stored per language ({"ja": ..., "en": ...}) in the reader's; a list of
    names is joined as the language joins lists (、 in Japanese)."""
    if isinstance(value, Mapping):
        language = (get_language() or "ja").split("-")[0]
        value = value.get(language) or value.get("ja") or ""
    if isinstance(value, list):
        return _(", ").join(str(part) for part in value)
    return str(value)


def _month_ranges(months: Sequence[str]) -> str:
    """["2020-01", "2020-02", "2020-05"] -> "2020-01 to 2020-02, 2020-05" (～ in Japanese)."""
    parts: list[str] = []
    run: list[str] = []
    for month in sorted(months):
        if run and _next_month(run[-1]) == month:
            run.append(month)
            continue
        if run:
            parts.append(_range(run))
        run = [month]
    if run:
        parts.append(_range(run))
    return ", ".join(parts)


def _next_month(month: str) -> str:
    year, number = (int(part) for part in month.split("-"))
    return f"{year + number // 12}-{number % 12 + 1:02d}"


def _range(run: list[str]) -> str:
    return run[0] if len(run) == 1 else str(MONTH_RANGE) % {"first": run[0], "last": run[-1]}


def warning_text(warning: Mapping[str, Any]) -> str:
    """One coded warning ({"code", "params"}) in the reader's language."""
    template = WARNINGS.get(str(warning.get("code")))
    params = dict(warning.get("params") or {})
    if template is None:
        return str(params.get("text", warning.get("code", "")))
    values = {
        "station": _in_reader_language(params.get("station", "")),
        "block_no": params.get("block_no", ""),
        "items": _in_reader_language(params.get("items", "")),
        "months": _month_ranges(params.get("months") or []),
    }
    return _format(template, values) or str(warning.get("code"))


def request_warnings(request: FileRequest) -> list[str]:
    """The request's warnings in the reader's language (as stored, for rows before codes)."""
    if request.warning_codes is None:
        return list(request.warnings or [])
    return [warning_text(warning) for warning in request.warning_codes]


# --- Timeline -----------------------------------------------------------------------------------


def _by(data: Mapping[str, Any]) -> str:
    return str(data.get("by") or _("system"))


def _seconds(data: Mapping[str, Any]) -> str:
    return f"{float(data.get('retry_in_s') or 0):.0f}"


def _coded_error(data: Mapping[str, Any]) -> str:
    code = str(data.get("code", ""))
    return error_text(code, data.get("params"), str(data.get("text") or code))


def _queued(d: Mapping[str, Any]) -> str | None:
    return _format(_("Queued: %(stations)s stations x %(months)s months, %(items)s items."), d)


def _claimed(d: Mapping[str, Any]) -> str | None:
    return _format(_("started (attempt %(attempt)s of %(max_attempts)s)"), d)


def _released(d: Mapping[str, Any]) -> str | None:
    reason = RELEASE_REASONS.get(str(d.get("reason")))
    return str(reason) if reason else _("released; it will run again")


def _retry_scheduled(d: Mapping[str, Any]) -> str | None:
    values = {"error": _coded_error(d), "seconds": _seconds(d)}
    return _format(_("%(error)s — retrying in %(seconds)ss"), values)


def _succeeded(d: Mapping[str, Any]) -> str | None:
    if d.get("warnings"):
        template = _("finished: %(rows)s rows, %(bytes)s bytes, %(warnings)s warning(s)")
    else:
        template = _("finished: %(rows)s rows, %(bytes)s bytes")
    return _format(template, d)


def _page_error(d: Mapping[str, Any]) -> str | None:
    return warning_text(d)


def _failed(d: Mapping[str, Any]) -> str | None:
    return _coded_error(d)


def _lease_expired(d: Mapping[str, Any]) -> str | None:
    if d.get("retry_in_s") is None:
        return _("the worker stopped responding")
    return _format(
        _("the worker stopped responding; queued again in %(seconds)ss"), {"seconds": _seconds(d)}
    )


def _cancel_requested(d: Mapping[str, Any]) -> str | None:
    return _format(
        _("Cancel requested by %(by)s; the worker stops at the next page."), {"by": _by(d)}
    )


def _cancelled(d: Mapping[str, Any]) -> str | None:
    stage = d.get("stage")
    if stage == "queued":
        return _format(_("Cancelled by %(by)s before it started."), {"by": _by(d)})
    if stage == "reaper":
        return _("cancelled before it started")
    return _("cancelled at the owner's request")


def _retried(d: Mapping[str, Any]) -> str | None:
    if d.get("regenerate"):
        template = _("Queued again by %(by)s to make the expired file again.")
    else:
        template = _("Queued again by %(by)s.")
    return _format(template, {"by": _by(d)})


def _mail_queued(d: Mapping[str, Any]) -> str | None:
    return _format(_("mail to %(to)s"), d)


def _mail_sent(d: Mapping[str, Any]) -> str | None:
    return _format(_("mail sent to %(to)s"), d)


def _file_purged(d: Mapping[str, Any]) -> str | None:
    return _format(_("file removed after its retention period (%(download_name)s)"), d)


EVENTS = {
    Kind.QUEUED: _queued,
    Kind.CLAIMED: _claimed,
    Kind.RELEASED: _released,
    Kind.RETRY_SCHEDULED: _retry_scheduled,
    Kind.SUCCEEDED: _succeeded,
    Kind.PAGE_ERROR: _page_error,
    Kind.FAILED: _failed,
    Kind.LEASE_EXPIRED: _lease_expired,
    Kind.CANCEL_REQUESTED: _cancel_requested,
    Kind.CANCELLED: _cancelled,
    Kind.RETRIED: _retried,
    Kind.MAIL_QUEUED: _mail_queued,
    Kind.MAIL_SENT: _mail_sent,
    Kind.FILE_PURGED: _file_purged,
}


def event_text(kind: str, data: Mapping[str, Any] | None, stored: str = "") -> str:
    """One timeline event in the reader's language; the stored text for rows before codes."""
    if stored:
        return stored
    render = EVENTS.get(kind)  # type: ignore[call-overload]
    text = render(data or {}) if render is not None else None
    return text if text is not None else kind_label(kind)


def kind_label(kind: str) -> str:
    """The event kind's short name ("claimed", "mail sent") in the reader's language."""
    label = KIND_LABELS.get(kind)  # type: ignore[call-overload]
    return str(label) if label is not None else kind


# Kept for operators (admin) only: exception texts, storage paths, outbox ids.
INTERNAL_PARAMS = frozenset({"detail", "storage_name", "mail_id"})


def public_params(data: Mapping[str, Any] | None) -> dict[str, Any]:
    """An event's parameters as its owner may see them."""
    return {key: value for key, value in (data or {}).items() if key not in INTERNAL_PARAMS}
