"""repository/master_lookup.py (issue 22): the raw lookups give what the ORM queries they
replaced gave, field for field, with the station's prefecture, in one query each."""

from __future__ import annotations

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from repository import master_lookup
from repository.models import Station, WeatherItem

pytestmark = pytest.mark.django_db


def test_every_station_is_read_as_the_orm_reads_it(master_data):
    codes = list(Station.objects.values_list("block_no", flat=True))
    assert len(codes) > 1000  # the seeded master data: every JMA station
    with CaptureQueriesContext(connection) as queries:
        found = master_lookup.stations_by_block_no([*codes, "00000"])
    assert len(queries) == 1
    orm = Station.objects.filter(block_no__in=codes).select_related("prefecture")
    assert set(found) == {s.block_no for s in orm}  # the unknown code is left out
    for station in orm:
        ours = found[station.block_no]
        assert model_to_dict(ours) == model_to_dict(station)
        assert (ours.is_active, ours.latitude, ours.observation_started_on) == (
            station.is_active,
            station.latitude,
            station.observation_started_on,
        )
        with CaptureQueriesContext(connection) as more:
            assert model_to_dict(ours.prefecture) == model_to_dict(station.prefecture)
        assert len(more) == 0, more.captured_queries  # loaded with the station
        assert not ours._state.adding and ours.prefecture._state.db == "default"


def test_an_inactive_station_is_found_and_says_so(master_data):
    Station.objects.filter(block_no="47662").update(is_active=False)
    assert master_lookup.stations_by_block_no(["47662"])["47662"].is_active is False


def test_items_are_read_as_the_orm_reads_them(master_data):
    codes = list(WeatherItem.objects.values_list("code", flat=True))
    found = master_lookup.items_by_code([*codes, "nonsense"])
    orm = {i.code: i for i in WeatherItem.objects.filter(code__in=codes)}
    assert set(found) == set(orm)
    assert all(model_to_dict(found[c]) == model_to_dict(orm[c]) for c in orm)
    assert master_lookup.items_by_code([]) == {} and master_lookup.stations_by_block_no([]) == {}
