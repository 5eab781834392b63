"""Issue 22: the hot endpoints cost a fixed number of queries, whatever the size of the queue
(everyone's) and of the owner's own history, and the queue ahead is kept incrementally
(QueueLoad, by repository/queue/lifecycle.py) yet stays right through create, claim,
progress, finish and cancel.

Expected page counts are counted by hand from the selections (no month is cached here).
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from application.requests import create_request
from batch import dao
from batch.dao.finish import StoredFile
from repository.models import FileRequest, FileRequestStation, QueueLoad, Station, User
from repository.queue import lifecycle
from tests.api.conftest import client_for, make_user, valid_body

pytestmark = pytest.mark.django_db

ESTIMATE = "/api/v1/requests/estimate/"
REQUESTS = "/api/v1/requests/"


def _fill(user: User, n: int, *, station: str = "47662") -> None:
    """n queued one-station, one-year requests (12 pages each) of `user`, stored in bulk;
    QueueLoad recounted as the migration does."""
    rows = FileRequest.objects.bulk_create(
        FileRequest(
            owner=user,
            start_year=2019,
            start_month=1,
            end_year=2019,
            end_month=12,
            progress_total=12,
            pages_to_fetch=12,
        )
        for _ in range(n)
    )
    if rows and rows[0].pk is None:  # MariaDB does not return the ids of a bulk insert
        rows = list(FileRequest.objects.filter(owner=user).order_by("id"))
    tokyo = Station.objects.get(block_no=station)
    FileRequestStation.objects.bulk_create(
        FileRequestStation(request=row, station=tokyo, position=1) for row in rows
    )
    with connection.cursor() as cursor:
        lifecycle.rebuild_queue_load(cursor)


def _queries(call) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code < 300, response.content
    return len(captured), response


def _counts(owner: User, crowd: User) -> dict[str, int]:
    api = client_for(owner)
    mine, _ = create_request(owner, **valid_body())
    api.get("/api/v1/options/")  # the master data is cached (catalog.OPTIONS_CACHE_S)
    # The owner's throttle log exists, as after any first create (that one inserts it).
    api.post(REQUESTS, valid_body(end_month=1), format="json")
    counts = {
        "estimate": _queries(lambda: api.post(ESTIMATE, valid_body(), format="json"))[0],
        "detail": _queries(lambda: api.get(f"{REQUESTS}{mine.pk}/"))[0],
        "list": _queries(lambda: api.get(REQUESTS))[0],
        "create": _queries(lambda: api.post(REQUESTS, valid_body(end_month=2), format="json"))[0],
        "options": _queries(lambda: api.get("/api/v1/options/"))[0],
        "me": _queries(lambda: api.get("/api/v1/auth/me/"))[0],
    }
    FileRequest.objects.filter(owner=owner).delete()
    with connection.cursor() as cursor:
        lifecycle.rebuild_queue_load(cursor)
    return counts


# The numbers per endpoint, each counting the user row of authentication. A change here is a
# change in cost: look at the new queries first. These are for valid_body (3 daily months, no
# whole year); the page plan (repository/request_pages.py) adds one query per kind of 検算 page
# a request reads besides: a daily workbook with a whole year its annual and records pages (+2
# on estimate, detail and create's insert and 202 body; the estimate had 3 before), a
# sub-daily one its daily pages (+1 each), whatever the queue.
EXPECTED = {
    # stations, items, cached months, the queue ahead (QueueLoad and the running requests in
    # one statement; it was two)
    "estimate": 5,
    # the request, its stations, its items, its cached months, the queue ahead, timeline
    "detail": 7,
    # count, page, stations of the page, items of the page
    "list": 5,
    # validation (3), savepoint, owner lock, active count, cached months, insert, QueueLoad,
    # event, selections (2), release; then the 202 body, built from what was written: only
    # the queue ahead is read (it was 20, reading the detail's 7 back);
    # first the throttle's log: savepoint, locking read, write, release (it was a dozen
    # statements on the database cache, uncounted here where the tests' cache is locmem)
    "create": 18,
    "options": 0,  # public: no user read; the master data from the cache, the calendar computed
    "me": 1,
}


def test_hot_endpoints_cost_the_same_queries_at_10_and_200_queued(master_data, settings):
    settings.MAX_ACTIVE_REQUESTS_PER_USER = 1000
    owner, crowd = make_user(), make_user("crowd@example.jp")
    _fill(crowd, 10)
    _fill(owner, 3)
    small = _counts(owner, crowd)
    _fill(crowd, 190)
    _fill(owner, 60)  # more than a page of the owner's own list
    large = _counts(owner, crowd)
    assert small == large
    assert small == EXPECTED


def _estimate(api) -> dict:
    response = api.post(ESTIMATE, valid_body(), format="json")  # 2 stations x 3 months: 6 pages
    assert response.status_code == 200, response.content
    return response.json()


def _load() -> dict[int, int]:
    return dict(QueueLoad.objects.filter(requests__gt=0).values_list("pages", "requests"))


def _recounted() -> dict[int, int]:
    with connection.cursor() as cursor:
        lifecycle.rebuild_queue_load(cursor)
    return _load()


@pytest.mark.django_db(transaction=True)
def test_the_queue_ahead_follows_create_claim_progress_finish_and_cancel(master_data, settings):
    settings.JMA_MIN_INTERVAL_S = 2.0
    api = client_for(make_user())
    assert _estimate(api)["queue_ahead_pages"] == 0

    long, _ = create_request(  # Tokyo all of 2019: 12 months + annual + records = 14 pages
        make_user("a@example.jp"),
        **valid_body(start_year=2019, end_year=2019, end_month=12, stations=["47662"]),
    )
    short, _ = create_request(  # Tokyo 2018-01..02: 2 pages
        make_user("b@example.jp"),
        **valid_body(start_year=2018, end_year=2018, end_month=2, stations=["47662"]),
    )
    assert _load() == {14: 1, 2: 1}
    body = _estimate(api)
    assert (body["to_fetch"], body["queue_ahead_pages"]) == (6, 8)  # min(14, 6) + min(2, 6)
    assert body["expected_seconds"] == 28.0  # (8 + 6) x 2 s

    claim = dao.claim_next("w1")
    assert claim is not None and claim.request_id == long.pk  # the older one first
    assert _estimate(api)["queue_ahead_pages"] == 8  # running, nothing fetched yet
    assert dao.renew_lease(long.pk, "w1", progress=(10, 12)).held
    assert _estimate(api)["queue_ahead_pages"] == 4  # 2 pages left of the running one + 2

    # The short one's own detail: its 2 pages, then the running one's 2 left.
    detail = client_for(short.owner).get(f"{REQUESTS}{short.pk}/").json()
    assert detail["estimate"] == {"remaining_pages": 2, "expected_seconds": 8.0}

    stored = StoredFile("requests/x.xlsx", "x.xlsx", 1, "0" * 64, 1)
    assert dao.finish_succeeded(
        long.pk, "w1", stored=stored, warnings=[], progress_total=12, mail=None
    )
    assert _load() == {2: 1} == _recounted()
    assert _estimate(api)["queue_ahead_pages"] == 2

    client_for(short.owner).post(f"{REQUESTS}{short.pk}/cancel/")
    assert _load() == {} == _recounted()
    assert _estimate(api)["queue_ahead_pages"] == 0

    client_for(short.owner).post(f"{REQUESTS}{short.pk}/retry/")  # back with its 2 pages
    assert _load() == {2: 1} == _recounted()
    assert _estimate(api)["queue_ahead_pages"] == 2
