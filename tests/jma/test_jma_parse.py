"""jma_parse (a saved page of any type, told from the page itself); jma_fetch --hourly/--10min."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from batch.jma.errors import LayoutChanged
from batch.jma.page_types import detect
from repository.models import SubdailyObservation

REAL = Path(__file__).parents[1] / "real_pages"
PROJECT = Path(__file__).parents[2]


@pytest.mark.parametrize(
    ("name", "kind", "rows"),
    [
        ("daily_s1_47682_2013-10_chiba.html", "daily", 31),
        ("daily_a1_0376_2013-10_abiko.html", "daily", 31),
        ("hourly_s1_47682_2013-10-16_chiba.html", "hourly", 24),
        ("hourly_a1_0376_2013-10-16_abiko.html", "hourly", 24),
        ("10min_s1_47682_2013-10-16_chiba.html", "10min", 144),
        ("10min_a1_0376_2013-10-16_abiko.html", "10min", 144),
        ("annually_s_47682_chiba.html", "annual", 61),
        ("annually_a_0376_abiko.html", "annual", 50),
        ("rank_s_47682_chiba.html", "records", 370),
    ],
)
def test_the_type_is_read_from_the_page_not_the_file_name(name, kind, rows, tmp_path, capsys):
    saved = tmp_path / "page.html"  # a name that says nothing
    shutil.copy(REAL / name, saved)
    call_command("jma_parse", str(saved), "--json")
    doc = json.loads(capsys.readouterr().out)
    assert (doc["kind"], len(doc["rows"])) == (kind, rows)
    assert doc["attribution"] == "出典：気象庁ホームページ"


def test_json_rows_of_an_hourly_page(capsys):
    call_command("jma_parse", str(REAL / "hourly_s1_47682_2013-10-16_chiba.html"), "--json")
    doc = json.loads(capsys.readouterr().out)
    assert doc["page_type"] == "s1"
    assert doc["caption"] == "千葉（千葉県)　2013年10月16日　（１時間ごとの値）"
    last = doc["rows"][23]
    assert (last["observed_day"], last["time"]) == ("2013-10-16", "2013-10-17T00:00:00+09:00")
    assert last["values"]["precip_total"] == {"value": 0.0, "quality": 8, "no_phenomenon": True}
    assert last["values"]["weather"] == {"value": "晴れ", "quality": 8, "no_phenomenon": False}
    first = doc["rows"][0]["values"]
    assert first["pressure_local"]["value"] == 995.0 and first["snow_depth"]["quality"] == 1


def test_a_table_for_people(capsys):
    call_command("jma_parse", str(REAL / "10min_a1_0376_2013-10-16_abiko.html"))
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "我孫子（千葉県)　2013年10月16日（１０分ごとの値）"
    assert lines[1].startswith("10min (a1), 144 rows")
    assert lines[2].split()[:4] == ["observed_day", "time", "precip_total", "temp"]
    assert lines[3].split()[:5] == ["2013-10-16", "2013-10-16T00:10:00+09:00", "2", "16.6", "·q1"]
    assert lines[-1] == "出典：気象庁ホームページ"


def test_a_changed_page_is_refused_on_one_line(tmp_path):
    html = (REAL / "hourly_a1_0376_2013-10-16_abiko.html").read_text(encoding="utf-8")
    changed = tmp_path / "changed.html"
    changed.write_text(html.replace("降水量<br>(mm)", "降水量<br>(cm)", 1), encoding="utf-8")
    with pytest.raises(CommandError) as err:
        call_command("jma_parse", str(changed))
    assert str(err.value) == (
        f"jma_parse: {changed}: LayoutChanged: column 2: expected '降水量(mm)' (precip_total) "
        "as on hourly_a1 pages with (mm), found '降水量(cm)' with (cm)"
    )


def test_an_unknown_page_names_what_is_known():
    html = "<html><body><h3>千葉（千葉県）　月ごとの値</h3><table id='tablefix1'></table>"
    with pytest.raises(LayoutChanged) as err:
        detect(html.encode())
    assert str(err.value) == (
        "expected a caption naming one of: daily (日ごとの値), hourly (1時間ごとの値), "
        "10min (10分ごとの値), annual (年ごとの値); or a page recognised by its content: "
        "records (table header 要素名／順位); found 千葉（千葉県）　月ごとの値"
    )


def test_a_records_page_is_told_by_its_header_not_its_caption():
    html = (REAL / "rank_s_47682_chiba.html").read_bytes()
    page_type, caption = detect(html)
    assert (page_type.kind, caption) == ("records", "千葉（千葉県）")
    # The same caption over a table of another header is no records page.
    other = "<html><body><h3>千葉（千葉県）</h3><table id='tablefix1'><tr><th>日</th></tr></table>"
    with pytest.raises(LayoutChanged, match="found 千葉（千葉県）$"):
        detect(other.encode())


def test_exits_1_with_one_line_as_a_process(tmp_path):
    missing = tmp_path / "nothing.html"
    done = subprocess.run(
        [sys.executable, "manage.py", "jma_parse", str(missing)],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0 and "cannot read" in done.stderr


# --- jma_fetch --hourly / --10min --------------------------------------------------------------


@pytest.mark.django_db
def test_fetch_an_hourly_day(replay_server, master_data, capsys):
    call_command("jma_fetch", "47682", "--hourly", "2016-01-12", "--json")
    doc = json.loads(capsys.readouterr().out)
    assert doc["kind"] == "hourly" and doc["page_type"] == "s1" and len(doc["rows"]) == 24
    assert doc["source_url"].endswith("hourly_s1.php?prec_no=45&block_no=47682&year=2016"
                                      "&month=01&day=12&view=p1")  # fmt: skip
    assert not SubdailyObservation.objects.exists()  # a check, not a cache fill


@pytest.mark.django_db
def test_fetch_a_10min_day_through_the_cache_and_save_it(
    replay_server, master_data, tmp_path, capsys
):
    saved = tmp_path / "page.html"
    call_command("jma_fetch", "0376", "--10min", "2016-01-12", "--save-html", str(saved))
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("我孫子 (0376) 2016-01-12 10min  " + replay_server)
    assert out[1].startswith("10min (a1), 144 rows")
    call_command("jma_parse", str(saved))  # what was saved reads back
    assert "10min (a1), 144 rows" in capsys.readouterr().out
    call_command("jma_fetch", "0376", "--10min", "2016-01-12", "--cache")
    assert SubdailyObservation.objects.filter(granularity="10min").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["47662"], "give a month YYYY-MM, or one of --hourly DAY / --10min DAY / --annual"),
        (["47662", "2012-09", "--hourly", "2012-09-01"], "give a month"),
        (["47662", "--hourly", "2012-09-31"], "--hourly needs a day YYYY-MM-DD, not '2012-09-31'"),
        (["47662", "--10min", "20120901"], "--10min needs a day"),
        (["99999", "--hourly", "2012-09-01"], "unknown station '99999'"),
    ],
)
def test_bad_day_arguments_are_one_clear_line(master_data, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("jma_fetch", *args)


@pytest.mark.django_db
def test_a_changed_day_page_names_the_station_day(replay_server, master_data, settings):
    settings.JMA_BASE_URL = f"{replay_server}/_faults/fault=layout"
    with pytest.raises(CommandError, match=r"LayoutChanged: 0376 2016-01-12 hourly: column 2"):
        call_command("jma_fetch", "0376", "--hourly", "2016-01-12", "--cache")
