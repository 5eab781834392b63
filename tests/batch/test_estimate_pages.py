"""The estimate is the truth: a request's estimated pages are the pages a real `runbatch` asks the
replay server for, 検算 and 記録 pages included.

Requests run one after another against one replay process (its counter reset between them),
each estimated just before it runs, so the caches the earlier ones filled count too. Expected
numbers are counted by hand from the selections."""

from __future__ import annotations

import pytest
import requests

from repository.models import FileRequest
from tests.api.conftest import client_for, make_user
from tests.batch.test_daemon import _start_replay
from tests.replay import replay_stats

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

STATIONS = ["47662", "0074"]  # 東京 (an observatory) and 北見 (AMeDAS: its records are not read)
ITEMS = ["temp_avg", "precip_total"]


def _body(start: tuple[int, int], end: tuple[int, int], **more) -> dict:
    return {
        "start_year": start[0],
        "start_month": start[1],
        "end_year": end[0],
        "end_month": end[1],
        "stations": STATIONS,
        "items": ITEMS,
        "language": "ja",
        "quality_columns": False,
        **more,
    }


def _estimate_run_and_count(api, daemons, base_url: str, body: dict, name: str) -> dict:
    """The estimate's to_fetch, the 202 body's remaining pages, the stored pages_to_fetch and
    the pages the daemon then asked JMA (the replay server) for, once each."""
    requests.get(f"{base_url}/_replay/reset", timeout=5).raise_for_status()
    estimate = api.post("/api/v1/requests/estimate/", body, format="json")
    assert estimate.status_code == 200, estimate.content
    created = api.post("/api/v1/requests/", body, format="json")
    assert created.status_code == 202, created.content
    proc = daemons.start(threads=1, worker_id=name)
    assert daemons.wait(proc, timeout=120) == 0
    request = FileRequest.objects.get(pk=created.json()["id"])
    assert request.status == "succeeded", daemons.log(name)[-3000:]
    pages = replay_stats(base_url)["pages"]
    assert set(pages.values()) <= {1}, pages  # no page twice: nothing failed or was refetched
    return {
        "estimate": estimate.json()["to_fetch"],
        "remaining": created.json()["estimate"]["remaining_pages"],
        "queued with": request.pages_to_fetch,
        "fetched": len(pages),
    }


def _all(pages: int) -> dict:
    return dict.fromkeys(("estimate", "remaining", "queued with", "fetched"), pages)


def test_the_estimate_counts_every_page_the_daemon_reads(daemons, settings):
    settings.MAX_ACTIVE_REQUESTS_PER_USER = 10
    api = client_for(make_user("pages@example.jp"))
    replay = _start_replay(daemons)
    base_url = daemons.env["JMA_BASE_URL"]
    try:

        def run(name: str, body: dict) -> dict:
            return _estimate_run_and_count(api, daemons, base_url, body, name)

        hourly = _body((2020, 1), (2020, 2), granularity="hourly", start_day=30, end_day=2)
        counted = {
            "csv": run("csv", _body((2018, 1), (2018, 12), format="csv")),
            "year": run("year", _body((2019, 1), (2019, 12))),
            "part": run("part", _body((2020, 2), (2020, 12))),
            "hourly": run("hourly", hourly),
        }
    finally:
        replay.__exit__(None, None, None)
    assert counted == {
        # The CSV archive of 2018: 2 stations x 12 months; no 検算, so no annual page = 24
        "csv": _all(24),
        # The workbook of 2019: 2 stations x 12 months + 2 annual pages (検算) + 東京's
        # records page (記録) = 27
        "year": _all(27),
        # 2020-02..12: 2 stations x 11 months, no whole year: no 検算 = 22
        "part": _all(22),
        # Hourly 2020-01-30..02-02: 2 stations x 4 days + their daily pages of January 2020
        # (検算; February's are cached by the request before) = 8 + 2 = 10
        "hourly": _all(10),
    }
