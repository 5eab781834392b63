"""Seasons: the same months of every year, in the months fetched, the size rule and 季節別."""

from __future__ import annotations

from pathlib import Path

import pytest

from batch.pipeline import build_workbook_file
from common.period import Period, Season, YearMonth
from common.request_size import RequestTooLarge, check_request_size
from tests.workbook.conftest import full_month, items, load, obs, result, spec_for, stations, write
from tests.workbook.test_pipeline import PagesClient

YELLOW, ORANGE = "00FFF2CC", "00F8CBAD"


def test_a_summer_season_takes_june_to_august_of_every_year() -> None:
    assert list(Period.of(2018, 1, 2020, 12, 6, 8).months()) == [
        (2018, 6),
        (2018, 7),
        (2018, 8),
        (2019, 6),
        (2019, 7),
        (2019, 8),
        (2020, 6),
        (2020, 7),
        (2020, 8),
    ]
    assert Season(6, 8).months() == [6, 7, 8]
    assert [Season(6, 8).year_of(YearMonth(2019, m)) for m in (6, 7, 8)] == [2019, 2019, 2019]


def test_a_winter_season_runs_across_the_year_end() -> None:
    assert list(Period.of(2019, 6, 2021, 3, 12, 2).months()) == [
        (2019, 12),
        (2020, 1),
        (2020, 2),
        (2020, 12),
        (2021, 1),
        (2021, 2),
    ]
    assert Season(12, 2).months() == [12, 1, 2]
    # December counts with the FOLLOWING year's season.
    assert Season(12, 2).year_of(YearMonth(2019, 12)) == 2020
    assert Season(12, 2).year_of(YearMonth(2020, 1)) == 2020
    assert Season(12, 2).year_of(YearMonth(2020, 2)) == 2020
    assert Season(12, 2).year_of(YearMonth(2020, 12)) == 2021


def test_the_size_rule_counts_only_the_seasons_months(settings) -> None:
    settings.MAX_STATION_MONTHS = 10**6
    # 29 stations x 100 years is 1,059,225 rows: too many for one sheet ...
    with pytest.raises(RequestTooLarge):
        check_request_size(29, Period.of(1921, 1, 2020, 12))
    # ... but June-August of those years is 29 x 100 x 92 days.
    assert check_request_size(29, Period.of(1921, 1, 2020, 12, 6, 8)) == 29 * 100 * 92
    assert Period.of(1921, 1, 2020, 12, 6, 8).month_count == 300
    settings.MAX_STATION_MONTHS = 299
    with pytest.raises(RequestTooLarge) as raised:
        check_request_size(1, Period.of(1921, 1, 2020, 12, 6, 8))
    assert raised.value.station_months == 300


@pytest.mark.django_db
def test_the_pipeline_fetches_only_the_seasons_months(tmp_path: Path) -> None:
    client = PagesClient()
    spec = spec_for(
        stations("47662"), items("temp_avg"), start=(2019, 11), end=(2020, 4), season=(12, 2)
    )
    outcome = build_workbook_file(spec, tmp_path / "winter.xlsx", client=client)
    assert client.calls == ["47662 2019-12", "47662 2020-01", "47662 2020-02"]
    assert outcome.station_months == 3 and outcome.row_count == 31 + 31 + 29


@pytest.mark.django_db
def test_season_sheet_has_one_row_per_station_and_summer(xlsx: Path) -> None:
    tokyo = stations("47662")[0]
    spec = spec_for(
        [tokyo],
        items("temp_avg", "precip_total", "temp_max"),
        start=(2018, 1),
        end=(2020, 12),
        season=(6, 8),
    )
    results = []
    for year in (2018, 2019, 2020):
        for month in (6, 7, 8):

            def day_values(day: int, year: int = year, month: int = month) -> dict:
                rain = obs(0.0, 8, no_phenomenon=True)
                if month == 7 and day == 10:
                    rain = obs(30.0 + (year - 2018))
                temp = float(year - 2000 + month)  # 2018: 24, 25, 26
                maximum = obs(temp + 5)
                if year == 2020 and month == 8 and day == 15:
                    maximum = obs(45.0, 4)  # "45.0 ]": the season's highest, but a bound
                return {"temp_avg": obs(temp), "precip_total": rain, "temp_max": maximum}

            page = None if (year, month) == (2019, 8) else full_month("s1", year, month, day_values)
            results.append((tokyo, result(tokyo, page, year, month)))
    write(spec, results, xlsx)
    wb = load(xlsx)
    assert wb.sheetnames == ["データ", "月別集計", "季節別", "グラフ", "情報"]
    ws = wb["季節別"]
    assert [c.value for c in ws[1]] == [
        "都道府県",
        "地点",
        "地点番号",
        "季節の年",
        "期間",
        "季節の日数",
        "データのある月数",
        "降水量の合計 季節合計(mm)",
        "降水量の合計 日最大(mm)",
        "平均気温 季節平均(℃)",
        "最高気温 季節平均（日最高の平均）(℃)",
        "最高気温 季節最高(℃)",
    ]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 3
    # 2018: 30 June days at 24, 31 at 25, 31 at 26 -> (720 + 775 + 806) / 92 = 25.01... -> 25.0
    assert rows[0][:7] == ("東京都", "東京", "47662", 2018, "2018-06～2018-08", 92, 3)
    assert rows[0][7:] == (30, 30, 25, 30, 31)
    # 2019 without August (no page): 2 months with data, 61 of 92 days, orange;
    # (30*25 + 31*26) / 61 = 25.5.
    assert rows[1][3] == 2019 and rows[1][6] == 2 and rows[1][7:] == (31, 31, 25.5, 30.5, 31)
    assert ws["J3"].fill.fgColor.rgb == ORANGE and ws["J3"].font.italic
    # 2020: the "]" day is the season's highest, left out of the mean of daily maxima.
    assert rows[2][3] == 2020 and rows[2][11] == 45
    assert rows[2][10] == 32.0  # (30 * 31 + 31 * 32 + 30 * 33) / 91 = 31.99 -> 32.0
    assert ws["L4"].fill.fgColor.rgb == YELLOW  # one "]" day of 92: quasi-normal
    info = [c for row in wb["情報"].iter_rows(values_only=True) for c in row if c]
    assert "6月～8月" in info


