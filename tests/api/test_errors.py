"""One error shape for every 4xx/5xx under /api/, and CORS for configured origins only."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.api.conftest import valid_body

pytestmark = pytest.mark.django_db


def assert_shape(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code and isinstance(body["message"], str) and body["message"]
    assert set(body) <= {"code", "message", "fields"}
    return body


def test_unknown_api_paths_are_json_404(api, anon):
    assert_shape(anon.get("/api/v1/nothing-here/"), 404, "not_found")
    assert_shape(api.post("/api/v2/requests/"), 404, "not_found")
    body = assert_shape(api.get("/api/v1/requests"), 404, "not_found")
    assert "slash" in body["message"]
    assert_shape(api.get("/api/v1/requests/abc/"), 404, "not_found")


@pytest.mark.parametrize("pk", ["0", "9223372036854775807", "9223372036854775808", "1" * 40])
@pytest.mark.parametrize("tail", ["", "cancel/", "retry/", "file/"])
def test_request_ids_nobody_has_are_404_even_past_a_bigint(api, pk, tail):
    method = api.post if tail in ("cancel/", "retry/") else api.get
    assert_shape(method(f"/api/v1/requests/{pk}/{tail}"), 404, "not_found")


def test_wrong_method_is_405(api):
    assert_shape(api.delete("/api/v1/options/"), 405, "method_not_allowed")
    assert_shape(api.put("/api/v1/requests/1/cancel/"), 405, "method_not_allowed")


def test_malformed_json_and_wrong_media_type(api):
    response = api.generic(
        "POST", "/api/v1/requests/", "{not json", content_type="application/json"
    )
    assert_shape(response, 400, "parse_error")
    response = api.generic("POST", "/api/v1/requests/", "x", content_type="text/plain")
    assert_shape(response, 415, "unsupported_media_type")


def test_only_json_bodies_and_not_too_big(api):
    fields = "&".join(f"stations={n}" for n in range(2000))
    response = api.generic(
        "POST",
        "/api/v1/requests/",
        fields,
        content_type="application/x-www-form-urlencoded",
    )
    assert_shape(response, 415, "unsupported_media_type")
    huge = '{"stations": ["' + "4" * 3_000_000 + '"]}'
    response = api.generic("POST", "/api/v1/requests/", huge, content_type="application/json")
    assert_shape(response, 413, "payload_too_large")


def test_unexpected_error_is_a_json_500(api, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("something broke")

    monkeypatch.setattr("application.requests.create_and_view", boom)
    body = assert_shape(
        api.post("/api/v1/requests/", valid_body(), format="json"), 500, "server_error"
    )
    assert "something broke" not in body["message"]


def test_django_handlers_answer_json_under_api_and_html_elsewhere(rf):
    from presentation.errors import handler404, handler500

    api_response = handler500(rf.get("/api/v1/anything/"))
    assert api_response.status_code == 500 and b'"server_error"' in api_response.content
    site_response = handler404(rf.get("/not-api/"), None)
    assert site_response.status_code == 404 and b'"code"' not in site_response.content


def test_cors_only_for_configured_origins(settings, master_data):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.jp"]
    client = Client()
    allowed = client.options(
        "/api/v1/options/",
        HTTP_ORIGIN="https://app.example.jp",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert allowed["Access-Control-Allow-Origin"] == "https://app.example.jp"
    other = client.options(
        "/api/v1/options/",
        HTTP_ORIGIN="https://evil.example.com",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert "Access-Control-Allow-Origin" not in other


def test_schema_and_docs_are_served(anon):
    schema = anon.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/requests/" in paths and "/api/v1/downloads/{token}/" in paths
    docs = anon.get("/api/docs/")
    assert docs.status_code == 200 and b"/api/schema/" in docs.content


def test_schema_generates_without_warnings_and_validates(tmp_path):
    from django.core.management import call_command

    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "/api/v1/requests/{id}/retry/" in text
    assert "Idempotency-Key" in text
    assert "jwtAuth" in text and "scheme: bearer" in text
