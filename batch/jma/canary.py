"""The layout canary: fetch a small fixed sample of JMA's real pages and try to read each one.

JMA changes its pages without notice. The parser then refuses them (LayoutChanged) and every
request naming such a station fails; the canary lets an operator learn it first, from a daily
timer, the admin or the health report. The sample covers the page variants we know of
(docs/jma-source.md, "JMA page variants"): an observatory (daily_s1), AMeDAS stations
(daily_a1) with and without humidity, a rain-only station, and old months; the hourly and
10-minute pages of an observatory and an AMeDAS station (the days of tests/real_pages); annual
values of an observatory (annually_s) and an AMeDAS station (annually_a), an observatory's
records (rank_s), and one AMeDAS records page (rank_a): no real rank_a page has been checked,
so it is reported "unverified" with the layout found (caption, header, elements), never
"parsed". Pages go through the ordinary client, so the polite rate (JMA_MIN_INTERVAL_S, at
least 1 s on JMA's own site) and retries apply; the caches are neither read nor written.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime

from django.conf import settings

from batch.jma.client import JmaClient, day_url, month_url
from batch.jma.errors import JmaUnavailable, LayoutChanged, NoDataPublished
from batch.jma.parse_annual import parse_annual_page
from batch.jma.parse_rank import parse_rank_a_page, parse_rank_page
from batch.jma.parser import parse_daily_page
from batch.jma.station_pages import ANNUAL, RECORDS, station_page_url
from batch.jma.subdaily_parser import parse_subdaily_page
from common import clock
from repository.models import CanaryRun

log = logging.getLogger(__name__)

PARSED, REFUSED, UNREACHABLE = "parsed", "refused", "unreachable"
UNVERIFIED = "unverified"  # fetched, but of a type no parser reads yet (rank_a): shown, not judged


@dataclass(frozen=True)
class SamplePage:
    label: str
    prec_no: str
    block_no: str
    page_type: str
    year: int
    month: int
    day: int = 0  # the day of an hourly or 10-minute page
    granularity: str = "daily"  # or "hourly", "10min"; or a station's "annual", "records"

    @property
    def ref(self) -> tuple[str, str, str]:
        return (self.prec_no, self.block_no, self.page_type)

    @property
    def kind(self) -> str:
        return self.granularity

    @property
    def name(self) -> str:
        if self.granularity in (ANNUAL, RECORDS):
            file = "annually" if self.granularity == ANNUAL else "rank"
            return f"{self.label} ({self.block_no} {file}_{self.page_type[0]})"
        when = f"{self.year}-{self.month:02d}" + (f"-{self.day:02d}" if self.day else "")
        return f"{self.label} ({self.block_no} {self.granularity}_{self.page_type} {when})"


# Fixed, so one run compares with the last. Humidity per JMA's station list (note 湿度を除く).
SAMPLE: tuple[SamplePage, ...] = (
    SamplePage("observatory 東京", "44", "47662", "s1", 2023, 1),
    SamplePage("AMeDAS with humidity 府中", "44", "1133", "a1", 2024, 10),
    SamplePage("AMeDAS without humidity 八王子", "44", "0366", "a1", 2024, 10),
    SamplePage("AMeDAS before its humidity 我孫子", "45", "0376", "a1", 2013, 10),
    SamplePage("rain-only 世田谷", "44", "0368", "a1", 2024, 10),
    SamplePage("old month, observatory 東京", "44", "47662", "s1", 1965, 7),
    SamplePage("old month, AMeDAS 府中", "44", "1133", "a1", 1980, 1),
    SamplePage("hourly, observatory 千葉", "45", "47682", "s1", 2013, 10, 16, "hourly"),
    SamplePage("10-minute, observatory 千葉", "45", "47682", "s1", 2013, 10, 16, "10min"),
    SamplePage("hourly, AMeDAS 我孫子", "45", "0376", "a1", 2013, 10, 16, "hourly"),
    SamplePage("10-minute, AMeDAS 我孫子", "45", "0376", "a1", 2013, 10, 16, "10min"),
    SamplePage("annual values, observatory 千葉", "45", "47682", "s1", 0, 0, 0, ANNUAL),
    SamplePage("annual values, AMeDAS 我孫子", "45", "0376", "a1", 0, 0, 0, ANNUAL),
    SamplePage("records, observatory 千葉", "45", "47682", "s1", 0, 0, 0, RECORDS),
    SamplePage("records, AMeDAS 我孫子", "45", "0376", "a1", 0, 0, 0, RECORDS),
)


@dataclass(frozen=True)
class PageResult:
    label: str
    url: str
    status: str  # parsed | refused | unreachable | unverified
    detail: str


def check_page(client: JmaClient, page: SamplePage) -> PageResult:
    """Fetch and parse one sample page; never raises for what a page can do wrong."""
    if page.granularity in (ANNUAL, RECORDS):
        return check_station_page(client, page)
    if page.granularity != "daily":
        return check_day_page(client, page)
    url = month_url(page.ref, page.year, page.month)
    try:
        html, url = client.fetch_month_html(page.ref, page.year, page.month)
    except JmaUnavailable as exc:
        return PageResult(page.name, url, UNREACHABLE, str(exc))
    try:
        parsed = parse_daily_page(html, year=page.year, month=page.month)
    except LayoutChanged as exc:
        return PageResult(page.name, url, REFUSED, str(exc))
    except NoDataPublished:
        return PageResult(
            page.name, url, REFUSED, "JMA answered with its no-data page; the sample expects data"
        )
    observed = {
        code: sum(1 for row in parsed.rows if row.values[code].value is not None)
        for code in ("temp_avg", "humidity_avg", "precip_total")
        if code in parsed.rows[0].values
    }
    counts = ", ".join(f"{code} on {n} days" for code, n in observed.items())
    detail = f"daily_{parsed.page_type}, {len(parsed.rows)} days; {counts}"
    return PageResult(page.name, url, PARSED, detail)


def check_day_page(client: JmaClient, page: SamplePage) -> PageResult:
    """check_page for an hourly or 10-minute page."""
    day = date(page.year, page.month, page.day)
    url = day_url(page.ref, day, page.granularity)
    try:
        html, url = client.fetch_day_html(page.ref, day, page.granularity)
        parsed = parse_subdaily_page(html, page.granularity, day)
    except JmaUnavailable as exc:
        return PageResult(page.name, url, UNREACHABLE, str(exc))
    except LayoutChanged as exc:
        return PageResult(page.name, url, REFUSED, str(exc))
    except NoDataPublished:
        return PageResult(
            page.name, url, REFUSED, "JMA answered with its no-data page; the sample expects data"
        )
    observed = {
        code: sum(1 for row in parsed.rows if row.values[code].value is not None)
        for code in ("temp", "humidity", "precip_total")
    }
    counts = ", ".join(f"{code} in {n} rows" for code, n in observed.items())
    detail = f"{page.granularity}_{parsed.page_type}, {len(parsed.rows)} rows; {counts}"
    return PageResult(page.name, url, PARSED, detail)


def check_station_page(client: JmaClient, page: SamplePage) -> PageResult:
    """An annual or records page: fetched and parsed; rank_a fetched and described only."""
    url = station_page_url(page.ref, page.kind)
    try:
        html, url = client.fetch_page(url, f"{page.block_no} {page.kind}")
    except JmaUnavailable as exc:
        return PageResult(page.name, url, UNREACHABLE, str(exc))
    if page.page_type == "a1" and page.kind != ANNUAL:
        try:
            parse_rank_a_page(html)  # refuses every page, describing what it found
        except (LayoutChanged, NoDataPublished) as exc:
            return PageResult(page.name, url, UNVERIFIED, str(exc))
    try:
        if page.kind == ANNUAL:
            annual = parse_annual_page(html)
            last = annual.years[-1]
            partial = sum(1 for obs in annual.rows[last].values() if obs.quality == 4)
            detail = (
                f"annually_{annual.page_type}, {len(annual.columns)} columns, "
                f"{annual.years[0]}-{last}; {last}: {partial} values ]"
            )
        else:
            records = parse_rank_page(html)
            top = records.elements.get("precip_total_day_high")
            detail = f"rank_s, {len(records.elements)} elements"
            if top and top.records:
                detail += (
                    f"; 日降水量 1位 {top.records[0].value.value} ({top.records[0].date.text})"
                )
    except LayoutChanged as exc:
        return PageResult(page.name, url, REFUSED, str(exc))
    except NoDataPublished:
        return PageResult(
            page.name, url, REFUSED, "JMA answered with its no-data page; the sample expects data"
        )
    return PageResult(page.name, url, PARSED, detail)


def outcome_of(results: Sequence[PageResult]) -> str:
    """layout_changed if any page was refused, else unreachable if any failed, else parsed
    (an unverified rank_a page counts as neither: it is there to be read by a person)."""
    statuses = {result.status for result in results}
    if REFUSED in statuses:
        return CanaryRun.Outcome.LAYOUT_CHANGED
    if UNREACHABLE in statuses:
        return CanaryRun.Outcome.UNREACHABLE
    return CanaryRun.Outcome.PARSED


def run_canary(
    client: JmaClient | None = None,
    sample: Sequence[SamplePage] = SAMPLE,
    report: Callable[[PageResult], None] | None = None,
) -> CanaryRun:
    """Check every sample page in turn and store the run (the latest is what operators see)."""
    client = client or JmaClient()
    started: datetime = clock.now()
    results: list[PageResult] = []
    try:
        for page in sample:
            result = check_page(client, page)
            log.info("canary: %s %s: %s", result.status, result.label, result.detail)
            results.append(result)
            if report is not None:
                report(result)
    finally:
        client.close()
    return CanaryRun.objects.create(
        started_at=started,
        finished_at=clock.now(),
        outcome=outcome_of(results),
        base_url=settings.JMA_BASE_URL,
        pages=[asdict(result) for result in results],
    )
