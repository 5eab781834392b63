"""What a new request must pass: the period, season and days, stations, items, size.

validate_request turns a request body into a RequestSpec (what would be stored) or raises
ValidationFailed with every failure at once, per field. The use cases in
application/requests.py (create, estimate) call it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from application.errors import (
    ValidationFailed,
)
from common import clock
from common.period import ANNUAL, DAILY, GRANULARITIES, Period, Season, YearMonth
from common.request_size import MAX_DATA_ROWS, RequestTooLarge, check_request_size
from repository import master_lookup
from repository.models import (
    FileRequest,
    Prefecture,
    Station,
    WeatherItem,
)

LANGUAGES = tuple(FileRequest.Language.values)
FORMATS = tuple(FileRequest.Format.values)


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
        found = master_lookup.stations_by_block_no(block_nos)
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
                "representative_station__prefecture"
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
    found = master_lookup.items_by_code(codes)
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


def _checked_period(
    months: tuple[int, int, int, int],
    season_months: tuple[int | None, int | None],
    granularity: str,
    days: tuple[int | None, int | None],
) -> tuple[Period, dict[str, list[str]]]:
    """The body's period numbers as one Period, with the period, season and day errors."""
    start_year, start_month, end_year, end_month = months
    season_start_month, season_end_month = season_months
    start_day, end_day = days
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
    return period, errors


def _check_choices(language: str, format: str, granularity: str) -> dict[str, list[str]]:
    """The language and the file format, which must suit the time scale."""
    errors: dict[str, list[str]] = {}
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
    return errors


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
    period, errors = _checked_period(
        (start_year, start_month, end_year, end_month),
        (season_start_month, season_end_month),
        granularity,
        (start_day, end_day),
    )
    errors.update(_check_choices(language, format, granularity))
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
