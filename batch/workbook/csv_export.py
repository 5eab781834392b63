"""The CSV download: a ZIP of a long ("tidy") daily CSV, the monthly and season tables and a
README, for pandas.read_csv and readr::read_csv without cleaning.

It takes the workbook's place in the one pipeline (batch.pipeline.build_workbook_file): the
same add_month() calls in the same order, the same months from the same cache, the same
temporary file beside the target and the same rename, so the daemon stores and mails it like
a workbook. Memory stays flat: the daily rows go straight into the ZIP's first member as each
month arrives; the monthly, season and source tables are small (one row per station-month or
station-season) and go to temporary files copied into the ZIP at the end.

Values are the workbook's: the same cells (numbers as numbers, directions in the request's
language, `--` as 0), the monthly and season statistics from batch.workbook.monthly.
"""

from __future__ import annotations

import calendar
import contextlib
import csv
import io
import shutil
import tempfile
import zipfile
from collections import defaultdict
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

from batch.jma.page import DailyPage, MonthResult, Observation
from batch.workbook import info, labels
from batch.workbook.monthly import (
    INSUFFICIENT,
    QUASI,
    MonthlyValue,
    statistics_for,
    summarize_month,
)
from batch.workbook.season_groups import SeasonGroups, SeasonRow
from batch.workbook.spec import WorkbookSpec
from batch.workbook.station_meta import CSV_NAMES as POSITION_COLUMNS
from batch.workbook.station_meta import station_meta
from batch.workbook.writer import WorkbookWriter, in_workbook_language
from repository.models import Station, WeatherItem

DAILY_NAME = "daily_long.csv"
MONTHLY_NAME = "monthly.csv"
SEASONS_NAME = "seasons.csv"
SOURCES_NAME = "sources.csv"
README_NAME = "README.txt"
ENCODING = "utf-8-sig"  # UTF-8 with a BOM: Excel opens it as UTF-8, pandas and readr skip it

STATION_COLUMNS = (
    "block_no",
    "station_name",
    "station_name_en",
    "prefecture",
    "prefecture_en",
    *POSITION_COLUMNS,  # latitude, longitude, elevation_m: the workbook's per-row position
)
DAILY_COLUMNS = (
    *STATION_COLUMNS,
    "date",
    "item",
    "item_label",
    "value",
    "value_text",
    "unit",
    "quality",
    "mark",
)
# JMA's mark for each quality code (as on its pages); `--` is its own mark (value 0).
QUALITY_MARKS = {8: "", 5: ")", 4: "]", 2: "#", 1: "×", 0: ""}
NO_PHENOMENON_MARK = "--"
COMPLETENESS_MARKS = {QUASI: ")", INSUFFICIENT: "]"}


def statistic_column(item_code: str, kind: str) -> str:
    """precip_total_sum, temp_max_mean, temp_max_max: one column per statistic."""
    return f"{item_code}_{kind}"


class _Table:
    """A CSV written to an anonymous temporary file, copied into the ZIP at the end."""

    def __init__(self, header: list[str]) -> None:
        self.file: IO[str] = tempfile.TemporaryFile(  # noqa: SIM115 (closed in close())
            "w+", encoding=ENCODING, newline=""
        )
        self.writer = csv.writer(self.file, lineterminator="\r\n")
        self.writer.writerow(header)

    def copy_into(self, archive: zipfile.ZipFile, name: str) -> None:
        self.file.flush()
        binary = self.file.buffer  # type: ignore[attr-defined]
        binary.seek(0)
        with archive.open(name, "w", force_zip64=True) as member:
            shutil.copyfileobj(binary, member, 1 << 20)

    def close(self) -> None:
        self.file.close()


