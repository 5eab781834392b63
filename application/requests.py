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
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection
from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from application import estimates
from application.errors import (
    Conflict,
    IdempotencyKeyReused,
    NotFound,
    TooManyActive,
    ValidationFailed,
)
from common import clock
from common.period import ANNUAL, DAILY, GRANULARITIES, Period, Season, YearMonth
from common.request_size import MAX_DATA_ROWS, RequestTooLarge, check_request_size
from repository.models import (
    FileRequest,
    FileRequestItem,
    FileRequestStation,
    Prefecture,
    ResultFile,
    Station,
    User,
    WeatherItem,
)
from repository.queue import lifecycle
from repository.queue.states import IllegalMove, move
from repository.queue.texts import status_label
from repository.sql import atomic_retrying

Status = FileRequest.Status
LANGUAGES = tuple(FileRequest.Language.values)
FORMATS = tuple(FileRequest.Format.values)
IDEMPOTENCY_KEY_MAX = 100


@dataclass(frozen=True)
class RequestSpec:
    """A validated request: what would be stored, comparable for idempotent repeats."""

    period: Period
    stations: tuple[Station, ...]
    items: tuple[WeatherItem, ...]
    language: str
    quality_columns: bool
    format: str = FileRequest.Format.XLSX

    def same_as(self, existing: FileRequest) -> bool:
        stored_stations = [
            row.station_id for row in existing.station_rows.order_by("position").only("station")
        ]
        stored_items = [row.item_id for row in existing.item_rows.order_by("position").only("item")]
        return (
            existing.period == self.period
            and existing.language == self.language
            and existing.quality_columns == self.quality_columns
            and existing.format == self.format
            and stored_stations == [s.pk for s in self.stations]
            and stored_items == [i.pk for i in self.items]
        )


# --- Validation -------------------------------------------------------------------------------


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _check_period(period: Period) -> dict[str, list[str]]:
    """Months 1..12, years from EARLIEST_YEAR, start before end, nothing after this month.

    A future month always gets the same message whatever today's date: on the year's field
    when the year itself is past the current one, on the month's field otherwise.
    """
    errors: dict[str, list[str]] = {}
    earliest = settings.EARLIEST_YEAR
    for end, month in (("start", period.start), ("end", period.end)):
        if not 1 <= month.month <= 12:
            errors.setdefault(f"{end}_month", []).append(_("Month must be between 1 and 12."))
    for end, month in (("start", period.start), ("end", period.end)):
        if month.year < earliest:
            errors.setdefault(f"{end}_year", []).append(
                _("Year must be %(year)s or later.") % {"year": earliest}
            )
    if errors:
        return errors
    if period.start > period.end:
        errors["end_month"] = [_("The end of the period is before its start.")]
    this_month = YearMonth.of_date(clock.today_jst())
    if period.end > this_month:
        field = "end_year" if period.end.year > this_month.year else "end_month"
        errors.setdefault(field, []).append(
            _(
                "The period cannot end after the current month (%(month)s, Japan time): "
                "there is no data for the future yet."
            )
            % {"month": str(this_month)}
        )
    return errors


def _check_season(
    period: Period, start: int | None, end: int | None
) -> tuple[dict[str, list[str]], Season | None]:
    """Both months or neither, each 1..12, and at least one of them inside the period."""
    if start is None and end is None:
        return {}, None
    errors: dict[str, list[str]] = {}
    for name, value, other in (
        ("season_start_month", start, "season_end_month"),
        ("season_end_month", end, "season_start_month"),
    ):
        if value is None:
            errors[name] = [
                _("Give both season months or neither: %(other)s is set.") % {"other": other}
            ]
        elif not 1 <= value <= 12:
            errors[name] = [_("Month must be between 1 and 12.")]
    if errors or start is None or end is None:
        return errors, None
    season = Season(start, end)
    if Period(period.start, period.end, season).is_empty:
        errors["season_start_month"] = [
            _("The period holds no month of the season %(season)s: lengthen the period.")
            % {"season": str(season)}
        ]
    return errors, season


