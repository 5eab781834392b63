"""Issue 23, "also seen": `health/` told anyone the queue's depth and the workers' state.

Anyone still gets the verdict (200 or 503 with a code), so probes and simple monitors keep
working; the details (database, workers, queue, canary) only go to staff (a staff account's
access token or admin session) and to a monitor sending HEALTH_TOKEN in `X-Health-Token`."""

from __future__ import annotations

import pytest
from django.test import Client

from repository.models import FileRequest, User, Worker
from tests.api.conftest import PASSWORD, client_for, valid_body

pytestmark = pytest.mark.django_db

URL = "/api/v1/health/"
DETAILS = {"checked_at", "database", "workers", "queue", "canary"}
SECRET = "monitoring-secret-0123456789abcdef"


@pytest.fixture
def busy_service(api):
    Worker.objects.create(worker_id="w:1", host="w", pid=1, threads=2)
    for _ in range(3):
        api.post("/api/v1/requests/", valid_body(), format="json")
    FileRequest.objects.filter(pk=FileRequest.objects.first().pk).update(status="running")


def test_anyone_gets_the_verdict_without_details(anon, busy_service):
    response = anon.get(URL)
    assert response.status_code == 200
    assert set(response.json()) == {"code", "message"}
    assert response.json()["code"] == "ok"


def test_anyone_still_sees_an_unhealthy_service_as_503(anon, master_data):
    response = anon.get(URL)
    assert response.status_code == 503
    assert set(response.json()) == {"code", "message"} and response.json()["code"] == "unhealthy"


def test_a_signed_in_user_who_is_not_staff_gets_no_details(api, busy_service):
    assert set(api.get(URL).json()) == {"code", "message"}


def test_staff_get_the_details_by_token_or_admin_session(busy_service):
    staff = User.objects.create_superuser("ops@example.jp", PASSWORD)
    body = client_for(staff).get(URL).json()
    assert set(body) >= DETAILS and body["queue"] == {"queued": 2, "running": 1}
    browser = Client()
    browser.force_login(staff)
    assert browser.get(URL).json()["queue"] == {"queued": 2, "running": 1}


def test_a_monitor_with_the_health_token_gets_the_details(anon, busy_service, settings):
    settings.HEALTH_TOKEN = SECRET
    body = anon.get(URL, HTTP_X_HEALTH_TOKEN=SECRET).json()
    assert set(body) >= DETAILS and body["workers"]["alive"] == 1
    wrong = anon.get(URL, HTTP_X_HEALTH_TOKEN=SECRET[:-1] + "x")
    assert wrong.status_code == 403 and wrong.json()["code"] == "health_token_invalid"


def test_no_configured_token_means_no_token_opens_the_details(anon, busy_service, settings):
    settings.HEALTH_TOKEN = ""
    response = anon.get(URL, HTTP_X_HEALTH_TOKEN="")
    assert set(response.json()) == {"code", "message"}


def test_the_probes_stay_open(anon, busy_service):
    assert anon.get("/api/v1/health/live/").status_code == 200
    assert anon.get("/api/v1/health/ready/").status_code == 200
