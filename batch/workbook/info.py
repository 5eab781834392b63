"""情報: what the workbook contains, where the data came from and how to read its marks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openpyxl.styles import Font

from batch.workbook import labels
from batch.workbook.monthly import statistics_for
from batch.workbook.spec import WorkbookSpec
from batch.workbook.styles import CellMaker, mark_for_quality


@dataclass(frozen=True, slots=True)
class SourcePage:
    block_no: str
    station_name: str
    year: int
    month: int
    url: str
    published: bool


@dataclass(frozen=True, slots=True)
class InfoFacts:
    """What only the finished run knows."""

    generated_at: datetime  # naive, Japan time
    row_count: int
    station_months: int
    published_months: int
    warnings: Sequence[str]
    sources: Sequence[SourcePage]


LEGEND_FORMATS = {"no_phenomenon": '0.0;-0.0;"--"'}


def _period(spec: WorkbookSpec) -> str:
    period = spec.period
    return labels.text(
        "period_value",
        spec.language,
        start=str(period.start),
        end=str(period.end),
        months=period.month_count,
    )


def write_info(ws: Any, spec: WorkbookSpec, facts: InfoFacts) -> None:
    lang = spec.language
    cells = CellMaker(ws)

    def t(key: str, **values: object) -> str:
        return labels.text(key, lang, **values)

    for column, width in zip("ABCDEFGHI", (22, 26, 14, 44, 12, 12, 12, 14, 40), strict=True):
        ws.column_dimensions[column].width = width

    ws.append([cells.bold(t("info_title"), size=14)])
    ws.append([cells.bold(t("attribution"))])
    ws.append([t("attribution_processed", url=labels.JMA_DATA_URL)])
    ws.append([])
    if spec.request_id is not None:
        ws.append([t("request_id"), spec.request_id])
    ws.append([t("period"), _period(spec)])
    season = spec.period.season
    if season is not None:
        key = "season_across_year" if season.crosses_year_end else "season_value"
        ws.append([t("season"), t(key, first=season.first, last=season.last)])
    ws.append([t("generated_at"), cells.cell(facts.generated_at, "yyyy-mm-dd hh:mm")])
    ws.append([t("row_count"), cells.cell(facts.row_count, "#,##0")])
    ws.append([t("station_months"), f"{facts.published_months:,} / {facts.station_months:,}"])
    ws.append([])

    ws.append([cells.bold(t("items_heading"))])
    ws.append(
        [
            cells.header(t("item_code")),
            cells.header(t("item_label")),
            cells.header(t("item_unit")),
            cells.header(t("item_monthly")),
            cells.header(t("item_derived")),
        ]
    )
    for item in spec.items:
        statistics = "、".join(stat.label(lang) for stat in statistics_for([item]))
        if lang == "en":
            statistics = ", ".join(stat.label(lang) for stat in statistics_for([item]))
        ws.append(
            [
                item.code,
                labels.item_label(item, lang),
                item.unit or None,
                statistics or None,
                t("derived_note") if item.is_derived else None,
            ]
        )
    ws.append([])

    ws.append([cells.bold(t("stations_heading"))])
    ws.append(
        [
            cells.header(t("prefecture")),
            cells.header(t("station")),
            cells.header(t("block_no")),
            cells.header(t("not_observed_items")),
            cells.header(t("station_kind")),
            cells.header(t("page_type")),
            cells.header(t("latitude")),
            cells.header(t("longitude")),
            cells.header(t("elevation")),
        ]
    )
    for station in spec.stations:
        missing = [
            labels.item_label(item, lang)
            for item in spec.items
            if not item.available_on(station.page_type)
        ]
        prefecture = station.prefecture
        ws.append(
            [
                labels.prefecture_name(prefecture, lang),
                labels.station_name(station, lang),
                station.block_no,
                (", " if lang == "en" else "、").join(missing) or None,
                station.kind,
                station.page_type,
                cells.cell(station.latitude, "0.0000"),
                cells.cell(station.longitude, "0.0000"),
                station.elevation_m,
            ]
        )
    ws.append([])

    ws.append([cells.bold(t("warnings_heading"))])
    for warning in facts.warnings or [t("no_warnings")]:
        ws.append([warning])
    ws.append([])

    ws.append([cells.bold(t("legend_heading"))])
    ws.append(
        [
            cells.header(t("legend_quality")),
            cells.header(t("legend_jma_mark")),
            cells.header(t("legend_in_workbook")),
            cells.header(t("legend_meaning")),
        ]
    )
    for entry in labels.LEGEND:
        if entry.style == "no_phenomenon":
            sample = cells.cell(entry.sample, LEGEND_FORMATS["no_phenomenon"])
        elif entry.sample is None:
            sample = None
        else:
            sample = cells.cell(entry.sample, "0.0", mark_for_quality(entry.quality or 8))
        ws.append([entry.quality, entry.jma_mark or None, sample, entry.meaning(lang)])
    ws.append([labels.MONTHLY_RULE[1] if lang == "en" else labels.MONTHLY_RULE[0]])
    ws.append([])

    ws.append([cells.bold(t("sources_heading"))])
    ws.append(
        [
            cells.header(t("block_no")),
            cells.header(t("station")),
            cells.header(t("year_month")),
            cells.header(t("source_url")),
            cells.header(t("published")),
        ]
    )
    link_font = Font(color="0563C1", underline="single")
    for source in facts.sources:
        link = cells.cell(source.url)
        link.hyperlink = source.url
        link.font = link_font
        ws.append(
            [
                source.block_no,
                source.station_name,
                f"{source.year}-{source.month:02d}",
                link,
                t("published_yes") if source.published else t("published_no"),
            ]
        )
