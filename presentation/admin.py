"""The request queue in Django admin: read-only, with retry and cancel actions.

The actions call the same application services as the API, so the rules (which states may be
retried or cancelled, the timeline events) are the same wherever an operator or user acts.
"""

from __future__ import annotations

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from application import requests as request_services
from application.errors import ApplicationError
from repository.models import (
    FileRequest,
    FileRequestItem,
    FileRequestStation,
    RequestEvent,
    ResultFile,
)
from repository.queue import texts


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class StationInline(ReadOnlyInline):
    model = FileRequestStation
    fields = ["position", "station"]
    readonly_fields = fields


class ItemInline(ReadOnlyInline):
    model = FileRequestItem
    fields = ["position", "item"]
    readonly_fields = fields


class EventInline(ReadOnlyInline):
    model = RequestEvent
    fields = ["created_at", "kind", "text", "worker_id", "data"]
    readonly_fields = fields

    @admin.display(description=_lazy("message"))
    def text(self, event: RequestEvent) -> str:
        """The event in the operator's language (stored as a code with parameters)."""
        return texts.event_text(event.kind, event.data, event.message)


class ResultInline(ReadOnlyInline):
    model = ResultFile
    fields = ["download_name", "size", "row_count", "sha256", "created_at", "expires_at"]
    readonly_fields = fields


@admin.register(FileRequest)
class FileRequestAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "owner",
        "period",
        "granularity",
        "status",
        "format",
        "progress",
        "attempts",
        "claimed_by",
        "created_at",
    ]
    list_filter = ["status", "granularity", "format", "language", "cancel_requested"]
    search_fields = ["owner__email", "=id", "claimed_by"]
    list_select_related = ["owner"]
    inlines = [StationInline, ItemInline, ResultInline, EventInline]
    actions = ["retry_selected", "cancel_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # the queue is the batch's; operators act through the actions only

    def has_operate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("repository.change_filerequest")

    @admin.display(description=_lazy("period"))
    def period(self, obj: FileRequest) -> str:
        period = obj.period
        text = f"{period.start} … {period.end}"
        if period.is_subdaily:
            text = f"{period.first_date} … {period.last_date}"
        if period.season is not None:
            text = _("%(period)s, months %(first)s-%(last)s of each year") % {
                "period": text,
                "first": period.season.first,
                "last": period.season.last,
            }
        return text

    @admin.display(description=_lazy("progress"))
    def progress(self, obj: FileRequest) -> str:
        if not obj.progress_total:
            return "–"
        percent = 100 * obj.progress_done // obj.progress_total
        return format_html("{}/{} ({}%)", obj.progress_done, obj.progress_total, percent)

    def _apply(self, request: HttpRequest, queryset: QuerySet, service, done_message: str) -> None:
        """done_message: a msgid with %(count)s, rendered in the operator's language."""
        done, refused = 0, []
        for file_request in queryset.order_by("id"):
            try:
                service(file_request, actor=request.user)
                done += 1
            except ApplicationError as exc:
                refused.append(f"#{file_request.pk}: {exc}")
        if done:
            self.message_user(request, done_message % {"count": done}, messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.WARNING)

    @admin.action(
        description=_lazy("Retry selected failed/cancelled requests"), permissions=["operate"]
    )
    def retry_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        done = _("Queued again: %(count)s request(s).")
        self._apply(request, queryset, request_services.retry_request, done)

    @admin.action(description=_lazy("Cancel selected requests"), permissions=["operate"])
    def cancel_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        done = _("Cancelled: %(count)s request(s).")
        self._apply(request, queryset, request_services.cancel_request, done)


# --- Login lockout (django-axes) ------------------------------------------------------------
# axes' own admin (AXES_ENABLE_ADMIN=False) navigates by date in SQL (CONVERT_TZ), which fails
# on a MariaDB without time zone tables; these are the same pages without that. Deleting an
# access attempt lifts its lockout (as `manage.py axes_reset` does).


def _without_date_hierarchy(base: type[admin.ModelAdmin]) -> type[admin.ModelAdmin]:
    return type(base.__name__, (base,), {"date_hierarchy": None})


admin.site.register(AccessAttempt, _without_date_hierarchy(AccessAttemptAdmin))
admin.site.register(AccessLog, _without_date_hierarchy(AccessLogAdmin))
admin.site.register(AccessFailureLog, _without_date_hierarchy(AccessFailureLogAdmin))
