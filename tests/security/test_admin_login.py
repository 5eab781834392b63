"""Issue 23, finding 2: `/admin/login/` is no password oracle.

It is throttled per client address like the API's token endpoint (one budget for both), a
non-staff account's right password is answered exactly like a wrong one, and the lockout
answers the same whether the last guess was right or wrong.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client, override_settings
from rest_framework.settings import api_settings

from repository.models import User
from tests.api.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
TOKEN = "/api/v1/auth/token/"


def _auth_rate(rate: str):
    return override_settings(
        REST_FRAMEWORK={
            **api_settings.user_settings,
            "DEFAULT_THROTTLE_RATES": {**api_settings.DEFAULT_THROTTLE_RATES, "auth": rate},
        }
    )


def admin_login(client: Client, username: str, password: str, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def page_without_csrf(response) -> str:
    """The answer's body, minus the per-response CSRF token (masked anew each time)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_admin_login_is_throttled_per_client_address(master_data):
    """60 accounts, 3 guesses each, from one address (what the issue saw answered 200 at
    ~4/s): from the 21st guess on, 429, as at the token endpoint."""
    browser = Client()
    with _auth_rate("20/min"):
        codes = [
            admin_login(browser, f"user{n % 60}@example.jp", "guess").status_code
            for n in range(180)
        ]
        assert codes[:20] == [200] * 20
        assert set(codes[20:]) == {429}
        refused = admin_login(browser, "user1@example.jp", "guess")
        assert int(refused["Retry-After"]) > 0
        assert "ログインの試行が多すぎます" in refused.content.decode()  # the admin's language
        # Another client is counted apart.
        other = admin_login(Client(), "user1@example.jp", "guess", REMOTE_ADDR="203.0.113.9")
        assert other.status_code == 200


def test_admin_login_and_the_token_endpoint_share_one_budget(anon, master_data):
    browser = Client()
    with _auth_rate("10/min"):
        for n in range(5):
            assert admin_login(browser, f"a{n}@example.jp", "guess").status_code == 200
        for n in range(5):
            token = anon.post(TOKEN, {"email": f"b{n}@example.jp", "password": "guess"})
            assert token.status_code == 401
        assert admin_login(browser, "c@example.jp", "guess").status_code == 429
        assert anon.post(TOKEN, {"email": "d@example.jp", "password": "x"}).status_code == 429


def test_a_form_view_is_not_counted(master_data):
    browser = Client()
    with _auth_rate("3/min"):
        assert all(browser.get(LOGIN).status_code == 200 for _ in range(10))
        assert admin_login(browser, "a@example.jp", "guess").status_code == 200


def test_a_non_staff_accounts_right_password_reads_as_a_wrong_one(master_data):
    make_user("researcher@example.jp")
    right = admin_login(Client(), "researcher@example.jp", PASSWORD)
    wrong = admin_login(Client(), "researcher@example.jp", "not-the-password")
    unknown = admin_login(Client(), "nobody@example.jp", "not-the-password")
    assert right.status_code == wrong.status_code == unknown.status_code == 200
    assert page_without_csrf(right) == page_without_csrf(wrong)
    assert page_without_csrf(unknown).replace("nobody@", "researcher@") == page_without_csrf(wrong)
    assert not right.cookies.get("sessionid")


@pytest.mark.parametrize("last_guess", ["right", "wrong"])
def test_the_lockout_answers_alike_whether_the_last_guess_was_right(master_data, last_guess):
    """The issue: 4 wrong then the right password of a non-staff account gave no 429 where
    5 wrong did, so the lockout told a correct guess."""
    make_user("researcher@example.jp")
    browser = Client()
    for _ in range(4):
        assert admin_login(browser, "researcher@example.jp", "guess").status_code == 200
    fifth = admin_login(
        browser, "researcher@example.jp", PASSWORD if last_guess == "right" else "guess"
    )
    assert fifth.status_code == 429
    sixth = admin_login(browser, "researcher@example.jp", PASSWORD)
    assert sixth.status_code == 429
    assert fifth.content == sixth.content


def test_staff_still_log_in(master_data):
    User.objects.create_superuser("boss@example.jp", PASSWORD)
    browser = Client()
    assert admin_login(browser, "boss@example.jp", "guess").status_code == 200
    done = admin_login(browser, "boss@example.jp", PASSWORD)
    assert done.status_code == 302 and done["Location"] == "/admin/"
