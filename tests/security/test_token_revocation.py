"""Finding 4 (and the token half of 11): a password change ends every token, a deactivated
owner's mailed links stop working, and token responses are never cached."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.forms import SetPasswordForm

from common.crypto import download_url
from repository.models import FileRequest, User
from tests.api.conftest import PASSWORD, client_for, finish_with_file, valid_body

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "an-Other-long-pass-2025"


def login(client, email: str, password: str = PASSWORD) -> dict:
    response = client.post("/api/v1/auth/token/", {"email": email, "password": password})
    assert response.status_code == 200, response.json()
    return response.json()


def assert_all_dead(client, tokens: dict) -> None:
    me = client.get("/api/v1/auth/me/", HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert me.status_code == 401
    refreshed = client.post("/api/v1/auth/token/refresh/", {"refresh": tokens["refresh"]})
    assert refreshed.status_code == 401
    assert refreshed.json()["code"] == "token_not_valid"
    verified = client.post("/api/v1/auth/token/verify/", {"token": tokens["access"]})
    assert verified.status_code == 401


def test_tokens_work_before_the_change(anon, owner):
    tokens = login(anon, owner.email)
    me = anon.get("/api/v1/auth/me/", HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert me.status_code == 200
    assert (
        anon.post("/api/v1/auth/token/refresh/", {"refresh": tokens["refresh"]}).status_code == 200
    )
    assert anon.post("/api/v1/auth/token/verify/", {"token": tokens["access"]}).status_code == 200


def test_set_password_ends_access_and_refresh_tokens(anon, owner):
    tokens = login(anon, owner.email)
    user = User.objects.get(pk=owner.pk)
    user.set_password(NEW_PASSWORD)
    user.save()
    assert_all_dead(anon, tokens)
    login(anon, owner.email, NEW_PASSWORD)  # the new password works


def test_the_reset_forms_password_change_ends_tokens_too(anon, owner):
    """The password-reset confirmation saves through Django's SetPasswordForm."""
    tokens = login(anon, owner.email)
    form = SetPasswordForm(
        User.objects.get(pk=owner.pk),
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert form.is_valid(), form.errors
    form.save()
    assert_all_dead(anon, tokens)


def test_deactivation_ends_tokens(anon, owner):
    tokens = login(anon, owner.email)
    User.objects.filter(pk=owner.pk).update(is_active=False)
    assert_all_dead(anon, tokens)


def test_refresh_of_a_deleted_account_is_401_not_500(anon, owner):
    tokens = login(anon, owner.email)
    User.objects.filter(pk=owner.pk).delete()
    response = anon.post("/api/v1/auth/token/refresh/", {"refresh": tokens["refresh"]})
    assert response.status_code == 401


def test_a_mailed_link_stops_working_when_its_owner_is_deactivated(api, anon, owner, tmp_path):
    request_id = api.post("/api/v1/requests/", valid_body(), format="json").json()["id"]
    finish_with_file(FileRequest.objects.get(pk=request_id), tmp_path)
    path = download_url(request_id).split("://", 1)[1].split("/", 1)[1]
    assert anon.get(f"/{path}").status_code == 200
    User.objects.filter(pk=owner.pk).update(is_active=False)
    response = anon.get(f"/{path}")
    assert response.status_code == 404
    assert response.json()["code"] == "link_invalid"


def test_token_responses_are_not_cacheable(anon, owner):
    response = anon.post("/api/v1/auth/token/", {"email": owner.email, "password": PASSWORD})
    assert response["Cache-Control"] == "no-store"
    refreshed = anon.post("/api/v1/auth/token/refresh/", {"refresh": response.json()["refresh"]})
    assert refreshed.status_code == 200
    assert refreshed["Cache-Control"] == "no-store"


def _path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_a_mailed_link_stops_working_when_its_owner_changes_the_password(
    api, anon, owner, tmp_path
):
    """Issue 23: the link in the completion mail kept working after a password change, so
    whoever read the mailbox before kept the file."""
    from batch.mail import completion_mail, request_facts

    request_id = api.post("/api/v1/requests/", valid_body(), format="json").json()["id"]
    file_request = FileRequest.objects.get(pk=request_id)
    result = finish_with_file(file_request, tmp_path)
    mailed = completion_mail(
        request_facts(file_request), size=result.size, warnings=[], expires_at=result.expires_at
    )
    link = _path_of(re.search(r"http\S+/api/v1/downloads/\S+/", mailed.body_text).group(0))
    shown = _path_of(api.get(f"/api/v1/requests/{request_id}/").json()["file"]["download_url"])
    assert anon.get(link).status_code == 200 and anon.get(shown).status_code == 200
    user = User.objects.get(pk=owner.pk)
    user.set_password(NEW_PASSWORD)
    user.save()
    for path in (link, shown):
        response = anon.get(path)
        assert response.status_code == 410, response.content
        assert response.json()["code"] == "link_revoked"
    # The link the API shows now is a new one, and it works.
    fresh = client_for(user).get(f"/api/v1/requests/{request_id}/")
    assert anon.get(_path_of(fresh.json()["file"]["download_url"])).status_code == 200
