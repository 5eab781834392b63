"""Issue 22, CPU per call: the parts of the hot endpoints built by hand give what the generic
code they replaced gave, and cost fewer queries where they should.

- the create's 202 body, built from what was just written, is the detail read back;
- DRF's DateTimeField, the ORM's cached-months filter (Period.q()), reverse() per row;
- one query for the user and the session of an access token; who-am-I built by hand;
- a list reads the files of its finished requests in one query, and their mailed links do
  not read the owner again on every row.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework import serializers
from rest_framework.test import APIClient

from application import estimates
from application.requests import create_request
from common import clock
from common.period import Period, Season, YearMonth
from presentation.serializers import (
    CreateRequestSerializer,
    EstimateSerializer,
    FileRequestSerializer,
    UserSerializer,
    _datetime,
)
from presentation.tokens import SessionRefreshToken, end_session
from repository import request_pages
from repository.models import FileRequest, MonthlyObservation, Station
from tests.api.conftest import client_for, finish_with_file, make_user, valid_body

pytestmark = pytest.mark.django_db

REQUESTS = "/api/v1/requests/"


def _queries(call) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    return len(captured), response


def test_the_202_body_of_a_create_is_the_detail_read_back(master_data, frozen_clock):
    frozen_clock("2021-06-15T12:00:00+09:00")
    owner = make_user()
    api = client_for(owner)
    create_request(make_user("other@example.jp"), **valid_body())  # a queue ahead of it
    created = api.post(REQUESTS, valid_body(end_month=5), format="json")
    assert created.status_code == 202, created.content
    detail = api.get(f"{REQUESTS}{created.json()['id']}/")
    assert created.json() == detail.json()
    assert created["Location"] == detail.json()["url"]
    assert created.json()["estimate"]["remaining_pages"] == 10  # 2 stations x 5 months
    assert [e["kind"] for e in created.json()["timeline"]] == ["queued"]
    # A repeat of its key reads the first request back: the same body, 200.
    keyed = api.post(REQUESTS, valid_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post(REQUESTS, valid_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert (keyed.status_code, again.status_code) == (202, 200)
    assert keyed.json() == again.json() == api.get(f"{REQUESTS}{keyed.json()['id']}/").json()


@pytest.mark.parametrize(
    "value",
    [
        None,
        datetime(2021, 6, 15, 3, 4, 5, 123456, tzinfo=UTC),
        datetime(2021, 6, 15, 3, 4, 5, tzinfo=UTC),
        datetime(2021, 12, 31, 23, 59, 59, tzinfo=clock.JST),
        datetime(2021, 6, 15, 3, 4, 5),  # naive: DRF's own path
    ],
)
@pytest.mark.parametrize("zone", ["Asia/Tokyo", "UTC"])
def test_datetimes_render_as_drf_renders_them(value, zone):
    with timezone.override(zone):
        assert _datetime(value) == serializers.DateTimeField().to_representation(value)


def test_datetimes_render_in_japan_time_by_hand():
    # Written out by hand: 2021-06-15 03:04:05 UTC is 12:04:05 in Tokyo (settings.TIME_ZONE).
    value = datetime(2021, 6, 15, 3, 4, 5, tzinfo=UTC)
    assert _datetime(value) == "2021-06-15T12:04:05+09:00"
    with timezone.override("UTC"):
        assert _datetime(value) == "2021-06-15T03:04:05Z"


def test_row_urls_are_what_reverse_gives(rf, settings):
    settings.ALLOWED_HOSTS = ["api.example.jp"]
    request = rf.get("/api/v1/requests/", SERVER_NAME="api.example.jp")
    serializer = FileRequestSerializer(context={"request": request})
    for pk in (1, 42, 987654321, 10**12):
        assert serializer._url("api:request-detail", pk) == request.build_absolute_uri(
            reverse("api:request-detail", args=[pk])
        )
        assert serializer._url("api:request-file", pk) == request.build_absolute_uri(
            reverse("api:request-file", args=[pk])
        )
    assert serializer._url("api:request-file", 7) == "http://api.example.jp/api/v1/requests/7/file/"
    assert FileRequestSerializer()._url("api:request-detail", 7) == "/api/v1/requests/7/"


def _months(station: Station, months: list[tuple[int, int, bool, int]]) -> None:
    """(year, month, is_final, fetched days ago) rows of the month cache."""
    MonthlyObservation.objects.bulk_create(
        MonthlyObservation(
            station=station,
            year=year,
            month=month,
            page_type=station.page_type,
            source_url="https://example.jp/",
            content_hash="0" * 64,
            is_final=final,
            fetched_at=clock.now() - timedelta(days=days_ago),
        )
        for year, month, final, days_ago in months
    )


PERIODS = {
    "one month": (Period(YearMonth(2020, 12), YearMonth(2020, 12)), 2),
    "across a year end": (Period(YearMonth(2020, 11), YearMonth(2021, 2)), 5),
    "two years": (Period(YearMonth(2020, 1), YearMonth(2021, 12)), 8),
    "winter seasons": (
        Period(YearMonth(2019, 1), YearMonth(2021, 12), Season(12, 2)),
        6,
    ),
    "summer season": (Period(YearMonth(2020, 6), YearMonth(2021, 8), Season(6, 8)), 2),
}


@pytest.mark.parametrize("name", PERIODS)
def test_cached_months_are_counted_as_the_orm_filter_counts_them(master_data, settings, name):
    """The raw count against the ORM's filter it replaced, and a count made by hand."""
    settings.JMA_CURRENT_MONTH_TTL_S = 3 * 86400
    tokyo, kitami = Station.objects.get(block_no="47662"), Station.objects.get(block_no="0074")
    _months(
        tokyo,
        [(2020, 1, True, 400), (2020, 6, True, 300), (2020, 11, True, 100)]
        + [(2020, 12, True, 50), (2021, 1, False, 1), (2021, 2, False, 10), (2021, 7, True, 5)],
    )
    _months(kitami, [(2019, 12, True, 500), (2020, 12, False, 2), (2021, 2, True, 200)])
    period, by_hand = PERIODS[name]
    ids = [tokyo.pk, kitami.pk]
    fresh = Q(is_final=True) | Q(fetched_at__gte=clock.now() - timedelta(days=3))
    orm = MonthlyObservation.objects.filter(station_id__in=ids).filter(period.q() & fresh).count()
    now = clock.now()
    assert request_pages.monthly_cached(ids, period, now) == orm == by_hand
    assert request_pages.monthly_cached([], period, now) == 0


