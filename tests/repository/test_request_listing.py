"""repository/request_listing.py (issue 22): a page of one owner's requests read in raw
queries is the page the ORM's select_related query gives, field for field, files included,
with and without a status, at every offset; nobody else's requests are in it. One request
and its timeline likewise."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.paginator import Paginator
from django.forms.models import model_to_dict

from application.requests import cancel_request, create_request
from repository.models import FileRequest
from repository.request_listing import OwnRequests, active_count, own_request, timeline
from tests.api.conftest import finish_with_file, make_user, valid_body

pytestmark = pytest.mark.django_db


def _orm(owner, status=None):
    rows = FileRequest.objects.filter(owner=owner).select_related("result")
    return rows.filter(status=status) if status else rows.order_by("-created_at", "-id")


def _row(request: FileRequest) -> tuple:
    result = request.result if hasattr(request, "result") else None
    return model_to_dict(request), model_to_dict(result) if result is not None else None


@pytest.fixture
def mixed(master_data, tmp_path, settings):
    """11 requests of the owner: queued, cancelled, succeeded with a file (one expired), and
    one created at the same instant as another (the id breaks the tie); 3 of someone else."""
    settings.MAX_ACTIVE_REQUESTS_PER_USER = 100
    owner, other = make_user(), make_user("other@example.jp")
    made = [create_request(owner, **valid_body(end_month=1 + n % 3))[0] for n in range(11)]
    same = made[5].created_at
    FileRequest.objects.filter(pk=made[6].pk).update(created_at=same)
    for n in (1, 4, 9):
        finish_with_file(made[n], tmp_path)
    finish_with_file(made[7], tmp_path, expires_in=timedelta(days=-1))
    for n in (2, 8):
        cancel_request(made[n], actor=owner)
    for _ in range(3):
        create_request(other, **valid_body())
    return owner


@pytest.mark.parametrize("status", [None, "queued", "succeeded", "cancelled", "running"])
def test_every_page_is_the_orms(mixed, status):
    listing = OwnRequests(mixed.pk, status)
    expected = list(_orm(mixed, status).order_by("-created_at", "-id"))
    assert listing.count() == len(expected)
    for start in range(0, len(expected) + 2):
        for size in (1, 3, 20):
            page = listing[start : start + size]
            want = expected[start : start + size]
            assert [r.pk for r in page] == [r.pk for r in want]
            assert [_row(r) for r in page] == [_row(r) for r in want]
    assert sum(1 for r in listing[0:20] if hasattr(r, "result")) == (
        4 if status in (None, "succeeded") else 0
    )


def test_a_paginator_reads_it_as_a_queryset(mixed):
    ours = Paginator(OwnRequests(mixed.pk), 4)
    orm = Paginator(_orm(mixed).order_by("-created_at", "-id"), 4)
    assert (ours.count, ours.num_pages) == (orm.count, orm.num_pages) == (11, 3)
    for number in ours.page_range:
        assert [r.pk for r in ours.page(number)] == [r.pk for r in orm.page(number)]
    assert list(Paginator(OwnRequests(make_user("new@example.jp").pk), 4).page(1)) == []


def test_one_request_and_its_timeline_are_the_orms(mixed):
    other = FileRequest.objects.exclude(owner=mixed).first()
    for request in FileRequest.objects.filter(owner=mixed):
        ours = own_request(mixed.pk, request.pk)
        assert _row(ours) == _row(_orm(mixed).get(pk=request.pk))
        events = timeline(request.pk)
        assert [model_to_dict(e) for e in events] == [
            model_to_dict(e) for e in request.events.all()
        ]
        assert events  # queued at least; cancelled and finished ones have more
    assert own_request(mixed.pk, other.pk) is None  # someone else's: as if it did not exist
    assert own_request(other.owner_id, other.pk) is not None


def test_the_active_count_is_the_orms(mixed):
    orm = FileRequest.objects.filter(owner=mixed, status__in=FileRequest.ACTIVE_STATUSES)
    assert active_count(mixed.pk) == orm.count() == 5  # 11 less 4 finished and 2 cancelled
