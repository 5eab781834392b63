"""Download names: the workbook's Japanese name per RFC 6266, with an ASCII fallback."""

from __future__ import annotations

from urllib.parse import quote, unquote

import pytest

from batch.jobs import download_name
from presentation.views.files import ascii_fallback, attachment_header
from repository.models import FileRequest, FileRequestStation, Station
from tests.api.conftest import finish_with_file, valid_body

pytestmark = pytest.mark.django_db

NAME = "気象データ_東京ほか1地点_202001-202003_7.xlsx"


def test_header_has_an_ascii_filename_and_the_utf8_name() -> None:
    header = attachment_header(NAME)
    assert header == (
        'attachment; filename="jma-weather-202001-202003_7.xlsx"; '
        f"filename*=utf-8''{quote(NAME, safe='')}"
    )
    encoded = header.split("filename*=utf-8''", 1)[1]
    assert unquote(encoded) == NAME


@pytest.mark.parametrize(
    ("name", "fallback"),
    [
        ("jma-weather-12-202001-202012.xlsx", "jma-weather-12-202001-202012.xlsx"),
        ("気象データ.xlsx", "jma-weather.xlsx"),
        ('a"b_c.xlsx', "jma-weather-c.xlsx"),
    ],
)
def test_ascii_fallback(name: str, fallback: str) -> None:
    assert ascii_fallback(name) == fallback


def test_an_ascii_name_is_sent_as_is() -> None:
    assert attachment_header("jma-weather-1.xlsx") == 'attachment; filename="jma-weather-1.xlsx"'


def test_the_download_carries_both_names(api, tmp_path) -> None:
    body = api.post("/api/v1/requests/", valid_body(), format="json").json()
    file_request = FileRequest.objects.get(pk=body["id"])
    finish_with_file(file_request, tmp_path, download_name=NAME)
    response = api.get(f"/api/v1/requests/{file_request.pk}/file/")
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert 'filename="jma-weather-202001-202003_7.xlsx"' in disposition
    assert f"filename*=utf-8''{quote(NAME, safe='')}" in disposition


def test_japanese_workbooks_get_a_japanese_name(owner) -> None:
    request = FileRequest.objects.create(
        owner=owner, start_year=2019, start_month=12, end_year=2021, end_month=2,
        season_start_month=12, season_end_month=2,
    )  # fmt: skip
    for position, block_no in enumerate(("47662", "0074", "47412"), start=1):
        station = Station.objects.get(block_no=block_no)
        FileRequestStation.objects.create(request=request, station=station, position=position)
    expected = f"気象データ_東京ほか2地点_201912-202102_12-2月_{request.pk}.xlsx"
    assert download_name(request) == expected
    request.language = "en"
    assert download_name(request) == f"jma-weather-{request.pk}-201912-202102.xlsx"
