"""The period a request covers: its months, and so its JMA pages and its data rows.

A request asks for the months from `start` to `end`, both included, optionally only those of
a season: the same months of every year, such as 6-8, or 12-2 which runs across the year end
(its December counts with the following year's season, the year the season ends in). The
API's validation and size rule, the estimate (and its SQL), the daemon's fetch loop, the
workbook's sheets and the front end (through the estimate endpoint) all ask a `Period`; the
season rule is `Season.contains`, and `season_sql` is the same formula for SQL.

Callers ask for pages (what one station needs fetched: a month's page for daily data) and
rows per station (days) rather than doing arithmetic on the four numbers, so a period of
another grain can come later with the same questions: hourly data given by day (one page
per station-day), or annual data by year (one page per station whatever the range).

The four numbers (and the two season months) stay at the edges: the model's columns, the
request body, the serializers and migrations; `Period.of` and `Period.fields` convert.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from django.db.models import Q

# The period's month fields, as the model's columns and the request body name them.
MONTH_FIELDS = (
    "start_year",
    "start_month",
    "end_year",
    "end_month",
    "season_start_month",
    "season_end_month",
)
# All of the period's fields: the months, the time scale, and the days of a sub-daily period.
FIELDS = (*MONTH_FIELDS, "granularity", "start_day", "end_day")

# The time scales a request may ask for (the model's choices, the API's, the front end's).
DAILY = "daily"
HOURLY = "hourly"
TEN_MINUTES = "10min"
ANNUAL = "annual"
GRANULARITIES = (DAILY, HOURLY, TEN_MINUTES, ANNUAL)
# Sub-daily: one JMA page per station-day, this many rows per day.
ROWS_PER_DAY = {HOURLY: 24, TEN_MINUTES: 144}
SUBDAILY = tuple(ROWS_PER_DAY)


class YearMonth(NamedTuple):
    """A calendar month; compares and sorts as (year, month)."""

    year: int
    month: int

    @classmethod
    def from_index(cls, index: int) -> YearMonth:
        return cls(index // 12, index % 12 + 1)

    @classmethod
    def of_date(cls, day: date) -> YearMonth:
        return cls(day.year, day.month)

    @property
    def index(self) -> int:
        """Months since year 0: consecutive months differ by one."""
        return self.year * 12 + self.month - 1

    def plus(self, months: int) -> YearMonth:
        return YearMonth.from_index(self.index + months)

    @property
    def days(self) -> int:
        return calendar.monthrange(self.year, self.month)[1]

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"


class Season(NamedTuple):
    """The same months of every year, `first` to `last`; (12, 2) runs across the year end."""

    first: int
    last: int

    def offset(self, month: int) -> int:
        """Months from the season's first month to `month`, going forward (0..11)."""
        return (month - self.first) % 12

    @property
    def length(self) -> int:
        return self.offset(self.last) + 1

    @property
    def crosses_year_end(self) -> bool:
        return self.first > self.last

    def contains(self, month: int) -> bool:
        """The season rule: a month belongs when it is no further from `first` than `last` is.

        season_sql() below is the same rule for SQL; keep the two together."""
        return self.offset(month) <= self.offset(self.last)

    def months(self) -> list[int]:
        """The season's months in the season's order (12, 1, 2 for a 12-2 season)."""
        return [(self.first - 1 + offset) % 12 + 1 for offset in range(self.length)]

    def year_of(self, month: YearMonth) -> int:
        """The season year a month of the season counts for: the year the season ends in."""
        return month.plus(self.length - 1 - self.offset(month.month)).year

    def months_of(self, season_year: int) -> list[YearMonth]:
        """The months of one season year, in order: 2019-12, 2020-01, 2020-02 for 12-2 of 2020."""
        last = YearMonth(season_year, self.last)
        return [last.plus(offset - self.length + 1) for offset in range(self.length)]

    def __str__(self) -> str:
        return f"{self.first}-{self.last}"


