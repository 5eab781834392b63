"""グラフ read back with openpyxl: one unit per axis, no line across a season's gap, year
labels on long periods (the chart XML as Excel and LibreOffice read it)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from common.period import Period
from tests.workbook.conftest import full_month, items, load, obs, result, spec_for, stations, write

pytestmark = pytest.mark.django_db

FOUR = ("precip_total", "sunshine_hours", "temp_avg", "humidity_avg")  # mm, h, ℃, %


def day(_: int) -> dict:
    return {
        "precip_total": obs(2.0),
        "sunshine_hours": obs(5.0),
        "temp_avg": obs(15.0),
        "humidity_avg": obs(60.0),
    }


def build(xlsx: Path, period: Period, block_nos: tuple[str, ...] = ("47662",)) -> None:
    chosen = stations(*block_nos)
    spec = spec_for(
        chosen,
        items(*FOUR),
        start=tuple(period.start),
        end=tuple(period.end),
        season=tuple(period.season) if period.season else None,
    )
    write(
        spec,
        [
            (s, result(s, full_month("s1", y, m, day), y, m))
            for s in chosen
            for y, m in period.months()
        ],
        xlsx,
    )


def units(chart) -> list[set[str]]:
    """The units of the series on each value axis of a (combined) chart, left axis first."""
    found = []
    for part in [chart, *chart._charts[1:]] if chart._charts else [chart]:
        found.append({s.tx.v.rsplit("(", 1)[1].rstrip(")") for s in part.series})
    return found


def test_one_unit_per_axis(xlsx: Path) -> None:
    build(xlsx, Period.of(2020, 1, 2020, 12))
    charts = load(xlsx)["グラフ"]._charts
    assert len(charts) == 2  # mm with ℃, then h with %
    first, second = charts
    assert units(first) == [{"mm"}, {"℃"}]
    assert units(second) == [{"h"}, {"%"}]
    for chart in charts:
        bars, lines = chart, chart._charts[1]
        assert bars.y_axis.axId != lines.y_axis.axId and lines.y_axis.crosses == "max"


def test_a_ten_year_chart_is_labelled_every_year(xlsx: Path) -> None:
    build(xlsx, Period.of(2011, 1, 2020, 12))
    with zipfile.ZipFile(xlsx) as archive:
        chart_xml = archive.read("xl/charts/chart1.xml").decode()
    # A date axis stepping 12 months (Excel ignores a label skip on a date axis).
    date_axis = re.search(r"<dateAx>.*?</dateAx>", chart_xml)
    assert date_axis is not None, chart_xml
    assert '<majorUnit val="12"' in date_axis[0]
    assert '<majorTimeUnit val="months"' in date_axis[0]
    axis = load(xlsx)["グラフ"]._charts[0].x_axis
    assert axis.majorUnit == 12 and axis.number_format.formatCode == "yyyy/mm"


def test_comparison_over_ten_years_ticks_on_january(xlsx: Path) -> None:
    from datetime import date, timedelta

    build(xlsx, Period.of(2011, 1, 2020, 12), ("47662", "47412"))
    compare = load(xlsx)["グラフ"]._charts[-1]
    x = compare.x_axis
    ticks = [
        date(1899, 12, 30) + timedelta(days=x.scaling.min + k * x.majorUnit) for k in range(10)
    ]
    assert [(t.year, t.month) for t in ticks] == [(2011 + k, 1) for k in range(10)]


def test_a_season_draws_no_line_across_the_months_between(xlsx: Path) -> None:
    build(xlsx, Period.of(2011, 1, 2020, 12, 6, 8))
    charts = load(xlsx)["グラフ"]._charts
    lines = charts[0]._charts[1]
    for series in lines.series:
        assert series.spPr.ln.noFill  # no joining line
        assert series.marker.symbol == "circle"  # a point per month
    axis = charts[0].x_axis
    assert axis.tagname == "catAx" and not axis.auto  # months as text: no date gaps
    assert axis.tickLblSkip == 3 and axis.tickMarkSkip == 3  # one label per summer


def test_a_whole_period_keeps_its_lines(xlsx: Path) -> None:
    build(xlsx, Period.of(2020, 1, 2020, 12))
    lines = load(xlsx)["グラフ"]._charts[0]._charts[1]
    assert all(s.spPr is None or s.spPr.ln is None or not s.spPr.ln.noFill for s in lines.series)


def test_each_station_chart_has_a_plain_title(xlsx: Path) -> None:
    build(xlsx, Period.of(2020, 1, 2020, 3))
    titles = [
        "".join(run.t for p in chart.title.tx.rich.p for run in (p.r or []))
        for chart in load(xlsx)["グラフ"]._charts
    ]
    assert titles == ["東京（47662）月別 (1/2)", "東京（47662）月別 (2/2)"]
