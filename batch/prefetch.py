"""Warm the month cache at the lowest priority: JMA's pages fetched while nobody else needs them.

Every fetch takes its slot from the service-wide budget with low_priority=True: a slot is
taken only when no user's request has reserved one ahead. Otherwise the budget says GiveWay
and the prefetch lets go of the month (and its lease) and asks again a moment later. A user
request that starts just after a prefetch page waits at most that one slot.

Months already fresh in the cache cost nothing (get_month reads them and returns).
"""

from __future__ import annotations

import calendar
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings

from batch.jma.budget import DatabaseBudget, GiveWay
from batch.jma.cache import get_month
from batch.jma.client import JmaClient
from batch.jma.errors import JmaError
from common import clock
from repository.models import Station

log = logging.getLogger(__name__)


@dataclass
class PrefetchReport:
    fetched: int = 0  # pages fetched from JMA now
    cached: int = 0  # already fresh in the cache
    no_data: int = 0  # JMA published nothing (stored as such)
    gave_way: int = 0  # times a user's request went first
    failed: list[str] = field(default_factory=list)  # "47662 2020-03: why"

    def summary(self) -> str:
        return (
            f"{self.fetched} fetched, {self.cached} already cached, {self.no_data} without data, "
            f"{len(self.failed)} failed; gave way to user requests {self.gave_way} times"
        )


def last_final_month(today: date | None = None) -> tuple[int, int]:
    """The latest month that is final today (JST): ended more than JMA_FINAL_AFTER_DAYS ago."""
    today = today or clock.today_jst()
    year, month = today.year, today.month
    while True:
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        last_day = date(year, month, calendar.monthrange(year, month)[1])
        if today > last_day + timedelta(days=settings.JMA_FINAL_AFTER_DAYS):
            return year, month


def low_priority_client() -> JmaClient:
    return JmaClient(rate_limiter=DatabaseBudget(low_priority=True))


def prefetch(
    stations: Iterable[Station],
    months: Iterable[tuple[int, int]],
    *,
    client: JmaClient | None = None,
    sleep: Callable[[float], None] = time.sleep,
    on_month: Callable[[Station, int, int], None] | None = None,
) -> PrefetchReport:
    """Fetch each station-month not fresh in the cache, giving way to every user request."""
    client = client or low_priority_client()
    report = PrefetchReport()
    months = list(months)
    for station in stations:
        for year, month in months:
            while True:
                try:
                    result = get_month(station, year, month, client=client)
                except GiveWay as busy:
                    report.gave_way += 1
                    sleep(busy.retry_in_s)
                    continue
                except JmaError as exc:
                    report.failed.append(str(exc))
                    log.warning("prefetch: %s", exc)
                    break
                if result.from_cache:
                    report.cached += 1
                else:
                    report.fetched += 1
                    report.no_data += result.page is None
                break
            if on_month is not None:
                on_month(station, year, month)
    return report
