"""情報: what the workbook contains, where the data came from and how to read its marks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
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
    day: int | None = None  # an hourly or 10-minute page: one station-day


@dataclass(frozen=True, slots=True)
class InfoFacts:
    """What only the finished run knows."""

    generated_at: datetime  # naive, Japan time
    row_count: int
    station_months: int
    published_months: int
    warnings: Sequence[str]
    sources: Sequence[SourcePage]
    # An hourly or 10-minute sheet's elements (code, label, unit), listed in place of items.
    elements: Sequence[tuple[str, str, str]] = ()


LEGEND_FORMATS = {"no_phenomenon": '0.0;-0.0;"--"'}


def _period(spec: WorkbookSpec) -> str:
    period = spec.period
    if period.is_subdaily:
        return _("%(start)s to %(end)s (%(days)s days)") % {
            "start": period.first_date.isoformat(),
            "end": period.last_date.isoformat(),
            "days": period.day_count,
        }
    return _("%(start)s to %(end)s (%(months)s months)") % {
        "start": str(period.start),
        "end": str(period.end),
        "months": period.month_count,
    }


def _season(first: int, last: int) -> str:
    values = {"first": first, "last": last}
    if first > last:
        return (
            _(
                "months %(first)s to %(last)s (month %(first)s counts with the following "
                "year's season)"
            )
            % values
        )
    return _("months %(first)s to %(last)s") % values


def write_info(ws: Any, spec: WorkbookSpec, facts: InfoFacts) -> None:
    """The 情報 sheet, in the workbook's language."""
    with labels.in_language(spec.language):
        _write_info(ws, spec, facts)


def _write_info(ws: Any, spec: WorkbookSpec, facts: InfoFacts) -> None:
    """Overview, items, stations, warnings, legend and source pages: one section after
    another, top to bottom, as the sheet reads."""
    cells = CellMaker(ws)
    for column, width in zip("ABCDEFGHI", (22, 26, 14, 44, 12, 12, 12, 14, 40), strict=True):
        ws.column_dimensions[column].width = width

    title = {
        "hourly": _("JMA historical weather data (hourly values)"),
        "10min": _("JMA historical weather data (10-minute values)"),
    }.get(spec.period.granularity, _("JMA historical weather data (daily values)"))
    ws.append([cells.bold(title, size=14)])
    ws.append([cells.bold(labels.attribution())])
    ws.append(
        [
            _("Created by processing data from the JMA website (%(url)s)")
            % {"url": labels.JMA_DATA_URL}
        ]
    )
    ws.append([])
    if spec.request_id is not None:
        ws.append([_("Request no."), spec.request_id])
    ws.append([_("Period"), _period(spec)])
    season = spec.period.season
    if season is not None:
        ws.append([_("Season (months of each year)"), _season(season.first, season.last)])
        cut = spec.period.cut_season_years()
        if cut:
            ws.append(
                [
                    _("Seasons left out"),
                    _(
                        "%(years)s: cut by the period's edges, so not on the Seasons sheet "
                        "(their months are on the Data and Monthly sheets)"
                    )
                    % {"years": labels.join(str(year) for year in cut)},
                ]
            )
    ws.append([_("Generated at (JST)"), cells.cell(facts.generated_at, "yyyy-mm-dd hh:mm")])
    ws.append([_("Data rows"), cells.cell(facts.row_count, "#,##0")])
    pages = _("Station-days") if spec.period.is_subdaily else _("Station-months")
    ws.append([pages, f"{facts.published_months:,} / {facts.station_months:,}"])
    ws.append([])

    ws.append([cells.bold(_("Items"))])
    ws.append(
        [
            cells.header(_("Code")),
            cells.header(_("Item")),
            cells.header(_("Unit")),
            cells.header(_("Monthly statistic")),
            cells.header(_("Note")),
        ]
    )
    derived_note = _(
        "Computed by this service from mean temperature and mean humidity (Tetens formula)"
    )
    for code, label, unit in facts.elements:
        ws.append([code, label, unit or None, None, None])
    for item in spec.items:
        statistics = labels.join(str(stat.label) for stat in statistics_for([item]))
        ws.append(
            [
                item.code,
                labels.item_label(item),
                item.unit or None,
                statistics or None,
                derived_note if item.is_derived else None,
            ]
        )
    ws.append([])

    ws.append([cells.bold(_("Stations"))])
    ws.append(
        [
            cells.header(_("Prefecture")),
            cells.header(_("Station")),
            cells.header(_("Station no.")),
            cells.header(_("Items not observed here (empty)")),
            cells.header(_("Type")),
            cells.header(_("Page")),
            cells.header(_("Latitude")),
            cells.header(_("Longitude")),
            cells.header(_("Elevation (m)")),
        ]
    )
    for station in spec.stations:
        missing = [
            labels.item_label(item)
            for item in spec.items
            if not item.available_on(station.page_type)
        ]
        prefecture = station.prefecture
        ws.append(
            [
                labels.prefecture_name(prefecture),
                labels.station_name(station),
                station.block_no,
                labels.join(missing) or None,
                labels.station_kind(station),
                station.page_type,
                cells.cell(station.latitude, "0.0000"),
                cells.cell(station.longitude, "0.0000"),
                station.elevation_m,
            ]
        )
    ws.append([])

    ws.append([cells.bold(_("Warnings"))])
    for warning in facts.warnings or [_("none")]:
        ws.append([warning])
    ws.append([])

    ws.append([cells.bold(_("Legend (value marks and quality codes)"))])
    ws.append(
        [
            cells.header(_("Quality")),
            cells.header(_("JMA mark")),
            cells.header(_("In this workbook")),
            cells.header(_("Meaning")),
        ]
    )
    for entry in labels.LEGEND:
        if entry.style == "no_phenomenon":
            sample = cells.cell(entry.sample, LEGEND_FORMATS["no_phenomenon"])
        elif entry.sample is None:
            sample = None
        else:
            sample = cells.cell(entry.sample, "0.0", mark_for_quality(entry.quality or 8))
        ws.append([entry.quality, entry.jma_mark or None, sample, str(entry.meaning)])
    ws.append([labels.monthly_rule()])
    ws.append([])

    ws.append([cells.bold(_("Source pages"))])
    ws.append(
        [
            cells.header(_("Station no.")),
            cells.header(_("Station")),
            cells.header(_("Day") if spec.period.is_subdaily else _("Year-month")),
            cells.header("URL"),
            cells.header(_("Published")),
        ]
    )
    published = {True: _("yes"), False: _("no")}
    link_font = Font(color="0563C1", underline="single")
    for source in facts.sources:
        link = cells.cell(source.url)
        link.hyperlink = source.url
        link.font = link_font
        ws.append(
            [
                source.block_no,
                source.station_name,
                (
                    f"{source.year}-{source.month:02d}"
                    + (f"-{source.day:02d}" if source.day is not None else "")
                    if source.month
                    else _("annual values")
                ),
                link,
                published[source.published],
            ]
        )
