from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command

from repository.models import Prefecture, Station, StationSite, User, WeatherItem
from repository.seeding import parse_era_date, seed_master

pytestmark = pytest.mark.django_db


def test_seeded_counts_match_the_data_files(master_data):
    assert Prefecture.objects.count() == 47
    assert Station.objects.count() == 1293  # 1,323 list rows; 30 stations have two sites
    assert StationSite.objects.count() == 1323
    assert WeatherItem.objects.count() == 22
    assert WeatherItem.objects.filter(is_derived=True).get().code == "absolute_humidity"


def test_rerun_changes_nothing_and_keeps_user_data(master_data, capsys):
    user = User.objects.create_user("someone@example.com", "pw-123-secret")
    station = Station.objects.get(block_no="47662")
    station.is_active = False  # an operator's decision survives a reseed
    station.save()

    report = seed_master()

    assert not report.changed
    assert User.objects.filter(pk=user.pk).exists()
    station.refresh_from_db()
    assert station.is_active is False
    call_command("seed_master")
    assert capsys.readouterr().out.strip().endswith("no changes")


def test_rerun_repairs_a_changed_fact(master_data):
    Station.objects.filter(block_no="47662").update(name="違う名前")
    report = seed_master()
    assert report.updated["stations"] == 1
    assert Station.objects.get(block_no="47662").name == "東京"


def test_station_facts():
    tokyo = Station.objects.get(block_no="47662")
    assert (tokyo.prec_no, tokyo.page_type, tokyo.kind) == ("44", "s1", "官")
    assert tokyo.prefecture.code == "13"
    assert list(tokyo.sites.values_list("elements", flat=True)) == ["気温、雨", "風、日照"]
    amedas = Station.objects.get(block_no="0074")
    assert amedas.page_type == "a1"
    assert Prefecture.objects.get(code="13").representative_station == tokyo


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("昭53.10.30", date(1978, 10, 30)),
        ("#昭50.4.1", date(1975, 4, 1)),
        ("(昭50.4.1)昭52.2.28", date(1975, 4, 1)),
        ("平元.4.1", date(1989, 4, 1)),
        ("令3.3.18", date(2021, 3, 18)),
        ("#", None),
        ("", None),
    ],
)
def test_parse_era_date(text, expected):
    assert parse_era_date(text) == expected
