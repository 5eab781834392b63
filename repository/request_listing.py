"""One owner's requests, newest first, a page at a time, and one request with its timeline,
in raw parameterized queries: what GET requests/ and GET requests/<id>/ read on every call
(the front end polls them).

Through the ORM the page (a select_related join of 45 columns) and its count cost about half
of the listing's CPU, most of it building their SQL (issue 22). `OwnRequests` is what a
Django Paginator asks of its object list: count() and a slice. `Model.objects.raw` keeps the
database's converters. A request has a result file only once it has succeeded (the batch
writes both in one transaction; a retry deletes the file first), so files are read for the
succeeded requests of the page alone, in one more query when there are any.
"""

from __future__ import annotations

from django.db import connection

from repository.models import FileRequest, RequestEvent, ResultFile

SUCCEEDED = FileRequest.Status.SUCCEEDED.value


class OwnRequests:
    """The requests of `owner_id` (only those in `status`, if given), newest first."""

    def __init__(self, owner_id: int, status: str | None = None):
        q = connection.ops.quote_name
        self._table = q(FileRequest._meta.db_table)
        self._where = "owner_id = %s" + (" AND status = %s" if status else "")
        self._params: list[object] = [owner_id, status] if status else [owner_id]

    def count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM {self._table} WHERE {self._where}",  # noqa: S608
                self._params,
            )
            return int(cursor.fetchone()[0])

    def __getitem__(self, window: slice) -> list[FileRequest]:
        start, stop = window.start or 0, window.stop
        if stop is None or window.step not in (None, 1):
            raise TypeError("OwnRequests takes a bounded slice: a page")
        if stop <= start:
            return []
        sql = (
            f"SELECT * FROM {self._table} WHERE {self._where} "  # noqa: S608
            "ORDER BY created_at DESC, id DESC LIMIT %s OFFSET %s"
        )
        page = list(FileRequest.objects.raw(sql, [*self._params, stop - start, start]))
        _attach_files(page)
        return page


def own_request(owner_id: int, request_id: int) -> FileRequest | None:
    """One request of the owner's, its file loaded (what a detail reads), or None."""
    table = connection.ops.quote_name(FileRequest._meta.db_table)
    sql = f"SELECT * FROM {table} WHERE id = %s AND owner_id = %s"  # noqa: S608
    found = list(FileRequest.objects.raw(sql, [request_id, owner_id]))
    _attach_files(found)
    return found[0] if found else None


def active_count(owner_id: int) -> int:
    """How many of the owner's requests are queued or running (the per-user limit's count)."""
    table = connection.ops.quote_name(FileRequest._meta.db_table)
    active = [status.value for status in FileRequest.ACTIVE_STATUSES]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {table} WHERE owner_id = %s AND status IN (%s, %s)",  # noqa: S608
            [owner_id, *active],
        )
        return int(cursor.fetchone()[0])


def timeline(request_id: int) -> list[RequestEvent]:
    """The request's events, oldest first (RequestEvent's ordering)."""
    table = connection.ops.quote_name(RequestEvent._meta.db_table)
    sql = f"SELECT * FROM {table} WHERE request_id = %s ORDER BY created_at, id"  # noqa: S608
    return list(RequestEvent.objects.raw(sql, [request_id]))


def _attach_files(page: list[FileRequest]) -> None:
    """Each request's result file (or None) as select_related("result") leaves it."""
    succeeded = [each.pk for each in page if each.status == SUCCEEDED]
    files: dict[int, ResultFile] = {}
    if succeeded:
        table = connection.ops.quote_name(ResultFile._meta.db_table)
        marks = ", ".join(["%s"] * len(succeeded))
        sql = f"SELECT * FROM {table} WHERE request_id IN ({marks})"  # noqa: S608
        files = {file.request_id: file for file in ResultFile.objects.raw(sql, succeeded)}
    for each in page:
        FileRequest.result.related.set_cached_value(each, files.get(each.pk))
