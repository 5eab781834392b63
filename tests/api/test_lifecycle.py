"""The whole life of a request through the API, with the batch's real queue statements
(batch.dao) playing the worker: register, log in, choose, queue, get claimed, finish with
warnings, download twice (logged in and by the mailed link); cancel a running one, retry it."""

from __future__ import annotations

from pathlib import Path

import pytest

from batch import dao
from common.result_storage import store_result
from tests.api.conftest import PASSWORD, client_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

WORKER = "lifecycle-test:1"


def kinds(body: dict) -> list[str]:
    return [event["kind"] for event in body["timeline"]]


def test_register_queue_run_download_cancel_retry(master_data, tmp_path: Path, settings):
    client = client_for(None)
    assert (
        client.post(
            "/api/v1/auth/register/",
            {"email": "life@example.jp", "password": PASSWORD, "name": "研究者"},
        ).status_code
        == 202
    )
    tokens = client.post(
        "/api/v1/auth/token/", {"email": "life@example.jp", "password": PASSWORD}
    ).json()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")

    options = client.get("/api/v1/options/").json()
    tokyo = next(p for p in options["prefectures"] if p["code"] == "13")
    body = {
        "start_year": 2020,
        "start_month": 11,
        "end_year": 2021,
        "end_month": 1,
        "prefectures": ["13"],
        "stations": ["0074"],
        "items": ["temp_avg", "precip_total"],
    }
    created = client.post("/api/v1/requests/", body, HTTP_IDEMPOTENCY_KEY="life-1")
    assert created.status_code == 202
    request_id = created.json()["id"]
    detail_url = created.headers["Location"]
    assert [s["block_no"] for s in created.json()["stations"]] == [
        "0074",
        tokyo["representative_block_no"],
    ]

    # the worker claims it
    claim = dao.claim_next(WORKER)
    assert claim is not None and claim.request_id == request_id
    running = client.get(detail_url).json()
    assert running["status"] == "running" and "claimed" in kinds(running)

    # ... and finishes it with a stored workbook and one warning
    local = tmp_path / "book.xlsx"
    local.write_bytes(b"PK\x03\x04workbook bytes")
    storage_name = f"requests/{request_id}/weather.xlsx"
    store_result(local, storage_name)
    assert dao.finish_succeeded(
        request_id,
        WORKER,
        stored=dao.StoredFile(
            storage_name=storage_name,
            download_name="気象データ_2020年11月-2021年1月.xlsx",
            size=local.stat().st_size,
            sha256="a" * 64,
            row_count=184,
        ),
        warnings=["北見 2021-01: no data published"],
        progress_total=6,
        mail=None,
    )
    done = client.get(detail_url).json()
    assert done["status"] == "succeeded" and done["progress"]["percent"] == 100.0
    assert done["warnings"] == ["北見 2021-01: no data published"]
    assert done["file"]["rows"] == 184 and done["file"]["available"] is True
    assert kinds(done)[-1] == "succeeded"

    by_login = client.get(f"/api/v1/requests/{request_id}/file/")
    assert b"".join(by_login.streaming_content) == b"PK\x03\x04workbook bytes"
    link = done["file"]["download_url"].removeprefix(settings.PUBLIC_BASE_URL)
    by_link = client_for(None).get(link)
    assert by_link.status_code == 200
    assert "filename*=utf-8''" in by_link["Content-Disposition"]

    # the same Idempotency-Key later still names the same request
    again = client.post("/api/v1/requests/", body, HTTP_IDEMPOTENCY_KEY="life-1")
    assert again.status_code == 200 and again.json()["id"] == request_id

    # a second request is cancelled while running, then retried
    second = client.post("/api/v1/requests/", {**body, "end_year": 2020, "end_month": 12})
    second_id = second.json()["id"]
    assert dao.claim_next(WORKER).request_id == second_id
    asked = client.post(f"/api/v1/requests/{second_id}/cancel/").json()
    assert asked["status"] == "running" and asked["cancel_requested"] is True
    assert dao.mark_cancelled(second_id, WORKER)
    cancelled = client.get(f"/api/v1/requests/{second_id}/").json()
    assert cancelled["status"] == "cancelled"
    retried = client.post(f"/api/v1/requests/{second_id}/retry/")
    assert retried.status_code == 202
    assert retried.json()["status"] == "queued" and retried.json()["cancel_requested"] is False
    assert kinds(retried.json())[-4:] == ["claimed", "cancel_requested", "cancelled", "retried"]
    assert dao.claim_next(WORKER).request_id == second_id

    listing = client.get("/api/v1/requests/").json()
    assert [r["id"] for r in listing["results"]] == [second_id, request_id]
    assert [
        r["status"] for r in client.get("/api/v1/requests/?status=succeeded").json()["results"]
    ] == ["succeeded"]
