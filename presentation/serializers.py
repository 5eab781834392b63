"""JSON in and out. Input serializers check shapes and types only; the rules are in application/."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer

from application.accounts import normalize_email
from application.downloads import link_for, result_of
from application.requests import RequestView
from presentation.catalog_serializers import (  # noqa: F401 (the views use them as s.*)
    AvailabilitySerializer,
    OptionItemSerializer,
    OptionPrefectureSerializer,
    OptionsSerializer,
    OptionStationSerializer,
    StationHitSerializer,
    StationSearchQuerySerializer,
    StationSearchSerializer,
    YearMonthSerializer,
)
from presentation.fields import BoundedListField, ShallowFieldsSerializer
from presentation.tokens import SessionRefreshToken
from repository.models import FileRequest, RequestEvent, User
from repository.queue import texts

# --- Accounts ---------------------------------------------------------------------------------


class RegisterSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    password = serializers.CharField(
        max_length=128, write_only=True, style={"input_type": "password"}
    )
    name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")


class UserSerializer(serializers.ModelSerializer):
    email_verified = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "name", "date_joined", "email_verified"]
        read_only_fields = fields

    def get_email_verified(self, obj: User) -> bool:
        return obj.email_verified_at is not None

    def to_representation(self, user: User) -> dict:
        """The fields above, built directly: a ModelSerializer builds its fields from the
        model on every call, which was a third of GET auth/me/ (issue 22)."""
        return {
            "id": user.pk,
            "email": user.email,
            "name": user.name,
            "date_joined": _datetime(user.date_joined),
            "email_verified": self.get_email_verified(user),
        }


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class RegisteredSerializer(serializers.Serializer):
    detail = serializers.CharField()
    verification_required = serializers.BooleanField(
        help_text="Whether this server lets an account request only after its address is "
        "verified (REQUIRE_VERIFIED_EMAIL); the same for every address."
    )


class VerifiedSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=["verified", "already_verified"])
    detail = serializers.CharField()


class VerifyEmailSerializer(serializers.Serializer):
    uid = serializers.CharField(max_length=64)
    token = serializers.CharField(max_length=128)
    password = serializers.CharField(
        max_length=128,
        write_only=True,
        style={"input_type": "password"},
        help_text="the account's password from now on (Django's password rules)",
    )


class EmailTokenObtainPairSerializer(TokenObtainPairSerializer):
    """Emails are stored normalized (application.accounts.normalize_email); accept them as
    typed. Each log-in starts a session (presentation/tokens.py)."""

    token_class = SessionRefreshToken

    def validate(self, attrs: dict) -> dict:
        attrs[self.username_field] = normalize_email(attrs[self.username_field])
        return super().validate(attrs)


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField(help_text="send as `Authorization: Bearer <access>`")
    refresh = serializers.CharField(help_text="POST to auth/token/refresh/ for a new access")


class TokenRefreshedSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField(help_text="the next refresh token: the one sent is used up")


class PasswordResetSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254)


class PasswordResetConfirmSerializer(serializers.Serializer):
    uid = serializers.CharField(max_length=64, help_text="`uid` from the mailed link")
    token = serializers.CharField(max_length=128, help_text="`token` from the mailed link")
    new_password = serializers.CharField(
        max_length=128, write_only=True, style={"input_type": "password"}
    )


class CodeMessageSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


# --- Requests ---------------------------------------------------------------------------------


def _year() -> serializers.IntegerField:
    """A period's year: from the earliest JMA has to 9999."""
    return serializers.IntegerField(min_value=settings.EARLIEST_YEAR, max_value=9999)


def _month() -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=12)


def _optional(last: int, help_text: str | None = None) -> serializers.IntegerField:
    """An optional month (last 12) or day (last 31) of the period: null or left out."""
    return serializers.IntegerField(
        min_value=1,
        max_value=last,
        required=False,
        allow_null=True,
        default=None,
        help_text=help_text,
    )


def _codes(length: int, most: int, help_text: str) -> BoundedListField:
    """An optional list of codes (stations, prefectures, items), at most `most` of them."""
    return BoundedListField(
        child=serializers.CharField(max_length=length),
        required=False,
        max_length=most,
        default=list,
        help_text=help_text,
    )


