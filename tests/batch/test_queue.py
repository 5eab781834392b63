"""The queue protocol in one process: claim order, the per-user limit under concurrent claims,
leases, the reaper, fencing, finishing exactly once, release and cancel."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import OperationalError, connection
from django.utils import timezone

from batch import dao
from repository.models import FileRequest, MailOutbox, RequestEvent, ResultFile
from tests.batch.conftest import make_bare_request, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def _stored(name: str) -> dao.StoredFile:
    return dao.StoredFile(name, "x.xlsx", 123, "ab" * 32, 31)


def _mail(key: str) -> dao.Mail:
    return dao.Mail("owner@example.com", "subject", "text", "<p>html</p>", key)


def test_claim_order_is_fair_then_priority_then_oldest():
    alice, bob, carol = (make_user(f"{n}@example.com") for n in ("alice", "bob", "carol"))
    a1 = make_bare_request(alice)
    a2 = make_bare_request(alice)
    a3 = make_bare_request(alice, priority=5)  # alice's most urgent
    b1 = make_bare_request(bob)
    make_bare_request(carol, run_after=timezone.now() + timedelta(hours=1))  # not due
    make_bare_request(carol, cancel_requested=True)  # never claimed

    order = [dao.claim_next("w/1", max_running_per_user=2) for _ in range(5)]

    ids = [c.request_id if c else None for c in order]
    # alice's priority-5 request first (everyone has 0 running; priority decides), then bob
    # (0 running beats alice's 1), then alice's oldest, then nothing: alice is at her limit.
    assert ids == [a3.pk, b1.pk, a1.pk, None, None]
    assert FileRequest.objects.get(pk=a2.pk).status == "queued"
    claimed = FileRequest.objects.get(pk=a3.pk)
    assert (claimed.status, claimed.claimed_by, claimed.attempts) == ("running", "w/1", 1)
    assert claimed.lease_expires_at > timezone.now()
    assert RequestEvent.objects.filter(request=claimed, kind="claimed").count() == 1


def test_concurrent_claims_never_exceed_the_per_user_limit():
    users = [make_user(f"u{i}@example.com") for i in range(4)]
    for user in users:
        for _ in range(8):
            make_bare_request(user)
    claims: list[dao.Claim] = []
    errors: list[BaseException] = []
    start = threading.Barrier(10)

    def claimer(n: int) -> None:
        try:
            start.wait()
            while (claim := dao.claim_next(f"w/{n}", max_running_per_user=2)) is not None:
                claims.append(claim)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=claimer, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(claims) == 8  # 4 users x limit 2, nothing ever finished
    assert len({c.request_id for c in claims}) == 8
    assert dao.running_per_owner() == {u.pk: 2 for u in users}


def test_lease_renewal_is_fenced_and_sees_cancel():
    req = make_bare_request(make_user("a@example.com"))
    claim = dao.claim_next("w/1")
    assert dao.renew_lease(req.pk, "w/1", progress=(3, 10)) == dao.LeaseState(True, False)
    req.refresh_from_db()
    assert (req.progress_done, req.progress_total) == (3, 10)

    FileRequest.objects.filter(pk=req.pk).update(cancel_requested=True)
    assert dao.renew_lease(req.pk, "w/1").cancel_requested
    assert not dao.renew_lease(req.pk, "someone-else").held

    assert dao.mark_cancelled(claim.request_id, "w/1")
    req.refresh_from_db()
    assert req.status == "cancelled"
    assert not dao.renew_lease(req.pk, "w/1").held


def test_reaper_requeues_an_expired_lease_and_fences_the_old_worker():
    req = make_bare_request(make_user("a@example.com"))
    old = dao.claim_next("dead/1", lease_s=60)
    FileRequest.objects.filter(pk=req.pk).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1)
    )

    reaped = dao.reap_expired(retry_base_s=0)

    assert reaped == [dao.Reaped(req.pk, "dead/1", failed=False)]
    req.refresh_from_db()
    assert (req.status, req.claimed_by, req.attempts) == ("queued", "", 1)
    new = dao.claim_next("alive/1")
    assert new is not None and new.attempt == 2

    # The stale worker wakes up: nothing it does counts.
    assert not dao.renew_lease(old.request_id, old.claimed_by).held
    assert not dao.finish_succeeded(
        req.pk, "dead/1", stored=_stored("stale"), warnings=[], progress_total=1, mail=None
    )
    assert not dao.requeue(req.pk, "dead/1", delay_s=0, code="x", message="x")
    assert not dao.mark_failed(req.pk, "dead/1", code="x", message="x", mail=None)
    assert dao.finish_succeeded(
        req.pk,
        "alive/1",
        stored=_stored("good"),
        warnings=[],
        progress_total=1,
        mail=lambda _expires: _mail(f"request:{req.pk}:succeeded"),
    )
    assert ResultFile.objects.get(request=req).storage_name == "good"
    assert RequestEvent.objects.filter(request=req, kind="lease_expired").count() == 1


def test_reaper_fails_after_the_last_attempt_with_a_notice():
    req = make_bare_request(make_user("a@example.com"), max_attempts=1)
    dao.claim_next("dead/1")
    FileRequest.objects.filter(pk=req.pk).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1)
    )

    reaped = dao.reap_expired(
        failure_mail=lambda rid, message, n: _mail(f"request:{rid}:failed:{n}")
    )

    assert reaped == [dao.Reaped(req.pk, "dead/1", failed=True)]
    req.refresh_from_db()
    assert (req.status, req.error_code) == ("failed", "lease_expired")
    assert "attempts" in req.error_message
    assert MailOutbox.objects.get(request=req).dedupe_key == f"request:{req.pk}:failed:1"


def test_finish_commits_everything_once_even_when_replayed():
    req = make_bare_request(make_user("a@example.com"))
    claim = dao.claim_next("w/1")

    def finish() -> bool:
        return dao.finish_succeeded(
            claim.request_id,
            claim.claimed_by,
            stored=_stored("requests/1/a1.xlsx"),
            warnings=["47662 2020-01: nothing published"],
            progress_total=4,
            mail=lambda _expires: _mail(f"request:{req.pk}:succeeded"),
        )

    assert finish()
    assert finish()  # a COMMIT whose answer was lost, run again: same result, nothing added

    req.refresh_from_db()
    assert req.status == "succeeded"
    assert (req.progress_done, req.progress_total) == (4, 4)
    assert req.warnings == ["47662 2020-01: nothing published"]
    assert req.finished_at is not None and req.claimed_by == ""
    result = ResultFile.objects.get(request=req)
    assert result.expires_at > timezone.now() + timedelta(days=1)
    assert MailOutbox.objects.filter(request=req).count() == 1
    assert RequestEvent.objects.filter(request=req, kind="succeeded").count() == 1
    assert list(
        RequestEvent.objects.filter(request=req, kind="page_error").values_list(
            "message", flat=True
        )
    ) == ["47662 2020-01: nothing published"]


def test_requeue_and_release():
    req = make_bare_request(make_user("a@example.com"))
    claim = dao.claim_next("w/1")
    assert dao.requeue(req.pk, claim.claimed_by, delay_s=120, code="jma", message="JMA down")
    req.refresh_from_db()
    assert (req.status, req.attempts, req.error_code) == ("queued", 1, "jma")
    assert req.run_after > timezone.now() + timedelta(seconds=100)
    assert dao.claim_next("w/1") is None  # not due yet

    FileRequest.objects.filter(pk=req.pk).update(run_after=timezone.now())
    claim = dao.claim_next("w/2")
    assert claim.attempt == 2
    assert dao.release(req.pk, "w/2", "shutdown")
    req.refresh_from_db()
    assert (req.status, req.attempts, req.claimed_by) == ("queued", 1, "")  # not counted


def test_reaper_finishes_queued_requests_whose_owner_cancelled():
    req = make_bare_request(make_user("a@example.com"), cancel_requested=True)
    dao.reap_expired()
    req.refresh_from_db()
    assert req.status == "cancelled"
    assert not dao.has_pending_work()


def test_worker_rows():
    dao.register_worker("host-1", "host", 42, 4)
    dao.worker_heartbeat("host-1")
    dao.worker_stopped("host-1")
    dao.register_worker("host-1", "host", 43, 2)  # a restart with the same id
    from repository.models import Worker

    worker = Worker.objects.get(worker_id="host-1")
    assert (worker.pid, worker.threads, worker.stopped_at) == (43, 2, None)


@pytest.fixture
def lost_first_commit_answer(monkeypatch):
    """The first transaction commits, but its answer is lost (as when the connection drops
    right after COMMIT reached the server)."""
    real = dao.transaction
    calls = {"n": 0}

    @contextmanager
    def flaky():
        with real() as cursor:
            yield cursor
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError(2013, "Lost connection to server during query")

    monkeypatch.setattr(dao, "transaction", flaky)
    return calls


def test_a_claim_whose_commit_answer_was_lost_is_resumed_not_doubled(lost_first_commit_answer):
    owner = make_user("a@example.com")
    first, _second = make_bare_request(owner), make_bare_request(owner)
    dao.refresh_dirty_owners()  # its own transaction; the claim's is the one that loses
    lost_first_commit_answer["n"] = 0

    claim = dao.claim_next("w/1")

    assert lost_first_commit_answer["n"] == 2  # it really went round twice
    assert claim.request_id == first.pk and claim.attempt == 1
    assert dao.running_per_owner() == {owner.pk: 1}


def test_mail_rows_whose_lock_answer_was_lost_are_not_stranded(lost_first_commit_answer):
    req = make_bare_request(make_user("a@example.com"))
    dao.run(lambda cur: dao.queue_mail(cur, req.pk, _mail("k1"), timezone.now()), what="queue")
    lost_first_commit_answer["n"] = 0  # the next transaction is the one that loses its answer

    rows = dao.claim_mails("sender-a", lock_s=300)

    assert [r.dedupe_key for r in rows] == ["k1"]
    assert MailOutbox.objects.get().locked_by == "sender-a"
