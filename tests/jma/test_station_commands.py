"""jma_fetch --annual / --records, and the annual and records page types for jma_parse."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from batch.jma.parse_annual import looks_like_annual_page, parse_annual_page
from batch.jma.parse_rank import looks_like_rank_page, parse_rank_page
from batch.jma.station_pages import annual_as_json, records_as_text
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
        (
            ["47682"],
            "give a month YYYY-MM, or one of --hourly DAY / --10min DAY / --annual / --records",
        ),
        (["47682", "2013-10", "--annual"], "give a month YYYY-MM, or one of"),
        (["47682", "--annual", "--records"], "give a month YYYY-MM, or one of"),
        (["47682", "--records", "--hourly", "2013-10-16"], "give a month YYYY-MM, or one of"),
        (["99999", "--annual"], "unknown station '99999'"),
    ],
)
def test_bad_arguments_are_one_clear_line(master_data, args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("jma_fetch", *args)


# --- the page types for `manage.py jma_parse` -------------------------------------------------


@pytest.mark.parametrize(
    ("name", "annual", "rank"),
    [
        ("annually_s_47682_chiba.html", True, False),
        ("annually_a_0376_abiko.html", True, False),
        ("rank_s_47682_chiba.html", False, True),
        ("daily_s1_47682_2013-10_chiba.html", False, False),
        ("hourly_s1_47682_2013-10-16_chiba.html", False, False),
    ],
)
def test_each_page_is_recognised_from_itself(name, annual, rank):
    html = (REAL / name).read_bytes()
    assert (looks_like_annual_page(html), looks_like_rank_page(html)) == (annual, rank)


def test_the_json_and_text_forms_of_the_real_pages():
    chiba = parse_annual_page((REAL / "annually_s_47682_chiba.html").read_bytes())
    body = annual_as_json(chiba)
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
    assert body["rows"][44]["lines"] == {
        "cloud_amount_avg": "below",
        "fog_days": "above",
        "thunder_days": "below",
    }
    text = records_as_text(parse_rank_page((REAL / "rank_s_47682_chiba.html").read_bytes()))
    assert "日降水量 (mm) [1966/4-2026/9]: 351 (2026/8/13), 309.5 (2026/9/21)," in text


@pytest.mark.parametrize(
    ("name", "page_type", "first", "last"),
    [
        ("annually_s_47682_chiba.html", "annually_s", "1966", "2026"),
        ("annually_a_0376_abiko.html", "annually_a", "1976", "2025"),
    ],
)
def test_jma_parse_reads_the_annual_pages(name, page_type, first, last, capsys):
    call_command("jma_parse", str(REAL / name), "--json")
    body = json.loads(capsys.readouterr().out)
    assert (body["kind"], body["page_type"]) == ("annual", page_type)
    assert body["rows"][0]["year"] == first and body["rows"][-1]["year"] == last
    if page_type == "annually_s":
        assert body["rows"][47]["values"]["precip_max_day"]["value"] == 238.0


def test_jma_parse_reads_the_records_page(capsys):
    call_command("jma_parse", str(REAL / "rank_s_47682_chiba.html"), "--json")
    body = json.loads(capsys.readouterr().out)
    assert (body["kind"], body["page_type"], len(body["rows"])) == ("records", "rank_s", 370)
    sixth = body["rows"][5]
    assert {key: sixth[key] for key in ("element", "unit", "rank", "date", "period")} == {
        "element": "日最低海面気圧",
        "unit": "hPa",
        "rank": "6",
        "date": "2013/10/16",
        "period": "1966/1-2026/9",
    }
    assert sixth["values"]["value"]["value"] == 969.7


def test_jma_parse_still_refuses_a_page_of_no_known_type(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        "<html><body><h3>どこか</h3><table id='tablefix1'><tr><th>何か</th></tr></table>"
        "</body></html>",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="LayoutChanged"):
        call_command("jma_parse", str(page))
