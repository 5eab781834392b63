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
        self.station_months = station_months


def check_request_size(station_count: int, period: Period) -> int:
    """Return the データ sheet's row count, or raise RequestTooLarge with the numbers.

    With a season only the season's months are fetched and written, so only they count."""
    station_months = station_count * period.page_count
    rows = station_count * period.rows_per_station
    if rows > MAX_DATA_ROWS:
        raise RequestTooLarge(
            f"This request needs {rows:,} rows ({station_count} stations x "
            f"{rows // max(station_count, 1):,} days) but an Excel sheet holds at most "
            f"{MAX_DATA_ROWS:,} data rows. Choose fewer stations or a shorter period.",
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
