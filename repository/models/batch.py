"""What the batch reads and writes: observations, mail outbox, workers, JMA budget, leases."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy

from repository.models.master import Station
from repository.models.queue import FileRequest

# --- What the batch reads and writes ----------------------------------------------------------


class MonthlyObservation(models.Model):
    """A parsed JMA month page; final months are never fetched again."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="months")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    page_type = models.CharField(max_length=2)
    no_data = models.BooleanField(default=False, help_text="JMA published nothing for this month")
    payload = models.JSONField(default=dict, blank=True)  # version 1 (JSON); {} once packed
    # Version 2 and later: a version byte, then zlib-compressed columns (batch/jma/cache.py).
    packed = models.BinaryField(null=True, blank=True)
    fetched_at = models.DateTimeField(default=timezone.now)
    is_final = models.BooleanField(default=False)
    source_url = models.CharField(max_length=300)
    content_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["station", "year", "month"], name="monthobs_unique"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="monthobs_month"),
        ]

    def __str__(self) -> str:
        return f"{self.station.block_no} {self.year}-{self.month:02d}"


class MailOutbox(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "pending"
        SENT = "sent", "sent"
        FAILED = "failed", "failed"

    request = models.ForeignKey(
        FileRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="mails"
    )
    to_email = models.EmailField()
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(blank=True, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    locked_by = models.CharField(max_length=100, blank=True, default="")
    locked_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    dedupe_key = models.CharField(max_length=120, unique=True)

    class Meta:
        verbose_name_plural = _lazy("mail outbox")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="mail_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sent", "failed"]), name="mail_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.to_email}: {self.subject}"


class PasswordResetAsk(models.Model):
    """A "forgot my password" ask, answered by the batch daemon's mail thread.

    The HTTP request stores only this row, the same INSERT whatever the address, so neither
    the answer nor its timing tells whether the address has an account; the daemon looks the
    address up and queues the reset mail (MailOutbox), or drops the ask
    (batch/account_mail.py).
    """

    email = models.CharField(max_length=254)
    language = models.CharField(max_length=8)
    asked_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"reset asked for {self.email}"


class Worker(models.Model):
    """One batch daemon process, for operators and the health endpoint."""

    worker_id = models.CharField(max_length=100, unique=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    threads = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    heartbeat_at = models.DateTimeField(default=timezone.now, db_index=True)
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-heartbeat_at"]

    def __str__(self) -> str:
        return self.worker_id


class CanaryRun(models.Model):
    """One run of `manage.py jma_canary`: did a fixed sample of JMA's real pages still read?

    Operators learn from the latest run (admin, health report) that JMA changed a page before
    users do. pages: [{"label", "url", "status": parsed|refused|unreachable, "detail"}].
    """

    class Outcome(models.TextChoices):
        PARSED = "parsed", "every page parsed"
        LAYOUT_CHANGED = "layout_changed", "a page was refused: layout changed"
        UNREACHABLE = "unreachable", "no refusal, but some pages could not be fetched"

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(default=timezone.now, db_index=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    base_url = models.CharField(max_length=255)
    pages = models.JSONField(default=list)

    class Meta:
        ordering = ["-finished_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=["parsed", "layout_changed", "unreachable"]),
                name="canary_outcome_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.finished_at:%Y-%m-%d %H:%M} {self.outcome}"


class JmaBudget(models.Model):
    """The service-wide politeness budget: one row per JMA host, the next free request time.

    Every page request of every thread, process and host reserves its start here in a short
    transaction (batch.jma.budget), so adding daemons never adds load on JMA. A reservation
    is a time, not a lock: a daemon that dies holds nothing.
    """

    host = models.CharField(max_length=255, unique=True)
    next_free = models.FloatField(default=0.0, help_text="Unix time (database clock)")

    def __str__(self) -> str:
        return f"{self.host} free at {self.next_free:.3f}"


class MonthLease(models.Model):
    """A short lease on one station-month being fetched, so two requests fetch it once.

    The holder fetches and stores the month; others wait for the cache. An expired lease may
    be taken over (its holder died or is stuck), so it is never a lock held during a fetch.
    """

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    holder = models.CharField(max_length=100)
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["station", "year", "month"], name="monthlease_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.station_id} {self.year}-{self.month:02d} by {self.holder}"


class AnnualObservation(models.Model):
    """A station's parsed 年ごとの値 page: every year of its annual values in one packed row.

    The page is refetched while the years a caller needs may still change (the current year's
    row); rows of years that ended more than JMA_FINAL_AFTER_DAYS before the fetch are final.
    """

    station = models.OneToOneField(Station, on_delete=models.CASCADE, related_name="+")
    page_type = models.CharField(max_length=1, help_text="s: annually_s, a: annually_a")
    no_data = models.BooleanField(default=False, help_text="JMA published nothing")
    # A version byte, then zlib-compressed columns (batch/jma/station_cache.py).
    packed = models.BinaryField(null=True, blank=True)
    first_year = models.PositiveSmallIntegerField(null=True, blank=True)
    last_year = models.PositiveSmallIntegerField(null=True, blank=True)
    fetched_at = models.DateTimeField(default=timezone.now)
    source_url = models.CharField(max_length=300)
    content_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.station_id} annual {self.first_year}-{self.last_year}"


class StationRecords(models.Model):
    """A station's parsed 観測史上1〜10位の値 page (rank_s), refetched in each new JST month."""

    station = models.OneToOneField(Station, on_delete=models.CASCADE, related_name="+")
    page_type = models.CharField(max_length=1, help_text="s: rank_s")
    no_data = models.BooleanField(default=False, help_text="JMA published nothing")
    packed = models.BinaryField(null=True, blank=True)
    # The records as the API shows them, written by the batch with the page (the API reads
    # this, never the page or JMA): {"caption", "elements": [{"code", "name", "unit", "period",
    # "records": [{"rank", "value", "quality", "no_phenomenon", "direction", "date"}]}]}.
    view = models.JSONField(null=True, blank=True)
    fetched_at = models.DateTimeField(default=timezone.now)
    source_url = models.CharField(max_length=300)
    content_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name_plural = "station records"

    def __str__(self) -> str:
        return f"{self.station_id} records"


class RecordsWanted(models.Model):
    """A station whose records someone asked for through the API while they were not cached
    (or stale): the daemon fetches them (the HTTP thread never fetches JMA) and deletes the row."""

    station = models.OneToOneField(Station, on_delete=models.CASCADE, related_name="+")
    wanted_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"records of {self.station_id} wanted at {self.wanted_at:%Y-%m-%d %H:%M}"
