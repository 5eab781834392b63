"""The station-day cache of JMA's hourly and 10-minute pages (SubdailyObservation, DayLease).

Imported by repository/models/__init__.py, so Django registers these models with the app.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

GRANULARITIES = (("hourly", "hourly"), ("10min", "10-minute"))


class SubdailyObservation(models.Model):
    """A parsed JMA hourly or 10-minute page (one station-day), packed as the month cache is.

    A day more than JMA_FINAL_AFTER_DAYS before it was fetched is final: never fetched again.
    """

    station = models.ForeignKey("repository.Station", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    granularity = models.CharField(max_length=6, choices=GRANULARITIES)
    page_type = models.CharField(max_length=2)
    no_data = models.BooleanField(default=False, help_text="JMA published nothing for this day")
    # A version byte, then zlib-compressed columns (batch/jma/day_cache.py); None if no_data.
    packed = models.BinaryField(null=True, blank=True)
    fetched_at = models.DateTimeField(default=timezone.now)
    is_final = models.BooleanField(default=False)
    source_url = models.CharField(max_length=300)
    content_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["station", "day", "granularity"], name="subdailyobs_unique"
            ),
            models.CheckConstraint(
                condition=Q(granularity__in=["hourly", "10min"]), name="subdailyobs_granularity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.station_id} {self.day:%Y-%m-%d} {self.granularity}"


class DayLease(models.Model):
    """A short lease on one station-day page being fetched, as MonthLease is for months."""

    station = models.ForeignKey("repository.Station", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    granularity = models.CharField(max_length=6, choices=GRANULARITIES)
    holder = models.CharField(max_length=100)
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["station", "day", "granularity"], name="daylease_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.station_id} {self.day:%Y-%m-%d} {self.granularity} by {self.holder}"
