"""Finding 3: the login throttle cannot be dodged with made-up X-Forwarded-For values, and
the admin and the token endpoint lock an account out for a client after repeated failures."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from rest_framework.settings import api_settings

from repository.models import User
from tests.api.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"


def _auth_rate(rate: str):
    return override_settings(
        REST_FRAMEWORK={
            **api_settings.user_settings,
            "DEFAULT_THROTTLE_RATES": {"auth": rate, "create": "30/min"},
        }
    )


@pytest.mark.parametrize("proxies", [0, 1])
def test_varying_forwarded_for_values_do_not_escape_the_login_throttle(anon, master_data, proxies):
    """40 guesses, each with a new X-Forwarded-For (directly, or through nginx, which
    appends the address it saw): the 21st is refused all the same."""
    codes = []
    with _auth_rate("20/min"), override_settings(TRUSTED_PROXY_COUNT=proxies):
        for n in range(40):
            forwarded = f"10.9.{n}.{n}" + (", 198.51.100.7" if proxies else "")
            response = anon.post(
                TOKEN,
                {"email": f"guess{n}@example.jp", "password": "wrong"},
                HTTP_X_FORWARDED_FOR=forwarded,
            )
            codes.append(response.status_code)
    assert codes[:20] == [401] * 20
    assert set(codes[20:]) == {429}


def test_behind_a_trusted_proxy_real_clients_are_counted_apart(anon, master_data):
    with _auth_rate("3/min"), override_settings(TRUSTED_PROXY_COUNT=1):

        def attempt(client_address: str) -> int:
            return anon.post(
                TOKEN,
                {"email": "x@example.jp", "password": "wrong"},
                HTTP_X_FORWARDED_FOR=f"1.2.3.4, {client_address}",
            ).status_code

        assert [attempt("198.51.100.1") for _ in range(4)] == [401, 401, 401, 429]
        assert attempt("198.51.100.2") == 401  # another client nginx saw


def test_the_token_endpoint_locks_an_account_out_for_a_client(anon, master_data):
    make_user("victim@example.jp")
    with _auth_rate("1000/min"):
        for _ in range(4):
            wrong = anon.post(TOKEN, {"email": "Victim@example.jp", "password": "guess"})
            assert wrong.status_code == 401
        fifth = anon.post(TOKEN, {"email": "victim@example.jp", "password": "guess"})
        assert fifth.status_code == 429  # the fifth failure locks
        # Now even the right password is refused from this client.
        locked = anon.post(TOKEN, {"email": "victim@example.jp", "password": PASSWORD})
    assert locked.status_code == 429
    assert locked.json()["code"] == "locked_out"
    # Another client is not locked out by the attacker's failures.
    other = anon.post(
        TOKEN, {"email": "victim@example.jp", "password": PASSWORD}, REMOTE_ADDR="203.0.113.5"
    )
    assert other.status_code == 200


def test_the_admin_login_locks_out_at_the_fifth_failure(master_data):
    User.objects.create_superuser("boss@example.jp", PASSWORD)
    browser = Client()
    for attempt in range(1, 6):
        failed = browser.post(
            "/admin/login/?next=/admin/", {"username": "boss@example.jp", "password": "guess"}
        )
        # The form again with an error, until the fifth failure locks.
        assert failed.status_code == (429 if attempt == 5 else 200)
    locked = browser.post(
        "/admin/login/?next=/admin/", {"username": "boss@example.jp", "password": PASSWORD}
    )
    assert locked.status_code == 429
    # The admin speaks the site's default language, Japanese.
    assert "ログイン失敗が多すぎます" in locked.content.decode()
    assert browser.get("/admin/").status_code == 302  # not logged in


def test_a_successful_admin_login_still_works(master_data):
    User.objects.create_superuser("boss@example.jp", PASSWORD)
    browser = Client()
    response = browser.post(
        "/admin/login/?next=/admin/", {"username": "boss@example.jp", "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_the_admin_login_takes_the_address_as_typed(master_data):
    """Addresses are compared exactly (binary on MariaDB); the login normalizes first."""
    User.objects.create_superuser("boss@example.jp", PASSWORD)
    response = Client().post(
        "/admin/login/?next=/admin/", {"username": " Boss@Example.JP", "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
