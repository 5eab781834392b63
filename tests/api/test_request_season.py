"""Seasons through the API: field errors, what is stored and shown, and the size rule."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from repository.models import FileRequest
from tests.api.conftest import valid_body

pytestmark = pytest.mark.django_db

URL = "/api/v1/requests/"


def create(client, **changes):
    return client.post(URL, valid_body(**changes), format="json")


def fields_of(response) -> dict:
    assert response.status_code == 400, response.content
    return response.json()["fields"]


def test_a_winter_season_is_stored_shown_and_counted(api):
    response = create(
        api,
        start_year=2018,
        start_month=1,
        end_year=2020,
        end_month=12,
        season_start_month=12,
        season_end_month=2,
    )
    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["season_start_month"], body["season_end_month"]) == (12, 2)
    # 2 stations x (Jan-Feb 2018, then Dec-Feb twice, then Dec 2020) = 2 x 9 station-months
    assert body["progress"]["total"] == 2 * 9
    stored = FileRequest.objects.get(pk=body["id"])
    assert stored.period.season == (12, 2) and stored.period.month_count == 9
    assert api.get(body["url"]).json()["season_start_month"] == 12


def test_without_a_season_both_fields_are_null(api):
    body = create(api).json()
    assert body["season_start_month"] is None and body["season_end_month"] is None


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"season_start_month": 6}, "season_end_month", "both"),
        ({"season_end_month": 8}, "season_start_month", "both"),
        ({"season_start_month": 0, "season_end_month": 8}, "season_start_month", "1"),
        ({"season_start_month": 6, "season_end_month": 13}, "season_end_month", "12"),
        ({"season_start_month": "june", "season_end_month": 8}, "season_start_month", ""),
        # The period 2020-01..2020-03 holds no month of June-August.
        ({"season_start_month": 6, "season_end_month": 8}, "season_start_month", "no month"),
    ],
)
def test_season_field_errors(api, changes, field, words):
    fields = fields_of(create(api, **changes))
    assert field in fields and any(words in message for message in fields[field]), fields
    assert not FileRequest.objects.exists()


def test_the_size_rule_counts_only_the_seasons_months(api, settings):
    settings.MAX_STATION_MONTHS = 10
    long = {"start_year": 2015, "start_month": 1, "end_year": 2019, "end_month": 12}
    # 2 stations x 60 months is refused; 2 stations x 5 Julys fits.
    assert "non_field_errors" in fields_of(create(api, **long))
    response = create(api, **long, season_start_month=7, season_end_month=7)
    assert response.status_code == 202, response.content
    assert response.json()["progress"]["total"] == 10


@pytest.mark.parametrize(("first", "last"), [(6, None), (None, 8), (0, 8), (6, 13)])
def test_the_database_refuses_half_a_season_or_a_bad_month(owner, first, last):
    with pytest.raises(IntegrityError), transaction.atomic():
        FileRequest.objects.create(
            owner=owner,
            start_year=2020,
            start_month=1,
            end_year=2020,
            end_month=12,
            season_start_month=first,
            season_end_month=last,
        )
