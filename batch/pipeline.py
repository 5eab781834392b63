"""From a request's parameters to a finished workbook file: the one function the daemon calls.

fetch (through the month cache; hourly and 10-minute pages through the station-day cache)
-> parse -> derive -> write to a temporary file in the target
directory -> os.replace() to the final name. A crash, an error or an interruption never
leaves a partial file at the final name, and the temporary file is removed.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from batch.jma.cache import get_months
from batch.jma.client import JmaClient
from batch.jma.day_cache import get_days
from batch.jma.errors import LayoutChanged
from batch.jma.station_cache import get_annual, get_records
from batch.workbook.annual import AnnualWriter
from batch.workbook.csv_export import CsvZipWriter
from batch.workbook.spec import WorkbookSpec
from batch.workbook.subdaily import SubdailyWriter
from batch.workbook.writer import WorkbookWriter
from common.request_size import check_request_size
from repository.models import Station
from repository.request_pages import plan_pages


@dataclass(frozen=True)
class WorkbookOutcome:
    path: Path
    row_count: int
    size: int
    sha256: str
    station_months: int
    unavailable: list[str] = field(default_factory=list)  # "47662 2020-03": nothing published
    warnings: list[str] = field(default_factory=list)  # human-readable, in spec.language


class NothingPublished(Exception):
    """Permanent: JMA published nothing for any selected station-month."""

    def __init__(self, message: str, *, station_months: int | None = None) -> None:
        super().__init__(message)
        self.station_months = station_months  # the request's error text names the count


class JobInterrupted(Exception):
    """should_continue() said stop (cancelled, or the lease was lost)."""


def _file_digest(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def _add_months(
    writer: WorkbookWriter | CsvZipWriter,
    spec: WorkbookSpec,
    total: int,
    progress: Callable[[int, int], None] | None,
    should_continue: Callable[[], bool] | None,
    client: JmaClient | None,
) -> None:
    done = 0
    derived = any(item.is_derived for item in spec.items)
    plan = plan_pages(spec.stations, spec.period, spec.items, spec.format)
    for station in spec.stations:
        # One query reads the station's stored months; the rest are fetched in turn.
        results = get_months(station, spec.period.pages(), derived=derived, client=client)
        for _page in spec.period.pages():
            if should_continue is not None and not should_continue():
                raise JobInterrupted(f"stopped after {done} of {total} station-months")
            writer.add_month(station, next(results))  # fetched (if need be) only now
            done += 1
            if progress is not None:
                progress(done, total)
        through = plan.annual_through.get(station.pk)  # the CSV archive: never
        if through is not None and isinstance(writer, WorkbookWriter):
            _add_annual(writer, station, through, client)


def _add_days(
    writer: SubdailyWriter,
    spec: WorkbookSpec,
    total: int,
    progress: Callable[[int, int], None] | None,
    should_continue: Callable[[], bool] | None,
    client: JmaClient | None,
) -> None:
    """Station-day pages through the day cache (its lease, the one politeness budget), then
    the station's daily pages of the same months through the month cache, for 検算."""
    period = spec.period
    days = list(period.days())
    months = plan_pages(spec.stations, period, spec.items).check_months  # as the estimate counts
    done = 0
    for station in spec.stations:
        results = get_days(station, days, period.granularity, client=client)
        for _day in days:
            if should_continue is not None and not should_continue():
                raise JobInterrupted(f"stopped after {done} of {total} station-days")
            writer.add_day(station, next(results))
            done += 1
            if progress is not None:
                progress(done, total)
        for result in get_months(station, months, derived=False, client=client):
            if should_continue is not None and not should_continue():
                raise JobInterrupted(f"stopped after {done} of {total} station-days")
            writer.add_daily(station, result)


