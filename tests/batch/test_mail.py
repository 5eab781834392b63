"""Notices in Japanese and English, and the outbox sender: sent once, retried, given up."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail as django_mail
from django.utils import timezone

from batch import dao, mail
from common.crypto import read_download_token
from repository.models import FileRequest, MailOutbox, RequestEvent
from tests.batch.conftest import make_bare_request, make_request, make_user
from tests.conftest import find_free_port

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def request_ja(master_data) -> FileRequest:
    owner = make_user("hanako@example.com")
    return make_request(
        owner,
        stations=("47662", "0074"),
        items=("temp_avg", "precip_total"),
        start=(2020, 1),
        end=(2020, 3),
    )


def test_completion_notice_in_japanese(request_ja):
    expires = timezone.now() + timedelta(days=14)
    notice = mail.completion_mail(
        mail.request_facts(request_ja),
        size=2_500_000,
        warnings=["0074 2020-02: 公開データなし"],
        expires_at=expires,
        file_id="a1-0123abcd",
    )
    assert notice.to_email == "hanako@example.com"
    assert f"#{request_ja.pk}" in notice.subject and "完了" in notice.subject
    for text in (notice.body_text, notice.body_html):
        assert "2020-01 – 2020-03" in text
        assert "東京 (47662, 東京都)" in text and "北見" in text
        assert "平均気温" in text
        assert "2.4 MB" in text
        assert "0074 2020-02: 公開データなし" in text
        assert "/api/v1/downloads/" in text
    link = notice.body_text.split("http://127.0.0.1:8000/api/v1/downloads/")[1].split("/")[0]
    assert read_download_token(link) == request_ja.pk
    assert notice.dedupe_key == f"request:{request_ja.pk}:succeeded:a1-0123abcd"


def test_failure_notice_in_english_says_how_to_retry(request_ja):
    request_ja.language = "en"
    request_ja.save()
    notice = mail.failure_mail(
        mail.request_facts(request_ja),
        code="layout_changed",
        message="JMA's page layout has changed",
        number=2,
    )
    assert "could not be made" in notice.subject
    assert "Tokyo" in notice.body_text and "Mean temperature" in notice.body_text
    assert "JMA's page layout has changed (layout_changed)" in notice.body_text
    assert f"/api/v1/requests/{request_ja.pk}/retry/" in notice.body_text
    assert notice.dedupe_key == f"request:{request_ja.pk}:failed:2"


def test_completion_notice_in_english_is_english_throughout(request_ja):
    """Issue 18: English notices named stations in kanji, joined lists with "、" and sent the
    reader to the workbook's 情報 sheet."""
    request_ja.language = "en"
    request_ja.save()
    notice = mail.completion_mail(
        mail.request_facts(request_ja),
        size=2_500_000,
        warnings=["Kitami (北見) (0074): JMA published no data for 2020-02 (no rows)"],
        expires_at=timezone.now() + timedelta(days=14),
        file_id="b2",
    )
    assert notice.subject.endswith(f"Your weather workbook #{request_ja.pk} is ready")
    for text in (notice.body_text, notice.body_html):
        # トウキョウ and キタミ in JMA's station list; Hokkaido in the prefecture list.
        assert "Tokyo (47662, Tokyo), Kitami (0074, Hokkaido)" in text
        assert "Mean temperature, Total precipitation" in text
        assert "Warnings (1): some data was not available" in text and "Info sheet" in text
        assert "、" not in text and "情報" not in text
    assert '<html lang="en">' in notice.body_html


def test_failure_notice_in_japanese_links_to_the_request_list(request_ja, settings):
    settings.FRONTEND_BASE_URL = "https://weather.example.jp"
    facts = mail.request_facts(request_ja)
    notice = mail.failure_mail(facts, code="jma_unavailable", message="接続できません", number=1)
    assert "作成できませんでした" in notice.subject
    assert "東京 (47662, 東京都)、北見 (0074, 北海道)" in notice.body_text
    assert "平均気温、降水量の合計" in notice.body_text
    # The link a person clicks opens the front end's list (the API page needs a token).
    assert '<a href="https://weather.example.jp/#/requests">' in notice.body_html
    assert "https://weather.example.jp/#/requests" in notice.body_text.splitlines()


@pytest.fixture
def bare_request() -> FileRequest:
    return make_bare_request(make_user("owner@example.com"))


def _queue(request: FileRequest, key: str) -> None:
    def work(cursor):
        dao.queue_mail(
            cursor,
            request.pk,
            dao.Mail("to@example.com", "Subj", "text", "<b>x</b>", key),
            timezone.now(),
        )

    dao.run(work, what="test queue mail")


def test_sender_delivers_text_and_html_once_with_a_stable_message_id(bare_request, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _queue(bare_request, "request:1:succeeded")
    _queue(bare_request, "request:1:succeeded")  # the same key again: ignored

    assert mail.send_due_mails("me") == (1, 0)
    assert mail.send_due_mails("me") == (0, 0)

    [sent] = django_mail.outbox
    assert sent.to == ["to@example.com"] and sent.body == "text"
    assert sent.alternatives[0][1] == "text/html"
    assert sent.extra_headers["Message-ID"] == "<request.1.succeeded@127.0.0.1>"
    row = MailOutbox.objects.get()
    assert (row.status, row.attempts, row.locked_by) == ("sent", 1, "")
    assert RequestEvent.objects.filter(request=bare_request, kind="mail_sent").count() == 1


def test_smtp_down_retries_with_backoff_then_gives_up(bare_request, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", find_free_port()  # nobody listens
    settings.MAIL_MAX_ATTEMPTS = 2
    settings.MAIL_RETRY_BASE_S = 60
    _queue(bare_request, "k1")

    assert mail.send_due_mails("me") == (0, 1)
    row = MailOutbox.objects.get()
    assert (row.status, row.attempts) == ("pending", 1)
    assert "cannot reach the mail server" in row.last_error
    assert row.next_attempt_at > timezone.now() + timedelta(seconds=50)
    assert mail.send_due_mails("me") == (0, 0)  # not due yet

    MailOutbox.objects.update(next_attempt_at=timezone.now())
    assert mail.send_due_mails("me") == (0, 1)
    assert MailOutbox.objects.get().status == "failed"


def test_a_locked_row_is_not_sent_by_a_second_sender(bare_request, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _queue(bare_request, "k1")
    [row] = dao.claim_mails("sender-a", lock_s=300)
    assert dao.claim_mails("sender-b", lock_s=300) == []
    assert not dao.mark_mail_sent(row, "sender-b")
    assert dao.mark_mail_sent(row, "sender-a")
