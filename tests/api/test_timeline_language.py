"""The timeline, the request's error and warnings and the status words are stored as codes and
shown in the reader's language (issue 18: the Japanese UI showed "queued: Queued: 3 stations x
6 months, 7 items.", "claimed: started (attempt 1 of 5)", "エラー: cancelled at the owner's
request" and "依頼 #2 はすでに succeeded のため取り消せません"). Japanese expectations are
written by hand; English is what the service always said."""

from __future__ import annotations

import importlib

import pytest
from django.utils import translation
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from batch import dao
from presentation.admin import EventInline
from repository.models import FileRequest, RequestEvent
from repository.queue import texts
from tests.api.conftest import finish_with_file, valid_body

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/api/v1/requests/"


def reader(user, language: str) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    client.default_format = "json"
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


def messages(body: dict) -> list[str]:
    return [event["message"] for event in body["timeline"]]


def test_the_timeline_is_in_the_readers_language(owner):
    ja, en = reader(owner, "ja"), reader(owner, "en")
    request_id = ja.post(URL, valid_body()).json()["id"]
    claim = dao.claim_next("w/1")
    assert claim is not None and claim.request_id == request_id

    shown_ja = ja.get(f"{URL}{request_id}/").json()
    assert messages(shown_ja) == [
        "受け付けました: 2 地点 × 3 か月、2 項目。",
        "開始しました（5 回中 1 回目の試行）",
    ]
    assert [e["kind"] for e in shown_ja["timeline"]] == ["queued", "claimed"]
    assert shown_ja["timeline"][1]["params"] == {"attempt": 1, "max_attempts": 5}
    assert messages(en.get(f"{URL}{request_id}/").json()) == [
        "Queued: 2 stations x 3 months, 2 items.",
        "started (attempt 1 of 5)",
    ]
    # Nothing English is stored for new events.
    assert set(RequestEvent.objects.values_list("message", flat=True)) == {""}


def test_an_earlier_error_does_not_stay_on_a_cancelled_request(owner):
    """Issue 23: a cancelled request kept "Could not write the result file; we will retry"."""
    ja = reader(owner, "ja")
    request_id = ja.post(URL, valid_body()).json()["id"]
    claim = dao.claim_next("w/1")
    assert dao.requeue(
        request_id,
        claim.claimed_by,
        delay_s=60,
        code="storage_error",
        message="Could not write the result file; we will retry.",
        params={},
    )
    queued = ja.get(f"{URL}{request_id}/").json()
    assert queued["error"] == {
        "code": "storage_error",
        "message": "結果ファイルを書き込めませんでした。自動で再試行します。",
    }
    assert queued["timeline"][-1]["message"] == (
        "結果ファイルを書き込めませんでした。自動で再試行します。 — 60 秒後に再試行します"
    )
    cancelled = ja.post(f"{URL}{request_id}/cancel/").json()
    assert cancelled["status"] == "cancelled" and cancelled["error"] is None
    assert cancelled["timeline"][-1]["message"] == "開始前に owner@example.jp が取り消しました。"


def test_a_running_request_cancelled_shows_no_error(owner):
    ja = reader(owner, "ja")
    request_id = ja.post(URL, valid_body()).json()["id"]
    claim = dao.claim_next("w/1")
    ja.post(f"{URL}{request_id}/cancel/")
    assert dao.mark_cancelled(request_id, claim.claimed_by)
    body = ja.get(f"{URL}{request_id}/").json()
    assert body["status"] == "cancelled" and body["error"] is None
    assert messages(body)[-2:] == [
        "owner@example.jp が取消を依頼しました。次のページで処理を止めます。",
        "依頼者の求めにより取り消しました",
    ]


def test_the_status_word_in_a_refusal_is_translated(owner, tmp_path):
    ja, en = reader(owner, "ja"), reader(owner, "en")
    request_id = ja.post(URL, valid_body()).json()["id"]
    finish_with_file(FileRequest.objects.get(pk=request_id), tmp_path)
    refused = ja.post(f"{URL}{request_id}/cancel/")
    assert refused.status_code == 409
    assert refused.json()["message"] == f"依頼 #{request_id} はすでに 完了 のため取り消せません。"
    english = en.post(f"{URL}{request_id}/cancel/").json()["message"]
    assert english == f"Request #{request_id} is already succeeded and cannot be cancelled."
    retry = ja.post(f"{URL}{request_id}/retry/").json()["message"]
    assert retry.startswith(f"依頼 #{request_id} は 完了 です。")