class CsvZipWriter:
    """Add station-months in order (station by station), then save() once to the path given
    at construction (the pipeline's temporary file), as WorkbookWriter does."""

    # The same texts from the same facts as the workbook: warnings name the months JMA
    # published nothing for and the items a station's pages lack.
    unavailable = WorkbookWriter.unavailable
    warnings = WorkbookWriter.warnings

    def __init__(self, spec: WorkbookSpec, path: Path) -> None:
        self.spec = spec
        self.language = spec.language
        self.path = Path(path)
        self.row_count = 0
        self.station_months = 0
        self.published_months = 0
        self._unpublished: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self._archive = zipfile.ZipFile(self.path, "w", zipfile.ZIP_DEFLATED, compresslevel=6)
        self._daily_member = self._archive.open(DAILY_NAME, "w", force_zip64=True)
        self._daily_text = io.TextIOWrapper(self._daily_member, encoding=ENCODING, newline="")
        self._daily = csv.writer(self._daily_text, lineterminator="\r\n")
        self._daily.writerow(DAILY_COLUMNS)
        self._tables: list[_Table] = []
        self._station_cache: tuple[str, list[Any], list[tuple]] | None = None
        self._start()

    @in_workbook_language
    def _start(self) -> None:
        items = self.spec.items
        self.statistics = statistics_for(items)
        self.directions = labels.directions()
        stat_columns: list[str] = []
        for stat in self.statistics:
            name = statistic_column(stat.item_code, stat.kind)
            stat_columns += [name, f"{name}_mark"]
            if stat.direction_code:
                stat_columns.append(f"{name}_direction")
        self.stat_columns = stat_columns
        self.monthly = _Table([*STATION_COLUMNS, "year", "month", "days_in_month", *stat_columns])
        self.seasons = None
        self._season_groups: SeasonGroups | None = None
        if self.spec.period.season is not None:
            self._season_groups = SeasonGroups(self.spec, self.statistics, self._write_season)
            self.seasons = _Table(
                [
                    *STATION_COLUMNS,
                    "season_year",
                    "first_month",
                    "last_month",
                    "days_in_season",
                    "months_present",
                    *stat_columns,
                ]
            )
        self.sources = _Table(["block_no", "year", "month", "published", "url"])
        self._tables = [table for table in (self.monthly, self.seasons, self.sources) if table]

    # --- per station --------------------------------------------------------------------

    def _station(self, station: Station) -> tuple[list[Any], list[tuple]]:
        """The station's leading columns and, per item, (code, label, unit, text?, words)."""
        cached = self._station_cache
        if cached is None or cached[0] != station.block_no:
            prefecture = station.prefecture
            prefix = [
                station.block_no,
                station.name,
                station.name_en,
                prefecture.name_ja,
                prefecture.name_en,
                *station_meta(station).values(),
            ]
            columns = [
                (
                    item.code,
                    labels.item_label(item),
                    item.unit,
                    item.kind != WeatherItem.Kind.NUMBER,
                    self.directions if item.kind == WeatherItem.Kind.DIRECTION else None,
                )
                for item in self.spec.items
                if item.available_on(station.page_type)
            ]
            cached = (station.block_no, prefix, columns)
            self._station_cache = cached
        return cached[1], cached[2]

    def _write_days(self, station: Station, page: DailyPage) -> None:
        """One row per day and item the station's pages carry; missing values stay rows with
        an empty value and their quality code."""
        prefix, columns = self._station(station)
        writerow = self._daily.writerow
        year, month = page.year, page.month
        count = 0
        for day_row in page.rows:
            day = f"{year:04d}-{month:02d}-{day_row.day:02d}"
            values = day_row.values
            for code, label, unit, is_text, words in columns:
                obs: Observation | None = values.get(code)
                if obs is None:
                    continue
                value = obs.value
                quality = obs.quality
                if value is None:
                    number, text = None, None
                elif obs.no_phenomenon:
                    number, text = 0.0, None
                elif is_text:
                    number = None
                    text = words.get(value, value) if words is not None else value
                else:
                    number, text = value, None
                mark = QUALITY_MARKS.get(quality, "")
                if obs.no_phenomenon:  # "--", or "-- )" as JMA writes a quasi-normal one
                    mark = f"{NO_PHENOMENON_MARK} {mark}" if mark else NO_PHENOMENON_MARK
                writerow([*prefix, day, code, label, number, text, unit, quality, mark])
                count += 1
        self.row_count += count

    def _statistics(self, summary: dict[str, MonthlyValue]) -> list[Any]:
        row: list[Any] = []
        for stat in self.statistics:
            found = summary[stat.key]
            if found.value is None:
                row += [None, None]
            else:
                mark = COMPLETENESS_MARKS.get(found.completeness, "")
                if found.no_phenomenon:
                    mark = f"{NO_PHENOMENON_MARK} {mark}" if mark else NO_PHENOMENON_MARK
                row += [found.value, mark]
            if stat.direction_code:
                row.append(self.directions.get(found.direction, found.direction))
        return row

    # --- seasons: the same whole seasons as 季節別 (batch/workbook/season_groups.py) ---

    def _write_season(self, row: SeasonRow) -> None:
        assert self.seasons is not None
        prefix, _columns = self._station(row.station)
        self.seasons.writer.writerow(
            [
                *prefix,
                row.year,
                str(row.months[0]),
                str(row.months[-1]),
                row.days,
                row.months_with_data,
                *self._statistics(row.values),
            ]
        )

    # --- the run ------------------------------------------------------------------------

    @in_workbook_language
    def add_month(self, station: Station, result: MonthResult) -> None:
        self.station_months += 1
        self.sources.writer.writerow(
            [station.block_no, result.year, result.month, int(result.page is not None),
             result.source_url]
        )  # fmt: skip
        if self._season_groups is not None:
            self._season_groups.add(station, result)
        page = result.page
        if page is None:
            self._unpublished[station.block_no].append((result.year, result.month))
            return
        self.published_months += 1
        self._write_days(station, page)
        prefix, _columns = self._station(station)
        self.monthly.writer.writerow(
            [
                *prefix,
                page.year,
                page.month,
                calendar.monthrange(page.year, page.month)[1],
                *self._statistics(summarize_month(page, self.spec.items)),
            ]
        )

    @in_workbook_language
    def save(self, path: Path) -> None:
        if Path(path) != self.path:
            raise ValueError("a CSV archive is saved where it was started")
        if self._season_groups is not None:
            self._season_groups.flush()
        self._daily_text.flush()
        self._daily_text.detach()
        self._daily_member.close()
        archive = self._archive
        self.monthly.copy_into(archive, MONTHLY_NAME)
        if self.seasons is not None:
            self.seasons.copy_into(archive, SEASONS_NAME)
        self.sources.copy_into(archive, SOURCES_NAME)
        archive.writestr(README_NAME, readme_text(self).encode(ENCODING))
        archive.close()
        for table in self._tables:
            table.close()

    def discard(self) -> None:
        """Close everything after a failed or interrupted run (the pipeline removes the file)."""
        for close in (self._daily_member.close, self._archive.close):
            with contextlib.suppress(OSError, ValueError, RuntimeError):
                close()
        for table in self._tables:
            table.close()


