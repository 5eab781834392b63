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


def months_in_period(start_year: int, start_month: int, end_year: int, end_month: int) -> int:
    return (end_year - start_year) * 12 + end_month - start_month + 1


def iter_months(
    start_year: int, start_month: int, end_year: int, end_month: int
) -> Iterator[tuple[int, int]]:
    """(year, month) for every month of the period, both ends included."""
    year, month = start_year, start_month
    while (year, month) <= (end_year, end_month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def days_in_period(start_year: int, start_month: int, end_year: int, end_month: int) -> int:
    return sum(
        calendar.monthrange(year, month)[1]
        for year, month in iter_months(start_year, start_month, end_year, end_month)
    )


def check_request_size(
    station_count: int, start_year: int, start_month: int, end_year: int, end_month: int
) -> int:
    """Return the データ sheet's row count, or raise RequestTooLarge with the numbers."""
    station_months = station_count * months_in_period(start_year, start_month, end_year, end_month)
    rows = station_count * days_in_period(start_year, start_month, end_year, end_month)
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
