"""Issue 23, finding 4: account pre-hijacking.

An attacker signs up with the victim's address and their own password; the owner later
verifies the address through the "account exists" mail. Verifying must end every earlier
session (access and refresh tokens) and make the owner choose the password, so that the
attacker's password stops working.
"""

from __future__ import annotations

import re

import pytest

from repository.models import MailOutbox, User
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/auth/register/"
VERIFY = "/api/v1/auth/verify-email/"
TOKEN = "/api/v1/auth/token/"
ATTACKER_PASSWORD = "attackers-Own-pass-2024"
OWNER_PASSWORD = "owners-Chosen-pass-2025"
VICTIM = "victim@example.jp"


def verification_link_in(mail: MailOutbox) -> dict[str, str]:
    uid, token = re.search(r"/#/verify\?uid=([\w-]+)&token=([\w-]+)", mail.body_text).groups()
    return {"uid": uid, "token": token}


@pytest.fixture
def pre_hijacked(anon, master_data) -> dict:
    """The attacker's account on the victim's address, logged in; the owner's mail."""
    assert anon.post(REGISTER, {"email": VICTIM, "password": ATTACKER_PASSWORD}).status_code == 202
    tokens = anon.post(TOKEN, {"email": VICTIM, "password": ATTACKER_PASSWORD}).json()
    # Later the owner signs up too, and is told by mail that the address has an account.
    MailOutbox.objects.all().delete()
    assert anon.post(REGISTER, {"email": VICTIM, "password": OWNER_PASSWORD}).status_code == 202
    exists_mail = MailOutbox.objects.get(to_email=VICTIM)
    return {"tokens": tokens, "link": verification_link_in(exists_mail)}


def test_verifying_ends_the_attackers_sessions_and_password(anon, pre_hijacked):
    tokens = pre_hijacked["tokens"]
    attacker = client_for(None)
    attacker.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert attacker.get("/api/v1/auth/me/").status_code == 200  # before

    verified = anon.post(VERIFY, {**pre_hijacked["link"], "password": OWNER_PASSWORD})
    assert verified.status_code == 200, verified.json()

    assert attacker.get("/api/v1/auth/me/").status_code == 401
    refreshed = anon.post("/api/v1/auth/token/refresh/", {"refresh": tokens["refresh"]})
    assert refreshed.status_code == 401
    assert anon.post(TOKEN, {"email": VICTIM, "password": ATTACKER_PASSWORD}).status_code == 401
    owner = anon.post(TOKEN, {"email": VICTIM, "password": OWNER_PASSWORD})
    assert owner.status_code == 200
    assert User.objects.get(email=VICTIM).email_verified_at is not None


def test_verifying_needs_a_password(anon, pre_hijacked):
    response = anon.post(VERIFY, pre_hijacked["link"])
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"password"}
    assert User.objects.get(email=VICTIM).email_verified_at is None


def test_a_weak_password_leaves_the_address_unverified_and_the_link_usable(anon, pre_hijacked):
    weak = anon.post(VERIFY, {**pre_hijacked["link"], "password": "12345678"})
    assert weak.status_code == 400
    assert set(weak.json()["fields"]) == {"password"}
    assert User.objects.get(email=VICTIM).email_verified_at is None
    done = anon.post(VERIFY, {**pre_hijacked["link"], "password": OWNER_PASSWORD})
    assert done.status_code == 200


def test_a_bad_link_is_refused_before_the_password_is_looked_at(anon, pre_hijacked):
    forged = {**pre_hijacked["link"], "token": "abc-123", "password": OWNER_PASSWORD}
    response = anon.post(VERIFY, forged)
    assert response.status_code == 400 and set(response.json()["fields"]) == {"token"}
    assert anon.post(TOKEN, {"email": VICTIM, "password": ATTACKER_PASSWORD}).status_code == 200
