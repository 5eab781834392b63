"""The size rule shared by the API and the pipeline."""

from __future__ import annotations

import pytest

from common.period import Period
from common.request_size import EXCEL_MAX_ROWS, RequestTooLarge, check_request_size


def test_months_and_days_of_a_period() -> None:
    assert Period.of(2020, 1, 2020, 12).month_count == 12
    assert Period.of(2019, 11, 2020, 2).month_count == 4
    assert Period.of(2020, 1, 2020, 12).day_count == 366  # leap year
    assert Period.of(2021, 2, 2021, 2).day_count == 28
    assert Period.of(2011, 1, 2020, 12).day_count == 3653


def test_a_request_that_fits_returns_its_data_rows(settings) -> None:
    settings.MAX_STATION_MONTHS = 12_000
    assert check_request_size(47, Period.of(2011, 1, 2020, 12)) == 47 * 3653


def test_more_rows_than_excel_holds_is_refused_with_the_numbers(settings) -> None:
    settings.MAX_STATION_MONTHS = 10**6
    # 29 stations x 100 years = 1,059,225 rows; an Excel sheet holds 1,048,575 below its header.
    with pytest.raises(RequestTooLarge) as raised:
        check_request_size(29, Period.of(1921, 1, 2020, 12))
    error = raised.value
    assert error.rows == 29 * 36525 and error.station_months == 29 * 1200
    assert "1,059,225 rows" in str(error) and f"{EXCEL_MAX_ROWS - 1:,}" in str(error)
    assert check_request_size(28, Period.of(1921, 1, 2020, 12)) == 28 * 36525


def test_more_station_months_than_configured_is_refused(settings) -> None:
    settings.MAX_STATION_MONTHS = 120
    assert check_request_size(1, Period.of(2011, 1, 2020, 12)) == 3653
    with pytest.raises(RequestTooLarge) as raised:
        check_request_size(2, Period.of(2011, 1, 2020, 12))
    assert raised.value.station_months == 240
    assert "240 station-months" in str(raised.value) and "at most 120" in str(raised.value)
