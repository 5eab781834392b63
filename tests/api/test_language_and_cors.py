"""The API speaks the request's language throughout, and the front end's origin may call it."""

from __future__ import annotations

import pytest
import yaml
from django.test import override_settings

from tests.api.conftest import valid_body

pytestmark = pytest.mark.django_db

FRONTEND = "http://127.0.0.1:8080"


def test_one_response_in_one_language(api):
    body = valid_body(stations=["47662", "99999"], items=["temp_avg", "no_such_item"], end_month=0)
    ja = api.post("/api/v1/requests/", body, HTTP_ACCEPT_LANGUAGE="ja").json()
    # DRF's own message and ours, both Japanese (written out by hand, not from the table).
    assert ja["fields"]["end_month"] == ["この値は1以上にしてください。"]
    ja = api.post(
        "/api/v1/requests/",
        valid_body(stations=["47662", "99999"], items=["no_such_item"]),
        HTTP_ACCEPT_LANGUAGE="ja",
    ).json()
    assert ja["fields"]["stations"] == ["不明な地点です: 99999。"]
    assert ja["fields"]["items"] == ["不明な気象要素です: no_such_item。"]
    assert ja["message"].startswith("入力に誤りがあります。")

    en = api.post(
        "/api/v1/requests/",
        valid_body(stations=["47662", "99999"], items=[]),
        HTTP_ACCEPT_LANGUAGE="en",
    ).json()
    assert en["fields"]["stations"] == ["Unknown station: 99999."]
    assert en["fields"]["items"] == ["Choose at least one weather item."]
    assert en["message"].startswith("Invalid input.")


def test_not_found_and_conflicts_follow_the_language(api):
    ja = api.get("/api/v1/requests/999999/", HTTP_ACCEPT_LANGUAGE="ja").json()
    assert ja["message"] == "依頼 999999 は見つかりません。"
    en = api.get("/api/v1/requests/999999/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").json()
    assert en["message"] == "Request 999999 not found."
    missing = api.get("/api/v1/nothing-here", HTTP_ACCEPT_LANGUAGE="ja").json()
    assert missing["message"] == (
        "/api/v1/nothing-here という API はありません。 API のパスはスラッシュで終わります。"
    )


@override_settings(CORS_ALLOWED_ORIGINS=[FRONTEND])
def test_preflight_allows_the_idempotency_key(anon):
    response = anon.options(
        "/api/v1/requests/",
        HTTP_ORIGIN=FRONTEND,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type, idempotency-key",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == FRONTEND
    allowed = {h.strip() for h in response["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "content-type", "idempotency-key"} <= allowed
    # The download's file name is readable by the page's script.
    get = anon.get("/api/v1/health/", HTTP_ORIGIN=FRONTEND)
    assert "Content-Disposition" in get["Access-Control-Expose-Headers"]


@override_settings(CORS_ALLOWED_ORIGINS=[FRONTEND])
def test_other_origins_get_no_cors_answer(anon):
    response = anon.options(
        "/api/v1/requests/",
        HTTP_ORIGIN="http://evil.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    assert "Access-Control-Allow-Origin" not in response


def test_every_operation_has_a_summary_and_a_description(anon):
    schema = yaml.safe_load(anon.get("/api/schema/").content)
    operations = [
        (path, method, op) for path, ops in schema["paths"].items() for method, op in ops.items()
    ]
    assert len(operations) >= 16
    lacking = [f"{m.upper()} {p}" for p, m, op in operations if not op.get("summary")]
    lacking += [f"{m.upper()} {p}" for p, m, op in operations if not op.get("description")]
    assert lacking == []


def test_swagger_ui_is_served_from_our_own_files(anon):
    page = anon.get("/api/docs/swagger/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui-bundle.js" in html and "/static/drf_spectacular_sidecar/" in html
    assert "cdn" not in html.lower()


def test_a_post_to_a_missing_endpoint_is_404_not_a_csrf_403():
    """The front end tells an endpoint this server lacks (e.g. estimate/) by its 404."""
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    response = client.post("/api/v1/requests/no-such-thing/", {}, format="json")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_login_and_token_errors_in_japanese(anon):
    """simplejwt has no Japanese of its own; ours covers its messages."""
    wrong = anon.post(
        "/api/v1/auth/token/",
        {"email": "nobody@example.jp", "password": "not-it"},
        HTTP_ACCEPT_LANGUAGE="ja",
    ).json()
    assert wrong["message"] == (
        "メールアドレスまたはパスワードが正しくないか、アカウントが有効ではありません。"
    )
    bad = anon.post(
        "/api/v1/auth/token/refresh/", {"refresh": "abc"}, HTTP_ACCEPT_LANGUAGE="ja"
    ).json()
    assert bad["message"] == "トークンが無効です。"


# Every message of ours has Japanese: tests/test_text_catalog.py (all server code, and stale
# entries, placeholders and the compiled .mo too).