def _readme_columns() -> list[tuple[str, str]]:
    return [
        ("block_no", _("JMA station number (text: read it as a string to keep 0074's zeros)")),
        ("station_name", _("Station name as JMA writes it")),
        ("station_name_en", _("Station name in romaji")),
        ("prefecture", _("Prefecture, as JMA writes it")),
        ("prefecture_en", _("Prefecture in English")),
        ("latitude", _("Latitude, decimal degrees north")),
        ("longitude", _("Longitude, decimal degrees east")),
        ("elevation_m", _("Elevation in metres (empty where JMA gives none)")),
        ("date", _("Day of the observation, ISO 8601 (YYYY-MM-DD), Japan time")),
        ("item", _("Item code (see Items below)")),
        ("item_label", _("Item name")),
        (
            "value",
            _(
                "The value, a number in the unit of the unit column; empty when missing "
                "(see quality); 0 when JMA wrote -- (no phenomenon, see mark)"
            ),
        ),
        ("value_text", _("Wind directions and weather summaries (text items); else empty")),
        ("unit", _("Unit of value")),
        ("quality", _("JMA's quality code: 8, 5, 4, 2, 1 or 0 (below)")),
        ("mark", _("JMA's mark beside the value on its page: ), ], #, ×, -- or empty")),
    ]


def _readme_marks() -> list[tuple[str, str, str]]:
    return [
        ("8", "", _("Normal value")),
        (
            "5",
            ")",
            _("Quasi-normal: some source data missing, within tolerance (about 80% present)"),
        ),
        ("4", "]", _("Insufficient data: too much source data missing, the value is only a bound")),
        ("2", "#", _("Doubtful: value withheld (value empty)")),
        ("1", "×", _("Missing (value empty; JMA writes × or ///)")),
        ("0", "", _("Not observed (value empty)")),
        (
            "8",
            "--",
            _(
                "No phenomenon (no rain or snow at all): value 0. A precipitation of 0.0 with "
                "no mark means some rain below 0.5 mm"
            ),
        ),
    ]


