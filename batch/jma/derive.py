"""Items computed from a day's observations (docs/jma-pages.md, "Derived item")."""

from __future__ import annotations

from batch.jma.page import DailyPage, DailyRow, Observation

# JMA's quality codes from best to worst: 8 normal, 5 準正常, 4 資料不足, 2 疑問, 1 欠測, 0 なし.
_QUALITY_RANK = {8: 0, 5: 1, 4: 2, 2: 3, 1: 4, 0: 5}


def worse_quality(*qualities: int) -> int:
    """The worst of JMA quality codes (unknown codes count as worst)."""
    return max(qualities, key=lambda q: _QUALITY_RANK.get(q, len(_QUALITY_RANK)))


def absolute_humidity(
    temp_avg: Observation | None, humidity_avg: Observation | None
) -> Observation:
    """絶対湿度 (g/m³) by Tetens from mean temperature (℃) and mean relative humidity (%).

    Quality is the worse of the two inputs; no value if either is missing.
    """
    temp = temp_avg or Observation(None, 0)
    rh = humidity_avg or Observation(None, 0)
    quality = worse_quality(temp.quality, rh.quality)
    if not isinstance(temp.value, float | int) or not isinstance(rh.value, float | int):
        return Observation(None, quality)
    t, humidity = float(temp.value), float(rh.value)
    vapour_hpa = humidity / 100 * 6.1078 * 10 ** (7.5 * t / (t + 237.3))
    return Observation(round(216.7 * vapour_hpa / (t + 273.15), 2), quality)


def add_derived(page: DailyPage) -> DailyPage:
    """The page with absolute_humidity in every row (a new page; the input is not changed)."""
    rows = [
        DailyRow(
            day=row.day,
            values={
                **row.values,
                "absolute_humidity": absolute_humidity(
                    row.values.get("temp_avg"), row.values.get("humidity_avg")
                ),
            },
        )
        for row in page.rows
    ]
    return DailyPage(page_type=page.page_type, year=page.year, month=page.month, rows=rows)
