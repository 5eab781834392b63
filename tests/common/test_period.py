"""The period and the season rule: one rule in Python, the same in SQL, on both databases."""

from __future__ import annotations

import pytest
from django.db import connection

from common.period import Period, Season, YearMonth, season_sql
from repository.models import MonthlyObservation, Station

ALL_SEASONS = [Season(first, last) for first in range(1, 13) for last in range(1, 13)]


def test_months_days_and_pages_of_a_period() -> None:
    period = Period.of(2019, 11, 2020, 2)
    assert list(period.months()) == [(2019, 11), (2019, 12), (2020, 1), (2020, 2)]
    assert period.month_count == period.page_count == 4
    assert period.day_count == period.rows_per_station == 30 + 31 + 31 + 29
    assert Period.of(2020, 3, 2020, 2).is_empty and Period.of(2020, 3, 2020, 2).month_count == 0


def test_seasons_by_hand() -> None:
    assert [m for m in range(1, 13) if Season(6, 8).contains(m)] == [6, 7, 8]
    assert [m for m in range(1, 13) if Season(12, 2).contains(m)] == [1, 2, 12]
    assert [m for m in range(1, 13) if Season(11, 11).contains(m)] == [11]
    assert [m for m in range(1, 13) if Season(2, 1).contains(m)] == list(range(1, 13))
    assert Season(12, 2).months() == [12, 1, 2] and Season(12, 2).crosses_year_end
    assert Season(12, 2).months_of(2020) == [(2019, 12), (2020, 1), (2020, 2)]
    assert Season(11, 1).year_of(YearMonth(2019, 11)) == 2020
    assert Season(4, 3).year_of(YearMonth(2019, 4)) == 2020  # a year from April: ends in March
    assert Season(4, 3).months_of(2020)[0] == (2019, 4)


@pytest.mark.parametrize("season", ALL_SEASONS, ids=str)
def test_each_month_of_a_season_counts_for_the_year_it_ends_in(season: Season) -> None:
    for year in (2019, 2020):
        months = season.months_of(year)
        assert len(months) == season.length and months[-1] == (year, season.last)
        assert all(season.contains(m.month) for m in months)
        assert all(season.year_of(m) == year for m in months)


def test_the_period_and_its_fields_round_trip() -> None:
    period = Period.of(2018, 1, 2020, 12, 12, 2)
    assert period.season == (12, 2)
    assert Period.of(**period.fields()) == period
    assert Period.of(2018, 1, 2020, 12).fields()["season_start_month"] is None


@pytest.mark.django_db
def test_the_sql_season_rule_answers_as_the_python_one() -> None:
    """Every month of every season, evaluated by the database itself."""
    answers: dict[tuple[int, int, int], bool] = {}
    with connection.cursor() as cursor:
        for season in ALL_SEASONS:  # one statement per season (SQLite: 500 terms at most)
            # Unsigned, as the model's columns are on MariaDB (a negative step would fail).
            first, last = (f"CAST({value} AS UNSIGNED)" for value in season)
            cursor.execute(
                " UNION ALL ".join(
                    f"SELECT {month}, CASE WHEN "
                    f"{season_sql(f'CAST({month} AS UNSIGNED)', first, last)} "
                    "THEN 1 ELSE 0 END"
                    for month in range(1, 13)
                )
            )
            for month, inside in cursor.fetchall():
                answers[(season.first, season.last, int(month))] = bool(inside)
    assert len(answers) == 12 * 12 * 12
    wrong = [key for key, inside in answers.items() if Season(*key[:2]).contains(key[2]) != inside]
    assert wrong == []


@pytest.mark.django_db
def test_the_month_cache_filter_takes_the_months_of_the_period() -> None:
    station = Station.objects.order_by("pk").first()
    assert station is not None
    period = Period.of(2019, 11, 2021, 3, 12, 2)
    for month in Period.of(2019, 1, 2021, 12).months():
        MonthlyObservation.objects.create(
            station=station,
            year=month.year,
            month=month.month,
            page_type=station.page_type,
            is_final=True,
            source_url="https://example.invalid/",
            content_hash="-",
        )
    found = MonthlyObservation.objects.filter(period.q(), station=station)
    assert sorted((row.year, row.month) for row in found) == [
        (2019, 12),
        (2020, 1),
        (2020, 2),
        (2020, 12),
        (2021, 1),
        (2021, 2),
    ]
    for other in (Period.of(2019, 5, 2020, 7), Period.of(2020, 6, 2021, 12, 11, 4)):
        rows = MonthlyObservation.objects.filter(other.q(), station=station)
        assert sorted(YearMonth(row.year, row.month) for row in rows) == list(other.months())


def test_a_sub_daily_period_is_given_by_day_and_needs_a_page_per_day() -> None:
    from datetime import date

    storm = Period.of(2013, 10, 2013, 10, granularity="hourly", start_day=15, end_day=17)
    assert list(storm.pages()) == [date(2013, 10, 15), date(2013, 10, 16), date(2013, 10, 17)]
    assert storm.page_count == storm.day_count == 3 and storm.rows_per_station == 72
    ten = Period.of(2020, 2, 2020, 3, granularity="10min", start_day=28)
    assert ten.first_date == date(2020, 2, 28) and ten.last_date == date(2020, 3, 31)
    assert ten.page_count == 2 + 31 and ten.rows_per_station == 33 * 144
    assert Period.of(**storm.fields()) == storm
    # A daily period ignores days; a season keeps only its months' days.
    assert Period.of(2020, 1, 2020, 1, start_day=5).start_day is None
    winter = Period.of(2019, 11, 2020, 3, 12, 2, granularity="hourly", start_day=20, end_day=2)
    assert winter.page_count == 31 + 31 + 29 and str(winter).endswith("hourly (12-2)")
