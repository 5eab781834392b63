"""The database itself refuses rows the queue could not handle."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from repository.models import (
    FileRequest,
    FileRequestStation,
    MailOutbox,
    MonthlyObservation,
    Station,
    User,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def user() -> User:
    return User.objects.create_user("a@example.com", "pw-123-secret")


def make_request(owner: User, **fields) -> FileRequest:
    values = {"start_year": 2020, "start_month": 1, "end_year": 2020, "end_month": 12}
    values.update(fields)
    return FileRequest.objects.create(owner=owner, **values)


def assert_refused(create) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_email_is_the_login_and_unique(user):
    assert User.USERNAME_FIELD == "email"
    assert_refused(lambda: User.objects.create_user("a@example.com", "other-pw-456"))


def test_a_valid_request_is_accepted(user):
    request = make_request(user)
    assert request.status == "queued"
    assert request.period.month_count == 12


@pytest.mark.parametrize(
    "fields",
    [
        {"start_month": 0},
        {"start_month": 13},
        {"end_month": 13},
        {"start_year": 2021},  # starts after it ends
        {"start_month": 6, "end_month": 5},
        {"status": "paused"},
        {"progress_done": 5, "progress_total": 4},
    ],
)
def test_invalid_requests_are_refused(user, fields):
    assert_refused(lambda: make_request(user, **fields))


def test_idempotency_key_is_unique_per_user_only(user):
    other = User.objects.create_user("b@example.com", "pw-123-secret")
    make_request(user, idempotency_key="k1")
    make_request(other, idempotency_key="k1")
    make_request(user)  # no key: any number of them
    make_request(user)
    assert_refused(lambda: make_request(user, idempotency_key="k1"))


def test_a_station_is_selected_once_per_request(user):
    request = make_request(user)
    tokyo = Station.objects.get(block_no="47662")
    FileRequestStation.objects.create(request=request, station=tokyo, position=0)
    assert_refused(
        lambda: FileRequestStation.objects.create(request=request, station=tokyo, position=1)
    )


def test_block_no_is_unique():
    existing = Station.objects.get(block_no="47662")
    existing.pk = None
    assert_refused(existing.save)


def test_one_cached_month_per_station_and_month():
    tokyo = Station.objects.get(block_no="47662")
    fields = {"station": tokyo, "year": 2012, "month": 9, "page_type": "s1", "source_url": "u"}
    MonthlyObservation.objects.create(**fields, content_hash="a")
    assert_refused(lambda: MonthlyObservation.objects.create(**fields, content_hash="b"))
    assert_refused(
        lambda: MonthlyObservation.objects.create(**{**fields, "month": 13}, content_hash="c")
    )


def test_mail_dedupe_key_is_unique():
    fields = {"to_email": "a@example.com", "subject": "s", "body_text": "b"}
    MailOutbox.objects.create(**fields, dedupe_key="request:1:succeeded")
    assert_refused(lambda: MailOutbox.objects.create(**fields, dedupe_key="request:1:succeeded"))