def _check_days(
    period: Period, granularity: str, start_day: int | None, end_day: int | None
) -> dict[str, list[str]]:
    """The time scale, and the days of a sub-daily period (days exist, in order, not future)."""
    errors: dict[str, list[str]] = {}
    if granularity not in GRANULARITIES:
        errors["granularity"] = [
            _("Granularity must be one of: %(choices)s.") % {"choices": ", ".join(GRANULARITIES)}
        ]
        return errors
    if granularity in (DAILY, ANNUAL):
        for name, value in (("start_day", start_day), ("end_day", end_day)):
            if value is not None:
                errors[name] = [_("Days are given for hourly and 10-minute requests only.")]
        return errors
    for name, month, value in (
        ("start_day", period.start, start_day),
        ("end_day", period.end, end_day),
    ):
        if value is not None and not 1 <= value <= month.days:
            errors[name] = [
                _("%(month)s has no day %(day)s.") % {"month": str(month), "day": value}
            ]
    if errors:
        return errors
    days = Period(period.start, period.end, None, granularity, start_day, end_day)
    if days.first_date > days.last_date:
        errors["end_day"] = [_("The end of the period is before its start.")]
    today = clock.today_jst()
    if days.last_date > today:
        errors.setdefault("end_day", []).append(
            _(
                "The period cannot end after today (%(day)s, Japan time): "
                "there is no data for the future yet."
            )
            % {"day": today.isoformat()}
        )
    return errors


def _resolve_stations(
    block_nos: list[str], prefecture_codes: list[str], errors: dict[str, list[str]]
) -> list[Station]:
    """Stations in the order given; a prefecture stands for its representative station."""
    chosen: list[Station] = []
    if block_nos:
        found = {s.block_no: s for s in Station.objects.filter(block_no__in=block_nos)}
        for block_no in block_nos:
            station = found.get(block_no)
            if station is None:
                errors.setdefault("stations", []).append(
                    _("Unknown station: %(block_no)s.") % {"block_no": block_no}
                )
            elif not station.is_active:
                errors.setdefault("stations", []).append(
                    _("Station %(block_no)s (%(name)s) is no longer active.")
                    % {"block_no": block_no, "name": station.name}
                )
            else:
                chosen.append(station)
    if prefecture_codes:
        found_prefs = {
            p.code: p
            for p in Prefecture.objects.filter(code__in=prefecture_codes).select_related(
                "representative_station"
            )
        }
        for code in prefecture_codes:
            prefecture = found_prefs.get(code)
            if prefecture is None:
                errors.setdefault("prefectures", []).append(
                    _("Unknown prefecture: %(code)s.") % {"code": code}
                )
                continue
            station = prefecture.representative_station
            if station is None or not station.is_active:
                errors.setdefault("prefectures", []).append(
                    _(
                        "Prefecture %(code)s (%(name)s) has no active representative station; "
                        "choose stations instead."
                    )
                    % {"code": code, "name": prefecture.name_ja}
                )
            else:
                chosen.append(station)
    if not block_nos and not prefecture_codes:
        errors.setdefault("stations", []).append(_("Choose at least one station or prefecture."))
    return list({station.pk: station for station in chosen}.values())


