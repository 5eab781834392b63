"""The parsed form of one JMA daily page; the parser produces it, the workbook reads it."""

from __future__ import annotations

from dataclasses import dataclass, field


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
