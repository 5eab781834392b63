"""The parsed form of JMA pages (daily, hourly, 10-minute; any type as a Reading): parsers
produce it, others read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class Observation:
    """One cell. value: float for numbers, str for directions and weather text, None if absent.

    quality: JMA's CSV quality code (8 normal, 5 準正常, 4 資料不足, 2 疑問, 1 欠測, 0 なし).
    no_phenomenon: the cell said "--" (no rain, no snow), so value is 0 but means "none".
    """

    value: float | str | None
    quality: int
    no_phenomenon: bool = False


@dataclass(slots=True)
class DailyRow:
    day: int
    values: dict[str, Observation] = field(default_factory=dict)


@dataclass(slots=True)
class DailyPage:
    page_type: str  # "s1" or "a1"
    year: int
    month: int
    rows: list[DailyRow] = field(default_factory=list)


@dataclass(slots=True)
class SubdailyRow:
    """One row of an hourly or 10-minute page: the values of the interval ending at `time`.

    time: JST, aware; hour 24 / 24:00 is the next day's 00:00. observed_day: the day the page
    shows (JMA's day of observation), which for that last row is the day before time's date.
    """

    observed_day: date
    time: datetime
    values: dict[str, Observation] = field(default_factory=dict)


@dataclass(slots=True)
class SubdailyPage:
    granularity: str  # "hourly" or "10min"
    page_type: str  # "s1" or "a1"
    day: date
    rows: list[SubdailyRow] = field(default_factory=list)


@dataclass(slots=True)
class MonthResult:
    """What the month cache returns: a page, or the fact that JMA published nothing."""

    block_no: str
    year: int
    month: int
    source_url: str
    page: DailyPage | None  # None when JMA published nothing for the month
    from_cache: bool = False

    @property
    def no_data(self) -> bool:
        return self.page is None


@dataclass(slots=True)
class DayResult:
    """What the station-day cache returns: an hourly/10-minute page, or JMA's "nothing"."""

    block_no: str
    day: date
    granularity: str
    source_url: str
    page: SubdailyPage | None  # None when JMA published nothing for the day
    from_cache: bool = False

    @property
    def no_data(self) -> bool:
        return self.page is None


@dataclass
class ReadingRow:
    """One row of any page type, for jma_parse and jma_fetch (batch/jma/page_types.py)."""

    keys: dict[str, str]  # what the row is: {"date": "2013-10-16"}, {"time": ...}, {"year": ...}
    values: dict[str, Observation] = field(default_factory=dict)


@dataclass
class Reading:
    """Any page type's rows with what they are, as jma_parse and jma_fetch print them."""

    kind: str  # the registered name: "daily", "hourly", "10min", "annual", "records"
    page_type: str  # as the page's parser says: "s1" or "a1" (others: their own)
    caption: str
    rows: list[ReadingRow] = field(default_factory=list)
