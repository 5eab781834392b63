"""Issue 23, "also seen": a refresh token could be used again and again, and log-out did not
end anything. Refresh tokens now rotate (each works once), log-out ends the session (its
refresh token and every access token made from it), and a used refresh token that comes
back later ends the whole session (someone holds a stolen copy)."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import requests
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from presentation.tokens import REPLAY_GRACE_S, SessionRefreshToken
from repository.models import User
from tests.api.conftest import PASSWORD, client_for, make_user
from tests.security.servers import gunicorn

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
REFRESH = "/api/v1/auth/token/refresh/"
LOGOUT = "/api/v1/auth/logout/"
ME = "/api/v1/auth/me/"


def log_in(client, email: str = "owner@example.jp") -> dict:
    response = client.post(TOKEN, {"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.json()
    return response.json()


def me(access: str) -> int:
    client = client_for(None)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client.get(ME).status_code


def refresh(client, token: str):
    return client.post(REFRESH, {"refresh": token})


def age_the_rotation(token_jti_blacklisted_before: int) -> None:
    """Make every rotation so far older than the grace for a tab's parallel refresh."""
    BlacklistedToken.objects.update(
        blacklisted_at=timezone.now() - timedelta(seconds=token_jti_blacklisted_before)
    )


def test_a_refresh_token_works_once(anon, owner):
    first = log_in(anon)
    rotated = refresh(anon, first["refresh"])
    assert rotated.status_code == 200
    assert set(rotated.json()) == {"access", "refresh"}
    again = refresh(anon, first["refresh"])
    assert again.status_code == 401 and again.json()["code"] == "token_not_valid"


def test_rotation_goes_on_and_access_tokens_keep_working(anon, owner):
    tokens = log_in(anon)
    for _ in range(3):
        tokens = refresh(anon, tokens["refresh"]).json()
        assert me(tokens["access"]) == 200


def test_log_out_ends_the_session_and_only_that_one(anon, owner):
    laptop, phone = log_in(anon), log_in(anon)
    laptop_later = refresh(anon, laptop["refresh"]).json()
    response = anon.post(LOGOUT, {"refresh": laptop_later["refresh"]})
    assert response.status_code == 200 and response.json()["code"] == "logged_out"
    assert refresh(anon, laptop_later["refresh"]).status_code == 401
    # Every access token of the session, the first one too, is over at once.
    assert me(laptop["access"]) == 401 and me(laptop_later["access"]) == 401
    verify = anon.post("/api/v1/auth/token/verify/", {"token": laptop_later["access"]})
    assert verify.status_code == 401
    # The phone's session goes on.
    assert me(phone["access"]) == 200
    assert refresh(anon, phone["refresh"]).status_code == 200


def test_log_out_twice_or_with_an_old_token_is_fine(anon, owner):
    tokens = log_in(anon)
    rotated = refresh(anon, tokens["refresh"]).json()
    assert anon.post(LOGOUT, {"refresh": tokens["refresh"]}).status_code == 200
    assert anon.post(LOGOUT, {"refresh": tokens["refresh"]}).status_code == 200
    assert me(rotated["access"]) == 401  # the old token named the same session


def test_log_out_refuses_a_forged_token(anon, owner):
    response = anon.post(LOGOUT, {"refresh": "not.a.token"})
    assert response.status_code == 401 and response.json()["code"] == "token_not_valid"


def test_a_stolen_refresh_token_used_first_by_the_thief_ends_the_session(anon, owner):
    """The thief refreshes first; the owner's copy comes back later: the session ends, so
    the thief's tokens die too (refresh token reuse detection)."""
    stolen = log_in(anon)
    thief = refresh(anon, stolen["refresh"]).json()
    age_the_rotation(REPLAY_GRACE_S + 1)
    assert refresh(anon, stolen["refresh"]).status_code == 401  # the owner's try
    assert refresh(anon, thief["refresh"]).status_code == 401
    assert me(thief["access"]) == 401


def test_two_tabs_refreshing_at_once_do_not_end_the_session(anon, owner):
    """Within a few seconds of a rotation, the same token again is a second browser tab:
    refused, but the session goes on with the tokens the first tab got."""
    shared = log_in(anon)
    first_tab = refresh(anon, shared["refresh"]).json()
    assert refresh(anon, shared["refresh"]).status_code == 401
    assert me(first_tab["access"]) == 200
    assert refresh(anon, first_tab["refresh"]).status_code == 200


def test_a_token_from_before_sessions_gets_one_at_its_next_refresh(anon, owner):
    from rest_framework_simplejwt.tokens import RefreshToken

    legacy = RefreshToken.for_user(owner)  # no session id, as issued before this release
    rotated = refresh(anon, str(legacy)).json()
    assert anon.post(LOGOUT, {"refresh": rotated["refresh"]}).status_code == 200
    assert me(rotated["access"]) == 401


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_concurrent_refreshes_of_one_token_give_one_new_token(tmp_path, master_data):
    """Ten clients race with one refresh token against two gunicorn workers: one wins."""
    owner = User.objects.create_user("racer@example.jp", PASSWORD)
    token = str(SessionRefreshToken.for_user(owner))
    with gunicorn(tmp_path, workers=2, threads=4, THROTTLE_AUTH="1000/min") as api:

        def use(_: int) -> int:
            body = {"refresh": token}
            return requests.post(f"{api.base}{REFRESH}", json=body, timeout=60).status_code

        with ThreadPoolExecutor(10) as pool:
            codes = Counter(pool.map(use, range(10)))
    assert codes == {200: 1, 401: 9}, api.log()


def test_log_out_after_a_password_change_still_answers_ok(anon, master_data):
    make_user("someone@example.jp")
    tokens = log_in(anon, "someone@example.jp")
    user = User.objects.get(email="someone@example.jp")
    user.set_password("Changed-password-2025")
    user.save()
    assert refresh(anon, tokens["refresh"]).status_code == 401
    assert anon.post(LOGOUT, {"refresh": tokens["refresh"]}).status_code == 200
