"""jma_fetch: one month fetched, parsed and printed, for operators."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from repository.models import MonthlyObservation

pytestmark = pytest.mark.django_db


def test_prints_a_table_with_attribution(replay_server, master_data, capsys):
    call_command("jma_fetch", "47662", "2012-09")
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("東京 (47662) 2012-09  " + replay_server)
    assert "daily_s1, 30 days" in lines[1]
    assert "temp_avg" in lines[2] and "absolute_humidity" in lines[2]
    assert lines[3].split()[0] == "1" and lines[-2].split()[0] == "30"
    assert lines[-1] == "出典：気象庁ホームページ"
    assert not MonthlyObservation.objects.exists()  # a check, not a cache fill


def test_prints_json(replay_server, master_data, capsys):
    call_command("jma_fetch", "0074", "2012-02", "--json")
    doc = json.loads(capsys.readouterr().out)
    assert doc["block_no"] == "0074" and doc["page_type"] == "a1" and not doc["no_data"]
    assert len(doc["rows"]) == 29
    temp = doc["rows"][0]["values"]["temp_avg"]
    assert set(temp) == {"value", "quality", "no_phenomenon"}
    assert "wind_dir_most_frequent" in doc["rows"][0]["values"]


def test_no_data_month_is_reported(replay_server, master_data, capsys):
    call_command("jma_fetch", "0074", "1950-01", "--json")
    assert json.loads(capsys.readouterr().out)["no_data"] is True


def test_cache_option_stores_the_month(replay_server, master_data, capsys):
    call_command("jma_fetch", "47662", "2012-09", "--cache")
    assert MonthlyObservation.objects.filter(station__block_no="47662").count() == 1


def test_save_html_writes_the_raw_page(replay_server, master_data, tmp_path, capsys):
    target = tmp_path / "page.html"
    call_command("jma_fetch", "47662", "2012-09", "--save-html", str(target))
    assert b"<table id='tablefix1'" in target.read_bytes()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["99999", "2012-09"], "unknown station '99999'"),
        (["47662", "2012-13"], "month must be YYYY-MM"),
        (["47662", "2012/09"], "month must be YYYY-MM"),
    ],
)
def test_bad_input_is_one_clear_line(master_data, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("jma_fetch", *args)


def test_layout_change_names_the_station_month(replay_server, master_data, settings):
    settings.JMA_BASE_URL = f"{replay_server}/_faults/fault=layout"
    with pytest.raises(
        CommandError,
        match=r"LayoutChanged: 47662 2012-09: column 12: expected .* found unknown header",
    ):
        call_command("jma_fetch", "47662", "2012-09")


def test_exits_non_zero_as_a_process(master_data):
    done = subprocess.run(
        [sys.executable, "manage.py", "jma_fetch", "47662", "20-09"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1].endswith("month must be YYYY-MM, not '20-09'")
