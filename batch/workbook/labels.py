"""The workbook's words that are not single headers: legend, JMA's vocabularies, cell formats.

Every text is an English msgid rendered through gettext (Japanese in locale/ja_messages.py),
in the active language: the writer renders a workbook inside
`translation.override(spec.language)` (`in_language`). Master data (station, prefecture and
item names) comes in both languages from the database (`name_in`, `label_in`).

JMA's own vocabularies are data and stay as typed in a Japanese workbook; an English workbook
writes the 16 compass points as the usual abbreviations (南南西 -> SSW, 静穏 -> Calm) and the
station kinds of JMA's list (官/四/雨) in words.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from batch.workbook.monthly import Statistic
from repository.models import Prefecture, Station, WeatherItem

LANGUAGES = ("ja", "en")


def in_language(language: str) -> AbstractContextManager:
    """Render the workbook's texts in `language` (thread-local: safe in the daemon's threads)."""
    return override(language)


@dataclass(frozen=True)
class LegendEntry:
    quality: int | None  # the JMA quality code shown in quality columns
    jma_mark: str  # how JMA's page shows it
    sample: float | None  # the sample cell on the 情報 sheet, styled as in データ
    style: str  # "normal", "quasi", "insufficient", "no_phenomenon" or "empty"
    meaning: Promise


LEGEND: list[LegendEntry] = [
    LegendEntry(8, "12.3", 12.3, "normal", _lazy("Normal value")),
    LegendEntry(
        5,
        "12.3 )",
        12.3,
        "quasi",
        _lazy(
            "Quasi-normal: some source data missing, within tolerance (about 80% present). "
            "Shown in yellow"
        ),
    ),
    LegendEntry(
        4,
        "12.3 ]",
        12.3,
        "insufficient",
        _lazy(
            "Insufficient data: too much source data missing, the value is only a bound. "
            "Shown in orange italics; not used in monthly means (used in totals and extremes)"
        ),
    ),
    LegendEntry(2, "#", None, "empty", _lazy("Doubtful: value withheld (empty)")),
    LegendEntry(1, "× / ///", None, "empty", _lazy("Missing (empty)")),
    LegendEntry(0, "", None, "empty", _lazy("Not observed (empty)")),
    LegendEntry(
        8,
        "--",
        0.0,
        "no_phenomenon",
        _lazy(
            'No phenomenon (no rain or snow at all): the cell holds 0 and shows "--". '
            "A precipitation of 0.0 means some rain below 0.5 mm"
        ),
    ),
]


def monthly_rule() -> str:
    return _(
        "The Monthly and Season sheets follow JMA's own monthly values. Means use days of "
        "quality 8 and 5 only (rounded half up to 0.1, humidity to whole numbers); totals and "
        "extremes also use insufficient (]) days. When days are missing (insufficient days "
        'included) the statistic is yellow (quasi-normal, ")") if at most 20% are missing and '
        'orange italic (insufficient, "]") beyond that. When every day was "--" (no '
        'phenomenon) the statistic shows "--" (the cell holds 0); an observed 0 stays 0. The '
        "direction of a monthly max wind or gust is the direction on the day of that maximum."
    )


JMA_DATA_URL = "https://www.data.jma.go.jp/stats/etrn/index.php"


def attribution() -> str:
    """JMA's required credit line (情報 sheet and every page's footer)."""
    return _("Source: Japan Meteorological Agency website")


# JMA's 16 compass points and calm, as the daily pages write them.
DIRECTIONS: dict[str, Promise] = {
    "北": _lazy("N"),
    "北北東": _lazy("NNE"),
    "北東": _lazy("NE"),
    "東北東": _lazy("ENE"),
    "東": _lazy("E"),
    "東南東": _lazy("ESE"),
    "南東": _lazy("SE"),
    "南南東": _lazy("SSE"),
    "南": _lazy("S"),
    "南南西": _lazy("SSW"),
    "南西": _lazy("SW"),
    "西南西": _lazy("WSW"),
    "西": _lazy("W"),
    "西北西": _lazy("WNW"),
    "北西": _lazy("NW"),
    "北北西": _lazy("NNW"),
    "静穏": _lazy("Calm"),
}

# The station kinds of JMA's station list (地域気象観測所一覧).
STATION_KINDS: dict[str, Promise] = {
    Station.Kind.OFFICIAL: _lazy("JMA observatory"),
    Station.Kind.FOUR_ELEMENT: _lazy("AMeDAS (4 elements)"),
    Station.Kind.RAIN: _lazy("AMeDAS (rain gauge)"),
}


def directions() -> dict[str, str]:
    """JMA's direction word -> the word written in the active language (looked up per cell)."""
    return {jma: str(word) for jma, word in DIRECTIONS.items()}