def test_an_access_token_reads_its_user_and_session_in_one_query(master_data):
    owner = make_user()
    refresh = SessionRefreshToken.for_user(owner)
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {refresh.access_token}")
    count, response = _queries(lambda: api.get("/api/v1/auth/me/"))
    assert (count, response.status_code) == (1, 200)
    end_session(refresh["sid"], owner.pk)
    response = api.get("/api/v1/auth/me/")
    assert response.status_code == 401
    assert "session has ended" in response.json()["message"]


def test_finished_requests_cost_a_list_one_query_whatever_their_number(master_data, tmp_path):
    """Their files are read in one query (repository/request_listing.py), and the mailed
    link does not read the owner again on every row."""
    owner = make_user()
    api = client_for(owner)
    for month in (1, 2, 3):
        create_request(owner, **valid_body(end_month=month))
    before, _ = _queries(lambda: api.get(REQUESTS))
    requests = list(FileRequest.objects.filter(owner=owner))
    finish_with_file(requests[0], tmp_path)
    one, _ = _queries(lambda: api.get(REQUESTS))
    for request in requests[1:]:
        finish_with_file(request, tmp_path)
    three, response = _queries(lambda: api.get(REQUESTS))
    assert [r["file"]["download_url"] is not None for r in response.json()["results"]] == [True] * 3
    assert one == three == before + 1


def test_an_estimate_renders_as_drf_renders_it(master_data):
    stations = list(Station.objects.filter(block_no__in=["47662", "0074"]))
    body = estimates.estimate_for(
        stations, Period(YearMonth(2020, 1), YearMonth(2020, 3))
    ).as_dict()
    body["seconds_per_page"] = 3  # an int where a float is declared: DRF answers 3.0
    generic = serializers.Serializer.to_representation(EstimateSerializer(), body)
    assert EstimateSerializer(body).data == generic
    assert json.dumps(EstimateSerializer(body).data) == json.dumps(generic)
    assert EstimateSerializer(body).data["seconds_per_page"] == 3.0


@pytest.mark.parametrize("verified", [True, False])
def test_who_am_i_renders_as_drf_renders_it(verified):
    user = make_user("me@example.jp")
    user.name = "気象 太郎"
    user.email_verified_at = timezone.now() if verified else None
    generic = serializers.ModelSerializer.to_representation(UserSerializer(), user)
    assert UserSerializer(user).data == generic
    assert json.dumps(UserSerializer(user).data) == json.dumps(generic)
    assert UserSerializer(user).data["email_verified"] is verified


class _DeepCopiedFields(CreateRequestSerializer):
    """The body serializer as DRF builds it by default: every field deep-copied."""

    def get_fields(self):
        return serializers.Serializer.get_fields(self)


BODIES = [
    valid_body(),
    valid_body(stations=["47662"] * 3, items=["temp_avg", "nonsense"]),
    {**valid_body(), "start_year": "two thousand", "end_month": 13, "language": "fr"},
    {**valid_body(), "stations": "47662", "items": [None, 5, ["x"]], "format": None},
    {**valid_body(), "stations": ["1"] * 2001, "prefectures": ["123"], "granularity": "week"},
    {"start_year": 2020},
    {},
]


@pytest.mark.parametrize("body", BODIES, ids=range(len(BODIES)))
def test_a_body_validates_as_with_deep_copied_fields(body):
    ours, generic = CreateRequestSerializer(data=body), _DeepCopiedFields(data=body)
    assert ours.is_valid() == generic.is_valid()
    assert ours.errors == generic.errors
    if not ours.errors:
        assert ours.validated_data == generic.validated_data


def test_validating_binds_copies_and_leaves_the_declared_fields_alone():
    declared = CreateRequestSerializer._declared_fields
    CreateRequestSerializer(data=valid_body()).is_valid()
    assert all(getattr(field, "parent", None) is None for field in declared.values())
    assert all(getattr(field, "field_name", None) is None for field in declared.values())


def test_bodies_validated_at_once_in_threads_keep_their_own_answers():
    """The copies share a list field's child; eight threads validating different bodies
    still each get their own data and errors."""
    from concurrent.futures import ThreadPoolExecutor

    with translation.override("en"):
        expected = [_DeepCopiedFields(data=body) for body in BODIES]
        wanted = [
            (s.is_valid(), s.errors, s.validated_data if s.is_valid() else None) for s in expected
        ]

    def check(index: int) -> bool:
        with translation.override("en"):  # the active language is per thread
            serializer = CreateRequestSerializer(data=BODIES[index % len(BODIES)])
            valid = serializer.is_valid()
        got = (valid, serializer.errors, serializer.validated_data if valid else None)
        return got == wanted[index % len(BODIES)]

    with ThreadPoolExecutor(8) as pool:
        assert all(pool.map(check, range(700)))
