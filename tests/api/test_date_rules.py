"""Every rule that depends on the date, held at fixed clocks with the host in UTC.

The edges a user meets: 31 December and 1 January (the year turns in Japan nine hours before
it does in UTC), 29 February, the last day of a month, 23:59 and 00:00 JST.
"""

from __future__ import annotations

import pytest

from common import clock
from common.crypto import TokenExpired, make_download_token, read_download_token
from tests.api.conftest import valid_body

pytestmark = pytest.mark.django_db

CREATE = "/api/v1/requests/"
ESTIMATE = "/api/v1/requests/estimate/"

# (instant, Japan's current month): 15:00 UTC is already the next day in Japan.
EDGES = [
    ("2026-12-31T23:59:00+09:00", (2026, 12)),
    ("2026-12-31T14:59:00+00:00", (2026, 12)),
    ("2027-01-01T00:00:00+09:00", (2027, 1)),
    ("2026-12-31T15:00:00+00:00", (2027, 1)),
    ("2024-02-29T23:59:00+09:00", (2024, 2)),
    ("2024-03-01T00:00:00+09:00", (2024, 3)),
    ("2026-04-30T23:59:00+09:00", (2026, 4)),
    ("2026-05-01T00:00:00+09:00", (2026, 5)),
]


def _next(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


@pytest.mark.parametrize(("now", "current"), EDGES)
def test_the_period_may_end_in_japans_current_month_and_not_after(api, frozen_clock, now, current):
    frozen_clock(now)
    assert (clock.today_jst().year, clock.today_jst().month) == current
    year, month = current
    ok = api.post(CREATE, valid_body(start_year=year - 1, end_year=year, end_month=month))
    assert ok.status_code == 202, ok.content

    later_year, later_month = _next(year, month)
    refused = api.post(
        CREATE, valid_body(start_year=later_year - 1, end_year=later_year, end_month=later_month)
    )
    assert refused.status_code == 400
    fields = refused.json()["fields"]
    field = "end_year" if later_year > year else "end_month"
    assert list(fields) == [field]
    assert f"({year}-{month:02d}, Japan time)" in fields[field][0]


@pytest.mark.parametrize(("now", "current"), EDGES)
def test_the_form_offers_japans_current_month_as_the_latest(api, frozen_clock, now, current):
    frozen_clock(now)
    body = api.get("/api/v1/options/").json()
    assert (body["latest"]["year"], body["latest"]["month"]) == current
    assert body["years"][0] == current[0]


def test_the_latest_month_turns_at_midnight_in_japan_even_with_the_options_cached(
    api, frozen_clock
):
    frozen_clock("2026-12-31T23:59:59+09:00")
    assert api.get("/api/v1/options/").json()["latest"] == {"year": 2026, "month": 12}
    frozen_clock("2027-01-01T00:00:00+09:00")
    assert api.get("/api/v1/options/").json()["latest"] == {"year": 2027, "month": 1}


def test_the_estimate_answers_the_future_like_create(api, frozen_clock):
    frozen_clock("2026-12-31T23:59:00+09:00")
    response = api.post(ESTIMATE, valid_body(start_year=2026, end_year=2027, end_month=1))
    assert response.status_code == 400
    assert "end_year" in response.json()["fields"]
    frozen_clock("2027-01-01T00:00:00+09:00")
    response = api.post(ESTIMATE, valid_body(start_year=2026, end_year=2027, end_month=1))
    assert response.status_code == 200, response.content
    assert response.json()["station_months"] == 2 * 13


def test_a_mailed_link_expires_by_the_clock(frozen_clock):
    frozen_clock("2026-12-31T23:00:00+09:00")
    token = make_download_token(7, ttl_s=3600)
    frozen_clock("2026-12-31T23:59:59+09:00")
    assert read_download_token(token) == 7
    frozen_clock("2027-01-01T00:00:01+09:00")
    with pytest.raises(TokenExpired):
        read_download_token(token)
