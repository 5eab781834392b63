"""The size rule a request must pass, shared by the API (refuse early) and the workbook."""

from __future__ import annotations

from django.conf import settings

from common.period import Period

EXCEL_MAX_ROWS = 1_048_576
DATA_HEADER_ROWS = 1
MAX_DATA_ROWS = EXCEL_MAX_ROWS - DATA_HEADER_ROWS


class RequestTooLarge(ValueError):
    def __init__(self, message: str, *, rows: int, station_months: int) -> None:
        super().__init__(message)
        self.rows = rows
        self.station_months = station_months  # pages: station-days for a sub-daily period


def check_request_size(station_count: int, period: Period) -> int:
    """Return the データ sheet's row count, or raise RequestTooLarge with the numbers.

    With a season only the season's months are fetched and written, so only they count.
    An hourly or 10-minute request is held to the same two limits in its own units: its rows
    (24 or 144 a day, all stations on one sheet: refused rather than split, so a reader's
    filters and the chart ranges see one table) and its pages (one per station-day, counted
    against MAX_STATION_MONTHS as pages)."""
    station_months = station_count * period.page_count
    rows = station_count * period.rows_per_station
    if rows > MAX_DATA_ROWS:
        per = "days" if not period.is_subdaily else f"days x {period.rows_per_day} rows a day"
        raise RequestTooLarge(
            f"This request needs {rows:,} rows ({station_count} stations x "
            f"{period.day_count:,} {per}) but an Excel sheet holds at most "
            f"{MAX_DATA_ROWS:,} data rows. Choose fewer stations or a shorter period.",
            rows=rows,
            station_months=station_months,
        )
    max_station_months = settings.MAX_STATION_MONTHS
    if station_months > max_station_months:
        unit = "station-day pages" if period.is_subdaily else "station-months"
        raise RequestTooLarge(
            f"This request covers {station_months:,} {unit}; the service allows at "
            f"most {max_station_months:,} pages per request. Choose fewer stations or a "
            "shorter period.",
            rows=rows,
            station_months=station_months,
        )
    return rows