class CreateRequestSerializer(ShallowFieldsSerializer):
    start_year = _year()
    start_month = _month()
    end_year = _year()
    end_month = _month()
    stations = _codes(5, 2000, "block_no of each station, in the order wanted in the workbook")
    prefectures = _codes(2, 47, "JIS codes; each stands for its representative station")
    items = _codes(
        40,
        100,
        "weather item codes (daily); hourly and 10min requests may leave them out: "
        "their sheet holds every element of JMA's page",
    )
    language = serializers.ChoiceField(choices=FileRequest.Language.choices, default="ja")
    quality_columns = serializers.BooleanField(default=False)
    format = serializers.ChoiceField(
        choices=FileRequest.Format.choices,
        default=FileRequest.Format.XLSX,
        help_text="xlsx: the workbook; csv: a ZIP of a long daily CSV (one row per station, "
        "day and item), the monthly and season tables and a README",
    )
    season_start_month = _optional(
        12,
        "with season_end_month: take only these months of every year (12 and 2: "
        "December to February, December counting with the next year's season)",
    )
    season_end_month = _optional(12)
    granularity = serializers.ChoiceField(
        choices=FileRequest.Granularity.choices,
        default=FileRequest.Granularity.DAILY,
        help_text="daily (a row per day), hourly or 10min (a JMA page per station-day, "
        "a row per hour or ten minutes), annual",
    )
    start_day = _optional(
        31, "hourly and 10min only: the first day, of start_year/start_month (default the 1st)"
    )
    end_day = _optional(
        31, "hourly and 10min only: the last day, of end_year/end_month (default the month's last)"
    )


class EstimateSerializer(serializers.Serializer):
    """POST requests/estimate/: what the body would need, at the current budget and queue."""

    granularity = serializers.CharField(help_text="daily, hourly or 10min, as asked")
    pages = serializers.IntegerField(
        help_text="JMA pages the selection needs: stations x months (daily), stations x days "
        "(hourly, 10min: one page per station-day)"
    )
    rows_per_day = serializers.IntegerField(help_text="1 (daily), 24 (hourly), 144 (10min)")
    station_months = serializers.IntegerField(
        help_text="stations x months of the period (= pages; station-days when sub-daily)"
    )
    cached = serializers.IntegerField(help_text="station-months already in the cache")
    to_fetch = serializers.IntegerField(help_text="pages to fetch from JMA (not cached)")
    rows = serializers.IntegerField(
        help_text="rows of the data sheet (stations x days x rows_per_day)"
    )
    seconds_per_page = serializers.FloatField(help_text="the service-wide pause between pages")
    queue_ahead_pages = serializers.IntegerField(
        help_text="pages of other queued/running requests fetched before this one's last page"
    )
    expected_seconds = serializers.FloatField(
        help_text="(queue_ahead_pages + to_fetch) x seconds_per_page; 0 when all is cached"
    )
    max_station_months = serializers.IntegerField(help_text="the service's limit per request")
    max_rows = serializers.IntegerField(help_text="data rows one Excel sheet can hold")
    within_limits = serializers.BooleanField(help_text="false: creating it would be refused")
    format = serializers.ChoiceField(choices=FileRequest.Format.choices)
    file_rows = serializers.IntegerField(
        help_text="rows of the file's main table: station-days (xlsx) or station-day-items (csv)"
    )
    file_bytes = serializers.IntegerField(help_text="rough size of the download in bytes")

    def to_representation(self, instance: dict) -> dict:
        """Each declared field's own to_representation, as DRF's would give, without the
        deep copy of every field DRF makes per serializer (the form asks on every change)."""
        return {
            name: None if instance[name] is None else field.to_representation(instance[name])
            for name, field in self._declared_fields.items()
        }


class RemainingEstimateSerializer(serializers.Serializer):
    remaining_pages = serializers.IntegerField(help_text="station-months still to fetch")
    expected_seconds = serializers.FloatField(help_text="at the current budget and queue")