def test_a_failure_and_its_warnings_render_per_reader(owner):
    ja, en = reader(owner, "ja"), reader(owner, "en")
    request_id = ja.post(URL, valid_body()).json()["id"]
    claim = dao.claim_next("w/1")
    assert dao.mark_failed(
        request_id,
        claim.claimed_by,
        code="jma_unavailable",
        message="Gave up after 1 attempts. Last error: JMA's site could not be reached "
        "(47662 2020-01); we will retry.",
        params={"where": "47662 2020-01", "gave_up_after": 1},
        mail=None,
    )
    assert ja.get(f"{URL}{request_id}/").json()["error"]["message"] == (
        "1 回試行しましたが成功しませんでした。最後のエラー: "
        "気象庁のサイトに接続できませんでした（47662 2020-01）。自動で再試行します。"
    )
    english = en.get(f"{URL}{request_id}/").json()
    assert english["error"]["message"] == (
        "Gave up after 1 attempts. Last error: JMA's site could not be reached "
        "(47662 2020-01); we will retry."
    )
    assert "detail" not in english["timeline"][-1]["params"]  # exception texts: admin only

    warning_codes = [
        {
            "code": "unpublished",
            "params": {
                "block_no": "0074",
                "station": {"ja": "北見", "en": "Kitami (北見)"},
                "months": ["2020-02", "2020-03", "2020-05"],
            },
        },
        {
            "code": "not_observed",
            "params": {
                "block_no": "0074",
                "station": {"ja": "北見", "en": "Kitami (北見)"},
                "items": {"ja": ["日照時間", "平均湿度"], "en": ["Sunshine", "Mean humidity"]},
            },
        },
    ]
    FileRequest.objects.filter(pk=request_id).update(
        warnings=["(the request's own language)"], warning_codes=warning_codes
    )
    assert ja.get(f"{URL}{request_id}/").json()["warnings"] == [
        "北見（0074）：2020-02～2020-03, 2020-05 は気象庁の公開データがありません（行なし）",
        "北見（0074）：日照時間、平均湿度 はこの地点のページにない項目です（空欄）",
    ]
    assert en.get(f"{URL}{request_id}/").json()["warnings"] == [
        "Kitami (北見) (0074): JMA published no data for 2020-02 to 2020-03, 2020-05 (no rows)",
        "Kitami (北見) (0074): Sunshine, Mean humidity not on this station's pages (empty cells)",
    ]


def test_old_rows_show_what_was_stored_and_the_admin_renders_for_the_operator(owner):
    ja = reader(owner, "ja")
    request_id = ja.post(URL, valid_body()).json()["id"]
    old = RequestEvent.objects.create(
        request_id=request_id, kind="page_error", message="北見 2021-01: no data published"
    )
    assert messages(ja.get(f"{URL}{request_id}/").json())[-1] == "北見 2021-01: no data published"
    queued = RequestEvent.objects.get(request_id=request_id, kind="queued")
    for language, expected in (("ja", "受け付けました"), ("en", "Queued: 2 stations")):
        with translation.override(language):
            assert EventInline.text(None, queued).startswith(expected)
            assert EventInline.text(None, old) == old.message


MIGRATION = importlib.import_module("repository.migrations.0011_request_texts_as_codes")


@pytest.mark.parametrize(
    ("kind", "message", "data", "expected_en", "expected_ja"),
    [
        (
            "queued",
            "Queued: 3 stations x 6 months, 7 items.",
            {"stations": 3, "months": 6, "items": 7},
            "Queued: 3 stations x 6 months, 7 items.",
            "受け付けました: 3 地点 × 6 か月、7 項目。",
        ),
        (
            "claimed",
            "started (attempt 1 of 5)",
            {"attempt": 1},
            "started (attempt 1 of 5)",
            "開始しました（5 回中 1 回目の試行）",
        ),
        (
            "retry_scheduled",
            "JMA's site could not be reached (47662 2020-01); we will retry. — retrying in 31s",
            {"code": "jma_unavailable", "retry_in_s": 30.6, "detail": "x"},
            "JMA's site could not be reached (47662 2020-01); we will retry. — retrying in 31s",
            "気象庁のサイトに接続できませんでした（47662 2020-01）。自動で再試行します。"
            " — 31 秒後に再試行します",
        ),
        (
            "cancelled",
            "Cancelled by system before it started.",
            {},
            "Cancelled by system before it started.",
            "開始前に システム が取り消しました。",
        ),
        (
            "lease_expired",
            "the worker stopped responding",
            {},
            "the worker stopped responding",
            "ワーカーが応答しなくなりました",
        ),
    ],
)
def test_the_migration_turns_old_english_events_into_codes(
    kind, message, data, expected_en, expected_ja
):
    new = MIGRATION.event_data(kind, message, data)
    assert new is not None
    for language, expected in (("en", expected_en), ("ja", expected_ja)):
        with translation.override(language):
            assert texts.event_text(kind, new) == expected


def test_the_migration_keeps_texts_it_does_not_know():
    assert MIGRATION.event_data("failed", "something new", {"code": "x"}) is None
    assert MIGRATION.error_params(
        "lease_expired",
        "The worker processing this request stopped responding, and all 5 attempts are used up.",
    ) == {"attempts": 5}
    assert MIGRATION.error_params("storage_error", "disk on fire") is None