def season_sql(month: str, first: str, last: str) -> str:
    """`Season.contains` as an SQL condition over column expressions (never user input).

    CASE rather than %, which would need escaping in parameterized statements and differs
    from Python's for negative operands; no difference is ever negative, since the columns
    are UNSIGNED on MariaDB. Tests hold this against Season.contains for every month and
    season, over unsigned values, on SQLite and MariaDB."""

    def offset(expression: str) -> str:
        return (
            f"(CASE WHEN {expression} >= {first} THEN {expression} - {first} "
            f"ELSE {expression} + 12 - {first} END)"
        )

    return f"({offset(month)} <= {offset(last)})"


@dataclass(frozen=True)
class Period:
    """The months `start`..`end` (both included), only those of `season` when there is one.

    `granularity` is the time scale asked for. A sub-daily period (hourly, 10min) is given by
    day: `start_day` of the start month to `end_day` of the end month (None: the month's first,
    its last), and needs one page per station-day; a daily period ignores the days."""

    start: YearMonth
    end: YearMonth
    season: Season | None = None
    granularity: str = DAILY
    start_day: int | None = None
    end_day: int | None = None

    @classmethod
    def of(
        cls,
        start_year: int,
        start_month: int,
        end_year: int,
        end_month: int,
        season_start_month: int | None = None,
        season_end_month: int | None = None,
        granularity: str = DAILY,
        start_day: int | None = None,
        end_day: int | None = None,
    ) -> Period:
        """From the numbers the model and the request body hold (season: both or none)."""
        season = None
        if season_start_month is not None and season_end_month is not None:
            season = Season(season_start_month, season_end_month)
        if granularity not in SUBDAILY:
            start_day = end_day = None
        return cls(
            YearMonth(start_year, start_month),
            YearMonth(end_year, end_month),
            season,
            granularity,
            start_day,
            end_day,
        )

    def fields(self) -> dict[str, int | str | None]:
        """The numbers under their field names (model columns, request body)."""
        first, last = self.season or (None, None)
        values = (*self.start, *self.end, first, last, self.granularity)
        return dict(
            zip(FIELDS, (*values, self.start_day, self.end_day), strict=True),
        )

    # --- the time scale -------------------------------------------------------------------

    @property
    def is_subdaily(self) -> bool:
        return self.granularity in SUBDAILY

    @property
    def first_date(self) -> date:
        """The period's first day (a sub-daily period's `start_day`, else the 1st)."""
        return date(self.start.year, self.start.month, self.start_day or 1)

    @property
    def last_date(self) -> date:
        """The period's last day (a sub-daily period's `end_day`, else the month's last)."""
        return date(self.end.year, self.end.month, self.end_day or self.end.days)

    def days(self) -> Iterator[date]:
        """Every day of the period within the season, in calendar order."""
        day, last = self.first_date, self.last_date
        while day <= last:
            if self.season is None or self.season.contains(day.month):
                yield day
            day += timedelta(days=1)

    # --- which months ---------------------------------------------------------------------

    def contains(self, month: YearMonth) -> bool:
        within = self.start <= month <= self.end
        return within and (self.season is None or self.season.contains(month.month))

    def months(self) -> Iterator[YearMonth]:
        """Every month of the period within the season, in calendar order."""
        for index in range(self.start.index, self.end.index + 1):
            month = YearMonth.from_index(index)
            if self.season is None or self.season.contains(month.month):
                yield month

    @property
    def month_count(self) -> int:
        if self.season is None:
            return max(0, self.end.index - self.start.index + 1)
        return sum(1 for _ in self.months())

    @property
    def day_count(self) -> int:
        if self.is_subdaily:
            return sum(1 for _ in self.days())
        return sum(month.days for month in self.months())

    @property
    def is_empty(self) -> bool:
        """No month at all: the end is before the start, or no month of the season is inside
        (a sub-daily period: no day at all)."""
        if self.is_subdaily:
            return self.day_count == 0
        return self.month_count == 0

    def cut_season_years(self) -> list[int]:
        """Season years with some months inside the period and some outside it: a 12-2
        season from a period starting 2019-01 has 2019 cut (2018-12 never requested)."""
        if self.season is None or self.is_empty:
            return []
        months = list(self.months())
        years = dict.fromkeys(self.season.year_of(m) for m in (months[0], months[-1]))
        return [
            year
            for year in years
            if any(not self.start <= m <= self.end for m in self.season.months_of(year))
        ]

    # --- what a station needs: JMA pages and data rows ------------------------------------

    @property
    def is_annual(self) -> bool:
        return self.granularity == ANNUAL

    def years(self) -> list[int]:
        """The calendar years from the start's to the end's (an annual period's rows)."""
        return list(range(self.start.year, self.end.year + 1))

    def pages(self) -> Iterator[YearMonth] | Iterator[date]:
        """The JMA pages one station needs: a daily page per month, or a sub-daily page per
        day (`days()`); an annual period needs one page (年ごとの値) whatever its years, and
        its callers read it through the station cache, not page by page."""
        if self.is_annual:
            return iter([self.end])
        return self.days() if self.is_subdaily else self.months()

    @property
    def page_count(self) -> int:
        if self.is_annual:
            return 1
        return self.day_count if self.is_subdaily else self.month_count

    @property
    def rows_per_day(self) -> int:
        return ROWS_PER_DAY.get(self.granularity, 1)

    @property
    def rows_per_station(self) -> int:
        """Data-sheet rows one station takes: a row per day, or per hour / ten minutes; an
        annual period's a row per year."""
        if self.is_annual:
            return len(self.years())
        return self.day_count * self.rows_per_day

    def complete_years(self) -> list[int]:
        """The calendar years all twelve of whose months are in the period (none with a season
        that leaves a month out): the years JMA's annual values can be checked against."""
        if self.granularity != DAILY or (self.season is not None and self.season.length < 12):
            return []
        first = self.start.year if self.start.month == 1 else self.start.year + 1
        last = self.end.year if self.end.month == 12 else self.end.year - 1
        return list(range(first, last + 1))

    # --- in the database ------------------------------------------------------------------

    def q(self, year: str = "year", month: str = "month") -> Q:
        """A filter for rows keyed by a year and a month column (the month cache)."""
        after_start = Q(**{f"{year}__gt": self.start.year}) | Q(
            **{year: self.start.year, f"{month}__gte": self.start.month}
        )
        before_end = Q(**{f"{year}__lt": self.end.year}) | Q(
            **{year: self.end.year, f"{month}__lte": self.end.month}
        )
        in_season = Q(**{f"{month}__in": self.season.months()}) if self.season else Q()
        return after_start & before_end & in_season

    @staticmethod
    def contains_sql(year: str, month: str, period: str) -> str:
        """SQL: the month (`year`, `month` column expressions) is inside the period stored in
        the row aliased `period` (its MONTH_FIELDS columns), season included when it has one."""
        start_year, start_month, end_year, end_month, first, last = (
            f"{period}.{name}" for name in MONTH_FIELDS
        )
        index = f"{year} * 12 + {month}"
        return (
            f"({index} >= {start_year} * 12 + {start_month} "
            f"AND {index} <= {end_year} * 12 + {end_month} "
            f"AND ({first} IS NULL OR {season_sql(month, first, last)}))"
        )

    def __str__(self) -> str:
        if self.is_annual:
            return f"{self.start.year}..{self.end.year} {self.granularity}"
        if self.is_subdaily:
            text = f"{self.first_date}..{self.last_date} {self.granularity}"
        else:
            text = f"{self.start}..{self.end}"
        return f"{text} ({self.season})" if self.season else text