@in_workbook_language
def _readme_head(writer: CsvZipWriter) -> list[str]:
    """The title, attribution, request, period, season and data rows."""
    spec = writer.spec
    lines = [
        _("JMA historical weather data (daily values)"),
        "",
        labels.attribution(),
        _("Created by processing data from the JMA website (%(url)s)")
        % {"url": labels.JMA_DATA_URL},
        _(
            "When you publish or pass on these data, name the source as above; the page of "
            "every station-month is in %(file)s."
        )
        % {"file": SOURCES_NAME},
        "",
    ]
    if spec.request_id is not None:
        lines.append(f"{_('Request no.')}: {spec.request_id}")
    lines.append(f"{_('Period')}: {info._period(spec)}")
    season = spec.period.season
    if season is not None:
        lines.append(
            f"{_('Season (months of each year)')}: {info._season(season.first, season.last)}"
        )
        cut = spec.period.cut_season_years()
        if cut:
            lines.append(
                f"{_('Seasons left out')}: "
                + _(
                    "%(years)s: cut by the period's edges, so not in %(file)s (their months are "
                    "in %(daily)s and %(monthly)s)"
                )
                % {
                    "years": labels.join(str(year) for year in cut),
                    "file": SEASONS_NAME,
                    "daily": DAILY_NAME,
                    "monthly": MONTHLY_NAME,
                }
            )
    lines.append(f"{_('Data rows')}: {writer.row_count:,}")
    return lines


def _readme_files(spec: WorkbookSpec) -> list[tuple[str, str]]:
    """The files of the zip and what each holds."""
    files = [
        (DAILY_NAME, _("One row per station, day and item (long format)")),
        (MONTHLY_NAME, _("One row per station and month: JMA's monthly statistics")),
    ]
    if spec.period.season is not None:
        files.append(
            (
                SEASONS_NAME,
                _(
                    "One row per station and season-year (a season cut by the period's start "
                    "or end is left out): the same statistics"
                ),
            )
        )
    files += [
        (SOURCES_NAME, _("The JMA page of every station-month, and whether it had data (1/0)")),
        (README_NAME, _("This file")),
    ]
    return files


def _readme(writer: CsvZipWriter) -> str:
    """README.txt's lines, section after section as the file reads."""
    lines = _readme_head(writer)
    lines += ["", _("Files"), ""]
    files = _readme_files(writer.spec)
    lines += [f"  {name}: {text}" for name, text in files]
    lines += [
        "",
        _(
            "Every CSV is UTF-8 with a byte-order mark (Excel opens it as UTF-8), comma-"
            "separated, with the column names on the first line; empty means no value."
        ),
        "",
        _("Columns of %(file)s") % {"file": DAILY_NAME},
        "",
    ]
    lines += [f"  {name}: {text}" for name, text in _readme_columns()]
    lines += [
        "",
        _(
            "Items a station's pages do not carry have no rows for that station; station-"
            "months JMA published nothing for have no rows (see Warnings)."
        ),
        "",
        _("Quality codes and marks"),
        "",
    ]
    lines += [f"  {quality}  {mark or '-':>3}  {text}" for quality, mark, text in _readme_marks()]
    lines += [
        "",
        _("Columns of %(file)s and %(seasons)s") % {"file": MONTHLY_NAME, "seasons": SEASONS_NAME},
        "",
        _(
            "The station columns as above, then per statistic <item>_<statistic> (mean, sum, "
            'max or min; the value in the item\'s unit), <item>_<statistic>_mark (")" '
            'quasi-normal, "]" insufficient, "--" no phenomenon: value 0) and, for '
            "maximum wind and gust, <item>_<statistic>_direction. seasons.csv counts the "
            "months present in months_present."
        ),
        _(
            "The statistics follow JMA's monthly values, computed from the daily values: "
            "means use days of quality 8 and 5 only (rounded half up to 0.1, humidity to "
            "whole numbers); totals and extremes also use insufficient (]) days. With days "
            'missing (insufficient days included) the mark is ")" when at most 20% are '
            'missing and "]" beyond that. The direction of a maximum wind or gust is the '
            "direction on the day of that maximum."
        ),
        "",
        _("Items"),
        "",
    ]
    for item in writer.spec.items:
        unit = f" ({item.unit})" if item.unit else ""
        lines.append(f"  {item.code}: {labels.item_label(item)}{unit}")
    lines += ["", _("Warnings"), ""]
    lines += [f"  {warning}" for warning in writer.warnings() or [_("none")]]
    return "\r\n".join(lines) + "\r\n"


def readme_text(writer: CsvZipWriter) -> str:
    """README.txt: what each file and column holds, marks and quality codes, and JMA's
    attribution, in the request's language."""
    return _readme(writer)
