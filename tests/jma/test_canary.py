"""jma_canary: the fixed sample of pages read, or the refused column named; the run stored."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from repository.models import CanaryRun
from tests.batch.conftest import subprocess_database_url

pytestmark = pytest.mark.django_db


def test_all_sample_pages_parse_against_the_replay_server(replay_server, capsys):
    call_command("jma_canary")
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"jma_canary: 15 pages from {replay_server}"
    assert out[-1] == "jma_canary: all parsed (14 parsed, 0 refused, 0 unreachable, 1 unverified)"
    lines = {line.split(":", 1)[0] for line in out[1:-1] if not line.startswith(" ")}
    assert lines == {
        "parsed      observatory 東京 (47662 daily_s1 2023-01)",
        "parsed      AMeDAS with humidity 府中 (1133 daily_a1 2024-10)",
        "parsed      AMeDAS without humidity 八王子 (0366 daily_a1 2024-10)",
        "parsed      AMeDAS before its humidity 我孫子 (0376 daily_a1 2013-10)",
        "parsed      rain-only 世田谷 (0368 daily_a1 2024-10)",
        "parsed      old month, observatory 東京 (47662 daily_s1 1965-07)",
        "parsed      old month, AMeDAS 府中 (1133 daily_a1 1980-01)",
        "parsed      hourly, observatory 千葉 (47682 hourly_s1 2013-10-16)",
        "parsed      10-minute, observatory 千葉 (47682 10min_s1 2013-10-16)",
        "parsed      hourly, AMeDAS 我孫子 (0376 hourly_a1 2013-10-16)",
        "parsed      10-minute, AMeDAS 我孫子 (0376 10min_a1 2013-10-16)",
        "parsed      annual values, observatory 千葉 (47682 annually_s)",
        "parsed      annual values, AMeDAS 我孫子 (0376 annually_a)",
        "parsed      records, observatory 千葉 (47682 rank_s)",
        "unverified  records, AMeDAS 我孫子 (0376 rank_a)",
    }
    abiko = next(line for line in out if "0376 10min_a1" in line)
    assert abiko.endswith("10min_a1, 144 rows; temp in 144 rows, humidity in 0 rows, "
                          "precip_total in 144 rows")  # fmt: skip
    assert "humidity_avg on 0 days" in next(line for line in out if "八王子" in line)
    with_humidity = next(line for line in out if "府中 (1133 daily_a1 2024" in line)
    assert "humidity_avg on 0 days" not in with_humidity
    rank_a = next(line for line in out if "(0376 rank_a)" in line)
    # The page nobody has checked is shown, not judged: its caption, header and elements.
    assert "no real rank_a page has been checked. Found caption '我孫子（千葉県）'" in rank_a
    assert "annually_s, 27 columns, 1961-" in next(line for line in out if "annually_s)" in line)
    run = CanaryRun.objects.get()
    assert run.outcome == "parsed" and run.base_url == replay_server
    assert [page["status"] for page in run.pages] == ["parsed"] * 14 + ["unverified"]


def test_a_renamed_column_exits_1_naming_it(replay_server, settings, capsys):
    settings.JMA_BASE_URL = f"{replay_server}/_faults/fault=rename"
    with pytest.raises(CommandError) as err:
        call_command("jma_canary")
    assert err.value.returncode == 1
    assert str(err.value) == (
        "jma_canary: layout_changed (0 parsed, 14 refused, 0 unreachable, 1 unverified): "
        "observatory 東京 (47662 daily_s1 2023-01): column 8: expected '気温(°C) / 最高' "
        "(temp_max) as on daily_s1 pages, found unknown header '気温(°C) / 最高気温'"
    )
    out = capsys.readouterr().out
    assert (
        "refused     AMeDAS with humidity 府中 (1133 daily_a1 2024-10): column 6: expected "
        "'気温 / 最高(°C)' (temp_max) as on daily_a1 pages, found unknown header "
        "'気温 / 最高気温(°C)'"
    ) in out
    assert (
        "refused     hourly, AMeDAS 我孫子 (0376 hourly_a1 2013-10-16): column 3: expected "
        "'気温(°C)' (temp) as on hourly_a1 pages, found unknown header '最高気温(°C)'"
    ) in out
    assert CanaryRun.objects.get().outcome == "layout_changed"


def test_unreachable_pages_exit_2(replay_server, settings):
    settings.JMA_BASE_URL = f"{replay_server}/_faults/fail=404"
    with pytest.raises(
        CommandError, match=r"unreachable \(0 parsed, 0 refused, 15 unreachable, 0 unverified\)"
    ):
        call_command("jma_canary")
    run = CanaryRun.objects.get()
    assert run.outcome == "unreachable" and "HTTP 404" in run.pages[0]["detail"]


@pytest.mark.django_db(transaction=True)
def test_exits_1_as_a_process_against_a_replay_fault(replay_server):
    env = dict(
        os.environ,
        DATABASE_URL=subprocess_database_url(),
        JMA_BASE_URL=f"{replay_server}/_faults/fault=rename",
        JMA_MIN_INTERVAL_S="0",
    )
    done = subprocess.run(
        [sys.executable, "manage.py", "jma_canary"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "column 8: expected '気温(°C) / 最高' (temp_max)" in done.stderr
    assert CanaryRun.objects.get().outcome == "layout_changed"


def test_the_last_run_shows_in_the_admin(replay_server, settings, client, django_user_model):
    settings.JMA_BASE_URL = f"{replay_server}/_faults/fault=rename"
    with pytest.raises(CommandError):
        call_command("jma_canary")
    admin = django_user_model.objects.create_superuser(
        email="ops@example.org", password="a-long-admin-password-1"
    )
    client.force_login(admin)
    listing = client.get("/admin/repository/canaryrun/").content.decode()
    assert "a page was refused: layout changed" in listing and "0 / 14 / 0" in listing
    run = CanaryRun.objects.get()
    detail = client.get(f"/admin/repository/canaryrun/{run.pk}/change/").content.decode()
    assert "found unknown header &#x27;気温(°C) / 最高気温&#x27;" in detail
