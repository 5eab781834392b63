"""Getting the workbook: as the logged-in owner, or with the token link from the mail."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.utils import timezone

from common.crypto import download_url, make_download_token
from common.result_storage import delete_result
from repository.models import FileRequest
from tests.api.conftest import finish_with_file, valid_body

pytestmark = pytest.mark.django_db

CONTENT = b"PK\x03\x04" + bytes(range(256)) * 8
NAME = "気象データ_東京・北見_2020年1月-3月.xlsx"


@pytest.fixture
def finished(api, tmp_path) -> FileRequest:
    request_id = api.post("/api/v1/requests/", valid_body(), format="json").json()["id"]
    file_request = FileRequest.objects.get(pk=request_id)
    finish_with_file(file_request, tmp_path, download_name=NAME, content=CONTENT)
    return file_request


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def assert_attachment(response) -> None:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=utf-8''{quote(NAME)}" in disposition
    assert response["Content-Length"] == str(len(CONTENT))
    assert body_of(response) == CONTENT


def test_owner_downloads_with_a_japanese_file_name(api, finished):
    assert_attachment(api.get(f"/api/v1/requests/{finished.pk}/file/"))


def test_detail_offers_both_links_while_available(api, finished):
    file_info = api.get(f"/api/v1/requests/{finished.pk}/").json()["file"]
    assert file_info["name"] == NAME and file_info["available"] is True
    assert file_info["size"] == len(CONTENT) and file_info["rows"] == 182
    assert file_info["url"].endswith(f"/api/v1/requests/{finished.pk}/file/")
    assert "/api/v1/downloads/" in file_info["download_url"]


def test_file_of_an_unfinished_request_is_a_conflict(api):
    request_id = api.post("/api/v1/requests/", valid_body(), format="json").json()["id"]
    response = api.get(f"/api/v1/requests/{request_id}/file/")
    assert response.status_code == 409 and response.json()["code"] == "not_ready"


def test_expired_or_purged_or_missing_file_is_gone(api, finished):
    url = f"/api/v1/requests/{finished.pk}/file/"
    result = finished.result
    result.expires_at = timezone.now() - timedelta(seconds=1)
    result.save()
    response = api.get(url)
    assert response.status_code == 410 and response.json()["code"] == "file_gone"
    assert api.get(f"/api/v1/requests/{finished.pk}/").json()["file"]["download_url"] is None

    result.expires_at = timezone.now() + timedelta(days=1)
    result.purged_at = timezone.now()
    result.save()
    assert api.get(url).status_code == 410

    result.purged_at = None
    result.save()
    delete_result(result.storage_name)
    assert api.get(url).status_code == 410


def test_token_link_downloads_without_login(anon, finished):
    token = make_download_token(finished.pk)
    assert_attachment(anon.get(f"/api/v1/downloads/{token}/"))


def test_the_mailed_url_points_at_the_token_endpoint(anon, finished, settings):
    url = download_url(finished.pk)
    assert url.startswith(f"{settings.PUBLIC_BASE_URL}/api/v1/downloads/")
    assert_attachment(anon.get(url.removeprefix(settings.PUBLIC_BASE_URL)))


def test_token_made_with_a_rotated_out_key_still_works(anon, finished, settings):
    from cryptography.fernet import Fernet

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.DOWNLOAD_TOKEN_KEYS = [old]
    token = make_download_token(finished.pk)
    settings.DOWNLOAD_TOKEN_KEYS = [new, old]
    assert_attachment(anon.get(f"/api/v1/downloads/{token}/"))
    settings.DOWNLOAD_TOKEN_KEYS = [new]
    assert anon.get(f"/api/v1/downloads/{token}/").status_code == 404


def test_expired_token_is_410(anon, finished):
    token = make_download_token(finished.pk, ttl_s=-1)
    response = anon.get(f"/api/v1/downloads/{token}/")
    assert response.status_code == 410
    assert response.json()["code"] == "link_expired"


@pytest.mark.parametrize("mangle", ["flip", "truncate", "garbage"])
def test_tampered_token_is_404(anon, finished, mangle):
    token = make_download_token(finished.pk)
    bad = {
        "flip": token[:20] + ("A" if token[20] != "A" else "B") + token[21:],
        "truncate": token[:-5],
        "garbage": "not-a-token",
    }[mangle]
    response = anon.get(f"/api/v1/downloads/{bad}/")
    assert response.status_code == 404
    assert response.json()["code"] == "link_invalid"


def test_token_for_a_deleted_request_is_404(anon, finished):
    token = make_download_token(finished.pk)
    finished.delete()
    assert anon.get(f"/api/v1/downloads/{token}/").status_code == 404


def test_token_for_a_purged_file_is_410(anon, finished):
    token = make_download_token(finished.pk)
    FileRequest.objects.get(pk=finished.pk).result.__class__.objects.filter(
        request=finished
    ).update(purged_at=timezone.now())
    assert anon.get(f"/api/v1/downloads/{token}/").status_code == 410


def test_token_download_ignores_a_stale_authorization_header(anon, finished):
    anon.credentials(HTTP_AUTHORIZATION="Bearer expired.or.wrong")
    assert_attachment(anon.get(f"/api/v1/downloads/{make_download_token(finished.pk)}/"))


BROWSER_ACCEPT = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
    "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
)


@pytest.mark.parametrize(
    ("token_of", "status", "title", "advice"),
    [
        (lambda pk: "not-a-token", 404, "このダウンロードリンクは使えません", "メールのリンクを"),
        (
            lambda pk: make_download_token(pk, ttl_s=-1),
            410,
            "このダウンロードリンクは期限切れです",
            "ログインして依頼一覧を開いてください",
        ),
    ],
)
def test_a_broken_mailed_link_in_a_browser_is_a_page_in_its_language(
    anon, finished, settings, token_of, status, title, advice
):
    """Issue 18: a browser got DRF's browsable page with the raw JSON `link_invalid`."""
    settings.FRONTEND_BASE_URL = "https://weather.example.jp"
    response = anon.get(
        f"/api/v1/downloads/{token_of(finished.pk)}/",
        HTTP_ACCEPT=BROWSER_ACCEPT,
        HTTP_ACCEPT_LANGUAGE="ja,en-US;q=0.9,en;q=0.8",
    )
    assert response.status_code == status
    assert response["Content-Type"] == "text/html; charset=utf-8"
    page = response.content.decode()
    assert '<html lang="ja">' in page and f"<h1>{title}</h1>" in page and advice in page
    assert (
        '<a class="button" href="https://weather.example.jp/#/requests">依頼一覧を開く</a>' in page
    )
    assert "{" not in page.split("<body>")[1]  # no JSON on the page
    assert "Django REST framework" not in page


def test_a_broken_mailed_link_in_an_english_browser_is_an_english_page(anon, finished):
    response = anon.get(
        "/api/v1/downloads/not-a-token/",
        HTTP_ACCEPT=BROWSER_ACCEPT,
        HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9",
    )
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "<h1>This download link does not work</h1>" in page
    assert "<p>This download link is not valid.</p>" in page
    assert "Open your requests" in page


@pytest.mark.parametrize("accept", [None, "application/json", "*/*"])
def test_api_clients_still_get_the_json_error(anon, finished, accept):
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    response = anon.get("/api/v1/downloads/not-a-token/", **headers)
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json()["code"] == "link_invalid"
