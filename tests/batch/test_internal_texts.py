"""Issue 15 finding 8: what the owner sees is a classified reason, never a path, an exception
text or a worker id (host-pid); the detail stays in the log and the event data (admin)."""

from __future__ import annotations

import json
import logging

import pytest
from django.conf import settings as django_settings
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from batch import dao
from repository.models import FileRequest, RequestEvent
from tests.batch.conftest import make_request, make_user
from tests.batch.test_jobs import _run, replay  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)

WORKER = "build-host-7.internal-4242/1"


def owner_view(user, request_id: int, language: str = "en") -> dict:
    """The owner's view of the request; its texts are in the reader's language (English here,
    as these tests quote the English ones)."""
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    response = client.get(f"/api/v1/requests/{request_id}/")
    assert response.status_code == 200
    return response.json()


def test_an_unwritable_results_folder_shows_a_classified_reason(
    master_data,
    replay,  # noqa: F811
    settings,
    tmp_path,
    caplog,  # noqa: F811
):
    replay()
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the results folder should be")
    settings.STORAGES = {
        **django_settings.STORAGES,
        "results": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocker / "results")},
        },
    }
    owner = make_user("texts@example.com")
    req = make_request(owner)

    with caplog.at_level(logging.WARNING):
        assert _run(req, worker=WORKER)[0] == "requeued"

    shown = json.dumps(owner_view(owner, req.pk), ensure_ascii=False)
    assert "Could not write the result file; we will retry." in shown
    shown += json.dumps(owner_view(owner, req.pk, "ja"), ensure_ascii=False)
    for internal in (str(tmp_path), "not-a-folder", "Errno", "NotADirectoryError", "build-host"):
        assert internal not in shown, internal
    # The operator still has everything: the log and the event's data (shown in admin).
    event = RequestEvent.objects.get(request=req, kind="retry_scheduled")
    assert "NotADirectoryError" in event.data["detail"] and "not-a-folder" in event.data["detail"]
    assert event.data["code"] == "storage_error"
    assert RequestEvent.objects.get(request=req, kind="claimed").worker_id == WORKER
    assert "NotADirectoryError" in caplog.text


def test_a_reaped_lease_does_not_name_the_worker(master_data, replay):  # noqa: F811
    replay()
    owner = make_user("reaped@example.com")
    req = make_request(owner, max_attempts=1)
    claim = dao.claim_next(WORKER, lease_s=0)
    assert claim is not None and claim.request_id == req.pk
    reaped = dao.reap_expired(failure_mail=None)
    assert [r.request_id for r in reaped] == [req.pk]
    shown = json.dumps(owner_view(owner, req.pk), ensure_ascii=False)
    assert "stopped responding" in shown
    assert "build-host" not in shown and "4242" not in shown


def test_unwritable_storage_spends_no_attempt(master_data, replay, settings, tmp_path):  # noqa: F811
    """Issue 23: each claim while result storage was unwritable spent an attempt, so an outage
    longer than the retries failed requests that had nothing wrong with them."""
    replay()
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the results folder should be")
    settings.STORAGES = {
        **django_settings.STORAGES,
        "results": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocker / "results")},
        },
    }
    req = make_request(make_user("storage@example.com"), max_attempts=2)
    for _ in range(4):
        assert _run(req, worker=WORKER)[0] == "requeued"
        req.refresh_from_db()
        assert (req.status, req.attempts) == ("queued", 0)
        FileRequest.objects.filter(pk=req.pk).update(run_after=req.created_at)  # due again
    assert RequestEvent.objects.filter(request=req, kind="retry_scheduled").count() == 4
