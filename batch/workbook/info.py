"""情報: what the workbook contains, where the data came from and how to read its marks."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from batch.workbook import labels
from batch.workbook.monthly import statistics_for
from batch.workbook.printing import header_height
from batch.workbook.spec import WorkbookSpec
from batch.workbook.styles import CellMaker, Link, StyledRows, mark_for_quality


@dataclass(frozen=True, slots=True)
class SourcePage:
    block_no: str
    station_name: str
    year: int
    month: int
    url: str
    published: bool
    day: int | None = None  # an hourly or 10-minute page: one station-day


class SourceSpool:
    """Every station-month's SourcePage in a temporary file, read back once when 情報 is
    written at save: memory stays flat however many station-months (a list grew ~0.4 KB
    each). append() like a list; close() when done (save or discard)."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(  # noqa: SIM115 - closed by close()
            "w+", encoding="utf-8", newline="\n"
        )

    def append(self, source: SourcePage) -> None:
        day = "" if source.day is None else str(source.day)
        fields = (source.block_no, source.station_name, str(source.year), str(source.month))
        published = "1" if source.published else ""
        self._file.write("\t".join((*fields, source.url, published, day)) + "\n")

    def __iter__(self) -> Iterator[SourcePage]:
        self._file.seek(0)
        for line in self._file:
            block_no, name, year, month, url, published, day = line.rstrip("\n").split("\t")
            found = SourcePage(block_no, name, int(year), int(month), url, bool(published))
            yield found if not day else replace(found, day=int(day))
        self._file.seek(0, 2)  # appending goes on at the end

    def close(self) -> None:
        self._file.close()


@dataclass(frozen=True, slots=True)
class InfoFacts:
    """What only the finished run knows."""

    generated_at: datetime  # naive, Japan time
    row_count: int
    station_months: int
    published_months: int
    warnings: Sequence[str]
    sources: Iterable[SourcePage]  # read once, as the rows are written
    # An hourly or 10-minute sheet's elements (code, label, unit), listed in place of items.
    elements: Sequence[tuple[str, str, str]] = ()


LEGEND_FORMATS = {"no_phenomenon": '0.0;-0.0;"--"'}
COLUMNS = "ABCDEFGHI"
# Column widths: the last (I) also takes the overflow of a source page's url from E.
WIDTHS = (22, 26, 14, 44, 12, 12, 12, 14, 48)
URL_COLUMN = 5  # E: a url overflows into the empty F..I (110 units), inside the print area


class _Rows:
    """Appends rows to 情報 and counts them, so a long text can be given a merged, wrapped
    cell of its own height: nothing overflows past the last column, where it would shrink
    the printed page (fit to one page wide) or be cut."""

    def __init__(self, ws: Any, cells: CellMaker) -> None:
        self.ws, self.cells, self.count = ws, cells, 0

    def append(self, row: list[Any]) -> None:
        self.ws.append(row)
        self.count += 1

    def note(self, text: str, first: int = 1, before: Sequence[Any] = ()) -> None:
        """`text` wrapped in one cell merged from column `first` to I, as tall as it needs
        (`before`: the row's cells left of it)."""
        row = self.count + 1
        width = sum(WIDTHS[first - 1 :])
        self.ws.row_dimensions[row].height = header_height([text], [width * 0.9])
        ref = f"{COLUMNS[first - 1]}{row}:{COLUMNS[-1]}{row}"
        if hasattr(self.ws, "_get_writer"):  # write-only: the range is written at the end
            self.ws.merged_cells.add(ref)
            self.append([*before, self.cells.wrapped(text)])
        else:
            self.append([*before, self.cells.wrapped(text)])
            self.ws.merge_cells(ref)


def _period(spec: WorkbookSpec) -> str:
    period = spec.period
    if period.is_annual:
        return _("%(start)s to %(end)s (%(years)s years)") % {
            "start": period.start.year,
            "end": period.end.year,
            "years": len(period.years()),
        }
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
    for column, width in zip(COLUMNS, WIDTHS, strict=True):
        ws.column_dimensions[column].width = width
    rows = _Rows(ws, cells)

    _overview(ws, rows, cells, spec, facts)
    _items(ws, rows, cells, spec, facts)
    _stations(ws, rows, cells, spec, facts)
    _warnings(ws, rows, cells, spec, facts)
    _legend(ws, rows, cells, spec, facts)
    _sources(ws, rows, cells, spec, facts)
    ws.print_area = f"A1:I{max(rows.count, 1)}"  # nothing past I widens the printed page