def _resolve_items(
    codes: list[str],
    stations: list[Station],
    errors: dict[str, list[str]],
    *,
    optional: bool = False,
) -> list[WeatherItem]:
    """optional: an hourly or 10-minute request, whose sheet holds every element of the page
    (one page carries them all); items may then be left out."""
    if not codes and optional:
        return []
    if not codes:
        errors.setdefault("items", []).append(_("Choose at least one weather item."))
        return []
    found = {item.code: item for item in WeatherItem.objects.filter(code__in=codes)}
    chosen: list[WeatherItem] = []
    for code in codes:
        item = found.get(code)
        if item is None:
            errors.setdefault("items", []).append(
                _("Unknown weather item: %(code)s.") % {"code": code}
            )
        elif not item.is_active:
            errors.setdefault("items", []).append(
                _("Weather item %(code)s is no longer offered.") % {"code": code}
            )
        else:
            chosen.append(item)
    if stations:
        page_types = {station.page_type for station in stations}
        for item in chosen:
            if not any(item.available_on(page_type) for page_type in page_types):
                kinds = _(" and ").join(
                    _("observatory (s1)") if t == "s1" else _("AMeDAS (a1)")
                    for t in sorted(page_types)
                )
                label = item.label_in(get_language())
                errors.setdefault("items", []).append(
                    _(
                        "%(label)s (%(code)s) is not observed at any selected station: "
                        "the selection has only %(kinds)s stations."
                    )
                    % {"label": label, "code": item.code, "kinds": kinds}
                )
    return chosen


def too_large_message(exc: RequestTooLarge, station_count: int, period: Period) -> str:
    """The size refusal in the request's language (common/ keeps its English one for logs)."""
    if exc.rows > MAX_DATA_ROWS and period.is_subdaily:
        return _(
            "This request needs %(rows)s rows (%(stations)s stations x %(days)s days x "
            "%(per_day)s rows a day) but an Excel sheet holds at most %(limit)s data rows. "
            "Choose fewer stations or fewer days."
        ) % {
            "rows": f"{exc.rows:,}",
            "stations": station_count,
            "days": f"{period.day_count:,}",
            "per_day": period.rows_per_day,
            "limit": f"{MAX_DATA_ROWS:,}",
        }
    if exc.rows > MAX_DATA_ROWS:
        return _(
            "This request needs %(rows)s rows (%(stations)s stations x %(days)s days) but an "
            "Excel sheet holds at most %(limit)s data rows. Choose fewer stations or a shorter "
            "period."
        ) % {
            "rows": f"{exc.rows:,}",
            "stations": station_count,
            "days": f"{exc.rows // max(station_count, 1):,}",
            "limit": f"{MAX_DATA_ROWS:,}",
        }
    if period.is_subdaily:
        return _(
            "This request needs %(pages)s JMA pages (one per station and day); the service "
            "allows at most %(limit)s per request. Choose fewer stations or fewer days."
        ) % {"pages": f"{exc.station_months:,}", "limit": f"{settings.MAX_STATION_MONTHS:,}"}
    return _(
        "This request covers %(station_months)s station-months; the service allows at most "
        "%(limit)s per request. Choose fewer stations or a shorter period."
    ) % {"station_months": f"{exc.station_months:,}", "limit": f"{settings.MAX_STATION_MONTHS:,}"}