def _add_annual(
    writer: WorkbookWriter, station: Station, through_year: int, client: JmaClient | None
) -> None:
    """JMA's annual values for the 検算 sheet and the records for 記録: a page each per station
    (an observatory's records; the station cache, the one politeness budget), read where the
    request's page plan says (repository.request_pages: a whole year the station's items can be
    checked in), the plan the estimate counted. A page that cannot be read is said in the
    sheet; JMA being unavailable retries the request."""
    try:
        annual = get_annual(station, through_year=through_year, client=client)
    except LayoutChanged as exc:
        writer.add_annual(station, None, problem=writer.annual_problem(exc))
    else:
        writer.add_annual(station, annual)
    try:  # 記録: rank_s for observatories (cached for the JST month); AMeDAS: said unavailable
        records = get_records(station, client=client)
    except LayoutChanged as exc:
        writer.add_records(station, None, problem=writer.records_problem(exc))
    else:
        writer.add_records(station, records)


def _add_annual_pages(
    writer: AnnualWriter,
    spec: WorkbookSpec,
    total: int,
    progress: Callable[[int, int], None] | None,
    should_continue: Callable[[], bool] | None,
    client: JmaClient | None,
) -> None:
    """granularity=annual: one 年ごとの値 page per station (station cache), whatever the years."""
    for done, station in enumerate(spec.stations, start=1):
        if should_continue is not None and not should_continue():
            raise JobInterrupted(f"stopped after {done - 1} of {total} stations")
        writer.add_station(
            station, get_annual(station, through_year=spec.period.end.year, client=client)
        )
        if progress is not None:
            progress(done, total)


def build_workbook_file(
    spec: WorkbookSpec,
    out_path: Path,
    *,
    progress: Callable[[int, int], None] | None = None,
    should_continue: Callable[[], bool] | None = None,
    client: JmaClient | None = None,
) -> WorkbookOutcome:
    """Write the workbook for spec to out_path; see the module docstring for the guarantees.

    Raises RequestTooLarge before any fetch, NothingPublished, JobInterrupted, and the JMA
    errors (LayoutChanged, JmaUnavailable) unchanged.
    Long on purpose: the temporary file's whole life, from mkstemp to the rename or the
    clean-up, stays in one try block where it can be checked at a glance.
    """
    if not spec.stations or (not spec.items and not spec.period.is_subdaily):
        raise ValueError("a workbook needs at least one station and one item")
    check_request_size(len(spec.stations), spec.period)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    total = spec.station_month_count
    handle, temp_name = tempfile.mkstemp(
        prefix=f".{out_path.name}.", suffix=".part", dir=out_path.parent
    )
    os.close(handle)
    temp_path = Path(temp_name)
    writer: WorkbookWriter | SubdailyWriter | CsvZipWriter | AnnualWriter | None = None
    try:
        if spec.period.is_annual:  # a page per station: total is the number of stations
            writer = AnnualWriter(spec)
            _add_annual_pages(writer, spec, total, progress, should_continue, client)
            published, unit = writer.published, "stations"
        elif spec.period.is_subdaily:
            writer = SubdailyWriter(spec)
            _add_days(writer, spec, total, progress, should_continue, client)
            published, unit = writer.published_days, "station-days"
        else:
            # The CSV archive streams into the temporary file from its first row; the workbook
            # is assembled there by save(). Either way the rename below is the only way out.
            writer = CsvZipWriter(spec, temp_path) if spec.format == "csv" else WorkbookWriter(spec)
            _add_months(writer, spec, total, progress, should_continue, client)
            published, unit = writer.published_months, "station-months"
        if published == 0:
            raise NothingPublished(
                f"JMA published no data for any of the {total} selected {unit}",
                station_months=total,
            )
        writer.save(temp_path)
        size, sha256 = _file_digest(temp_path)
        temp_path.chmod(0o644)  # mkstemp makes 0600; the file is served to its owner later
        os.replace(temp_path, out_path)
    except BaseException:
        if writer is not None:
            writer.discard()
        temp_path.unlink(missing_ok=True)
        raise
    return WorkbookOutcome(
        path=out_path,
        row_count=writer.row_count,
        size=size,
        sha256=sha256,
        station_months=total,  # pages: station-days (sub-daily), stations (annual)
        unavailable=writer.unavailable(),
        warnings=writer.warnings(),
    )
