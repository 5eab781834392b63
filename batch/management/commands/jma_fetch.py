"""`python manage.py jma_fetch 47662 2012-09 [--json]`: fetch, parse and print one month;
`jma_fetch 47682 --hourly 2013-10-16` / `--10min 2013-10-16`: one day's hourly or 10-minute page.

`jma_fetch 47682 --annual` prints the station's annual values (年ごとの値, every year),
`jma_fetch 47682 --records` its records (観測史上1〜10位の値; AMeDAS stations: unavailable).
For operators: checks what the parser makes of the live page (e.g. after JMA changed a layout)
without touching the caches, unless --cache is given.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from batch.jma.cache import get_month
from batch.jma.client import JmaClient
from batch.jma.day_cache import get_day
from batch.jma.derive import add_derived
from batch.jma.errors import JmaError, NoDataPublished
from batch.jma.page import DailyPage, Observation
from batch.jma.page_types import subdaily_reading
from batch.jma.parse_annual import parse_annual_page
from batch.jma.parse_rank import parse_rank_a_page, parse_rank_page
from batch.jma.parser import parse_daily_page
from batch.jma.station_cache import UNAVAILABLE_TEXT, get_annual, get_records
from batch.jma.station_pages import (
    ANNUAL,
    RECORDS,
    annual_as_json,
    annual_as_text,
    records_as_json,
    records_as_text,
    station_page_url,
    where_for,
)
from batch.jma.subdaily_parser import parse_subdaily_page
from batch.management.commands._readings import as_json as reading_json
from batch.management.commands._readings import as_table as reading_table
from repository.models import Station

ATTRIBUTION = "出典：気象庁ホームページ"
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Command(BaseCommand):
    help = (
        "Fetch one station-month (or one day with --hourly/--10min, or the station's annual "
        "values or records) from JMA (JMA_BASE_URL), parse it and print it. Exits 1 with one "
        "line naming the page when it cannot be read."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("block_no", help="JMA station number, e.g. 47662 (Tokyo) or 0074")
        parser.add_argument("month", nargs="?", help="YYYY-MM, e.g. 2012-09")
        parser.add_argument("--hourly", metavar="DAY", help="the hourly page of YYYY-MM-DD")
        parser.add_argument(
            "--10min", dest="ten_minutes", metavar="DAY", help="the 10-minute page of YYYY-MM-DD"
        )
        parser.add_argument(
            "--annual", action="store_true", help="the station's annual values instead of a month"
        )
        parser.add_argument(
            "--records", action="store_true", help="the station's records instead of a month"
        )
        parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
        parser.add_argument(
            "--cache",
            action="store_true",
            help="go through the month, day or station-page cache (reads, stores)",
        )
        parser.add_argument("--save-html", metavar="PATH", help="also write the raw page here")

    def handle(self, *args: Any, **opts: Any) -> None:
        days = [(g, opts[key]) for g, key in (("hourly", "hourly"), ("10min", "ten_minutes"))]
        days = [(granularity, text) for granularity, text in days if text is not None]
        wholes = [kind for kind, key in ((ANNUAL, "annual"), (RECORDS, "records")) if opts[key]]
        if len(days) + len(wholes) + (opts["month"] is not None) != 1:
            raise CommandError(
                "give a month YYYY-MM, or one of --hourly DAY / --10min DAY / --annual / --records"
            )
        if days:
            granularity, text = days[0]
            self._day(_day(text, granularity), granularity, opts)
            return
        if wholes:
            self.stdout.write(fetch_station_page(_known(opts["block_no"]), wholes[0], opts))
            return
        match = _MONTH.match(opts["month"])
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise CommandError(f"month must be YYYY-MM, not {opts['month']!r}")
        year, month = int(match.group(1)), int(match.group(2))
        station = _known(opts["block_no"])
        page: DailyPage | None
        try:
            if opts["cache"]:
                result = get_month(station, year, month)
                page, url = result.page, result.source_url
            else:
                html, url = JmaClient().fetch_month_html(station, year, month)
                if opts["save_html"]:
                    with open(opts["save_html"], "wb") as fh:
                        fh.write(html)
                try:
                    page = add_derived(parse_daily_page(html, year=year, month=month))
                except NoDataPublished:
                    page = None
        except JmaError as exc:
            where = exc.where or f"{station.block_no} {year}-{month:02d}"
            message = str(exc) if exc.where else f"{where}: {exc}"
            raise CommandError(f"jma_fetch: {type(exc).__name__}: {message}") from exc

        if opts["json"]:
            self.stdout.write(
                json.dumps(as_json(station, year, month, url, page), ensure_ascii=False)
            )
        else:
            self.stdout.write(as_table(station, year, month, url, page))

    def _day(self, day: date, granularity: str, opts: dict[str, Any]) -> None:
        station = _known(opts["block_no"])
        try:
            if opts["cache"]:
                result = get_day(station, day, granularity)
                page, url = result.page, result.source_url
            else:
                html, url = JmaClient().fetch_day_html(station, day, granularity)
                if opts["save_html"]:
                    Path(opts["save_html"]).write_bytes(html)
                try:
                    page = parse_subdaily_page(html, granularity, day)
                except NoDataPublished:
                    page = None
        except JmaError as exc:
            where = exc.where or f"{station.block_no} {day.isoformat()} {granularity}"
            message = str(exc) if exc.where else f"{where}: {exc}"
            raise CommandError(f"jma_fetch: {type(exc).__name__}: {message}") from exc
        caption = f"{station.name} ({station.block_no}) {day.isoformat()} {granularity}  {url}"
        if page is None:
            if opts["json"]:
                doc = {"kind": granularity, "source_url": url, "no_data": True, "rows": []}
                self.stdout.write(json.dumps(doc, ensure_ascii=False))
            else:
                self.stdout.write(f"{caption}\nJMA published no data for this day.\n{ATTRIBUTION}")
            return
        reading = subdaily_reading(page, caption)
        if opts["json"]:
            doc = {**reading_json(reading), "source_url": url, "no_data": False}
            self.stdout.write(json.dumps(doc, ensure_ascii=False))
        else:
            self.stdout.write(reading_table(reading))


def _known(block_no: str) -> Station:
    station = Station.objects.filter(block_no=block_no).first()
    if station is None:
        raise CommandError(
            f"unknown station {block_no!r} (not in the station list; "
            "run `python manage.py seed_master`?)"
        )
    return station


def _day(text: str, granularity: str) -> date:
    try:
        if _DAY.match(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise CommandError(f"--{granularity} needs a day YYYY-MM-DD, not {text!r}")


def as_json(
    station: Station, year: int, month: int, url: str, page: DailyPage | None
) -> dict[str, Any]:
    return {
        "block_no": station.block_no,
        "station": station.name,
        "year": year,
        "month": month,
        "page_type": page.page_type if page else station.page_type,
        "source_url": url,
        "attribution": ATTRIBUTION,
        "no_data": page is None,
        "rows": [
            {
                "day": row.day,
                "values": {
                    code: {
                        "value": obs.value,
                        "quality": obs.quality,
                        "no_phenomenon": obs.no_phenomenon,
                    }
                    for code, obs in row.values.items()
                },
            }
            for row in (page.rows if page else [])
        ],
    }


def _cell(obs: Observation | None) -> str:
    if obs is None:
        return ""
    if obs.no_phenomenon:
        text = "--"
    elif obs.value is None:
        text = "·"
    elif isinstance(obs.value, float):
        text = f"{obs.value:g}"
    else:
        text = str(obs.value)
    return text if obs.quality == 8 else f"{text}q{obs.quality}"


def as_table(station: Station, year: int, month: int, url: str, page: DailyPage | None) -> str:
    title = f"{station.name} ({station.block_no}) {year}-{month:02d}  {url}"
    if page is None:
        return f"{title}\nJMA published no data for this month.\n{ATTRIBUTION}"
    codes = list(dict.fromkeys(code for row in page.rows for code in row.values))
    cells = [[_cell(row.values.get(code)) for code in codes] for row in page.rows]
    widths = [
        max(len(code), *(len(line[i]) for line in cells)) if cells else len(code)
        for i, code in enumerate(codes)
    ]
    lines = [title, f"daily_{page.page_type}, {len(page.rows)} days; qN = JMA quality code N"]
    lines.append("day  " + "  ".join(code.ljust(w) for code, w in zip(codes, widths, strict=True)))
    for row, line in zip(page.rows, cells, strict=True):
        lines.append(
            f"{row.day:>3}  " + "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True))
        )
    lines.append(ATTRIBUTION)
    return "\n".join(lines)


def fetch_station_page(station: Station, kind: str, opts: dict[str, Any]) -> str:
    """--annual / --records: the station's page, fetched (or through the cache), as text/JSON."""
    url = station_page_url(station, kind)
    page: Any = None
    note = ""
    try:
        if opts["cache"] and kind == ANNUAL:
            annual = get_annual(station)
            page, url = annual.page, annual.source_url
        elif opts["cache"]:
            records = get_records(station)
            page, url = records.page, records.source_url
            note = UNAVAILABLE_TEXT.get(records.unavailable, "")
        else:
            html, url = JmaClient().fetch_page(url, where_for(station, kind))
            if opts["save_html"]:
                with open(opts["save_html"], "wb") as fh:
                    fh.write(html)
            try:
                if kind == ANNUAL:
                    page = parse_annual_page(html)
                else:
                    page = (parse_rank_page if station.page_type == "s1" else parse_rank_a_page)(
                        html
                    )
            except NoDataPublished:
                page = None
    except JmaError as exc:
        message = str(exc) if exc.where else f"{where_for(station, kind)}: {exc}"
        raise CommandError(f"jma_fetch: {type(exc).__name__}: {message}") from exc
    if opts["json"]:
        body = {"block_no": station.block_no, "station": station.name, "source_url": url}
        if page is not None:
            body.update(annual_as_json(page) if kind == ANNUAL else records_as_json(page))
        else:
            body.update({"no_data": True, "note": note, "attribution": ATTRIBUTION})
        return json.dumps(body, ensure_ascii=False)
    title = f"{station.name} ({station.block_no}) {kind}  {url}"
    if page is None:
        return f"{title}\n{note or 'JMA published nothing for this station.'}\n{ATTRIBUTION}"
    return f"{title}\n" + (annual_as_text(page) if kind == ANNUAL else records_as_text(page))
