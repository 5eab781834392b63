"""The one place that says what time it is, so tests can reason about it.

Every rule that depends on the date (the latest month a period may end in, whether a month is
final, when a link expires) asks this module, never `datetime.now()` or `date.today()`, so a
test can stop the clock at 31 December 23:59 JST with the host in UTC and see what a user would.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

JST = ZoneInfo("Asia/Tokyo")

_frozen_at: datetime | None = None


def now() -> datetime:
    """The current instant, timezone-aware (UTC unless frozen at another zone)."""
    return _frozen_at if _frozen_at is not None else timezone.now()


def now_jst() -> datetime:
    return now().astimezone(JST)


def today_jst() -> date:
    """JMA publishes by Japan's calendar; 'current month' means Japan's month.

    Japan's, whatever the host's or Django's time zone: a server in UTC still rolls the month
    over at 00:00 JST.
    """
    return now_jst().date()


@contextmanager
def frozen(at: datetime) -> Iterator[datetime]:
    """Stop the clock at `at` (aware; a naive time is taken as UTC) for the block."""
    global _frozen_at
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    previous, _frozen_at = _frozen_at, at
    try:
        yield at
    finally:
        _frozen_at = previous
