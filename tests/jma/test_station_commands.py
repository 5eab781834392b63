"""jma_fetch --annual / --records, and the annual and records page types for jma_parse."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from batch.jma.station_pages import PAGE_TYPES
from repository.models import AnnualObservation, StationRecords
from tests.replay import replay_stats

REAL = Path(__file__).parents[1] / "real_pages"


@pytest.mark.django_db
def test_annual_values_as_a_table(replay_server, master_data, capsys):
    call_command("jma_fetch", "47682", "--annual")
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        f"千葉 (47682) annual  {replay_server}/stats/etrn/view/annually_s.php"
        "?prec_no=45&block_no=47682&year=&month=&day=&view="
    )
    assert out[1].startswith("千葉（千葉県)\u3000年ごとの値\u3000主な要素 (annually_s, ")
    assert out[2].split()[:4] == ["year", "pressure_local_avg", "pressure_sea_avg", "precip_total"]
    assert out[3].startswith("1961  ")
    assert out[-1] == "出典：気象庁ホームページ"
    assert not AnnualObservation.objects.exists()  # the cache is left alone without --cache


@pytest.mark.django_db
def test_records_as_json_through_the_cache(replay_server, master_data, capsys):
    call_command("jma_fetch", "47682", "--records", "--json", "--cache")
    body = json.loads(capsys.readouterr().out)
    assert body["page_type"] == "rank_s" and body["attribution"] == "出典：気象庁ホームページ"
    assert len(body["elements"]) == 37
    day_rain = body["elements"][1]
    assert (day_rain["code"], day_rain["name_ja"], day_rain["unit"]) == (
        "precip_total_day_high",
        "日降水量",
        "mm",
    )
    assert day_rain["period"]["text"].startswith("1961/1-")
    assert set(day_rain["records"][0]) == {
        "rank",
        "value",
        "quality",
        "no_phenomenon",
        "direction",
        "date",
    }
    assert StationRecords.objects.count() == 1


@pytest.mark.django_db
def test_amedas_records_say_they_are_unavailable(replay_server, master_data, capsys):
    call_command("jma_fetch", "0376", "--records", "--cache")
    out = capsys.readouterr().out.splitlines()
    assert out[1] == (
        "JMA's records of AMeDAS stations (rank_a) are not read yet: no real page has been checked"
    )
    assert replay_stats(replay_server)["requests"] == 0
    # Without the cache the rank_a page is fetched and refused, showing what it holds.
    with pytest.raises(
        CommandError,
        match=r"LayoutChanged: 0376 records: rank_a \(AMeDAS records\) is not read yet",
    ):
        call_command("jma_fetch", "0376", "--records")


@pytest.mark.django_db
def test_a_refused_annual_page_is_one_line_naming_the_column(replay_server, master_data, settings):
    settings.JMA_BASE_URL = f"{replay_server}/_faults/fault=unit"
    with pytest.raises(CommandError) as err:
        call_command("jma_fetch", "0376", "--annual")
    assert str(err.value) == (
        "jma_fetch: LayoutChanged: 0376 annual: column 2: expected '降水量 / 合計(mm)' "
        "(precip_total) as on annually_a pages with (mm), found '降水量 / 合計(cm)' with (cm)"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["47682"], "give a month (YYYY-MM), or --annual or --records"),
        (["47682", "2013-10", "--annual"], "give a month or --annual, not both"),
    ],
)
def test_bad_arguments_are_one_clear_line(master_data, args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("jma_fetch", *args)


# --- page types for `manage.py jma_parse` -------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "page_type"),
    [
        ("annually_s_47682_chiba.html", "annually"),
        ("annually_a_0376_abiko.html", "annually"),
        ("rank_s_47682_chiba.html", "rank"),
        ("daily_s1_47682_2013-10_chiba.html", None),
        ("hourly_s1_47682_2013-10-16_chiba.html", None),
    ],
)
def test_each_page_is_recognised_from_itself(name, page_type):
    html = (REAL / name).read_bytes()
    assert [kind.name for kind in PAGE_TYPES if kind.detect(html)] == (
        [page_type] if page_type else []
    )


def test_the_page_types_parse_and_show_the_real_pages():
    annual, rank = PAGE_TYPES
    chiba = annual.parse((REAL / "annually_s_47682_chiba.html").read_bytes())
    body = annual.as_json(chiba)
    assert body["page_type"] == "annually_s" and body["rows"][0]["year"] == 1966
    assert body["rows"][47]["values"]["precip_max_day"] == {
        "value": 238.0,
        "quality": 8,
        "no_phenomenon": False,
    }
    assert body["columns"][20] == {
        "code": "snowfall_total",
        "header": "雪(寒候年・cm) / 降雪 / 合計",
        "unit": "cm",
        "cold_season_year": True,
        "daily_code": "snowfall_total",
        "statistic": "sum",
    }
    text = rank.as_text(rank.parse((REAL / "rank_s_47682_chiba.html").read_bytes()))
    assert "日降水量 (mm) [1966/4-2026/9]: 351 (2026/8/13), 309.5 (2026/9/21)," in text


JMA_PARSE = importlib.util.find_spec("batch.management.commands.jma_parse") is not None


@pytest.mark.skipif(not JMA_PARSE, reason="jma_parse (helper subdaily's) is not merged yet")
@pytest.mark.parametrize(
    ("name", "page_type", "first"),
    [
        ("annually_s_47682_chiba.html", "annually_s", 1966),
        ("annually_a_0376_abiko.html", "annually_a", 1976),
    ],
)
def test_jma_parse_reads_the_annual_pages(name, page_type, first, capsys):
    call_command("jma_parse", str(REAL / name), "--json")
    body = json.loads(capsys.readouterr().out)
    assert body["page_type"] == page_type and body["rows"][0]["year"] == first


@pytest.mark.skipif(not JMA_PARSE, reason="jma_parse (helper subdaily's) is not merged yet")
def test_jma_parse_reads_the_records_page(capsys):
    call_command("jma_parse", str(REAL / "rank_s_47682_chiba.html"), "--json")
    body = json.loads(capsys.readouterr().out)
    assert body["page_type"] == "rank_s" and len(body["elements"]) == 37
    assert body["elements"][0]["records"][5]["date"]["text"] == "2013/10/16"
