"""Use cases on the request queue: create, cancel, retry, and reading one's own requests.

The API and the Django admin both call these, so the rules live here once. Every state change
goes through repository/queue/lifecycle.py: a conditional UPDATE along an allowed move, so it
cannot race with the batch daemon that claims and finishes the same rows with its own
transactions, taken under the one lock order (the owner's user row, then the request row) and
run again after a deadlock (repository.sql.atomic_retrying), never a server error.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, models
from django.utils.translation import gettext as _

from application import estimates
from application.errors import (
    Conflict,
    IdempotencyKeyReused,
    NotFound,
    TooManyActive,
    ValidationFailed,
)
from application.validation import RequestSpec, validate_request
from common import clock
from repository.models import (
    FileRequest,
    FileRequestItem,
    FileRequestStation,
    Prefecture,
    RequestEvent,
    ResultFile,
    Station,
    User,
    WeatherItem,
)
from repository.queue import lifecycle
from repository.queue.states import IllegalMove, move
from repository.queue.texts import status_label
from repository.request_listing import OwnRequests, active_count, own_request, timeline
from repository.request_pages import (
    ItemRef,
    StationRef,
    count_pages,
    plan_of_request,
    plan_pages,
)
from repository.sql import atomic_retrying, insert_many

Status = FileRequest.Status
IDEMPOTENCY_KEY_MAX = 100


# --- Estimate ---------------------------------------------------------------------------------


def estimate_request(**body: Any) -> estimates.Estimate:
    """The create body's estimate: same validation as create_request, except the size rule,
    which the estimate answers as within_limits instead of refusing."""
    spec = validate_request(**body, check_size=False)
    return estimates.estimate_for(
        spec.stations,
        spec.period,
        items=spec.items,
        columns=SUBDAILY_COLUMNS.get(spec.period.granularity, len(spec.items)),
        file_format=spec.format,
    )


# An hourly or 10-minute sheet holds every element of an observatory's page (the columns of
# batch/jma/subdaily_parser.LAYOUTS[(granularity, "s1")]), whatever items were ticked.
SUBDAILY_COLUMNS = {"hourly": 16, "10min": 10}


# --- Create -----------------------------------------------------------------------------------


def _check_active_limit(owner: User) -> None:
    limit = settings.MAX_ACTIVE_REQUESTS_PER_USER
    active = active_count(owner.pk)
    if active >= limit:
        raise TooManyActive(
            _(
                "You already have %(active)s requests queued or running; the limit is "
                "%(limit)s. Wait for one to finish or cancel one."
            )
            % {"active": active, "limit": limit}
        )


def _existing_for_key(owner: User, key: str, spec: RequestSpec) -> FileRequest | None:
    existing = FileRequest.objects.filter(owner=owner, idempotency_key=key).first()
    if existing is not None and not spec.same_as(existing):
        raise IdempotencyKeyReused(
            _(
                "Idempotency-Key %(key)s was already used for request #%(id)s with a "
                "different body. Use a new key for a different request."
            )
            % {"key": repr(key), "id": existing.pk}
        )
    return existing


def create_request(
    owner: User, *, idempotency_key: str | None = None, **body: Any
) -> tuple[FileRequest, bool]:
    """Validate and queue a request; returns (request, created).

    `body` holds the request body's fields as validate_request() takes them. A repeated
    idempotency key with the same body returns the first request (created=False), also when
    both arrive at once: the unique (owner, key) constraint decides the race.
    """
    file_request, new = _create(owner, idempotency_key, body)
    return file_request, new is not None


def create_and_view(
    owner: User, *, idempotency_key: str | None = None, **body: Any
) -> tuple[RequestView, bool]:
    """create_request(), and the request as view_of() shows it. A new request's view is built
    from what was just written (its rows are not read back); a repeat reads the first one."""
    file_request, new = _create(owner, idempotency_key, body)
    if new is None:
        return view_of(owner, file_request.pk), False
    # Nothing cached since the insert counted it: what is left is what it had to fetch.
    remaining = estimates.remaining_for(file_request, pages_left=file_request.pages_to_fetch)
    return replace(new, remaining=remaining), True


def _create(
    owner: User, idempotency_key: str | None, body: dict[str, Any]
) -> tuple[FileRequest, RequestView | None]:
    """(the request, its view when it is new; None when a repeated key found the first)."""
    if idempotency_key is not None:
        idempotency_key = idempotency_key.strip()
        if not idempotency_key or len(idempotency_key) > IDEMPOTENCY_KEY_MAX:
            raise ValidationFailed(
                {
                    "idempotency_key": [
                        _("Must be 1 to %(max)s characters.") % {"max": IDEMPOTENCY_KEY_MAX}
                    ]
                }
            )
    spec = validate_request(**body)
    if idempotency_key:
        existing = _existing_for_key(owner, idempotency_key, spec)
        if existing is not None:
            return existing, None
    try:
        return atomic_retrying(lambda: _create_locked(owner, spec, idempotency_key))
    except IntegrityError:
        if not idempotency_key:
            raise
        existing = _existing_for_key(owner, idempotency_key, spec)
        if existing is None:
            raise
        return existing, None


def _create_locked(
    owner: User, spec: RequestSpec, idempotency_key: str | None
) -> tuple[FileRequest, RequestView | None]:
    """Inside the transaction, under the owner's lock: the key's request, or a new one."""
    with connection.cursor() as cursor:
        lifecycle.lock_owner(cursor, owner.pk)
    if idempotency_key:
        existing = _existing_for_key(owner, idempotency_key, spec)
        if existing is not None:
            return existing, None
    _check_active_limit(owner)
    new = _insert(owner, spec, idempotency_key)
    return new.request, new


def _insert(owner: User, spec: RequestSpec, idempotency_key: str | None) -> RequestView:
    """Store the request and its selections; its view (without `remaining`)."""
    now = clock.now()
    months = spec.period.page_count
    counted = estimates.count_for(spec.stations, spec.period, spec.items, spec.format)
    file_request, queued = lifecycle.create(
        FileRequest(
            owner=owner,
            **spec.period.fields(),
            language=spec.language,
            quality_columns=spec.quality_columns,
            format=spec.format,
            max_attempts=settings.BATCH_MAX_ATTEMPTS,
            run_after=now,
            created_at=now,
            progress_total=months * len(spec.stations),
            pages_to_fetch=counted.to_fetch,  # data, 検算 and 記録 pages: as the estimate
            idempotency_key=idempotency_key or None,
        ),
        stations=len(spec.stations),
        months=months,
        items=len(spec.items),
        now=now,
    )
    insert_many(
        [
            FileRequestStation(request=file_request, station=station, position=position)
            for position, station in enumerate(spec.stations, start=1)
        ]
    )
    insert_many(
        [
            FileRequestItem(request=file_request, item=item, position=position)
            for position, item in enumerate(spec.items, start=1)
        ]
    )
    FileRequest.result.related.set_cached_value(file_request, None)  # no file yet: no query
    return RequestView(
        file_request,
        [_shown_station(station) for station in spec.stations],
        [_shown_item(item) for item in spec.items],
        events=[queued],
    )


# --- Cancel and retry -------------------------------------------------------------------------


def _actor_name(actor: User | None) -> str | None:
    """Who acted, for the timeline; None: the system."""
    return None if actor is None else str(actor)


def _locked(cursor: object, file_request: FileRequest) -> lifecycle.Current:
    current = lifecycle.lock(cursor, file_request.owner_id, file_request.pk)
    if current is None:
        raise NotFound(_("Request %(id)s not found.") % {"id": file_request.pk})
    return current


def cancel_request(file_request: FileRequest, *, actor: User | None) -> FileRequest:
    """Queued → cancelled at once; running → cancel_requested (the daemon stops it)."""

    def work() -> None:
        with connection.cursor() as cursor:
            current = _locked(cursor, file_request)
            try:
                lifecycle.cancel(
                    cursor, file_request.pk, current, by=_actor_name(actor), now=clock.now()
                )
            except IllegalMove:
                raise Conflict(
                    _("Request #%(id)s is already %(status)s and cannot be cancelled.")
                    % {"id": file_request.pk, "status": status_label(current.status)},
                    code="not_cancellable",
                ) from None

    atomic_retrying(work)
    return FileRequest.objects.get(pk=file_request.pk)


def retry_request(file_request: FileRequest, *, actor: User | None) -> FileRequest:
    """Back to the queue from scratch (attempts reset, error cleared).

    Allowed for failed and cancelled requests, and for succeeded ones whose file has expired
    or was purged (the file is made again; the old ResultFile row goes, so the batch can
    record the new one). The owner is held to the per-user active limit; staff acting from
    the admin are not.
    """
    owner_acting = actor is not None and actor.pk == file_request.owner_id

    def work() -> None:
        with connection.cursor() as cursor:
            current = _locked(cursor, file_request)
            result = ResultFile.objects.filter(request_id=file_request.pk).first()
            regenerate = current.status == Status.SUCCEEDED and (
                result is None or not result.is_available
            )
            try:
                move("retry").check(current.status)
            except IllegalMove:
                raise _not_retryable(file_request.pk, current.status) from None
            if current.status == Status.SUCCEEDED and not regenerate:
                raise _not_retryable(file_request.pk, current.status)
            if owner_acting:
                _check_active_limit(actor)  # type: ignore[arg-type]
            # The stored period, not the caller's copy (which may hold only the keys).
            stored = FileRequest.objects.get(pk=file_request.pk)
            pages = count_pages(plan_of_request(stored)).to_fetch
            lifecycle.retry(
                cursor,
                file_request.pk,
                current,
                by=_actor_name(actor),
                regenerate=regenerate,
                now=clock.now(),
                pages_to_fetch=pages,
            )
            if regenerate and result is not None:
                result.delete()  # a stored object left behind is swept as an orphan

    atomic_retrying(work)
    return FileRequest.objects.get(pk=file_request.pk)


def _not_retryable(request_id: int, status: str) -> Conflict:
    return Conflict(
        _(
            "Request #%(id)s is %(status)s; only failed or cancelled requests, "
            "or finished ones whose file has expired, can be retried."
        )
        % {"id": request_id, "status": status_label(status)},
        code="not_retryable",
    )


# --- Reading one's own requests ---------------------------------------------------------------


# What a listing shows of each selected station and item: the API's name -> its column in
# _selection_sql (s: the station, p: its prefecture, i: the item).
STATION_COLUMNS = {
    "block_no": "s.block_no",
    "name": "s.name",
    "name_en": "s.name_en",
    "prefecture": "p.code",
    "page_type": "s.page_type",
}
ITEM_COLUMNS = {
    "code": "i.code",
    "label_ja": "i.label_ja",
    "label_en": "i.label_en",
    "unit": "i.unit",
}


# What a page plan needs of each selected row (repository.request_pages StationRef, ItemRef).
STATION_PLAN_COLUMNS = ("r.station_id", "s.block_no", "s.page_type")
ITEM_PLAN_COLUMNS = ("i.code", "i.on_s1", "i.on_a1")


def _selection_sql(rows: type[models.Model], count: int, *, refs: bool = False) -> str:
    """The selected stations (or items) of `count` requests with their columns (and, with
    `refs`, the plan's), in position order: raw SQL, as building the ORM query cost more CPU
    than the rest of a page."""
    q = connection.ops.quote_name

    def table(model: type[models.Model]) -> str:
        return q(model._meta.db_table)

    if rows is FileRequestStation:
        columns = [*STATION_COLUMNS.values(), *(STATION_PLAN_COLUMNS if refs else ())]
        joins = (
            f"JOIN {table(Station)} s ON s.id = r.station_id "
            f"JOIN {table(Prefecture)} p ON p.id = s.prefecture_id"
        )
    else:
        columns = [*ITEM_COLUMNS.values(), *(ITEM_PLAN_COLUMNS if refs else ())]
        joins = f"JOIN {table(WeatherItem)} i ON i.id = r.item_id"
    marks = ", ".join(["%s"] * count)
    return (
        f"SELECT r.request_id, {', '.join(columns)} FROM {table(rows)} r {joins} "  # noqa: S608
        f"WHERE r.request_id IN ({marks}) ORDER BY r.request_id, r.{q('position')}"
    )


def _shown_station(station: Station) -> dict[str, str]:
    """STATION_COLUMNS of a Station (its prefecture loaded with it)."""
    return {
        "block_no": station.block_no,
        "name": station.name,
        "name_en": station.name_en,
        "prefecture": station.prefecture.code,
        "page_type": station.page_type,
    }


def _shown_item(item: WeatherItem) -> dict[str, str]:
    """ITEM_COLUMNS of a WeatherItem."""
    return {
        "code": item.code,
        "label_ja": item.label_ja,
        "label_en": item.label_en,
        "unit": item.unit,
    }


@dataclass(frozen=True)
class RequestView:
    """A request as its owner sees it: the row, its stations and items in the order chosen
    (STATION_COLUMNS / ITEM_COLUMNS of each), and, for one request, what is left to fetch
    and its timeline."""

    request: FileRequest
    stations: list[dict[str, str]]
    items: list[dict[str, str]]
    remaining: estimates.Remaining | None = None
    events: Sequence[RequestEvent] = ()


def listing_of(owner: User, *, status: str | None = None) -> OwnRequests:
    """The owner's requests (only those in `status`, if given), newest first, as a Paginator
    reads them (count and a page, in raw queries); views_of() a page gives what the API
    shows."""
    if status and status not in Status.values:
        raise ValidationFailed(
            {
                "status": [
                    _("Status must be one of: %(choices)s.") % {"choices": ", ".join(Status.values)}
                ]
            }
        )
    return OwnRequests(owner.pk, status or None)


def _selections(
    rows: type[models.Model], ids: list[int], columns: dict[str, str], *, refs: bool = False
) -> dict[int, list[dict[str, Any]]]:
    """request id -> the selected rows' columns, in position order, in one flat query; with
    `refs`, what a page plan needs of each row too, as a tuple under the key "_ref"."""
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if not ids:
        return found
    with connection.cursor() as cursor:
        cursor.execute(_selection_sql(rows, len(ids), refs=refs), ids)
        for request_id, *values in cursor.fetchall():
            shown = dict(zip(columns, values[: len(columns)], strict=True))
            if refs:
                shown["_ref"] = tuple(values[len(columns) :])
            found[request_id].append(shown)
    return found


def views_of(page: Sequence[FileRequest], owner: User | None = None) -> list[RequestView]:
    """The page's requests with their selections: two flat queries per page instead of
    prefetching four levels of model objects, which was most of a listing's time. `owner`:
    whose requests they are, kept on each (a finished one's mailed link reads the owner)."""
    ids = [file_request.pk for file_request in page]
    for each in page:
        if owner is not None and each.owner_id == owner.pk:
            FileRequest.owner.field.set_cached_value(each, owner)
    stations = _selections(FileRequestStation, ids, STATION_COLUMNS)
    items = _selections(FileRequestItem, ids, ITEM_COLUMNS)
    return [RequestView(each, stations[each.pk], items[each.pk]) for each in page]


def request_of(owner: User, request_id: int | str) -> FileRequest:
    """One request if `owner` owns it; anyone else gets NotFound, never a hint it exists."""
    try:
        pk = int(request_id)
    except (ValueError, TypeError):
        pk = 0
    file_request = own_request(owner.pk, pk) if 0 < pk < 2**63 else None  # a BIGINT's range
    if file_request is None:
        raise NotFound(_("Request %(id)s not found.") % {"id": request_id})
    return file_request


def view_of(owner: User, request_id: int | str) -> RequestView:
    """One of the owner's requests as the API shows it, with the estimate of what is left
    (its page plan from the same two selection queries as the listing's)."""
    file_request = request_of(owner, request_id)
    FileRequest.owner.field.set_cached_value(file_request, owner)
    ids = [file_request.pk]
    stations = _selections(FileRequestStation, ids, STATION_COLUMNS, refs=True)[file_request.pk]
    items = _selections(FileRequestItem, ids, ITEM_COLUMNS, refs=True)[file_request.pk]
    plan = plan_pages(
        [StationRef(*row.pop("_ref")) for row in stations],
        file_request.period,
        [ItemRef(*row.pop("_ref")) for row in items],
        file_request.format,
    )
    return RequestView(
        file_request,
        stations,
        items,
        estimates.remaining_for(file_request, plan),
        events=timeline(file_request.pk),
    )
