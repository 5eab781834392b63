"""The request lifecycle through the API, every validation rule, idempotency and the limit."""

from __future__ import annotations

from datetime import timedelta

import pytest

from application.requests import cancel_request, retry_request
from repository.models import (
    FileRequest,
    FileRequestItem,
    FileRequestStation,
    RequestEvent,
    ResultFile,
    Station,
    WeatherItem,
)
from repository.queue.texts import event_text
from tests.api.conftest import client_for, finish_with_file, make_user, valid_body

pytestmark = pytest.mark.django_db

URL = "/api/v1/requests/"


def create(client, **changes):
    return client.post(URL, valid_body(**changes), format="json")


def fields_of(response) -> dict:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "validation_error" and body["message"]
    return body["fields"]


def test_create_queues_the_request_with_its_selections_in_order(api, owner):
    response = create(api, stations=["0074", "47662"], items=["precip_total", "temp_avg"])
    assert response.status_code == 202
    body = response.json()
    assert response.headers["Location"] == body["url"]
    assert body["url"].endswith(f"/api/v1/requests/{body['id']}/")
    assert body["status"] == "queued"
    assert [s["block_no"] for s in body["stations"]] == ["0074", "47662"]
    assert [i["code"] for i in body["items"]] == ["precip_total", "temp_avg"]
    assert body["progress"] == {"done": 0, "total": 6, "percent": 0.0}
    assert [e["kind"] for e in body["timeline"]] == ["queued"]

    stored = FileRequest.objects.get(pk=body["id"])
    assert stored.owner == owner
    rows = FileRequestStation.objects.filter(request=stored).order_by("position")
    assert [(r.position, r.station.block_no) for r in rows] == [(1, "0074"), (2, "47662")]
    items = FileRequestItem.objects.filter(request=stored).order_by("position")
    assert [i.item.code for i in items] == ["precip_total", "temp_avg"]


def test_prefectures_stand_for_their_representative_station(api):
    body = create(api, stations=["47662"], prefectures=["13", "27"]).json()
    # Tokyo's representative is 47662 (already chosen), Osaka's is 47772
    assert [s["block_no"] for s in body["stations"]] == ["47662", "47772"]


def test_the_current_month_is_allowed_and_english_and_quality_columns_are_kept(api, frozen_clock):
    frozen_clock("2026-12-31T23:59:00+09:00")
    response = create(
        api, start_year=2025, end_year=2026, end_month=12, language="en", quality_columns=True
    )
    assert response.status_code == 202, response.content
    assert response.json()["language"] == "en" and response.json()["quality_columns"] is True


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"start_month": 0}, "start_month"),
        ({"end_month": 13}, "end_month"),
        ({"start_year": 1800}, "start_year"),
        ({"start_year": 2021, "end_year": 2020}, "end_month"),
        ({"start_month": 5, "end_month": 4}, "end_month"),
        ({"end_year": 2999}, "end_year"),
        ({"stations": ["99999"]}, "stations"),
        ({"stations": [], "prefectures": []}, "stations"),
        ({"prefectures": ["99"]}, "prefectures"),
        ({"items": []}, "items"),
        ({"items": ["no_such_item"]}, "items"),
        ({"language": "fr"}, "language"),
        ({"start_year": "twenty"}, "start_year"),
        ({"stations": "47662"}, "stations"),
    ],
)
def test_each_rule_is_a_field_message(api, changes, field):
    assert field in fields_of(create(api, **changes))
    assert not FileRequest.objects.exists()


@pytest.mark.parametrize(
    ("now", "next_month", "field"),
    [
        ("2026-12-03T12:00:00+09:00", (2027, 1), "end_year"),
        ("2026-12-31T23:59:00+09:00", (2027, 1), "end_year"),
        ("2027-01-01T00:00:00+09:00", (2027, 2), "end_month"),
        ("2024-02-29T12:00:00+09:00", (2024, 3), "end_month"),
        ("2026-06-15T12:00:00+09:00", (2026, 7), "end_month"),
    ],
)
def test_a_month_after_the_current_one_is_in_the_future(api, frozen_clock, now, next_month, field):
    """The same message whatever the date: December asks for a month of next year."""
    frozen_clock(now)
    year, month = next_month
    fields = fields_of(create(api, start_year=year - 1, end_year=year, end_month=month))
    assert set(fields) == {field}
    (message,) = fields[field]
    assert "current month" in message


