"""The size rule a request must pass, shared by the API (refuse early) and the workbook."""

from __future__ import annotations

import calendar
from collections.abc import Iterator

from django.conf import settings

EXCEL_MAX_ROWS = 1_048_576
DATA_HEADER_ROWS = 1


class RequestTooLarge(ValueError):
    def __init__(self, message: str, *, rows: int, station_months: int) -> None:
        super().__init__(message)
        self.rows = rows
        self.station_months = station_months


Season = tuple[int, int]  # (first month, last month); (12, 2) runs across the year end


def in_season(month: int, season: Season | None) -> bool:
    """Whether a month belongs to the season window (every month when there is none)."""
    if season is None:
        return True
    first, last = season
    return first <= month <= last if first <= last else month >= first or month <= last


def season_year(year: int, month: int, season: Season) -> int:
    """The year a season's month counts for: December of a 12-2 season joins the next year."""
    first, last = season
    return year + 1 if first > last and month >= first else year


def season_months(season: Season) -> list[int]:
    """The season's months in calendar order of the season (12, 1, 2 for a 12-2 season)."""
    first, last = season
    length = (last - first) % 12 + 1
    return [(first - 1 + offset) % 12 + 1 for offset in range(length)]


def months_in_period(
    start_year: int, start_month: int, end_year: int, end_month: int, season: Season | None = None
) -> int:
    if season is None:
        return (end_year - start_year) * 12 + end_month - start_month + 1
    return sum(1 for _ in iter_months(start_year, start_month, end_year, end_month, season))


def iter_months(
    start_year: int, start_month: int, end_year: int, end_month: int, season: Season | None = None
) -> Iterator[tuple[int, int]]:
    """(year, month) for every month of the period, both ends included, within the season."""
    year, month = start_year, start_month
    while (year, month) <= (end_year, end_month):
        if in_season(month, season):
            yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def days_in_period(
    start_year: int, start_month: int, end_year: int, end_month: int, season: Season | None = None
) -> int:
    return sum(
        calendar.monthrange(year, month)[1]
        for year, month in iter_months(start_year, start_month, end_year, end_month, season)
    )


def check_request_size(
    station_count: int,
    start_year: int,
    start_month: int,
    end_year: int,
    end_month: int,
    season: Season | None = None,
) -> int:
    """Return the データ sheet's row count, or raise RequestTooLarge with the numbers.

    With a season only the season's months are fetched and written, so only they count."""
    station_months = station_count * months_in_period(
        start_year, start_month, end_year, end_month, season
    )
    rows = station_count * days_in_period(start_year, start_month, end_year, end_month, season)
    limit_rows = EXCEL_MAX_ROWS - DATA_HEADER_ROWS
    if rows > limit_rows:
        raise RequestTooLarge(
            f"This request needs {rows:,} rows ({station_count} stations x "
            f"{rows // max(station_count, 1):,} days) but an Excel sheet holds at most "
            f"{limit_rows:,} data rows. Choose fewer stations or a shorter period.",
            rows=rows,
            station_months=station_months,
        )
    max_station_months = settings.MAX_STATION_MONTHS
    if station_months > max_station_months:
        raise RequestTooLarge(
            f"This request covers {station_months:,} station-months; the service allows at "
            f"most {max_station_months:,} per request. Choose fewer stations or a shorter period.",
            rows=rows,
            station_months=station_months,
        )
    return rows
