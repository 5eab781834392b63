"""The one place that says what time it is, so tests can reason about it."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()


def today_jst() -> date:
    """JMA publishes by Japan's calendar; 'current month' means Japan's month."""
    return timezone.localdate()