def test_missing_fields_are_reported(api):
    fields = fields_of(api.post(URL, {}, format="json"))
    assert {"start_year", "start_month", "end_year", "end_month"} <= set(fields)
    # Items may be left out of an hourly or 10-minute request only (issue 20).
    assert "items" in fields_of(create(api, items=[]))


def test_inactive_station_and_item_are_refused(api):
    Station.objects.filter(block_no="0074").update(is_active=False)
    WeatherItem.objects.filter(code="precip_total").update(is_active=False)
    fields = fields_of(create(api))
    assert "no longer active" in fields["stations"][0]
    assert "precip_total" in fields["items"][0]


def test_item_not_observed_at_any_selected_station(api):
    # sea-level pressure is only on observatory (s1) pages; 0074 is AMeDAS (a1)
    fields = fields_of(create(api, stations=["0074"], items=["pressure_sea_avg", "temp_avg"]))
    assert "pressure_sea_avg" in fields["items"][0]
    # with one observatory in the selection it is fine
    assert create(api, stations=["0074", "47662"], items=["pressure_sea_avg"]).status_code == 202


def test_a_workbook_that_would_not_fit_is_refused_with_numbers(api, settings):
    settings.MAX_STATION_MONTHS = 10**9
    stations = list(Station.objects.filter(is_active=True).values_list("block_no", flat=True)[:50])
    fields = fields_of(create(api, stations=stations, start_year=1950, end_year=2020, end_month=12))
    message = fields["non_field_errors"][0]
    assert "rows" in message and "1,048,575" in message


def test_station_month_limit(api, settings):
    settings.MAX_STATION_MONTHS = 5
    fields = fields_of(create(api))  # 2 stations x 3 months
    assert "6 station-months" in fields["non_field_errors"][0]


def test_per_user_limit_of_active_requests(api, owner, settings, master_data):
    settings.MAX_ACTIVE_REQUESTS_PER_USER = 2
    assert create(api).status_code == 202
    assert create(api).status_code == 202
    response = create(api)
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "too_many_active_requests" and "limit is 2" in body["message"]
    # other users are not affected, and finishing one frees a slot
    assert create(client_for(make_user("other@example.jp"))).status_code == 202
    FileRequest.objects.filter(owner=owner).first()
    first = FileRequest.objects.filter(owner=owner).order_by("id").first()
    FileRequest.objects.filter(pk=first.pk).update(status="failed")
    assert create(api).status_code == 202


def test_idempotency_key_returns_the_same_request(api):
    headers = {"HTTP_IDEMPOTENCY_KEY": "form-submit-1"}
    first = api.post(URL, valid_body(), format="json", **headers)
    again = api.post(URL, valid_body(), format="json", **headers)
    assert first.status_code == 202 and again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert FileRequest.objects.count() == 1
    # a different key is a different request
    other = api.post(URL, valid_body(), format="json", HTTP_IDEMPOTENCY_KEY="form-submit-2")
    assert other.status_code == 202 and other.json()["id"] != first.json()["id"]


def test_idempotency_key_with_a_different_body_is_refused(api):
    headers = {"HTTP_IDEMPOTENCY_KEY": "k"}
    assert api.post(URL, valid_body(), format="json", **headers).status_code == 202
    response = api.post(URL, valid_body(end_month=4), format="json", **headers)
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert FileRequest.objects.count() == 1


def test_idempotency_keys_are_per_user(api, master_data):
    headers = {"HTTP_IDEMPOTENCY_KEY": "same"}
    mine = api.post(URL, valid_body(), format="json", **headers).json()
    other = client_for(make_user("o@example.jp"))
    theirs = other.post(URL, valid_body(), format="json", **headers)
    assert theirs.status_code == 202 and theirs.json()["id"] != mine["id"]


