"""The data model: master data, the request queue and what the batch produces.

The queue columns (status, run_after, claimed_by, lease_expires_at, ...) change only through
repository/queue/lifecycle.py, along the moves of repository/queue/states.py, called by the
batch DAO (explicit transactions) and the API's use cases. Indexes here exist for those
statements.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _lazy

from common.emails import normalize_email
from common.period import Period
from repository.day_cache_models import DayLease, SubdailyObservation  # noqa: F401 (registered)

# --- Accounts ---------------------------------------------------------------------------------


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        if not email:
            raise ValueError("email is required")
        user = self.model(email=normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("email_verified_at", timezone.now())  # made by an operator
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who requests workbooks; logs in with an email address."""

    email = models.EmailField(_lazy("email"), unique=True)
    name = models.CharField(_lazy("name"), max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # Set when the owner follows the link in the verification mail (application/accounts.py).
    email_verified_at = models.DateTimeField(_lazy("email verified at"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _lazy("user")

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        """Admin forms store addresses in the same form as sign-up does."""
        super().clean()
        self.email = normalize_email(self.email)


# --- Master data ------------------------------------------------------------------------------
# JMA's lists name prefectures, stations and items in Japanese; the English names are master
# data too (name_en, the station's romaji, label_en). `*_in(language)` picks one: these are
# data columns, so they are not in the text catalog; the default is the active language.


def _in(language: str | None, ja: str, en: str) -> str:
    """The value for `language` ('ja', 'en', 'en-us', ...): Japanese unless English exists."""
    return {"en": en or ja}.get((language or get_language() or "ja")[:2], ja)


class Prefecture(models.Model):
    code = models.CharField(_lazy("JIS code"), max_length=2, unique=True)
    name_ja = models.CharField(max_length=20)
    name_en = models.CharField(max_length=40)
    representative_station = models.ForeignKey(
        "Station", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name_ja}"

    def name_in(self, language: str | None = None) -> str:
        return _in(language, self.name_ja, self.name_en)


class Station(models.Model):
    """One JMA observation station, identified by block_no.

    JMA's list has 1,323 rows for 1,293 block numbers: 30 observatories measure some
    elements at a second site. Those sites are StationSite rows; the station itself is one.
    """

    class Kind(models.TextChoices):
        OFFICIAL = "官", "官 (official observatory)"
        FOUR_ELEMENT = "四", "四 (four-element AMeDAS)"
        RAIN = "雨", "雨 (rain-only AMeDAS)"

    class PageType(models.TextChoices):
        S1 = "s1", "daily_s1 (observatory)"
        A1 = "a1", "daily_a1 (AMeDAS)"

    block_no = models.CharField(max_length=5, unique=True)
    prec_no = models.CharField(_lazy("JMA area number"), max_length=2, db_index=True)
    station_no = models.CharField(_lazy("JMA station number"), max_length=5, blank=True)
    name = models.CharField(max_length=40, db_index=True)
    kana = models.CharField(max_length=80, db_index=True)
    # Hepburn of the kana without long-vowel marks (Tokyo, Osaka): seeding writes it
    # (common/romaji.py); English readers see it and search by it.
    name_en = models.CharField(_lazy("name in romaji"), max_length=80, blank=True)
    kind = models.CharField(max_length=1, choices=Kind.choices)
    page_type = models.CharField(max_length=2, choices=PageType.choices)
    prefecture = models.ForeignKey(Prefecture, on_delete=models.PROTECT, related_name="stations")
    area = models.CharField(max_length=40, blank=True)
    address = models.CharField(max_length=200, blank=True)
    latitude = models.FloatField()
    longitude = models.FloatField()
    elevation_m = models.FloatField(null=True, blank=True)
    observation_begin = models.CharField(
        _lazy("observation start (JMA text)"), max_length=60, blank=True
    )
    observation_started_on = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["prefecture__code", "block_no"]
        constraints = [
            models.CheckConstraint(
                condition=Q(page_type="s1") | Q(page_type="a1"), name="station_page_type_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.block_no})"

    def name_in(self, language: str | None = None) -> str:
        return _in(language, self.name, self.name_en)

    @staticmethod
    def page_type_for(block_no: str) -> str:
        return "s1" if len(block_no) == 5 else "a1"


class StationSite(models.Model):
    """Where a station's instruments stand (a second site for some observatories)."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="sites")
    position = models.PositiveSmallIntegerField()
    address = models.CharField(max_length=200, blank=True)
    latitude = models.FloatField()
    longitude = models.FloatField()
    elevation_m = models.FloatField(null=True, blank=True)
    elements = models.CharField(_lazy("elements observed here"), max_length=100, blank=True)
    note = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["station", "position"]
        constraints = [
            models.UniqueConstraint(fields=["station", "position"], name="site_station_position")
        ]

    def __str__(self) -> str:
        return f"{self.station.name} #{self.position} {self.elements}".strip()


class WeatherItem(models.Model):
    class Kind(models.TextChoices):
        NUMBER = "number", "number"
        DIRECTION = "direction", "direction"
        TEXT = "text", "text"

    class Aggregation(models.TextChoices):
        """How 月別集計 summarizes a month of daily values."""

        MEAN = "mean", "mean"
        MAX = "max", "maximum"
        MIN = "min", "minimum"
        SUM = "sum", "total"
        NONE = "none", "none"

    code = models.CharField(max_length=40, unique=True)
    label_ja = models.CharField(max_length=60)
    label_en = models.CharField(max_length=80)
    unit = models.CharField(max_length=10, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    aggregation = models.CharField(
        max_length=5, choices=Aggregation.choices, default=Aggregation.NONE
    )
    on_s1 = models.BooleanField(_lazy("on daily_s1 pages"))
    on_a1 = models.BooleanField(_lazy("on daily_a1 pages"))
    is_derived = models.BooleanField(default=False)
    display_order = models.PositiveSmallIntegerField()
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["display_order"]

    def __str__(self) -> str:
        return f"{self.label_ja} ({self.code})"

    def label_in(self, language: str | None = None) -> str:
        return _in(language, self.label_ja, self.label_en)

    def available_on(self, page_type: str) -> bool:
        return self.on_s1 if page_type == "s1" else self.on_a1


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