@pytest.mark.django_db
def test_winter_seasons_count_december_with_the_following_year(xlsx: Path) -> None:
    tokyo = stations("47662")[0]
    spec = spec_for(
        [tokyo], items("snowfall_total"), start=(2019, 12), end=(2021, 2), season=(12, 2)
    )
    snow = {(2019, 12): 3.0, (2020, 1): 0.0, (2020, 2): 5.0, (2020, 12): 1.0}
    results = []
    for year, month in Period.of(2019, 12, 2021, 2, 12, 2).months():
        total = snow.get((year, month))

        def day_values(day: int, total: float | None = total) -> dict:
            if total and day == 1:
                return {"snowfall_total": obs(total)}
            return {"snowfall_total": obs(0.0, 8, no_phenomenon=True)}

        results.append(
            (tokyo, result(tokyo, full_month("s1", year, month, day_values), year, month))
        )
    write(spec, results, xlsx)
    wb = load(xlsx)
    rows = list(wb["季節別"].iter_rows(min_row=2, values_only=True))
    assert [row[3:6] for row in rows] == [
        (2020, "2019-12～2020-02", 31 + 31 + 29),
        (2021, "2020-12～2021-02", 31 + 31 + 28),
    ]
    assert rows[0][7:] == (8, 5) and rows[1][7:] == (1, 1)
    info = [c for row in wb["情報"].iter_rows(values_only=True) for c in row if c]
    assert "12月～2月（12月は翌年の季節に数えます）" in info
    assert "2019-12 ～ 2021-02（6 か月）" in info


def test_seasons_cut_by_the_periods_edges() -> None:
    # 2019-01..2020-12, winters: 2019 lacks 2018-12, 2021 lacks 2021-01 and 02.
    assert Period.of(2019, 1, 2020, 12, 12, 2).cut_season_years() == [2019, 2021]
    assert Period.of(2019, 6, 2021, 3, 12, 2).cut_season_years() == []
    assert Period.of(2018, 7, 2020, 12, 6, 8).cut_season_years() == [2018]
    assert Period.of(2018, 1, 2020, 12).cut_season_years() == []


@pytest.mark.django_db
def test_a_season_cut_by_the_period_is_left_out_and_said_so(xlsx: Path) -> None:
    tokyo = stations("47662")[0]
    spec = spec_for([tokyo], items("temp_avg"), start=(2019, 1), end=(2020, 12), season=(12, 2))
    results = [
        (tokyo, result(tokyo, full_month("s1", y, m, lambda d: {"temp_avg": obs(5.0)}), y, m))
        for y, m in spec.period.months()
    ]
    write(spec, results, xlsx)
    wb = load(xlsx)
    rows = list(wb["季節別"].iter_rows(min_row=2, values_only=True))
    # Only 2020 (2019-12..2020-02) is whole: 2019 and 2021 would read as 1/3 and 2/3 missing.
    assert [row[3:7] for row in rows] == [(2020, "2019-12～2020-02", 91, 3)]
    assert len(list(wb["月別集計"].iter_rows(min_row=2))) == 6  # every month still there
    info = [c for row in wb["情報"].iter_rows(values_only=True) for c in row if c]
    assert "除いた季節" in info
    assert any(str(c).startswith("2019、2021：期間の端で欠ける") for c in info)


@pytest.mark.django_db
def test_the_mail_names_the_season(django_user_model) -> None:
    from batch import mail
    from repository.models import FileRequest

    owner = django_user_model.objects.create_user("season@example.com", "pw-123456789")
    request = FileRequest.objects.create(
        owner=owner, start_year=2019, start_month=12, end_year=2021, end_month=2,
        season_start_month=12, season_end_month=2,
    )  # fmt: skip
    assert mail.request_facts(request).period == "2019-12 – 2021-02（毎年 12月～2月）"
    request.language = "en"
    assert mail.request_facts(request).period == "2019-12 – 2021-02, months 12-2 of each year"