def test_idempotency_key_replay_does_not_count_against_the_limit(api, settings):
    settings.MAX_ACTIVE_REQUESTS_PER_USER = 1
    headers = {"HTTP_IDEMPOTENCY_KEY": "once"}
    assert api.post(URL, valid_body(), format="json", **headers).status_code == 202
    assert api.post(URL, valid_body(), format="json", **headers).status_code == 200


def test_too_long_idempotency_key(api):
    response = api.post(URL, valid_body(), format="json", HTTP_IDEMPOTENCY_KEY="x" * 101)
    assert "idempotency_key" in fields_of(response)


def test_list_is_own_only_newest_first_paginated_and_filtered(api, owner, master_data):
    ids = [create(api, start_month=m, end_month=m).json()["id"] for m in range(1, 6)]
    create(client_for(make_user("else@example.jp")))
    FileRequest.objects.filter(pk=ids[0]).update(status="failed")

    body = api.get(URL, {"page_size": 2}).json()
    assert body["count"] == 5
    assert [r["id"] for r in body["results"]] == ids[::-1][:2]
    assert body["next"] and body["previous"] is None
    page3 = api.get(URL, {"page_size": 2, "page": 3}).json()
    assert [r["id"] for r in page3["results"]] == [ids[0]]
    assert "timeline" not in page3["results"][0]

    failed = api.get(URL, {"status": "failed"}).json()
    assert [r["id"] for r in failed["results"]] == [ids[0]]
    assert "status" in fields_of(api.get(URL, {"status": "nonsense"}))
    assert api.get(URL, {"page": 99}).status_code == 404


def test_detail_shows_progress_warnings_error_and_timeline(api):
    request_id = create(api).json()["id"]
    FileRequest.objects.filter(pk=request_id).update(
        status="failed",
        progress_done=3,
        error_code="layout_changed",
        error_message="JMA changed the page layout",
        warnings=["0074 2020-02: no data published"],
    )
    RequestEvent.objects.create(request_id=request_id, kind="failed", message="gave up")
    body = api.get(f"{URL}{request_id}/").json()
    assert body["progress"] == {"done": 3, "total": 6, "percent": 50.0}
    assert body["error"] == {"code": "layout_changed", "message": "JMA changed the page layout"}
    assert body["warnings"] == ["0074 2020-02: no data published"]
    assert [e["kind"] for e in body["timeline"]] == ["queued", "failed"]


def test_cancel_a_queued_request_at_once(api):
    request_id = create(api).json()["id"]
    response = api.post(f"{URL}{request_id}/cancel/")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["timeline"][-1]["kind"] == "cancelled"
    again = api.post(f"{URL}{request_id}/cancel/")
    assert again.status_code == 409 and again.json()["code"] == "not_cancellable"


def test_cancel_a_running_request_asks_the_worker_to_stop(api):
    request_id = create(api).json()["id"]
    FileRequest.objects.filter(pk=request_id).update(status="running", claimed_by="w1")
    body = api.post(f"{URL}{request_id}/cancel/").json()
    assert body["status"] == "running" and body["cancel_requested"] is True
    assert body["timeline"][-1]["kind"] == "cancel_requested"
    # asking twice is harmless
    assert api.post(f"{URL}{request_id}/cancel/").status_code == 200
    assert RequestEvent.objects.filter(request_id=request_id, kind="cancel_requested").count() == 1


def test_a_finished_request_cannot_be_cancelled(api, tmp_path):
    request_id = create(api).json()["id"]
    finish_with_file(FileRequest.objects.get(pk=request_id), tmp_path)
    response = api.post(f"{URL}{request_id}/cancel/")
    assert response.status_code == 409


@pytest.mark.parametrize("final", ["failed", "cancelled"])
def test_retry_puts_a_failed_or_cancelled_request_back_in_the_queue(api, final):
    request_id = create(api).json()["id"]
    FileRequest.objects.filter(pk=request_id).update(
        status=final,
        attempts=5,
        error_code="jma_unavailable",
        error_message="down",
        progress_done=2,
        claimed_by="w1",
        cancel_requested=(final == "cancelled"),
    )
    response = api.post(f"{URL}{request_id}/retry/")
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued" and body["attempts"] == 0 and body["error"] is None
    assert body["progress"]["done"] == 0 and body["cancel_requested"] is False
    assert body["timeline"][-1]["kind"] == "retried"
    stored = FileRequest.objects.get(pk=request_id)
    assert stored.claimed_by == "" and stored.run_after <= stored.updated_at


