"""The queue: file requests, their owners' load, stations, items, result files, events.

The queue columns (status, run_after, claimed_by, lease_expires_at, ...) change only through
repository/queue/lifecycle.py, along the moves of repository/queue/states.py, called by the
batch DAO (explicit transactions) and the API's use cases. Indexes here exist for those
statements.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy

from common.period import Period
from repository.models.accounts import User
from repository.models.master import Station, WeatherItem

# --- The queue --------------------------------------------------------------------------------


class FileRequest(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "queued"
        RUNNING = "running", "running"
        SUCCEEDED = "succeeded", "succeeded"
        FAILED = "failed", "failed"
        CANCELLED = "cancelled", "cancelled"

    class Language(models.TextChoices):
        JA = "ja", "日本語"
        EN = "en", "English"

    class Granularity(models.TextChoices):
        DAILY = "daily", "daily"
        HOURLY = "hourly", "hourly"
        TEN_MINUTES = "10min", "10-minute"
        ANNUAL = "annual", "annual"

    class Format(models.TextChoices):
        XLSX = "xlsx", "Excel (.xlsx)"
        CSV = "csv", "CSV (.zip)"

    ACTIVE_STATUSES = (Status.QUEUED, Status.RUNNING)
    FINISHED_STATUSES = (Status.SUCCEEDED, Status.FAILED, Status.CANCELLED)

    owner = models.ForeignKey("User", on_delete=models.CASCADE, related_name="file_requests")
    start_year = models.PositiveSmallIntegerField()
    start_month = models.PositiveSmallIntegerField()
    end_year = models.PositiveSmallIntegerField()
    end_month = models.PositiveSmallIntegerField()
    # A window of months taken from every year of the period (6-8; 12-2 runs across the year
    # end, December counting with the next year's season). Both or neither.
    season_start_month = models.PositiveSmallIntegerField(null=True, blank=True)
    season_end_month = models.PositiveSmallIntegerField(null=True, blank=True)
    # The time scale (common/period.py GRANULARITIES). A sub-daily period is given by day:
    # start_day of the start month to end_day of the end month; NULL for the other scales.
    granularity = models.CharField(
        max_length=6, choices=Granularity.choices, default=Granularity.DAILY
    )
    start_day = models.PositiveSmallIntegerField(null=True, blank=True)
    end_day = models.PositiveSmallIntegerField(null=True, blank=True)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.JA)
    quality_columns = models.BooleanField(default=False)
    # The file made: the workbook, or a ZIP of CSVs (long daily values, monthly, seasons).
    format = models.CharField(
        _lazy("file format"), max_length=4, choices=Format.choices, default=Format.XLSX
    )

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    priority = models.SmallIntegerField(default=0, help_text="higher runs first")
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=5)
    run_after = models.DateTimeField(default=timezone.now)
    claimed_by = models.CharField(max_length=100, blank=True, default="")
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    cancel_requested = models.BooleanField(default=False)

    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    # Pages it needed from JMA when it entered the queue (created or retried): its station-
    # months minus those cached then. Counted in QueueLoad while it is queued or running.
    # NULL only on requests finished before it existed (nullable so that SQLite adds the
    # column without rebuilding the table, which would drop the QueueOwner triggers).
    pages_to_fetch = models.PositiveIntegerField(null=True, blank=True, default=None)

    # Why it stopped: a code and its parameters, rendered per reader (repository/queue/texts.py);
    # error_message keeps the English text for operators. NULL params: a row from before codes.
    error_code = models.CharField(max_length=40, blank=True, default="")
    error_message = models.TextField(blank=True, default="")
    error_params = models.JSONField(null=True, blank=True, default=None)
    # The texts in the request's language (as in the workbook and mail), and the same as codes.
    warnings = models.JSONField(default=list, blank=True)
    warning_codes = models.JSONField(null=True, blank=True, default=None)
    # Compared exactly: on MySQL/MariaDB the column has a binary collation (migration 0002).
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    stations = models.ManyToManyField(
        Station, through="FileRequestStation", related_name="file_requests"
    )
    items = models.ManyToManyField(
        WeatherItem, through="FileRequestItem", related_name="file_requests"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "run_after", "priority"], name="req_claim_idx"),
            models.Index(fields=["owner", "status"], name="req_owner_status_idx"),
            models.Index(fields=["status", "lease_expires_at"], name="req_lease_idx"),
            models.Index(fields=["owner", "-created_at"], name="req_owner_created_idx"),
            # An owner's next request, and its earliest due time (QueueOwner, batch/dao/claims.py).
            models.Index(
                fields=["owner", "status", "cancel_requested", "-priority", "created_at", "id"],
                name="req_owner_head_idx",
            ),
            models.Index(
                fields=["owner", "status", "cancel_requested", "run_after"],
                name="req_owner_due_idx",
            ),
        ]
        constraints = [
            # NULL keys never collide (SQL semantics on both SQLite and MariaDB).
            models.UniqueConstraint(
                fields=["owner", "idempotency_key"], name="req_owner_idempotency_key"
            ),
            models.CheckConstraint(
                condition=Q(start_month__gte=1, start_month__lte=12), name="req_start_month_1_12"
            ),
            models.CheckConstraint(
                condition=Q(end_month__gte=1, end_month__lte=12), name="req_end_month_1_12"
            ),
            models.CheckConstraint(
                condition=Q(season_start_month__isnull=True, season_end_month__isnull=True)
                | Q(
                    # NULL makes a comparison unknown, which a CHECK lets through: say not NULL.
                    season_start_month__isnull=False,
                    season_end_month__isnull=False,
                    season_start_month__gte=1,
                    season_start_month__lte=12,
                    season_end_month__gte=1,
                    season_end_month__lte=12,
                ),
                name="req_season_both_1_12",
            ),
            models.CheckConstraint(
                condition=Q(granularity__in=["daily", "hourly", "10min", "annual"]),
                name="req_granularity_valid",
            ),
            models.CheckConstraint(
                condition=Q(format__in=["xlsx", "csv"]), name="req_format_valid"
            ),
            models.CheckConstraint(
                condition=Q(start_day__isnull=True)
                | Q(start_day__isnull=False, start_day__gte=1, start_day__lte=31),
                name="req_start_day_1_31",
            ),
            models.CheckConstraint(
                condition=Q(end_day__isnull=True)
                | Q(end_day__isnull=False, end_day__gte=1, end_day__lte=31),
                name="req_end_day_1_31",
            ),
            models.CheckConstraint(
                condition=Q(start_year__lt=F("end_year"))
                | Q(start_year=F("end_year"), start_month__lte=F("end_month")),
                name="req_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "succeeded", "failed", "cancelled"]),
                name="req_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(progress_done__lte=F("progress_total")) | Q(progress_total=0),
                name="req_progress_bounded",
            ),
        ]

    def __str__(self) -> str:
        period = self.period
        return f"#{self.pk} {period.start}..{period.end} {self.status}"

    @property
    def period(self) -> Period:
        """The months asked for (and the season), from the six columns above."""
        return Period.of(
            self.start_year,
            self.start_month,
            self.end_year,
            self.end_month,
            self.season_start_month,
            self.season_end_month,
            self.granularity,
            self.start_day,
            self.end_day,
        )

    @property
    def counted_pages(self) -> int:
        """The pages QueueLoad counts this request with while it is active."""
        return self.progress_total if self.pages_to_fetch is None else self.pages_to_fetch


class QueueOwner(models.Model):
    """One row per owner with queued or running requests: what the claim reads in index order.

    `running` is kept exact by database triggers on FileRequest (migration 0003); any change to
    an owner's queued rows sets `dirty`, and the batch DAO then recomputes the owner's next
    request (`head_*`, `ready`) and earliest `due_at`. Claiming reads owners by (running,
    head priority, head age) from one index, so its cost does not grow with the backlog.
    No foreign key constraint: the triggers must never fail a FileRequest write.
    """

    owner = models.OneToOneField(
        User, primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    running = models.IntegerField(default=0)
    dirty = models.BooleanField(default=False)
    ready = models.BooleanField(default=False, help_text="has a queued request")
    head_priority = models.SmallIntegerField(default=0)
    head_created_at = models.DateTimeField(null=True, blank=True)
    head_id = models.BigIntegerField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["ready", "running", "-head_priority", "head_created_at", "head_id"],
                name="queueowner_claim_idx",
            ),
            models.Index(fields=["dirty"], name="queueowner_dirty_idx"),
        ]

    def __str__(self) -> str:
        return f"owner {self.owner_id}: {self.running} running, head {self.head_id}"


class QueueLoad(models.Model):
    """How many queued or running requests needed `pages` pages when they entered the queue.

    Kept by repository/queue/lifecycle.py on every move into or out of the active states, in
    the move's transaction, so that the queue ahead of an estimate (the sum of min(r_j, r)
    over active requests) is one aggregate over at most one row per distinct page count,
    whatever the number of queued requests (issue 22). `lifecycle.rebuild_queue_load()`
    recounts it from the requests.
    """

    pages = models.PositiveIntegerField(primary_key=True)
    requests = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.requests} requests of {self.pages} pages"


class FileRequestStation(models.Model):
    request = models.ForeignKey(FileRequest, on_delete=models.CASCADE, related_name="station_rows")
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["request", "position"]
        constraints = [
            models.UniqueConstraint(fields=["request", "station"], name="reqstation_unique"),
            models.UniqueConstraint(fields=["request", "position"], name="reqstation_position"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id}#{self.position}: {self.station_id}"


class FileRequestItem(models.Model):
    request = models.ForeignKey(FileRequest, on_delete=models.CASCADE, related_name="item_rows")
    item = models.ForeignKey(WeatherItem, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["request", "position"]
        constraints = [
            models.UniqueConstraint(fields=["request", "item"], name="reqitem_unique"),
            models.UniqueConstraint(fields=["request", "position"], name="reqitem_position"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id}#{self.position}: {self.item_id}"


class ResultFile(models.Model):
    request = models.OneToOneField(FileRequest, on_delete=models.CASCADE, related_name="result")
    storage_name = models.CharField(max_length=255, unique=True)
    download_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    row_count = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)
    purged_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.storage_name

    @property
    def is_available(self) -> bool:
        return self.purged_at is None and self.expires_at > timezone.now()


class RequestEvent(models.Model):
    """The timeline of one request, shown to its owner and in admin.

    `kind` is the event's code and `data` its parameters, rendered in the reader's language
    (repository/queue/texts.py). `message` holds text only for rows from before codes and for
    warnings that came in as text.
    """

    class Kind(models.TextChoices):
        QUEUED = "queued", "queued"
        CLAIMED = "claimed", "claimed"
        PROGRESS = "progress", "progress"
        PAGE_ERROR = "page_error", "page error"
        RETRY_SCHEDULED = "retry_scheduled", "retry scheduled"
        LEASE_EXPIRED = "lease_expired", "lease expired"
        RELEASED = "released", "released"
        CANCEL_REQUESTED = "cancel_requested", "cancel requested"
        CANCELLED = "cancelled", "cancelled"
        RETRIED = "retried", "retried by user"
        SUCCEEDED = "succeeded", "succeeded"
        FAILED = "failed", "failed"
        MAIL_QUEUED = "mail_queued", "mail queued"
        MAIL_SENT = "mail_sent", "mail sent"
        FILE_PURGED = "file_purged", "file purged"

    request = models.ForeignKey(FileRequest, on_delete=models.CASCADE, related_name="events")
    created_at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    message = models.TextField(blank=True, default="")
    worker_id = models.CharField(max_length=100, blank=True, default="")
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["request", "created_at"], name="event_request_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.kind} {self.message}"
