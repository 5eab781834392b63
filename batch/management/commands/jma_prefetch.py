"""`python manage.py jma_prefetch --stations 47662 0074 --from 2015-01 --to 2024-12`
`python manage.py jma_prefetch --all-stations --last-month`

Warms the month cache at the lowest priority (batch.prefetch): user requests always go first.
config/deploy/jma-prefetch.timer runs the second form monthly, once the last month is final.
Exits 1 with one line when the arguments are wrong or some month could not be fetched.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from batch.prefetch import last_final_month, prefetch
from common import clock
from common.period import Period, YearMonth
from repository.models import Station

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def _month(value: str, name: str) -> YearMonth:
    match = _MONTH.match(value)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise CommandError(f"jma_prefetch: {name} must be YYYY-MM, not {value!r}")
    return YearMonth(int(match.group(1)), int(match.group(2)))


class Command(BaseCommand):
    help = (
        "Fetch station-months into the month cache at the lowest priority, giving way to user "
        "requests. Months already cached are skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--stations", nargs="+", metavar="BLOCK_NO", help="e.g. 47662 0074")
        which.add_argument("--all-stations", action="store_true", help="every active station")
        parser.add_argument("--from", dest="start", metavar="YYYY-MM", help="first month")
        parser.add_argument("--to", dest="end", metavar="YYYY-MM", help="last month")
        parser.add_argument(
            "--last-month",
            action="store_true",
            help="the latest month that is final today (ended JMA_FINAL_AFTER_DAYS days ago)",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        period = self._period(opts)  # before any database access: bad arguments first
        stations = self._stations(opts)
        months = list(period.months())
        self.stdout.write(
            f"jma_prefetch: {len(stations)} station(s) x {len(months)} month(s) "
            f"({period.start}..{period.end}), lowest priority"
        )
        report = prefetch(stations, months)
        self.stdout.write(f"jma_prefetch: {report.summary()}")
        if report.failed:
            raise CommandError(
                f"jma_prefetch: {len(report.failed)} month(s) failed, first: {report.failed[0]}"
            )

    def _stations(self, opts: dict[str, Any]) -> list[Station]:
        if opts["all_stations"]:
            return list(Station.objects.filter(is_active=True).order_by("block_no"))
        wanted = list(dict.fromkeys(opts["stations"] or []))
        found = {s.block_no: s for s in Station.objects.filter(block_no__in=wanted)}
        unknown = [block_no for block_no in wanted if block_no not in found]
        if unknown:
            raise CommandError(f"jma_prefetch: unknown station(s): {', '.join(unknown)}")
        return [found[block_no] for block_no in wanted]

    def _period(self, opts: dict[str, Any]) -> Period:
        if not opts["all_stations"] and not opts["stations"]:
            raise CommandError("jma_prefetch: give --stations BLOCK_NO ... or --all-stations")
        if opts["last_month"]:
            if opts["start"] or opts["end"]:
                raise CommandError("jma_prefetch: --last-month cannot be combined with --from/--to")
            month = YearMonth(*last_final_month())
            return Period(month, month)
        if not opts["start"] or not opts["end"]:
            raise CommandError("jma_prefetch: give --from YYYY-MM --to YYYY-MM, or --last-month")
        start, end = _month(opts["start"], "--from"), _month(opts["end"], "--to")
        if start > end:
            raise CommandError("jma_prefetch: --from is after --to")
        if end > YearMonth.of_date(clock.today_jst()):
            raise CommandError("jma_prefetch: --to is in the future (Japan time)")
        return Period(start, end)
