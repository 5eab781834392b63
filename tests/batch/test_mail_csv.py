"""A CSV request's notices name the ZIP and its README, not a workbook and its Info sheet."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from batch import mail
from tests.batch.conftest import make_request, make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "subject", "ready", "where"),
    [
        ("ja", "気象データファイル (CSV)", "CSV ファイル (ZIP) ができました", "README.txt"),
        ("en", "Your weather data (CSV)", "Your CSV files (one ZIP) are ready", "README.txt"),
    ],
)
def test_the_ready_notice_of_a_csv_request(master_data, language, subject, ready, where):
    req = make_request(make_user("csv@example.com"), format="csv", language=language)
    notice = mail.completion_mail(
        mail.request_facts(req),
        size=120_000,
        warnings=["0074 2020-02"],
        expires_at=timezone.now() + timedelta(days=14),
        file_id="a1-00ff",
    )
    assert subject in notice.subject
    for text in (notice.body_text, notice.body_html):
        assert ready in text and where in text
        assert "Excel" not in text and "情報" not in text and "Info sheet" not in text


def test_the_failure_notice_of_a_csv_request(master_data):
    req = make_request(make_user("csv@example.com"), format="csv", language="en")
    notice = mail.failure_mail(
        mail.request_facts(req), code="layout_changed", message="layout", number=1
    )
    assert "Your weather data (CSV)" in notice.subject
    assert "We could not make your CSV files." in notice.body_text
    assert "Excel" not in notice.body_text


def test_a_workbook_request_keeps_its_words(master_data):
    req = make_request(make_user("x@example.com"), language="en")
    notice = mail.completion_mail(
        mail.request_facts(req),
        size=1,
        warnings=[],
        expires_at=timezone.now() + timedelta(days=14),
    )
    assert "Your weather workbook" in notice.subject
    assert "Your Excel workbook is ready" in notice.body_text
