"""Short leases on station-day pages (hourly, 10-minute), so a day two requests need is fetched
once: what batch.jma.lease is for months, on its own table (DayLease).

The holder fetches and stores the day; the others read the cache until it appears there, the
lease is given back (the holder failed: one of them takes it) or it expires (the holder died).
Each step is one statement through the ORM, never a lock held during the fetch: an UPDATE that
takes a free, expired or own lease, else an INSERT that only one of several racers wins.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q

from batch.jma.lease import holder_id
from common import clock
from repository.models import DayLease

__all__ = ["holder_id", "release", "take"]


def take(station_id: int, day: date, granularity: str, holder: str, lease_s: float) -> bool:
    """True if `holder` now holds the day's lease (it was free, expired, or already its own)."""
    now = clock.now()
    expires = now + timedelta(seconds=lease_s)
    key = {"station_id": station_id, "day": day, "granularity": granularity}
    taken = (
        DayLease.objects.filter(**key)
        .filter(Q(expires_at__lte=now) | Q(holder=holder))
        .update(holder=holder, expires_at=expires)
    )
    if taken:
        return True
    try:
        with transaction.atomic():
            DayLease.objects.create(**key, holder=holder, expires_at=expires)
    except IntegrityError:
        return False  # someone else holds it (or took it just now)
    return True


def release(station_id: int, day: date, granularity: str, holder: str) -> None:
    """Give the lease back (only one's own); waiters then see the cache or take it."""
    DayLease.objects.filter(
        station_id=station_id, day=day, granularity=granularity, holder=holder
    ).delete()
