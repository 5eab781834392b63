"""Admin for accounts and master data, plus read-only views of what the batch keeps.

The request queue's admin (with retry/cancel actions) lives in presentation/admin.py because
its actions call application services, and repository must not depend on application.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _lazy

from repository.models import (
    AnnualObservation,
    CanaryRun,
    MailOutbox,
    MonthlyObservation,
    Prefecture,
    RecordsWanted,
    Station,
    StationRecords,
    StationSite,
    User,
    WeatherItem,
    Worker,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """For rows only the batch writes: operators look, they do not edit."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "name"]
    fieldsets = (
        (None, {"fields": ("email", "password", "name")}),
        (_lazy("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_lazy("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Prefecture)
class PrefectureAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ja", "name_en", "representative_station"]
    search_fields = ["code", "name_ja", "name_en"]
    raw_id_fields = ["representative_station"]


class StationSiteInline(admin.TabularInline):
    model = StationSite
    extra = 0


@admin.register(Station)
class StationAdmin(admin.ModelAdmin):
    list_display = [
        "block_no",
        "name",
        "kana",
        "name_en",
        "kind",
        "page_type",
        "prefecture",
        "is_active",
    ]
    list_filter = ["prefecture", "kind", "page_type", "is_active"]
    search_fields = ["name", "kana", "name_en", "block_no"]
    list_select_related = ["prefecture"]
    list_per_page = 100
    inlines = [StationSiteInline]


@admin.register(WeatherItem)
class WeatherItemAdmin(admin.ModelAdmin):
    list_display = ["code", "label_ja", "label_en", "unit", "kind", "on_s1", "on_a1", "is_active"]
    list_filter = ["kind", "on_s1", "on_a1", "is_derived", "is_active"]
    search_fields = ["code", "label_ja", "label_en"]


@admin.register(MonthlyObservation)
class MonthlyObservationAdmin(ReadOnlyAdmin):
    list_display = ["station", "year", "month", "no_data", "is_final", "fetched_at"]
    list_filter = ["is_final", "no_data", "page_type"]
    search_fields = ["station__block_no", "station__name"]
    list_select_related = ["station"]
    exclude = ["payload"]


@admin.register(AnnualObservation)
class AnnualObservationAdmin(ReadOnlyAdmin):
    """Stations' 年ごとの値 pages (one row per station, every year packed)."""

    list_display = ["station", "page_type", "first_year", "last_year", "no_data", "fetched_at"]
    list_filter = ["page_type", "no_data"]
    search_fields = ["station__block_no", "station__name"]
    list_select_related = ["station"]
    exclude = ["packed"]


@admin.register(StationRecords)
class StationRecordsAdmin(ReadOnlyAdmin):
    """Observatories' 観測史上1〜10位の値 pages (refetched in each new JST month)."""

    list_display = ["station", "no_data", "fetched_at", "source_url"]
    list_filter = ["no_data"]
    search_fields = ["station__block_no", "station__name"]
    list_select_related = ["station"]
    exclude = ["packed"]


@admin.register(RecordsWanted)
class RecordsWantedAdmin(ReadOnlyAdmin):
    """Records readers asked for through the API, waiting for the daemon's records thread."""

    list_display = ["station", "wanted_at"]
    search_fields = ["station__block_no", "station__name"]
    list_select_related = ["station"]


@admin.register(MailOutbox)
class MailOutboxAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "to_email", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status"]
    search_fields = ["to_email", "subject", "dedupe_key"]
    raw_id_fields = ["request"]


@admin.register(Worker)
class WorkerAdmin(ReadOnlyAdmin):
    list_display = [
        "worker_id",
        "host",
        "pid",
        "threads",
        "started_at",
        "heartbeat_at",
        "stopped_at",
    ]
    search_fields = ["worker_id", "host"]


@admin.register(CanaryRun)
class CanaryRunAdmin(ReadOnlyAdmin):
    """`manage.py jma_canary` runs, latest first: does JMA's real markup still read?"""

    list_display = ("finished_at", "outcome", "summary", "base_url")
    list_filter = ("outcome",)
    readonly_fields = ("started_at", "finished_at", "outcome", "base_url", "page_lines")
    exclude = ("pages",)

    @admin.display(description=_lazy("pages (parsed / refused / unreachable)"))
    def summary(self, obj: CanaryRun) -> str:
        statuses = [page["status"] for page in obj.pages]
        return " / ".join(
            str(statuses.count(status)) for status in ("parsed", "refused", "unreachable")
        )

    @admin.display(description=_lazy("per page"))
    def page_lines(self, obj: CanaryRun) -> str:
        return "\n".join(
            f"{page['status']}: {page['label']}: {page['detail']} ({page['url']})"
            for page in obj.pages
        )
