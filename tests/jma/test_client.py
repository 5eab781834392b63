"""The client against the replay server: URLs, retries, give-up errors, rate limit, politeness."""

from __future__ import annotations

import random
import threading
import time

import pytest

from batch.jma.client import JmaClient, RateLimiter, min_interval_s, month_url
from batch.jma.errors import JmaUnavailable
from tests.conftest import find_free_port
from tests.replay import replay_stats

TOKYO = ("44", "47662", "s1")
KITAMI = ("17", "0074", "a1")


def test_urls_are_built_from_station_and_settings(settings):
    settings.JMA_BASE_URL = "https://www.data.jma.go.jp"
    assert month_url(TOKYO, 2012, 9) == (
        "https://www.data.jma.go.jp/stats/etrn/view/daily_s1.php"
        "?prec_no=44&block_no=47662&year=2012&month=9&day=&view="
    )
    assert month_url(KITAMI, 2025, 7, base_url="http://x/obd/") == (
        "http://x/obd/stats/etrn/view/daily_a1.php?prec_no=17&block_no=0074&year=2025&month=7"
        "&day=&view="
    )
    with pytest.raises(ValueError):
        month_url(("44", "47662", "x9"), 2012, 9)


def test_jmas_own_site_always_gets_a_pause(settings):
    settings.JMA_MIN_INTERVAL_S = 0
    assert min_interval_s("https://www.data.jma.go.jp/stats/etrn/view/daily_s1.php") == 1.0
    assert min_interval_s("https://WWW.DATA.JMA.GO.JP/obd/stats/") == 1.0
    assert min_interval_s("http://127.0.0.1:8765/stats/etrn/view/daily_s1.php") == 0
    assert min_interval_s("https://notjma.go.jp.example.org/") == 0
    settings.JMA_MIN_INTERVAL_S = 7
    assert min_interval_s("https://www.data.jma.go.jp/") == 7


def test_fetches_a_page_with_the_services_user_agent(replay_server, settings):
    settings.JMA_USER_AGENT = "JMA Weather Workbook/0.1 (contact: ops@example.org)"
    html, url = JmaClient().fetch_month_html(TOKYO, 2012, 9)
    assert url.startswith(replay_server) and "block_no=47662" in url
    assert b"<table id='tablefix1'" in html
    stats = replay_stats(replay_server)
    assert stats["pages"] == {"s1 47662 2012-09": 1}
    assert stats["user_agents"] == {"JMA Weather Workbook/0.1 (contact: ops@example.org)": 1}


def test_retries_a_503_burst_then_succeeds(replay_server, settings):
    settings.JMA_BASE_URL = f"{replay_server}/_faults/fail_first=2,fail_status=503"
    settings.JMA_MAX_RETRIES = 4
    sleeps: list[float] = []
    client = JmaClient(sleep=sleeps.append)
    html, _ = client.fetch_month_html(KITAMI, 2012, 9)
    assert b"tablefix1" in html
    stats = replay_stats(replay_server)
    assert stats["statuses"] == {"503": 2, "200": 1}
    assert len([s for s in sleeps if s > 0]) == 2  # two backoffs (the rate limit is 0 here)


@pytest.mark.parametrize("status", [500, 502, 504, 507, 429])
def test_retries_5xx_and_429(replay_server, settings, status):
    settings.JMA_BASE_URL = f"{replay_server}/_faults/fail_first=1,fail_status={status}"
    JmaClient().fetch_month_html(KITAMI, 2012, 9)
    assert replay_stats(replay_server)["statuses"] == {str(status): 1, "200": 1}


def test_gives_up_with_station_month_and_reason(replay_server, settings):
    settings.JMA_BASE_URL = f"{replay_server}/_faults/fail=503"
    settings.JMA_MAX_RETRIES = 2
    with pytest.raises(JmaUnavailable) as err:
        JmaClient().fetch_month_html(KITAMI, 2012, 9)
    message = str(err.value)
    assert err.value.where == "0074 2012-09"
    assert message.startswith("0074 2012-09: ")
    assert "after 3 attempts" in message and "HTTP 503" in message
    assert not err.value.permanent
    assert replay_stats(replay_server)["statuses"] == {"503": 3}


def test_a_404_is_not_retried(replay_server, settings):
    settings.JMA_BASE_URL = f"{replay_server}/nowhere"
    with pytest.raises(JmaUnavailable, match="HTTP 404"):
        JmaClient().fetch_month_html(TOKYO, 2012, 9)
    assert replay_stats(replay_server)["requests"] == 1


def test_connection_refused_is_retried_then_reported(settings):
    settings.JMA_BASE_URL = f"http://127.0.0.1:{find_free_port()}"
    settings.JMA_MIN_INTERVAL_S = 0
    settings.JMA_MAX_RETRIES = 1
    sleeps: list[float] = []
    with pytest.raises(JmaUnavailable, match="connection failed") as err:
        JmaClient(sleep=sleeps.append).fetch_month_html(TOKYO, 1999, 12)
    assert err.value.where == "47662 1999-12"
    assert len(sleeps) == 1


def test_read_timeout_is_retried(replay_server, settings):
    settings.JMA_BASE_URL = f"{replay_server}/_faults/delay_ms=400"
    settings.JMA_READ_TIMEOUT_S = 0.1
    settings.JMA_MAX_RETRIES = 1
    with pytest.raises(JmaUnavailable, match="timed out"):
        JmaClient().fetch_month_html(TOKYO, 2012, 9)


def test_backoff_grows_exponentially_with_jitter_and_honours_retry_after(settings):
    settings.JMA_BACKOFF_BASE_S = 2.0
    client = JmaClient(rng=random.Random(1))
    for attempt in range(4):
        ceiling = 2.0 * 2**attempt
        delays = {client._backoff_s(attempt, None) for _ in range(20)}
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(delays) > 1  # jitter
    assert client._backoff_s(0, 30.0) == 30.0
    assert client._backoff_s(0, 10_000.0) == 300.0


def test_rate_limit_is_shared_by_all_threads(replay_server, settings):
    settings.JMA_MIN_INTERVAL_S = 0.15
    client = JmaClient(rate_limiter=RateLimiter())
    started = time.monotonic()
    threads = [
        threading.Thread(target=client.fetch_month_html, args=(TOKYO, 2010, month))
        for month in range(1, 7)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Six request starts at least 0.15 s apart: the last starts 0.75 s after the first.
    assert time.monotonic() - started >= 0.75
    assert replay_stats(replay_server)["statuses"] == {"200": 6}


def test_each_thread_gets_its_own_session():
    client = JmaClient()
    sessions = []
    thread = threading.Thread(target=lambda: sessions.append(client.session()))
    thread.start()
    thread.join()
    assert client.session() is client.session()
    assert sessions[0] is not client.session()
