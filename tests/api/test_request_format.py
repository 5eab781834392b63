"""format on a request: xlsx (the default) or csv, stored, shown, compared and served."""

from __future__ import annotations

import pytest

from batch.jobs import download_name
from repository.models import FileRequest
from tests.api.conftest import finish_with_file, valid_body

pytestmark = pytest.mark.django_db

URL = "/api/v1/requests/"


def test_format_defaults_to_xlsx_and_csv_is_kept(api):
    first = api.post(URL, valid_body(), format="json")
    assert first.status_code == 202, first.content
    assert first.json()["format"] == "xlsx"
    second = api.post(URL, valid_body(format="csv"), format="json")
    assert second.status_code == 202, second.content
    assert second.json()["format"] == "csv"
    assert FileRequest.objects.get(pk=second.json()["id"]).format == "csv"
    listed = api.get(URL).json()["results"]
    assert [row["format"] for row in listed] == ["csv", "xlsx"]


def test_an_unknown_format_is_refused_at_its_field(api):
    response = api.post(URL, valid_body(format="xls"), format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"format"}
    assert not FileRequest.objects.exists()


def test_the_same_key_with_another_format_is_another_body(api):
    headers = {"HTTP_IDEMPOTENCY_KEY": "k-1"}
    assert api.post(URL, valid_body(), format="json", **headers).status_code == 202
    again = api.post(URL, valid_body(format="csv"), format="json", **headers)
    assert again.status_code == 422
    assert again.json()["code"] == "idempotency_key_reused"


def test_a_csv_request_downloads_as_a_zip(api, tmp_path):
    created = api.post(URL, valid_body(format="csv", language="en"), format="json").json()
    request = FileRequest.objects.get(pk=created["id"])
    name = download_name(request)
    assert name == f"jma-weather-{request.pk}-202001-202003.zip"
    finish_with_file(request, tmp_path, download_name=name, content=b"PK\x03\x04 a zip")
    response = api.get(f"{URL}{request.pk}/file/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert name in response["Content-Disposition"]


def test_a_japanese_csv_request_is_named_like_its_workbook(api):
    created = api.post(URL, valid_body(format="csv"), format="json").json()
    name = download_name(FileRequest.objects.get(pk=created["id"]))
    assert name.startswith("気象データ_東京ほか1地点_202001-202003") and name.endswith(".zip")
