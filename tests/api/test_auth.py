"""Accounts: register, JWT token/refresh/verify, me, password rules and throttling."""

from __future__ import annotations

import pytest
from django.test import override_settings
from rest_framework.settings import api_settings

from repository.models import User
from tests.api.conftest import PASSWORD, client_for, make_user

pytestmark = pytest.mark.django_db


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) <= {"code", "message", "fields"}
    assert body["code"] and body["message"]
    if code:
        assert body["code"] == code
    return body


def test_register_then_token_then_me(anon):
    response = anon.post(
        "/api/v1/auth/register/",
        {"email": "New.User@Example.JP", "password": PASSWORD, "name": "新しい人"},
        format="json",
    )
    assert response.status_code == 202
    # The same two keys for every address; verification_required is the server's setting.
    assert set(response.json()) == {"detail", "verification_required"}
    assert User.objects.get().email == "new.user@example.jp"

    tokens = anon.post(
        "/api/v1/auth/token/", {"email": "New.User@example.jp", "password": PASSWORD}
    ).json()
    assert set(tokens) == {"access", "refresh"}

    anon.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    me = anon.get("/api/v1/auth/me/")
    assert me.status_code == 200
    assert me.json()["name"] == "新しい人"

    refreshed = anon.post("/api/v1/auth/token/refresh/", {"refresh": tokens["refresh"]})
    assert refreshed.status_code == 200 and refreshed.json()["access"]
    assert anon.post("/api/v1/auth/token/verify/", {"token": tokens["access"]}).status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "short@example.jp", "password": "abc"}, "password"),
        ({"email": "common@example.jp", "password": "password123"}, "password"),
        ({"email": "digits@example.jp", "password": "83920174658392"}, "password"),
        ({"email": "not-an-email", "password": PASSWORD}, "email"),
        ({"password": PASSWORD}, "email"),
        ({"email": "nopass@example.jp"}, "password"),
    ],
)
def test_register_refuses_bad_input_with_field_messages(anon, body, field):
    body = assert_error(anon.post("/api/v1/auth/register/", body, format="json"), 400)
    assert body["code"] == "validation_error"
    assert field in body["fields"]
    assert not User.objects.exists()


def test_register_makes_no_second_account_for_an_existing_email_whatever_its_case(
    anon, master_data
):
    make_user("taken@example.jp")
    response = anon.post(
        "/api/v1/auth/register/",
        {"email": "TAKEN@example.jp", "password": PASSWORD},
        format="json",
    )
    assert response.status_code == 202  # the same answer as for a new address
    assert User.objects.filter(email="taken@example.jp").count() == 1


def test_wrong_password_and_bad_tokens_are_401_in_the_error_shape(anon, master_data):
    make_user("someone@example.jp")
    assert_error(
        anon.post("/api/v1/auth/token/", {"email": "someone@example.jp", "password": "wrong"}),
        401,
    )
    assert_error(anon.post("/api/v1/auth/token/verify/", {"token": "garbage"}), 401)
    assert_error(anon.post("/api/v1/auth/token/refresh/", {"refresh": "garbage"}), 401)
    assert_error(anon.get("/api/v1/auth/me/"), 401, "not_authenticated")
    anon.credentials(HTTP_AUTHORIZATION="Bearer not.a.jwt")
    assert_error(anon.get("/api/v1/auth/me/"), 401)


def test_inactive_user_cannot_get_a_token(anon, master_data):
    user = make_user("gone@example.jp")
    user.is_active = False
    user.save()
    assert_error(
        anon.post("/api/v1/auth/token/", {"email": "gone@example.jp", "password": PASSWORD}),
        401,
    )
    assert_error(client_for(user).get("/api/v1/auth/me/"), 401)


def _rates(**rates):
    return override_settings(
        REST_FRAMEWORK={
            **api_settings.user_settings,
            "DEFAULT_THROTTLE_RATES": {"auth": "20/min", "create": "30/min", **rates},
        }
    )


def test_register_and_token_are_throttled_per_client(anon, master_data):
    with _rates(auth="3/min"):
        for n in range(3):
            response = anon.post(
                "/api/v1/auth/register/",
                {"email": f"user{n}@example.jp", "password": PASSWORD},
                format="json",
            )
            assert response.status_code == 202
        body = assert_error(
            anon.post("/api/v1/auth/token/", {"email": "user0@example.jp", "password": PASSWORD}),
            429,
            "throttled",
        )
        assert "Retry-After" in anon.post("/api/v1/auth/token/", {}).headers
        assert body["message"]
    assert User.objects.count() == 3