def validate_request(
    *,
    start_year: int,
    start_month: int,
    end_year: int,
    end_month: int,
    stations: list[str] | None = None,
    prefectures: list[str] | None = None,
    items: list[str],
    language: str = "ja",
    quality_columns: bool = False,
    format: str = FileRequest.Format.XLSX,
    check_size: bool = True,
    season_start_month: int | None = None,
    season_end_month: int | None = None,
    granularity: str = DAILY,
    start_day: int | None = None,
    end_day: int | None = None,
) -> RequestSpec:
    """Every rule a new request must pass; all failures are reported at once, per field.

    check_size=False leaves out the size rule only (the estimate reports it as within_limits).
    The period's numbers are the request body's; from here on they are one Period.
    """
    if granularity == ANNUAL:
        # A range of years: JMA's annual page holds every year, the running one partial.
        start_month, end_month = 1, 12
        this_month = YearMonth.of_date(clock.today_jst())
        if end_year == this_month.year:
            end_month = this_month.month
    period = Period.of(start_year, start_month, end_year, end_month)
    errors = _check_period(period)
    if granularity == ANNUAL and (season_start_month is not None or season_end_month is not None):
        errors.setdefault("season_start_month", []).append(
            _("Annual values are JMA's whole years: a season cannot be chosen.")
        )
    if not errors:
        season_errors, season = _check_season(period, season_start_month, season_end_month)
        errors.update(season_errors)
        errors.update(_check_days(period, granularity, start_day, end_day))
        if not errors:
            period = Period.of(
                *period.start,
                *period.end,
                *(season or (None, None)),
                granularity=granularity,
                start_day=start_day,
                end_day=end_day,
            )
    if language not in LANGUAGES:
        errors["language"] = [
            _("Language must be one of: %(choices)s.") % {"choices": ", ".join(LANGUAGES)}
        ]
    if format not in FORMATS:
        errors["format"] = [
            _("Format must be one of: %(choices)s.") % {"choices": ", ".join(FORMATS)}
        ]
    elif format == FileRequest.Format.CSV and granularity != DAILY:
        errors["format"] = [_("CSV is made for daily values; choose xlsx for this time scale.")]
    chosen_stations = _resolve_stations(
        _unique(list(stations or [])), _unique(list(prefectures or [])), errors
    )
    chosen_items = _resolve_items(
        _unique(list(items or [])), chosen_stations, errors, optional=period.is_subdaily
    )
    if not errors and check_size:
        try:
            check_request_size(len(chosen_stations), period)
        except RequestTooLarge as exc:
            errors["non_field_errors"] = [too_large_message(exc, len(chosen_stations), period)]
    if errors:
        raise ValidationFailed(errors)
    return RequestSpec(
        period=period,
        stations=tuple(chosen_stations),
        items=tuple(chosen_items),
        language=language,
        quality_columns=bool(quality_columns),
        format=format,
    )


# --- Estimate ---------------------------------------------------------------------------------


def estimate_request(**body: Any) -> estimates.Estimate:
    """The create body's estimate: same validation as create_request, except the size rule,
    which the estimate answers as within_limits instead of refusing."""
    spec = validate_request(**body, check_size=False)
    return estimates.estimate_for(
        [station.pk for station in spec.stations],
        spec.period,
        items=SUBDAILY_COLUMNS.get(spec.period.granularity, len(spec.items)),
        file_format=spec.format,
    )


# An hourly or 10-minute sheet holds every element of an observatory's page (the columns of
# batch/jma/subdaily_parser.LAYOUTS[(granularity, "s1")]), whatever items were ticked.
SUBDAILY_COLUMNS = {"hourly": 16, "10min": 10}


# --- Create -----------------------------------------------------------------------------------


def active_count(owner: User) -> int:
    return FileRequest.objects.filter(owner=owner, status__in=FileRequest.ACTIVE_STATUSES).count()


def _check_active_limit(owner: User) -> None:
    limit = settings.MAX_ACTIVE_REQUESTS_PER_USER
    active = active_count(owner)
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
            return existing, False
    try:
        return atomic_retrying(lambda: _create_locked(owner, spec, idempotency_key))
    except IntegrityError:
        if not idempotency_key:
            raise
        existing = _existing_for_key(owner, idempotency_key, spec)
        if existing is None:
            raise
        return existing, False


def _create_locked(
    owner: User, spec: RequestSpec, idempotency_key: str | None
) -> tuple[FileRequest, bool]:
    """Inside the transaction, under the owner's lock: the key's request, or a new one."""
    with connection.cursor() as cursor:
        lifecycle.lock_owner(cursor, owner.pk)
    if idempotency_key:
        existing = _existing_for_key(owner, idempotency_key, spec)
        if existing is not None:
            return existing, False
    _check_active_limit(owner)
    return _insert(owner, spec, idempotency_key), True


