"""python manage.py build_workbook: one workbook, synchronously, through the daemon's pipeline.

    python manage.py build_workbook --stations 47662,0074 --from 2020-01 --to 2020-12 \\
        --items temp_avg,precip_total,absolute_humidity --out out.xlsx [--lang en] \\
        [--quality-columns] [--season 12-2] [--format csv --out out.zip]
    python manage.py build_workbook --annual --stations 47682,0376 --from 1961 --to 2026 \
        --items precip_total,temp_avg --out annual.xlsx   # JMA's annual values, a page a station
    python manage.py build_workbook --stations 47682,0376 --granularity hourly \
        --from 2013-10-15 --to 2013-10-17 --out storm.xlsx      # or --granularity 10min

Hourly and 10-minute workbooks take days (YYYY-MM-DD; a month YYYY-MM is all its days) and
every element of JMA's page (--items is not used).

Stations are block numbers (47662, 0074) or prefecture codes (13 = 東京都's representative
observatory). Bad arguments end with exit status 1 and one readable line.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from batch.jma.errors import JmaError
from batch.pipeline import JobInterrupted, NothingPublished, build_workbook_file
from batch.workbook.spec import WorkbookSpec
from common import clock
from common.period import ANNUAL, Period, Season, YearMonth
from common.request_size import RequestTooLarge
from repository.models import Prefecture, Station, WeatherItem

DEFAULT_ITEMS = "temp_avg,temp_max,temp_min,precip_total,sunshine_hours"
YEAR_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
YEAR_MONTH_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
GRANULARITIES = ("daily", "hourly", "10min")
SEASON = re.compile(r"^(\d{1,2})-(\d{1,2})$")
BAR_WIDTH = 30


def parse_year_month(text: str, option: str) -> YearMonth:
    match = YEAR_MONTH.match(text.strip())
    if not match:
        raise CommandError(f"{option} must look like 2020-01, not {text!r}")
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12:
        raise CommandError(f"{option}: month must be 1-12, not {month}")
    return YearMonth(year, month)


def parse_day(text: str, option: str) -> tuple[YearMonth, int | None]:
    """YYYY-MM-DD -> (its month, its day); YYYY-MM -> (the month, None: all its days)."""
    match = YEAR_MONTH_DAY.match(text.strip())
    if not match:
        return parse_year_month(text, option), None
    month = parse_year_month(f"{match[1]}-{match[2]}", option)
    day = int(match[3])
    if not 1 <= day <= month.days:
        raise CommandError(f"{option}: {month} has no day {day}")
    return month, day


def parse_season(text: str | None) -> Season | None:
    """--season 6-8 or 12-2 (across the year end) -> Season(6, 8) / Season(12, 2)."""
    if text is None:
        return None
    match = SEASON.match(text.strip())
    if not match:
        raise CommandError(f"--season must look like 6-8 or 12-2, not {text!r}")
    first, last = int(match[1]), int(match[2])
    if not (1 <= first <= 12 and 1 <= last <= 12):
        raise CommandError(f"--season: months must be 1-12, not {text!r}")
    return Season(first, last)


def resolve_stations(text: str) -> list[Station]:
    """Block numbers or prefecture codes, in the given order, without repeats."""
    tokens = [token.strip() for token in text.split(",") if token.strip()]
    if not tokens:
        raise CommandError("--stations needs at least one block number or prefecture code")
    stations: list[Station] = []
    for token in tokens:
        if not token.isdigit():
            raise CommandError(
                f"--stations: {token!r} is neither a block number (47662, 0074) "
                "nor a prefecture code (01-47)"
            )
        if len(token) <= 2:
            prefecture = (
                Prefecture.objects.select_related("representative_station__prefecture")
                .filter(code=token.zfill(2))
                .first()
            )
            if prefecture is None or prefecture.representative_station is None:
                raise CommandError(f"--stations: no prefecture with code {token}")
            station = prefecture.representative_station
        else:
            station = Station.objects.select_related("prefecture").filter(block_no=token).first()
            if station is None:
                raise CommandError(f"--stations: no station with block number {token}")
        if all(station.pk != known.pk for known in stations):
            stations.append(station)
    return stations


def resolve_items(text: str) -> list[WeatherItem]:
    codes = list(dict.fromkeys(code.strip() for code in text.split(",") if code.strip()))
    if not codes:
        raise CommandError("--items needs at least one item code")
    found = {item.code: item for item in WeatherItem.objects.filter(code__in=codes, is_active=True)}
    unknown = [code for code in codes if code not in found]
    if unknown:
        valid = ", ".join(WeatherItem.objects.filter(is_active=True).values_list("code", flat=True))
        raise CommandError(f"--items: unknown {', '.join(unknown)}; choose from {valid}")
    return [found[code] for code in codes]


class ProgressBar:
    """A one-line bar on a terminal; silent when output goes to a file or a pipe."""

    def __init__(self, stream: TextIO, unit: str = "station-months") -> None:
        self.stream = stream
        self.unit = unit
        self.enabled = stream.isatty()
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        filled = BAR_WIDTH * done // max(total, 1)
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        self.stream.write(f"\r[{bar}] {done}/{total} {self.unit}")
        self.stream.flush()
        self.drawn = True

    def finish(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()


class Command(BaseCommand):
    help = (
        "Build one Excel workbook (or, with --format csv, a ZIP of CSVs) of JMA daily (or "
        "hourly, 10-minute, annual) data through the batch daemon's pipeline."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--stations", required=True, help="block numbers or prefecture codes, comma-separated"
        )
        parser.add_argument(
            "--from", dest="start", required=True, help="first month, YYYY-MM (or day, YYYY-MM-DD)"
        )
        parser.add_argument(
            "--to", dest="end", required=True, help="last month, YYYY-MM (or day, YYYY-MM-DD)"
        )
        parser.add_argument(
            "--granularity",
            choices=GRANULARITIES,
            default="daily",
            help="daily values, or JMA's hourly or 10-minute pages (one per station-day)",
        )
        parser.add_argument(
            "--items", default=DEFAULT_ITEMS, help=f"item codes in order (default {DEFAULT_ITEMS})"
        )
        parser.add_argument(
            "--out", required=True, help="the file to write: .xlsx, or .zip with --format csv"
        )
        parser.add_argument(
            "--format",
            choices=["xlsx", "csv"],
            default="xlsx",
            help="xlsx: the workbook (default); csv: a ZIP of a long daily CSV, the monthly "
            "and season tables and a README",
        )
        parser.add_argument("--lang", choices=["ja", "en"], default="ja")
        parser.add_argument(
            "--quality-columns", action="store_true", help="a JMA quality-code column per item"
        )
        parser.add_argument(
            "--annual",
            action="store_true",
            help="JMA's annual values page (annually_s/a.php), years --from to --to: "
            "one page a station",
        )
        parser.add_argument(
            "--season",
            help="only these months of every year, e.g. 6-8, or 12-2 (December counts with "
            "the following year's season)",
        )

    def annual_period(self, options: dict[str, Any]) -> Period:
        """--annual: --from/--to are years (YYYY, or YYYY-MM whose month is ignored)."""
        years = []
        for option, text in (("--from", options["start"]), ("--to", options["end"])):
            head = text.strip().split("-")[0]
            if not (len(head) == 4 and head.isdigit()):
                raise CommandError(f"{option} must look like 2013 with --annual, not {text!r}")
            years.append(int(head))
        this_month = YearMonth.of_date(clock.today_jst())
        if years[0] > years[1]:
            raise CommandError(f"--from {years[0]} is after --to {years[1]}")
        if years[1] > this_month.year:
            raise CommandError(f"--to {years[1]} is in the future")
        if options.get("season"):
            raise CommandError("--season does not apply to --annual (JMA's whole years)")
        end_month = this_month.month if years[1] == this_month.year else 12
        return Period.of(years[0], 1, years[1], end_month, granularity=ANNUAL)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["annual"]:
            self.build(self.annual_period(options), options)
            return
        granularity = options.get("granularity") or "daily"
        subdaily = granularity != "daily"
        if subdaily:
            start, start_day = parse_day(options["start"], "--from")
            end, end_day = parse_day(options["end"], "--to")
        else:
            start, start_day = parse_year_month(options["start"], "--from"), None
            end, end_day = parse_year_month(options["end"], "--to"), None
        period = Period(
            start, end, parse_season(options.get("season")), granularity, start_day, end_day
        )
        if start > end or (subdaily and period.first_date > period.last_date):
            raise CommandError(f"--from {options['start']} is after --to {options['end']}")
        if start.year < settings.EARLIEST_YEAR:
            raise CommandError(f"--from: JMA's daily data begins in {settings.EARLIEST_YEAR}")
        if end > YearMonth.of_date(clock.today_jst()) or (
            subdaily and period.last_date > clock.today_jst()
        ):
            raise CommandError(f"--to {options['end']} is in the future")
        if period.is_empty:
            raise CommandError(f"--season {options['season']}: no month of it lies in the period")
        self.build(period, options)

    def build(self, period: Period, options: dict[str, Any]) -> None:
        subdaily = period.is_subdaily
        out = Path(options["out"])
        if options["format"] == "csv" and out.suffix.lower() != ".zip":
            raise CommandError(f"--out must name a .zip file with --format csv, not {out.name!r}")
        if options["format"] == "xlsx" and out.suffix.lower() != ".xlsx":
            raise CommandError(f"--out must name an .xlsx file, not {out.name!r}")
        spec = WorkbookSpec(
            stations=resolve_stations(options["stations"]),
            items=[] if subdaily else resolve_items(options["items"]),
            period=period,
            language=options["lang"],
            quality_columns=options["quality_columns"],
            format=options["format"],
        )
        bar = ProgressBar(sys.stderr, "station-days" if subdaily else "station-months")
        started = time.monotonic()
        try:
            outcome = build_workbook_file(spec, out, progress=bar)
        except (RequestTooLarge, NothingPublished, JmaError, JobInterrupted) as error:
            bar.finish()
            raise CommandError(str(error)) from error
        except KeyboardInterrupt:
            bar.finish()
            raise CommandError("interrupted; no file was written") from None
        bar.finish()
        unpublished = len(outcome.unavailable)
        self.stdout.write(
            f"{outcome.path}: {outcome.row_count:,} rows, {outcome.station_months:,} "
            f"{'station-days' if subdaily else 'station-months'} ({unpublished:,} not "
            f"published), {len(outcome.warnings)} warnings, "
            f"{outcome.size:,} bytes in {time.monotonic() - started:.1f} s"
        )
