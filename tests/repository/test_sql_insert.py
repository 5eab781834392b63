"""repository/sql.py insert()/insert_many() (issue 22): a row stored without the ORM's query
compiler reads back exactly as save(force_insert=True) and bulk_create store it: JSON,
datetimes, booleans, NULLs and defaults, with the new primary key set."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from repository.models import FileRequest, FileRequestStation, RequestEvent, Station
from repository.sql import insert, insert_many
from tests.api.conftest import make_user

pytestmark = pytest.mark.django_db

AT = datetime(2026, 12, 31, 23, 59, 58, 123456, tzinfo=UTC)


def _request(owner, key: str) -> FileRequest:
    return FileRequest(
        owner=owner,
        start_year=2020,
        start_month=12,
        end_year=2021,
        end_month=2,
        season_start_month=12,
        season_end_month=2,
        language="en",
        quality_columns=True,
        format="csv",
        run_after=AT,
        created_at=AT,
        progress_total=6,
        pages_to_fetch=None,
        warnings=["東京: 欠測"],
        warning_codes=[{"code": "missing", "params": {"station": {"ja": "東京", "en": "Tokyo"}}}],
        error_params=None,
        idempotency_key=key,
    )


def _stored(model, pk) -> dict:
    """Every column as read back, but the key, the idempotency key and the request (which
    differ by design) and updated_at (auto_now: the moment of saving)."""
    row = model.objects.get(pk=pk)
    skip = {"id", "idempotency_key", "request_id", "updated_at"}
    return {f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields} | {
        name: None for name in skip
    }


def test_a_request_and_its_event_read_back_as_the_orm_stores_them(master_data):
    owner = make_user()
    orm, ours = _request(owner, "orm"), _request(owner, "raw")
    orm.save(force_insert=True)
    insert(ours)
    assert ours.pk and ours.pk != orm.pk and not ours._state.adding
    assert _stored(FileRequest, ours.pk) == _stored(FileRequest, orm.pk)
    stamped = FileRequest.objects.get(pk=ours.pk).updated_at  # auto_now, as save() sets it
    assert abs(stamped - FileRequest.objects.get(pk=orm.pk).updated_at).total_seconds() < 5
    data = {"stations": 2, "names": ["東京", "札幌"], "nested": {"ok": True, "none": None}}
    by_orm = RequestEvent.objects.create(request=orm, created_at=AT, kind="queued", data=data)
    by_us = RequestEvent(request=ours, created_at=AT, kind="queued", data=data)
    insert(by_us)
    assert _stored(RequestEvent, by_us.pk) == _stored(RequestEvent, by_orm.pk)


def test_many_rows_read_back_as_bulk_create_stores_them(master_data):
    owner = make_user()
    first, second = _request(owner, "a"), _request(owner, "b")
    insert(first)
    insert(second)
    stations = list(Station.objects.order_by("block_no")[:5])
    FileRequestStation.objects.bulk_create(
        FileRequestStation(request=first, station=s, position=n) for n, s in enumerate(stations)
    )
    insert_many(
        [FileRequestStation(request=second, station=s, position=n) for n, s in enumerate(stations)]
    )
    insert_many([])  # nothing to do
    rows = lambda request: list(  # noqa: E731
        FileRequestStation.objects.filter(request=request)
        .order_by("position")
        .values_list("station_id", "position")
    )
    assert rows(second) == rows(first) and len(rows(first)) == 5
