"""Every text the workbook shows, in Japanese and English, and the cell formats per unit.

Kept in one module so the two languages cannot drift apart: each entry holds both.
"""

from __future__ import annotations

from dataclasses import dataclass

from batch.workbook.monthly import Statistic
from batch.workbook.romaji import with_romaji
from repository.models import Prefecture, Station, WeatherItem

LANGUAGES = ("ja", "en")

TEXT: dict[str, tuple[str, str]] = {
    # sheet names
    "sheet_data": ("データ", "Data"),
    "sheet_monthly": ("月別集計", "Monthly"),
    "sheet_seasons": ("季節別", "Seasons"),
    "sheet_charts": ("グラフ", "Charts"),
    "sheet_info": ("情報", "Info"),
    # identifying columns
    "prefecture": ("都道府県", "Prefecture"),
    "station": ("地点", "Station"),
    "block_no": ("地点番号", "Station no."),
    "date": ("日付", "Date"),
    "year": ("年", "Year"),
    "month": ("月", "Month"),
    "year_month": ("年月", "Year-month"),
    "days_in_month": ("月の日数", "Days in month"),
    "season_year": ("季節の年", "Season year"),
    "season_span": ("期間", "Months"),
    "season_days": ("季節の日数", "Days in season"),
    "quality": ("品質", "quality"),
    # charts sheet
    "charts_title": (
        "月別グラフ（月別集計シートの値）",
        "Monthly charts (values from the Monthly sheet)",
    ),
    "charts_none": (
        "グラフにできる数値項目（月平均・月合計など）が選ばれていません。",
        "No numeric item with a monthly statistic was selected, so there is nothing to chart.",
    ),
    "charts_limited": (
        "グラフは先頭の {shown} 地点分です（全 {total} 地点）。"
        "他の地点は月別集計シートをご覧ください。",
        "Charts are drawn for the first {shown} of {total} stations; "
        "see the Monthly sheet for the others.",
    ),
    "chart_title": ("{station}（{block_no}）月別", "{station} ({block_no}) by month"),
    "chart_compare_title": ("{statistic}：地点別", "{statistic}: stations compared"),
    # info sheet
    "info_title": (
        "気象庁 過去の気象データ（日別値）",
        "JMA historical weather data (daily values)",
    ),
    "request_id": ("依頼番号", "Request no."),
    "period": ("期間", "Period"),
    "period_value": ("{start} ～ {end}（{months} か月）", "{start} to {end} ({months} months)"),
    "season": ("季節（毎年の月）", "Season (months of each year)"),
    "season_value": ("{first}月～{last}月", "months {first} to {last}"),
    "season_across_year": (
        "{first}月～{last}月（{first}月は翌年の季節に数えます）",
        "months {first} to {last} (month {first} counts with the following year's season)",
    ),
    "generated_at": ("作成日時（日本時間）", "Generated at (JST)"),
    "row_count": ("データ行数", "Data rows"),
    "station_months": ("地点×月", "Station-months"),
    "items_heading": ("項目", "Items"),
    "item_code": ("コード", "Code"),
    "item_label": ("項目", "Item"),
    "item_unit": ("単位", "Unit"),
    "item_monthly": ("月別集計", "Monthly statistic"),
    "item_derived": ("備考", "Note"),
    "derived_note": (
        "当サービスが平均気温と平均湿度から計算（Tetens の式）",
        "Computed by this service from mean temperature and mean humidity (Tetens formula)",
    ),
    "stations_heading": ("地点", "Stations"),
    "station_kind": ("種別", "Type"),
    "page_type": ("ページ", "Page"),
    "latitude": ("緯度", "Latitude"),
    "longitude": ("経度", "Longitude"),
    "elevation": ("標高(m)", "Elevation (m)"),
    "not_observed_items": ("観測されない項目（空欄）", "Items not observed here (empty)"),
    "sources_heading": ("出典ページ", "Source pages"),
    "source_url": ("URL", "URL"),
    "published": ("公開", "Published"),
    "published_yes": ("あり", "yes"),
    "published_no": ("なし", "no"),
    "legend_heading": ("凡例（値の記号と品質情報）", "Legend (value marks and quality codes)"),
    "legend_quality": ("品質", "Quality"),
    "legend_jma_mark": ("気象庁の表示", "JMA mark"),
    "legend_in_workbook": ("このブックでの表示", "In this workbook"),
    "legend_meaning": ("意味", "Meaning"),
    "warnings_heading": ("注意", "Warnings"),
    "no_warnings": ("なし", "none"),
    "attribution": ("出典：気象庁ホームページ", "Source: Japan Meteorological Agency website"),
    "attribution_processed": (
        "気象庁ホームページ（{url}）のデータを加工して作成",
        "Created by processing data from the JMA website ({url})",
    ),
    # warnings
    "warn_unpublished": (
        "{station}（{block_no}）：{months} は気象庁の公開データがありません（行なし）",
        "{station} ({block_no}): JMA published no data for {months} (no rows)",
    ),
    "warn_not_observed": (
        "{station}（{block_no}）：{items} はこの地点のページにない項目です（空欄）",
        "{station} ({block_no}): {items} not on this station's pages (empty cells)",
    ),
}


@dataclass(frozen=True)
class LegendEntry:
    quality: int | None  # the JMA quality code shown in quality columns
    jma_mark: str  # how JMA's page shows it
    sample: float | None  # the sample cell on the 情報 sheet, styled as in データ
    style: str  # "normal", "quasi", "insufficient", "no_phenomenon" or "empty"
    meaning_ja: str
    meaning_en: str

    def meaning(self, language: str) -> str:
        return self.meaning_en if language == "en" else self.meaning_ja