def station_kind(station: Station) -> str:
    kind = STATION_KINDS.get(station.kind)
    return str(kind) if kind is not None else station.kind


def join(texts: Iterable[str]) -> str:
    """東京、大阪 / Tokyo, Osaka."""
    return _(", ").join(texts)


def _with_original(english: str, japanese: str) -> str:
    """English readers get the English name with JMA's beside it; Japanese readers JMA's."""
    if not english:
        return japanese
    return _("%(english)s (%(japanese)s)") % {"english": english, "japanese": japanese}


def station_name(station: Station) -> str:
    """東京, or for English readers 'Tokyo (東京)': the romaji of the station list's kana."""
    return _with_original(station.name_en, station.name)


def prefecture_name(prefecture: Prefecture) -> str:
    """東京都, or for English readers 'Tokyo (東京都)' from the prefecture list's English name."""
    return _with_original(prefecture.name_en, prefecture.name_ja)


def item_label(item: WeatherItem) -> str:
    return item.label_in(get_language())


def with_unit(label: str, unit: str) -> str:
    """平均気温(℃) / Mean temperature (℃)."""
    return _("%(label)s (%(unit)s)") % {"label": label, "unit": unit} if unit else label


def item_header(item: WeatherItem) -> str:
    return with_unit(item_label(item), item.unit)


def quality_header(item: WeatherItem) -> str:
    return _("%(item)s quality") % {"item": item_label(item)}


def statistic_header(item: WeatherItem, statistic: Statistic, *, season: bool = False) -> str:
    """`<item> <statistic>(<unit>)`: 降水量の合計 日最大(mm) / Total precipitation, largest
    daily (mm); with season, the season's words (降水量の合計 季節合計(mm))."""
    label = _("%(item)s, %(statistic)s") % {
        "item": item_label(item),
        "statistic": statistic.season_label if season else statistic.label,
    }
    return with_unit(label, item.unit)


def direction_header(item: WeatherItem) -> str:
    """The column beside a monthly max wind: the direction on the day of that maximum."""
    return _("%(item)s, direction on the day of the monthly max") % {"item": item_label(item)}


def number_format(item: WeatherItem) -> str:
    """JMA's own resolution: whole numbers for % and cm, one decimal otherwise."""
    return "0" if item.unit in {"%", "cm"} else "0.0"


def no_phenomenon_format(item: WeatherItem) -> str:
    """Shows "--" like JMA for a zero that means 'none at all', while the cell stays 0."""
    return dash_format(number_format(item))


def dash_format(fmt: str) -> str:
    """`fmt` that shows a zero as JMA's "--" (no phenomenon), the cell staying 0."""
    return f'{fmt};-{fmt};"--"'


def date_format() -> str:
    """Excel's date format for this language (yyyy/mm/dd in Japanese)."""
    return _("yyyy-mm-dd")


def month_format() -> str:
    return _("yyyy-mm")


def month_range(first: str, last: str) -> str:
    """2020-01～2020-03 / 2020-01 to 2020-03."""
    return _("%(first)s to %(last)s") % {"first": first, "last": last}


def missing_items_warning(station: Station, names: list[str]) -> str:
    """情報's warning: these selected elements are not on the station's pages."""
    return _("%(station)s (%(block_no)s): %(items)s not on this station's pages (empty cells)") % {
        "station": station_name(station),
        "block_no": station.block_no,
        "items": join(names),
    }


def unpublished_warning(station: Station, when: str) -> str:
    """情報's warning: JMA published nothing for the station in `when` (months or days)."""
    return _("%(station)s (%(block_no)s): JMA published no data for %(months)s (no rows)") % {
        "station": station_name(station),
        "block_no": station.block_no,
        "months": when,
    }