def _insert(owner: User, spec: RequestSpec, idempotency_key: str | None) -> FileRequest:
    now = clock.now()
    months = spec.period.page_count
    station_ids = [station.pk for station in spec.stations]
    cached = estimates.cached_count(station_ids, spec.period)
    file_request = lifecycle.create(
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
            pages_to_fetch=estimates.pages_needed(len(station_ids), cached, spec.period),
            idempotency_key=idempotency_key or None,
        ),
        stations=len(spec.stations),
        months=months,
        items=len(spec.items),
        now=now,
    )
    FileRequestStation.objects.bulk_create(
        FileRequestStation(request=file_request, station=station, position=position)
        for position, station in enumerate(spec.stations, start=1)
    )
    FileRequestItem.objects.bulk_create(
        FileRequestItem(request=file_request, item=item, position=position)
        for position, item in enumerate(spec.items, start=1)
    )
    return file_request


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
            stations = file_request.station_rows.count()
            # The stored period, not the caller's copy (which may hold only the keys).
            period = FileRequest.objects.get(pk=file_request.pk).period
            cached = estimates.cached_for_request(file_request.pk, period)
            lifecycle.retry(
                cursor,
                file_request.pk,
                current,
                by=_actor_name(actor),
                regenerate=regenerate,
                now=clock.now(),
                pages_to_fetch=estimates.pages_needed(stations, cached, period),
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


# What a listing shows of each selected station and item: the API's name -> the lookup.
STATION_COLUMNS = {
    "block_no": "station__block_no",
    "name": "station__name",
    "name_en": "station__name_en",
    "prefecture": "station__prefecture__code",
    "page_type": "station__page_type",
}
ITEM_COLUMNS = {
    "code": "item__code",
    "label_ja": "item__label_ja",
    "label_en": "item__label_en",
    "unit": "item__unit",
}


@dataclass(frozen=True)
class RequestView:
    """A request as its owner sees it: the row, its stations and items in the order chosen
    (STATION_COLUMNS / ITEM_COLUMNS of each), and, for one request, what is left to fetch."""

    request: FileRequest
    stations: list[dict[str, str]]
    items: list[dict[str, str]]
    remaining: estimates.Remaining | None = None


def requests_of(owner: User, *, status: str | None = None) -> QuerySet[FileRequest]:
    """The owner's requests, newest first; views_of() a page gives what the API shows."""
    queryset = (
        FileRequest.objects.filter(owner=owner)
        .select_related("result")
        .order_by("-created_at", "-id")
    )
    if status:
        if status not in Status.values:
            raise ValidationFailed(
                {
                    "status": [
                        _("Status must be one of: %(choices)s.")
                        % {"choices": ", ".join(Status.values)}
                    ]
                }
            )
        queryset = queryset.filter(status=status)
    return queryset


def _selections(
    rows: QuerySet, ids: list[int], columns: dict[str, str]
) -> dict[int, list[dict[str, str]]]:
    """request id -> the selected rows' columns, in position order, in one flat query."""
    found: dict[int, list[dict[str, str]]] = defaultdict(list)
    for request_id, *values in (
        rows.filter(request_id__in=ids)
        .order_by("request_id", "position")
        .values_list("request_id", *columns.values())
    ):
        found[request_id].append(dict(zip(columns, values, strict=True)))
    return found


def views_of(page: Sequence[FileRequest]) -> list[RequestView]:
    """The page's requests with their selections: two flat queries per page instead of
    prefetching four levels of model objects, which was most of a listing's time."""
    ids = [file_request.pk for file_request in page]
    stations = _selections(FileRequestStation.objects, ids, STATION_COLUMNS)
    items = _selections(FileRequestItem.objects, ids, ITEM_COLUMNS)
    return [RequestView(each, stations[each.pk], items[each.pk]) for each in page]


def request_of(owner: User, request_id: int | str) -> FileRequest:
    """One request if `owner` owns it; anyone else gets NotFound, never a hint it exists."""
    try:
        file_request = requests_of(owner).get(pk=int(request_id))
    except (FileRequest.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("Request %(id)s not found.") % {"id": request_id}) from exc
    return file_request


def view_of(owner: User, request_id: int | str) -> RequestView:
    """One of the owner's requests as the API shows it, with the estimate of what is left."""
    (view,) = views_of([request_of(owner, request_id)])
    return RequestView(
        view.request,
        view.stations,
        view.items,
        estimates.remaining_for(view.request, len(view.stations)),
    )