@pytest.mark.parametrize("state", ["queued", "running", "succeeded"])
def test_retry_only_from_failed_or_cancelled(api, state, tmp_path):
    request_id = create(api).json()["id"]
    FileRequest.objects.filter(pk=request_id).update(status=state)
    if state == "succeeded":
        finish_with_file(FileRequest.objects.get(pk=request_id), tmp_path)
    response = api.post(f"{URL}{request_id}/retry/")
    assert response.status_code == 409 and response.json()["code"] == "not_retryable"
    assert FileRequest.objects.get(pk=request_id).status == state


@pytest.mark.parametrize("gone", ["expired", "purged"])
def test_retry_makes_an_expired_file_again(api, tmp_path, gone):
    request_id = create(api).json()["id"]
    result = finish_with_file(FileRequest.objects.get(pk=request_id), tmp_path)
    if gone == "expired":
        result.expires_at = result.created_at - timedelta(seconds=1)
    else:
        result.purged_at = result.created_at
    result.save()
    assert api.get(f"{URL}{request_id}/file/").status_code == 410
    response = api.post(f"{URL}{request_id}/retry/")
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued" and body["file"] is None
    assert "expired file" in body["timeline"][-1]["message"]
    assert not ResultFile.objects.filter(request_id=request_id).exists()


def test_retry_respects_the_per_user_limit_but_staff_may_override(api, owner, settings):
    settings.MAX_ACTIVE_REQUESTS_PER_USER = 1
    failed_id = create(api).json()["id"]
    FileRequest.objects.filter(pk=failed_id).update(status="failed")
    create(api)
    assert api.post(f"{URL}{failed_id}/retry/").status_code == 429
    staff = make_user("ops@example.jp")
    staff.is_staff = True
    staff.save()
    retried = retry_request(FileRequest.objects.get(pk=failed_id), actor=staff)
    assert retried.status == "queued"
    event = retried.events.last()  # stored as a code and data, rendered when read
    assert "ops@example.jp" in event_text(event.kind, event.data, event.message)
    assert cancel_request(retried, actor=staff).status == "cancelled"


ENDPOINTS = [
    ("get", "{url}"),
    ("post", "{url}retry/"),
    ("post", "{url}cancel/"),
    ("get", "{url}file/"),
]


@pytest.mark.parametrize(("method", "template"), ENDPOINTS)
@pytest.mark.parametrize("state", ["queued", "failed", "succeeded"])
def test_only_the_owner_sees_a_request_everyone_else_gets_404(
    api, stranger, tmp_path, method, template, state
):
    request_id = create(api).json()["id"]
    file_request = FileRequest.objects.get(pk=request_id)
    if state == "succeeded":
        finish_with_file(file_request, tmp_path)
    else:
        FileRequest.objects.filter(pk=request_id).update(status=state)
    before = FileRequest.objects.values().get(pk=request_id)
    path = template.format(url=f"{URL}{request_id}/")
    response = getattr(client_for(stranger), method)(path)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    # same answer as for a request that does not exist at all
    missing = getattr(client_for(stranger), method)(template.format(url=f"{URL}999999/"))
    assert missing.status_code == 404 and missing.json()["message"].startswith("Request ")
    assert FileRequest.objects.values().get(pk=request_id) == before
    assert stranger.pk not in [r["id"] for r in client_for(stranger).get(URL).json()["results"]]
    assert client_for(stranger).get(URL).json()["count"] == 0


@pytest.mark.parametrize(("method", "template"), [*ENDPOINTS, ("get", URL), ("post", URL)])
def test_every_request_endpoint_needs_a_login(anon, master_data, method, template):
    response = getattr(anon, method)(template.format(url=f"{URL}1/"))
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