def _overview(ws: Any, rows: _Rows, cells: CellMaker, spec: WorkbookSpec, facts: InfoFacts) -> None:
    """Title, attribution, request, period, season, counts."""
    title = {
        "hourly": _("JMA historical weather data (hourly values)"),
        "10min": _("JMA historical weather data (10-minute values)"),
        "annual": _("JMA historical weather data (annual values)"),
    }.get(spec.period.granularity, _("JMA historical weather data (daily values)"))
    rows.append([cells.bold(title, size=14)])
    rows.append([cells.bold(labels.attribution())])
    rows.note(
        _("Created by processing data from the JMA website (%(url)s)")
        % {"url": labels.JMA_DATA_URL}
    )
    rows.append([])
    if spec.request_id is not None:
        rows.append([_("Request no."), spec.request_id])
    rows.append([_("Period"), _period(spec)])
    season = spec.period.season
    if season is not None:
        rows.append([_("Season (months of each year)"), _season(season.first, season.last)])
        cut = spec.period.cut_season_years()
        if cut:
            rows.append(
                [
                    _("Seasons left out"),
                    _(
                        "%(years)s: cut by the period's edges, so not on the Seasons sheet "
                        "(their months are on the Data and Monthly sheets)"
                    )
                    % {"years": labels.join(str(year) for year in cut)},
                ]
            )
    rows.append([_("Generated at (JST)"), cells.cell(facts.generated_at, "yyyy-mm-dd hh:mm")])
    rows.append([_("Data rows"), cells.cell(facts.row_count, "#,##0")])
    pages = _("Station-days") if spec.period.is_subdaily else _("Station-months")
    rows.append([pages, f"{facts.published_months:,} / {facts.station_months:,}"])
    rows.append([])


def _items(ws: Any, rows: _Rows, cells: CellMaker, spec: WorkbookSpec, facts: InfoFacts) -> None:
    """The items: the sheet's elements, then each chosen item and its statistics."""
    rows.append([cells.bold(_("Items"))])
    rows.append(
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
        rows.append([code, label, unit or None, None, None])
    for item in spec.items:
        statistics = labels.join(str(stat.label) for stat in statistics_for([item]))
        rows.append(
            [
                item.code,
                labels.item_label(item),
                item.unit or None,
                statistics or None,
                derived_note if item.is_derived else None,
            ]
        )
    rows.append([])


def _stations(ws: Any, rows: _Rows, cells: CellMaker, spec: WorkbookSpec, facts: InfoFacts) -> None:
    """The stations, with the items each does not observe."""
    rows.append([cells.bold(_("Stations"))])
    rows.append(
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
        rows.append(
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
    rows.append([])


def _warnings(ws: Any, rows: _Rows, cells: CellMaker, spec: WorkbookSpec, facts: InfoFacts) -> None:
    """The run's warnings, or none."""
    rows.append([cells.bold(_("Warnings"))])
    for warning in facts.warnings or [_("none")]:
        rows.note(warning)
    rows.append([])


def _legend(ws: Any, rows: _Rows, cells: CellMaker, spec: WorkbookSpec, facts: InfoFacts) -> None:
    """The value marks and quality codes, then the monthly rule."""
    rows.append([cells.bold(_("Legend (value marks and quality codes)"))])
    rows.append(
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
        rows.note(
            str(entry.meaning), first=4, before=[entry.quality, entry.jma_mark or None, sample]
        )
    rows.note(labels.monthly_rule())
    rows.append([])


def _sources(ws: Any, rows: _Rows, cells: CellMaker, spec: WorkbookSpec, facts: InfoFacts) -> None:
    """Every source page, its link as a formula, written row by row."""
    rows.append([cells.bold(_("Source pages"))])
    rows.append(
        [
            cells.header(_("Station no.")),
            cells.header(_("Station")),
            cells.header(_("Day") if spec.period.is_subdaily else _("Year-month")),
            cells.header(_("Published")),
            cells.header("URL"),
        ]
    )
    published = {True: _("yes"), False: _("no")}
    sources = StyledRows(ws)  # one row at a time, the links as formulas: flat however many
    styles = [0, 0, 0, 0, sources.style(None, "link")]
    for source in facts.sources:
        sources.append(
            [
                source.block_no,
                source.station_name,
                (
                    f"{source.year}-{source.month:02d}"
                    + (f"-{source.day:02d}" if source.day is not None else "")
                    if source.month
                    else _("annual values")
                ),
                published[source.published],
                Link(source.url),  # E, overflowing into the empty F..I
            ],
            styles,
        )
        rows.count += 1
