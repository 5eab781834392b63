"""The per-user limit and Idempotency-Key hold when requests arrive at the same moment."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from application.errors import TooManyActive
from application.requests import create_request
from repository.models import FileRequest, RequestEvent
from tests.api.conftest import make_user, valid_body

pytestmark = pytest.mark.slow

THREADS = 6


def race(target, count: int = THREADS) -> list:
    """Run `target` in `count` threads released together; collect results or exceptions."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def worker(index: int) -> None:
        try:
            barrier.wait()
            results[index] = target()
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_same_idempotency_key_at_once_makes_one_request(master_data):
    owner = make_user("race@example.jp")
    results = race(lambda: create_request(owner, idempotency_key="double-click", **valid_body()))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len({request.pk for request, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    assert FileRequest.objects.count() == 1
    assert RequestEvent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_per_user_limit_holds_under_concurrency(master_data, settings):
    settings.MAX_ACTIVE_REQUESTS_PER_USER = 2
    owner = make_user("burst@example.jp")
    results = race(lambda: create_request(owner, **valid_body()))
    created = [r for r in results if isinstance(r, tuple)]
    refused = [r for r in results if isinstance(r, TooManyActive)]
    assert len(created) == 2 and len(refused) == THREADS - 2, results
    assert FileRequest.objects.filter(owner=owner).count() == 2
