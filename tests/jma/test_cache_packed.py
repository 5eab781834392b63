"""The packed month payload (version 2), old JSON rows, and a station's months in one query.

The pages are JMA's own (/work/shared/jma_pages, 出典：気象庁ホームページ) where the parser
reads them, and the replay server's otherwise.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from batch.jma.cache import get_month, get_months, page_from_payload, payload_of
from batch.jma.page import DailyPage
from batch.jma.parser import parse_daily_page
from repository.models import MonthlyObservation, Station
from tests.replay import replay_stats

pytestmark = pytest.mark.django_db

REAL_PAGES = Path("/work/shared/jma_pages")


def _real_page(name: str, year: int, month: int) -> DailyPage:
    return parse_daily_page((REAL_PAGES / name).read_bytes(), year=year, month=month)


def _v1_payload(page: DailyPage) -> dict:
    """A payload exactly as version 1 stored it (JSON rows; a third 1 marks "--")."""
    return {
        "v": 1,
        "page_type": page.page_type,
        "rows": [
            [
                row.day,
                {
                    code: [o.value, o.quality, 1] if o.no_phenomenon else [o.value, o.quality]
                    for code, o in row.values.items()
                },
            ]
            for row in page.rows
        ],
    }


@pytest.fixture
def tokyo(master_data) -> Station:
    return Station.objects.get(block_no="47662")


@pytest.mark.parametrize(
    ("name", "year", "month"),
    [
        ("daily_s1_47662_2023-01_tokyo.html", 2023, 1),
        ("daily_s1_47682_2013-10_chiba.html", 2013, 10),
    ],
)
def test_a_real_month_packs_small_and_reads_back_identical(name, year, month):
    page = _real_page(name, year, month)
    packed = payload_of(page)
    assert packed[0] == 2
    assert len(packed) < 3000  # version 1 stored 20-33 KB per month
    assert page_from_payload(packed, year, month) == page
    # The "--" cells (no rain) survive as no_phenomenon, not as plain zeros.
    dashes = sum(o.no_phenomenon for row in page.rows for o in row.values.values())
    assert dashes > 0
    back = page_from_payload(packed, year, month)
    assert dashes == sum(o.no_phenomenon for row in back.rows for o in row.values.values())


def test_a_version_1_row_is_served_and_rewritten_packed(replay_server, tokyo):
    page = _real_page("daily_s1_47662_2023-01_tokyo.html", 2023, 1)
    MonthlyObservation.objects.create(
        station=tokyo,
        year=2023,
        month=1,
        page_type="s1",
        payload=_v1_payload(page),
        is_final=True,
        source_url="https://www.data.jma.go.jp/stats/etrn/view/daily_s1.php?prec_no=44",
        content_hash="0" * 64,
    )

    first = get_month(tokyo, 2023, 1)

    assert first.from_cache
    assert replay_stats(replay_server)["requests"] == 0
    assert [row.values["temp_avg"] for row in first.page.rows] == [
        row.values["temp_avg"] for row in page.rows
    ]
    row = MonthlyObservation.objects.get(station=tokyo, year=2023, month=1)
    assert row.payload == {} and bytes(row.packed)[0] == 2
    assert page_from_payload(bytes(row.packed), 2023, 1) == page
    assert get_month(tokyo, 2023, 1).page == first.page


def test_a_stations_stored_months_are_read_in_one_query(
    replay_server, tokyo, django_assert_num_queries
):
    months = [(2012, 11), (2012, 12), (2013, 1)]
    fetched = [get_month(tokyo, year, month) for year, month in months]

    with django_assert_num_queries(1):
        plain = list(get_months(tokyo, months, derived=False))
    with django_assert_num_queries(1):
        derived = list(get_months(tokyo, months))

    assert [(r.year, r.month, r.from_cache) for r in plain] == [(*m, True) for m in months]
    assert [r.page for r in derived] == [r.page for r in fetched]
    for result in plain:
        assert all("absolute_humidity" not in row.values for row in result.page.rows)
        assert all("temp_avg" in row.values for row in result.page.rows)
    assert replay_stats(replay_server)["requests"] == 3


def test_missing_months_are_fetched_in_their_turn(replay_server, tokyo):
    get_month(tokyo, 2012, 12)
    results = get_months(tokyo, [(2012, 11), (2012, 12), (2013, 1)])

    first = next(results)
    assert (first.year, first.month, first.from_cache) == (2012, 11, False)
    assert replay_stats(replay_server)["requests"] == 2  # 2013-01 not asked for yet
    rest = list(results)
    assert [(r.year, r.month, r.from_cache) for r in rest] == [(2012, 12, True), (2013, 1, False)]
    assert replay_stats(replay_server)["requests"] == 3