LEGEND: list[LegendEntry] = [
    LegendEntry(8, "12.3", 12.3, "normal", "正常値", "Normal value"),
    LegendEntry(
        5,
        "12.3 )",
        12.3,
        "quasi",
        "準正常値：統計のもとになる資料の一部が欠けているが許容範囲内（おおむね8割以上）。黄色で表示",
        "Quasi-normal: some source data missing, within tolerance (about 80% present). "
        "Shown in yellow",
    ),
    LegendEntry(
        4,
        "12.3 ]",
        12.3,
        "insufficient",
        "資料不足値：欠けた資料が多く、値は上限または下限の目安にすぎない。橙色・斜体で表示。"
        "月別集計の平均には使わない（合計・極値には使う）",
        "Insufficient data: too much source data missing, the value is only a bound. "
        "Shown in orange italics; not used in monthly means (used in totals and extremes)",
    ),
    LegendEntry(
        2, "#", None, "empty", "疑問値：値に疑問があるため空欄", "Doubtful: value withheld (empty)"
    ),
    LegendEntry(1, "× / ///", None, "empty", "欠測（空欄）", "Missing (empty)"),
    LegendEntry(0, "", None, "empty", "観測していない（空欄）", "Not observed (empty)"),
    LegendEntry(
        8,
        "--",
        0.0,
        "no_phenomenon",
        "現象なし（降水・降雪がまったくない）。セルの値は 0 で「--」と表示。"
        "降水量 0.0 は 0.5mm 未満の降水があったことを示す",
        'No phenomenon (no rain or snow at all): the cell holds 0 and shows "--". '
        "A precipitation of 0.0 means some rain below 0.5 mm",
    ),
]

MONTHLY_RULE = (
    "月別集計・季節別は気象庁の月ごとの値と同じ規則で日別値から計算します。平均は品質 8 と 5 の日"
    "だけから（0.1 単位、湿度は整数に四捨五入）、合計と極値は資料不足値（]）の日も含めます。"
    "欠けた日（資料不足値の日を含む）があると、2割以内なら黄色（準正常 )）、2割を超えると"
    "橙色・斜体（資料不足 ]）で示します。すべての日が「--」（現象なし）なら「--」（セルの値は 0）、"
    "観測された 0 は 0 です。最大風速・最大瞬間風速の風向は、その最大値が出た日の風向です。",
    "The Monthly and Season sheets follow JMA's own monthly values. Means use days of quality "
    "8 and 5 only (rounded half up to 0.1, humidity to whole numbers); totals and extremes also "
    "use insufficient (]) days. When days are missing (insufficient days included) the "
    'statistic is yellow (quasi-normal, ")") if at most 20% are missing and orange italic '
    '(insufficient, "]") beyond that. When every day was "--" (no phenomenon) the statistic '
    'shows "--" (the cell holds 0); an observed 0 stays 0. The direction of a monthly max '
    "wind or gust is the direction on the day of that maximum.",
)

JMA_DATA_URL = "https://www.data.jma.go.jp/stats/etrn/index.php"


def text(key: str, language: str, **values: object) -> str:
    ja, en = TEXT[key]
    template = en if language == "en" else ja
    return template.format(**values) if values else template


def station_name(station: Station, language: str) -> str:
    """東京, or in English 'Tokyo (東京)': romaji from the station list's katakana."""
    return with_romaji(station.name, station.kana) if language == "en" else station.name


def prefecture_name(prefecture: Prefecture, language: str) -> str:
    """東京都, or in English 'Tokyo (東京都)' from the prefecture list's English name."""
    if language == "en" and prefecture.name_en:
        return f"{prefecture.name_en} ({prefecture.name_ja})"
    return prefecture.name_ja


def item_label(item: WeatherItem, language: str) -> str:
    return item.label_en if language == "en" else item.label_ja


def with_unit(label: str, unit: str, language: str) -> str:
    if not unit:
        return label
    return f"{label} ({unit})" if language == "en" else f"{label}({unit})"


def item_header(item: WeatherItem, language: str) -> str:
    """平均気温(℃) / Mean temperature (℃)."""
    return with_unit(item_label(item, language), item.unit, language)


def quality_header(item: WeatherItem, language: str) -> str:
    return f"{item_label(item, language)} {text('quality', language)}"


def statistic_header(item: WeatherItem, statistic: Statistic, language: str) -> str:
    """`<item> <statistic>(<unit>)`: 降水量の合計 日最大(mm) / Total precipitation, largest
    daily (mm)."""
    sep = ", " if language == "en" else " "
    label = f"{item_label(item, language)}{sep}{statistic.label(language)}"
    return with_unit(label, item.unit, language)


def direction_header(item: WeatherItem, language: str) -> str:
    """The column beside a monthly max wind: the direction on the day of that maximum."""
    if language == "en":
        return f"{item_label(item, language)}, direction on the day of the monthly max"
    return f"{item_label(item, language)} 月最大の日の風向"


def number_format(item: WeatherItem) -> str:
    """JMA's own resolution: whole numbers for % and cm, one decimal otherwise."""
    return "0" if item.unit in {"%", "cm"} else "0.0"


def no_phenomenon_format(item: WeatherItem) -> str:
    """Shows "--" like JMA for a zero that means 'none at all', while the cell stays 0."""
    fmt = number_format(item)
    return f'{fmt};-{fmt};"--"'


def date_format(language: str) -> str:
    return "yyyy-mm-dd" if language == "en" else "yyyy/mm/dd"


def month_format(language: str) -> str:
    return "yyyy-mm" if language == "en" else "yyyy/mm"
