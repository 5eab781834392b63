"""Every admin page answers 200 for staff, and search/filters work on the masters."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from repository.models import (
    FileRequest,
    FileRequestStation,
    MailOutbox,
    MonthlyObservation,
    RequestEvent,
    Station,
    User,
    WeatherItem,
    Worker,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    staff = User.objects.create_superuser("admin@example.com", "admin-pw-123")
    client.force_login(staff)
    return client


@pytest.fixture
def one_of_each():
    """A row in every admin-registered table, so change pages have something to show."""
    user = User.objects.create_user("user@example.com", "pw-123-secret")
    tokyo = Station.objects.get(block_no="47662")
    request = FileRequest.objects.create(
        owner=user, start_year=2020, start_month=1, end_year=2020, end_month=3
    )
    FileRequestStation.objects.create(request=request, station=tokyo, position=0)
    RequestEvent.objects.create(request=request, kind="queued", message="queued")
    MonthlyObservation.objects.create(
        station=tokyo, year=2020, month=1, page_type="s1", source_url="u", content_hash="h"
    )
    MailOutbox.objects.create(
        to_email=user.email, subject="s", body_text="b", dedupe_key="k", request=request
    )
    Worker.objects.create(worker_id="w1", host="h", pid=1, threads=2)


def admin_urls():
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        yield model, model_admin, f"admin:{meta.app_label}_{meta.model_name}"


def test_every_changelist_and_change_page_answers_200(staff_client, one_of_each):
    checked = 0
    for model, _model_admin, prefix in admin_urls():
        assert staff_client.get(reverse(f"{prefix}_changelist")).status_code == 200, prefix
        obj = model.objects.first()
        if obj is not None:
            page = staff_client.get(reverse(f"{prefix}_change", args=[obj.pk]))
            assert page.status_code == 200, prefix
        checked += 1
    assert checked >= 8


def test_add_pages_answer_200_where_adding_is_allowed(staff_client):
    for model, model_admin, prefix in admin_urls():
        if model is User or model_admin.has_add_permission(_request_for(staff_client)):
            assert staff_client.get(reverse(f"{prefix}_add")).status_code == 200, prefix


def _request_for(client):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = User.objects.get(email="admin@example.com")
    return request


def test_station_search_by_name_kana_and_block_no(staff_client):
    url = reverse("admin:repository_station_changelist")
    for query in ["東京", "トウキョウ", "47662"]:
        page = staff_client.get(url, {"q": query})
        assert "47662" in page.content.decode(), query


def test_station_filters(staff_client):
    url = reverse("admin:repository_station_changelist")
    page = staff_client.get(url, {"kind__exact": "雨", "prefecture__id__exact": 1})
    assert page.status_code == 200
    assert (
        page.context["cl"].result_count
        == Station.objects.filter(kind="雨", prefecture_id=1).count()
    )


def test_non_staff_is_sent_to_login(client):
    user = User.objects.create_user("plain@example.com", "pw-123-secret")
    client.force_login(user)
    page = client.get(reverse("admin:repository_weatheritem_changelist"))
    assert page.status_code == 302
    assert WeatherItem.objects.count() == 22


def test_admin_retry_and_cancel_actions_use_the_application_rules(staff_client):
    user = User.objects.create_user("owner@example.com", "pw-123-secret")
    fields = {"start_year": 2020, "start_month": 1, "end_year": 2020, "end_month": 1}
    failed = FileRequest.objects.create(owner=user, status="failed", attempts=5, **fields)
    queued = FileRequest.objects.create(owner=user, **fields)
    succeeded = FileRequest.objects.create(owner=user, status="succeeded", **fields)
    url = reverse("admin:repository_filerequest_changelist")

    staff_client.post(url, {"action": "retry_selected", "_selected_action": [failed.pk]})
    staff_client.post(
        url, {"action": "cancel_selected", "_selected_action": [queued.pk, succeeded.pk]}
    )

    failed.refresh_from_db()
    queued.refresh_from_db()
    succeeded.refresh_from_db()
    assert (failed.status, failed.attempts) == ("queued", 0)
    assert failed.events.filter(kind="retried").exists()
    assert queued.status == "cancelled"
    assert succeeded.status == "succeeded"  # refused by the same rule the API applies


def test_request_list_filters_by_status(staff_client):
    user = User.objects.create_user("owner@example.com", "pw-123-secret")
    fields = {"start_year": 2020, "start_month": 1, "end_year": 2020, "end_month": 1}
    FileRequest.objects.create(owner=user, status="failed", **fields)
    FileRequest.objects.create(owner=user, **fields)
    url = reverse("admin:repository_filerequest_changelist")
    page = staff_client.get(url, {"status__exact": "failed"})
    assert page.context["cl"].result_count == 1


def test_request_list_shows_and_filters_the_format(staff_client):
    user = User.objects.create_user("owner@example.com", "pw-123-secret")
    fields = {"start_year": 2020, "start_month": 1, "end_year": 2020, "end_month": 1}
    FileRequest.objects.create(owner=user, format="csv", **fields)
    FileRequest.objects.create(owner=user, **fields)
    url = reverse("admin:repository_filerequest_changelist")
    page = staff_client.get(url, {"format__exact": "csv"}, HTTP_ACCEPT_LANGUAGE="ja")
    assert page.context["cl"].result_count == 1
    html = page.content.decode()
    assert "ファイル形式" in html and "CSV (.zip)" in html


def test_the_site_link_and_the_bare_root_lead_to_the_front_end(staff_client, client, settings):
    """「サイトを表示」 and `/` were 404s; both now lead to the web front end's address."""
    front = "http://127.0.0.1:8080/"  # FRONTEND_BASE_URL's default, as README says
    root = client.get("/")
    assert root.status_code == 302
    assert root["Location"] == front
    index = staff_client.get("/admin/")
    assert index.status_code == 200
    assert f'href="{front}"' in index.content.decode()
