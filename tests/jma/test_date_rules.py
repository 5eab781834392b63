"""The month cache's and the parser's date rules at fixed clocks (Japan's calendar, host in UTC)."""

from __future__ import annotations

from datetime import datetime

import pytest

from batch.jma.cache import is_final
from batch.jma.parser import month_may_be_running
from batch.jma.replay_pages import has_data
from batch.prefetch import last_final_month
from common import clock


@pytest.mark.parametrize(
    ("now", "running"),
    [
        # On the 1st, yesterday's month may still get its last day.
        ("2027-01-01T00:00:00+09:00", {(2027, 1), (2026, 12)}),
        ("2026-12-31T15:00:00+00:00", {(2027, 1), (2026, 12)}),
        ("2026-12-31T23:59:00+09:00", {(2026, 12)}),
        ("2026-12-31T14:59:00+00:00", {(2026, 12)}),
        ("2024-03-01T00:00:00+09:00", {(2024, 3), (2024, 2)}),
        ("2024-02-29T23:59:00+09:00", {(2024, 2)}),
    ],
)
def test_which_months_may_still_be_running(frozen_clock, now, running):
    frozen_clock(now)
    candidates = {(2026, 11), (2026, 12), (2027, 1), (2024, 1), (2024, 2), (2024, 3)}
    assert {ym for ym in candidates if month_may_be_running(*ym)} == running


@pytest.mark.parametrize(
    ("fetched_at", "final"),
    [
        # JMA_FINAL_AFTER_DAYS = 5: February 2024 (29 days) is final when fetched after 5 March.
        ("2024-03-05T23:59:00+09:00", False),
        ("2024-03-06T00:00:00+09:00", True),
        ("2024-03-05T14:59:00+00:00", False),
        ("2024-03-05T15:00:00+00:00", True),
    ],
)
def test_february_of_a_leap_year_becomes_final_by_japans_date(settings, fetched_at, final):
    settings.JMA_FINAL_AFTER_DAYS = 5
    assert is_final(2024, 2, datetime.fromisoformat(fetched_at)) is final


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2027-01-06T00:00:00+09:00", (2026, 12)),
        ("2027-01-05T23:59:00+09:00", (2026, 11)),
        ("2027-01-05T15:00:00+00:00", (2026, 12)),
        ("2024-03-06T00:00:00+09:00", (2024, 2)),
        ("2024-03-05T23:59:00+09:00", (2024, 1)),
    ],
)
def test_prefetch_last_month_is_the_latest_final_one(settings, frozen_clock, now, expected):
    settings.JMA_FINAL_AFTER_DAYS = 5
    frozen_clock(now)
    assert last_final_month() == expected


def test_the_replay_server_publishes_nothing_for_the_future_by_japans_date(frozen_clock):
    frozen_clock("2026-12-31T15:00:00+00:00")  # 2027-01-01 00:00 JST: January has no day yet
    assert clock.today_jst().isoformat() == "2027-01-01"
    assert has_data("47662", 2026, 12, "s1")
    assert not has_data("47662", 2027, 1, "s1")
    frozen_clock("2027-01-02T00:00:00+09:00")
    assert has_data("47662", 2027, 1, "s1")
    assert not has_data("47662", 2027, 2, "s1")
