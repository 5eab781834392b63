"""Cancel and retry of one request at once never deadlock into an error (issue 23, item 5).

On MariaDB a 20 x 10 storm of cancel/retry gave ten OperationalError 1213 (HTTP 500): retry
locked the user row then the request row while cancel's UPDATE held the request row and
waited for the user row. Every use case now takes the locks in one order (user, request,
queue owner) and a deadlock that can still happen is retried. Concurrency is only real on
MariaDB (SQLite serializes writers), but the storm runs on both.
"""

from __future__ import annotations

import threading
from collections import Counter
from contextlib import suppress

import pytest
from django.db import connection

from application.errors import Conflict
from application.requests import cancel_request, retry_request
from batch import dao
from repository.models import FileRequest, QueueOwner, RequestEvent
from tests.api.conftest import make_user
from tests.batch.conftest import make_bare_request

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

THREADS = 20
ROUNDS = 10


def _storm(target, threads: int = THREADS) -> list[BaseException]:
    """Run target(thread_number) in threads released together; return what they raised."""
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def worker(number: int) -> None:
        try:
            barrier.wait()
            target(number)
        except BaseException as exc:  # reported by the test
            errors.append(exc)
        finally:
            connection.close()

    started = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join()
    return errors


def _assert_counts_exact(owner_id: int) -> None:
    dao.refresh_dirty_owners(limit=100)
    row = QueueOwner.objects.get(owner_id=owner_id)
    mine = FileRequest.objects.filter(owner_id=owner_id)
    assert row.running == mine.filter(status="running").count()
    assert row.ready == mine.filter(status="queued", cancel_requested=False).exists()


def test_a_storm_of_cancel_and_retry_on_one_request_answers_every_call(master_data):
    owner = make_user("storm@example.jp")
    request = make_bare_request(owner)
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def cancel_and_retry(number: int) -> None:
        for step in range(ROUNDS):
            use_case = cancel_request if (number + step) % 2 == 0 else retry_request
            try:
                use_case(FileRequest(pk=request.pk, owner_id=owner.pk), actor=owner)
                outcome = "done"
            except Conflict:
                outcome = "conflict"  # the other one got there first: a 409, as it should
            with lock:
                outcomes[outcome] += 1

    errors = _storm(cancel_and_retry)

    assert errors == [], [repr(e) for e in errors]
    assert sum(outcomes.values()) == THREADS * ROUNDS and outcomes["done"] > 0
    final = FileRequest.objects.get(pk=request.pk)
    assert final.status in ("queued", "cancelled")
    done_events = RequestEvent.objects.filter(
        request=request, kind__in=["cancelled", "retried"]
    ).count()
    assert done_events == outcomes["done"]  # every change recorded once, none lost
    _assert_counts_exact(owner.pk)


def test_the_storm_with_a_daemon_claiming_the_same_owners_requests(master_data):
    """The claim locks the owner's user row too: the same order as cancel and retry."""
    owner = make_user("storm2@example.jp")
    requests = [make_bare_request(owner) for _ in range(3)]

    def act(number: int) -> None:
        if number < 2:  # two daemon threads claim and give back
            for _ in range(ROUNDS * 2):
                claim = dao.claim_next(f"storm/{number}", max_running_per_user=2)
                if claim is not None:
                    dao.release(claim.request_id, claim.claimed_by, "storm")
            return
        for step in range(ROUNDS):
            target = requests[(number + step) % len(requests)]
            use_case = cancel_request if (number + step) % 2 == 0 else retry_request
            with suppress(Conflict):  # the other one got there first: a 409
                use_case(FileRequest(pk=target.pk, owner_id=owner.pk), actor=owner)

    errors = _storm(act, threads=12)

    assert errors == [], [repr(e) for e in errors]
    _assert_counts_exact(owner.pk)
