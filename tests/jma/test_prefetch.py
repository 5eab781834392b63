"""jma_prefetch: the cache warmed at the lowest priority, giving way to user requests."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from batch.jma.budget import DatabaseBudget, reserve
from batch.jma.cache import get_month
from batch.jma.client import JmaClient
from batch.prefetch import last_final_month, prefetch
from repository.models import JmaBudget, MonthLease, MonthlyObservation, Station
from tests.batch.conftest import PROJECT_DIR
from tests.replay import replay_stats

pytestmark = pytest.mark.django_db

INTERVAL_S = 0.5


def test_fetches_what_is_missing_and_skips_what_is_cached(replay_server, master_data, capsys):
    get_month(Station.objects.get(block_no="47662"), 2012, 2)
    call_command(
        "jma_prefetch", "--stations", "47662", "0074", "--from", "2012-01", "--to", "2012-03"
    )
    out = capsys.readouterr().out.splitlines()
    assert out[0] == ("jma_prefetch: 2 station(s) x 3 month(s) (2012-01..2012-03), lowest priority")
    assert out[1].startswith("jma_prefetch: 5 fetched, 1 already cached, 0 without data, 0 failed")
    assert MonthlyObservation.objects.count() == 6
    assert replay_stats(replay_server)["requests"] == 6  # 1 before, 5 now


def test_a_prefetch_waiting_for_its_turn_holds_no_lease(replay_server, master_data, settings):
    settings.JMA_MIN_INTERVAL_S = 5.0
    reserve("127.0.0.1", 5.0)  # a user's request has the next slot
    seen: list[int] = []

    def sleep(_seconds: float) -> None:
        seen.append(MonthLease.objects.count())
        JmaBudget.objects.update(next_free=0)  # ... and has used it: the budget is idle again

    report = prefetch([Station.objects.get(block_no="47662")], [(2013, 7)], sleep=sleep)
    assert seen == [0]  # it let go of the month while it waited
    assert (report.gave_way, report.fetched) == (1, 1)
    assert replay_stats(replay_server)["pages"] == {"s1 47662 2013-07": 1}


class RecordingBudget(DatabaseBudget):
    """The user's normal-priority budget, remembering how long each page waited for its slot."""

    def __init__(self) -> None:
        super().__init__()
        self.waits: list[float] = []

    def wait(self, interval_s, sleep=time.sleep, *, host=""):
        waited = super().wait(interval_s, sleep, host=host)
        self.waits.append(waited)
        return waited


@pytest.mark.django_db(transaction=True)
def test_prefetch_gives_way_to_a_running_user_request(replay_server, master_data, settings):
    """A user fetches 12 pages while a prefetch of 12 other pages runs: no user page waits
    longer than one slot (its own spacing, or one prefetch page that slipped into a gap).
    At equal priority the prefetch would queue a slot ahead of nearly every user page."""
    settings.JMA_MIN_INTERVAL_S = INTERVAL_S
    tokyo = Station.objects.get(block_no="47662")
    osaka = Station.objects.get(block_no="47772")
    started = threading.Event()
    errors: list[BaseException] = []
    budget = RecordingBudget()

    def user() -> None:
        try:
            started.wait(5)
            client = JmaClient(rate_limiter=budget)
            for month in range(1, 13):
                get_month(tokyo, 2019, month, client=client)
        except BaseException as exc:  # asserted below
            errors.append(exc)
        finally:
            connection.close()

    def warm() -> None:
        try:
            started.set()
            prefetch([osaka], [(2019, m) for m in range(1, 13)])
        except BaseException as exc:  # asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=user), threading.Thread(target=warm)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    pages = replay_stats(replay_server)["pages"]
    assert len(pages) == 24 and set(pages.values()) == {1}
    assert len(budget.waits) == 12
    # At most one slot (plus a little for the database clock vs this process's sleep).
    assert max(budget.waits) <= INTERVAL_S + 0.05, budget.waits


def test_last_month_is_the_latest_final_one(settings):
    settings.JMA_FINAL_AFTER_DAYS = 5
    # May has 31 days: final once more than 5 days have passed, i.e. from June 6 (JST).
    assert last_final_month(date(2024, 6, 5)) == (2024, 4)
    assert last_final_month(date(2024, 6, 6)) == (2024, 5)
    assert last_final_month(date(2025, 1, 10)) == (2024, 12)
    assert last_final_month(date(2025, 1, 3)) == (2024, 11)


def test_all_stations_last_month(replay_server, master_data, settings, capsys):
    settings.JMA_FINAL_AFTER_DAYS = 5
    active = Station.objects.filter(is_active=True).count()
    Station.objects.exclude(block_no__in=["47662", "0074"]).update(is_active=False)
    call_command("jma_prefetch", "--all-stations", "--last-month")
    year, month = last_final_month()
    out = capsys.readouterr().out
    assert f"2 station(s) x 1 month(s) ({year}-{month:02d}..{year}-{month:02d})" in out
    assert MonthlyObservation.objects.filter(year=year, month=month, is_final=True).count() == 2
    assert active > 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--from", "2012-01", "--to", "2012-02"],
            "give --stations BLOCK_NO ... or --all-stations",
        ),
        (["--stations", "47662"], "give --from YYYY-MM --to YYYY-MM, or --last-month"),
        (["--stations", "99999", "--last-month"], "unknown station(s): 99999"),
        (["--stations", "47662", "--from", "2012-13", "--to", "2013-01"], "--from must be YYYY-MM"),
        (["--stations", "47662", "--from", "2013-01", "--to", "2012-01"], "--from is after --to"),
        (["--stations", "47662", "--last-month", "--from", "2012-01"], "cannot be combined"),
    ],
)
def test_bad_arguments_are_one_readable_line(master_data, args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("jma_prefetch", *args)


def test_cli_exits_1_with_one_line():
    done = subprocess.run(
        [sys.executable, "manage.py", "jma_prefetch", "--stations", "47662"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "CommandError: jma_prefetch: give --from YYYY-MM --to YYYY-MM, or --last-month"
    ]
