"""Forgotten password: the mailed link sets a new one; the answer never tells who has an account."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest

from batch.account_mail import answer_reset_asks
from repository.models import MailOutbox
from tests.api.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

RESET = "/api/v1/auth/password/reset/"
CONFIRM = "/api/v1/auth/password/reset/confirm/"
NEW_PASSWORD = "Another-long-pass-2025"  # noqa: S105 - a throwaway test password


def outbox_count() -> int:
    """Mails queued once the daemon's mail thread has answered the stored asks."""
    answer_reset_asks()
    return MailOutbox.objects.count()


def queued() -> MailOutbox:
    """The one mail queued for the batch daemon to send (tests/batch: the sending)."""
    assert outbox_count() == 1
    return MailOutbox.objects.get()


def mailed_link() -> tuple[str, dict[str, str]]:
    link = re.search(r"http\S+", queued().body_text).group(0)
    fragment = urlparse(link).fragment  # "/reset?uid=...&token=..."
    path, _, query = fragment.partition("?")
    return path, {k: v[0] for k, v in parse_qs(query).items()}


def test_reset_mail_then_new_password_then_login(anon, settings):
    settings.FRONTEND_BASE_URL = "http://front.example:8080"
    make_user("forgetful@example.jp")
    response = anon.post(RESET, {"email": " Forgetful@Example.JP "}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 202
    assert queued().to_email == "forgetful@example.jp"
    assert "http://front.example:8080/#/reset?uid=" in queued().body_text
    path, params = mailed_link()
    assert path == "/reset" and set(params) == {"uid", "token"}

    done = anon.post(CONFIRM, {**params, "new_password": NEW_PASSWORD})
    assert done.status_code == 200, done.content
    assert done.json()["code"] == "password_changed"
    token = anon.post(
        "/api/v1/auth/token/", {"email": "forgetful@example.jp", "password": NEW_PASSWORD}
    )
    assert token.status_code == 200
    old = anon.post("/api/v1/auth/token/", {"email": "forgetful@example.jp", "password": PASSWORD})
    assert old.status_code == 401
    # The link works once: the token is bound to the old password hash.
    again = anon.post(CONFIRM, {**params, "new_password": "Yet-another-pass-2026"})
    assert again.status_code == 400 and set(again.json()["fields"]) == {"token"}


def test_same_answer_for_an_unknown_address(anon):
    make_user("known@example.jp")
    known = anon.post(RESET, {"email": "known@example.jp"})
    unknown = anon.post(RESET, {"email": "nobody@example.jp"})
    assert (known.status_code, unknown.status_code) == (202, 202)
    assert known.json() == unknown.json()
    assert queued().to_email == "known@example.jp"  # only the real account gets a mail


def test_weak_password_and_bad_token_are_field_errors(anon):
    make_user("weak@example.jp")
    anon.post(RESET, {"email": "weak@example.jp"})
    _, params = mailed_link()
    weak = anon.post(CONFIRM, {**params, "new_password": "12345678"}, HTTP_ACCEPT_LANGUAGE="en")
    assert weak.status_code == 400
    assert set(weak.json()["fields"]) == {"new_password"}
    assert "This password is entirely numeric." in weak.json()["fields"]["new_password"]
    forged = anon.post(CONFIRM, {**params, "token": "abc-123", "new_password": NEW_PASSWORD})
    assert forged.status_code == 400 and set(forged.json()["fields"]) == {"token"}
    bad_uid = anon.post(CONFIRM, {**params, "uid": "!!", "new_password": NEW_PASSWORD})
    assert bad_uid.status_code == 400 and set(bad_uid.json()["fields"]) == {"token"}


def test_mail_and_answers_in_the_request_language(anon):
    make_user("nihongo@example.jp")
    response = anon.post(RESET, {"email": "nihongo@example.jp"}, HTTP_ACCEPT_LANGUAGE="ja")
    assert response.json()["message"] == (
        "このアドレスのアカウントがあれば、再設定リンクのメールを送りました。"
    )
    assert "新しいパスワードの設定" in queued().subject
    assert "時間以内に次のリンクを開いて" in queued().body_text


def test_reset_mails_are_throttled_per_address(anon, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "password_reset": "2/hour",
        },
    }
    for n in range(3):
        make_user(f"many{n}@example.jp")
    codes = [anon.post(RESET, {"email": f"many{n}@example.jp"}).status_code for n in range(3)]
    assert codes == [202, 202, 429]
    assert outbox_count() == 2


def test_asking_again_soon_queues_no_second_mail(anon, frozen_clock):
    """A mail-bomb of resets for one account (from many addresses) queues one mail per 10
    minutes; its link keeps working meanwhile."""
    make_user("popular@example.jp")
    frozen_clock("2026-03-01T10:00:00+09:00")
    for n in range(3):
        anon.post(RESET, {"email": "popular@example.jp"}, REMOTE_ADDR=f"198.51.100.{n}")
    assert outbox_count() == 1
    frozen_clock("2026-03-01T10:10:00+09:00")
    anon.post(RESET, {"email": "popular@example.jp"})
    assert outbox_count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_batch_daemons_sender_delivers_the_reset_mail(anon, settings):
    from django.core import mail

    from batch.mail import send_due_mails

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    make_user("waiting@example.jp")
    assert anon.post(RESET, {"email": "waiting@example.jp"}).status_code == 202
    assert mail.outbox == []  # the request sent nothing itself
    assert answer_reset_asks() == 1
    assert send_due_mails("test-sender") == (1, 0)
    assert mail.outbox[0].to == ["waiting@example.jp"]
    assert "/#/reset?uid=" in mail.outbox[0].body
