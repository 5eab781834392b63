"""The throttles' request logs (presentation/throttles.py), one row per limited client."""

from __future__ import annotations

from django.db import models


class RateHits(models.Model):
    """When one client (a user or an address, per scope) was let through, newest first, as
    JSON unix times: DRF's sliding log, kept where every worker and host sees it. A row is
    idle once `idle_after` has passed (no time in it counts any more); purge_expired_files
    deletes those."""

    client = models.CharField(max_length=200, primary_key=True, help_text="scope and who")
    history = models.TextField(default="[]")
    idle_after = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name_plural = "rate hits"

    def __str__(self) -> str:
        return self.client