class RequestStationSerializer(serializers.Serializer):
    block_no = serializers.CharField(source="station.block_no")
    name = serializers.CharField(source="station.name")
    name_en = serializers.CharField(
        source="station.name_en", allow_blank=True, help_text="romaji of the kana, e.g. Tokyo"
    )
    prefecture = serializers.CharField(source="station.prefecture.code")
    page_type = serializers.CharField(source="station.page_type")


class RequestItemSerializer(serializers.Serializer):
    code = serializers.CharField(source="item.code")
    label_ja = serializers.CharField(source="item.label_ja")
    label_en = serializers.CharField(source="item.label_en")
    unit = serializers.CharField(source="item.unit", allow_blank=True)


class ProgressSerializer(serializers.Serializer):
    done = serializers.IntegerField(source="progress_done", help_text="station-months done")
    total = serializers.IntegerField(source="progress_total")
    percent = serializers.SerializerMethodField()

    def get_percent(self, obj: FileRequest) -> float:
        return _percent(obj)


def _percent(obj: FileRequest) -> float:
    if obj.status == FileRequest.Status.SUCCEEDED:
        return 100.0
    if not obj.progress_total:
        return 0.0
    return round(100.0 * obj.progress_done / obj.progress_total, 1)


class RequestErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class FileInfoSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="file name offered on download")
    size = serializers.IntegerField(help_text="bytes")
    sha256 = serializers.CharField()
    rows = serializers.IntegerField(help_text="rows on the データ sheet")
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    available = serializers.BooleanField()
    url = serializers.URLField(help_text="download with your access token")
    download_url = serializers.URLField(
        allow_null=True, help_text="the no-login link sent by mail (expires)"
    )


class EventSerializer(serializers.ModelSerializer):
    at = serializers.DateTimeField(source="created_at")
    message = serializers.CharField(help_text="in the reader's language (Accept-Language)")
    params = serializers.DictField(
        help_text="the event's parameters (what `message` says, as data); {} for old events"
    )

    class Meta:
        model = RequestEvent
        fields = ["at", "kind", "message", "params"]

    def to_representation(self, event: RequestEvent) -> dict:
        return _event(event)


def _event(event: RequestEvent) -> dict:
    return {
        "at": _datetime(event.created_at),
        "kind": event.kind,
        "message": texts.event_text(event.kind, event.data, event.message),
        "params": texts.public_params(event.data),
    }


_PK_PROBE = 987654321


def _absolute(request, name: str, pk: int) -> str:
    path = reverse(name, args=[pk])
    return request.build_absolute_uri(path) if request is not None else path


def _url_template(request, name: str) -> tuple[str, str]:
    """(before, after) the pk in the absolute URL of `name`: reversed once, then each row's
    URL is `before + str(pk) + after`, as _absolute() would build it."""
    before, after = _absolute(request, name, _PK_PROBE).split(str(_PK_PROBE))
    return before, after


class FileRequestSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    stations = RequestStationSerializer(source="station_rows", many=True)
    items = RequestItemSerializer(source="item_rows", many=True)
    progress = ProgressSerializer(source="*")
    error = serializers.SerializerMethodField()
    file = serializers.SerializerMethodField()

    class Meta:
        model = FileRequest
        fields = [
            "id",
            "url",
            "status",
            "start_year",
            "start_month",
            "end_year",
            "end_month",
            "season_start_month",
            "season_end_month",
            "granularity",
            "start_day",
            "end_day",
            "language",
            "quality_columns",
            "format",
            "stations",
            "items",
            "progress",
            "attempts",
            "max_attempts",
            "cancel_requested",
            "warnings",
            "error",
            "file",
            "created_at",
            "updated_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    def _url(self, name: str, pk: int) -> str:
        """The absolute URL of `name` for `pk`; reversed once per serializer (one response;
        the same child serializer renders every row of a page)."""
        templates = self.__dict__.setdefault("_url_templates", {})
        if name not in templates:
            templates[name] = _url_template(self.context.get("request"), name)
        before, after = templates[name]
        return f"{before}{pk}{after}"

    def get_url(self, obj: FileRequest) -> str:
        return self._url("api:request-detail", obj.pk)

    @extend_schema_field(RequestErrorSerializer(allow_null=True))
    def get_error(self, obj: FileRequest) -> dict | None:
        return texts.request_error(obj)

    @extend_schema_field(FileInfoSerializer(allow_null=True))
    def get_file(self, obj: FileRequest) -> dict | None:
        result = result_of(obj)
        if result is None:
            return None
        return {
            "name": result.download_name,
            "size": result.size,
            "sha256": result.sha256,
            "rows": result.row_count,
            "created_at": _datetime(result.created_at),
            "expires_at": _datetime(result.expires_at),
            "available": result.is_available,
            "url": self._url("api:request-file", obj.pk),
            "download_url": link_for(obj),
        }

    def to_representation(self, view: RequestView) -> dict:
        """The fields declared above (which the schema shows), built directly from a
        RequestView (application.requests), faster than DRF's generic path."""
        dt = _datetime
        obj = view.request
        return {
            "id": obj.pk,
            "url": self.get_url(obj),
            "status": obj.status,
            "start_year": obj.start_year,
            "start_month": obj.start_month,
            "end_year": obj.end_year,
            "end_month": obj.end_month,
            "season_start_month": obj.season_start_month,
            "season_end_month": obj.season_end_month,
            "granularity": obj.granularity,
            "start_day": obj.start_day,
            "end_day": obj.end_day,
            "language": obj.language,
            "quality_columns": obj.quality_columns,
            "format": obj.format,
            "stations": view.stations,
            "items": view.items,
            "progress": {
                "done": obj.progress_done,
                "total": obj.progress_total,
                "percent": _percent(obj),
            },
            "attempts": obj.attempts,
            "max_attempts": obj.max_attempts,
            "cancel_requested": obj.cancel_requested,
            "warnings": texts.request_warnings(obj),
            "error": self.get_error(obj),
            "file": self.get_file(obj),
            "created_at": dt(obj.created_at),
            "updated_at": dt(obj.updated_at),
            "started_at": dt(obj.started_at) if obj.started_at else None,
            "finished_at": dt(obj.finished_at) if obj.finished_at else None,
        }


_DATETIME = serializers.DateTimeField()


def _datetime(value: datetime | None) -> str | None:
    """What _DATETIME.to_representation gives (ISO 8601 in the current time zone, "Z" for
    UTC, None for None), without its per-call settings and time zone lookups: a page of 20
    requests renders 40 of them."""
    if value is None or timezone.is_naive(value):
        return _DATETIME.to_representation(value)
    text = value.astimezone(timezone.get_current_timezone()).isoformat()
    return f"{text[:-6]}Z" if text.endswith("+00:00") else text


class FileRequestDetailSerializer(FileRequestSerializer):
    timeline = EventSerializer(source="events", many=True)
    estimate = RemainingEstimateSerializer(
        source="remaining",
        allow_null=True,
        help_text="while queued or running: pages left and expected seconds; otherwise null",
    )

    class Meta(FileRequestSerializer.Meta):
        fields = [*FileRequestSerializer.Meta.fields, "timeline", "estimate"]
        read_only_fields = fields

    def to_representation(self, view: RequestView) -> dict:
        data = super().to_representation(view)
        remaining = view.remaining
        data["estimate"] = remaining.as_dict() if remaining is not None else None
        data["timeline"] = [_event(e) for e in view.events]
        return data


class RequestListQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=FileRequest.Status.values, required=False)


# --- Health -----------------------------------------------------------------------------------


class ProbeSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=["ok", "unavailable"])
    message = serializers.CharField()


class HealthSerializer(serializers.Serializer):
    """code and message for anyone; the rest for staff and HEALTH_TOKEN only."""

    code = serializers.ChoiceField(choices=["ok", "unhealthy"])
    message = serializers.CharField()
    checked_at = serializers.DateTimeField(required=False)
    database = serializers.DictField(required=False)
    workers = serializers.DictField(allow_null=True, required=False)
    queue = serializers.DictField(allow_null=True, required=False)
    # The layout canary's last run: status parsed | layout_changed | unreachable | never_run.
    canary = serializers.DictField(allow_null=True, required=False)
