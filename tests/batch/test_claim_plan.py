"""The claim's queries are answered by an index in order: no sort, no temporary table.

That is what keeps a claim's cost flat as the backlog grows (issue 13: the old candidate
query sorted every queued row on every claim, "Using temporary; Using filesort").
The plans are the databases' own EXPLAIN output for the SQL the DAO runs.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from batch import dao
from repository.models import FileRequest, QueueOwner, User

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def backlog() -> list[User]:
    """60 owners with 3,000 queued requests between them, some running, some not due."""
    users = [User.objects.create_user(f"plan{i:02d}@example.com", None) for i in range(60)]
    now = timezone.now()
    FileRequest.objects.bulk_create(
        [
            FileRequest(
                owner=users[i % len(users)],
                start_year=2020,
                start_month=1,
                end_year=2020,
                end_month=1,
                priority=i % 3,
                status="running" if i % 97 == 0 else "queued",
                run_after=now + timedelta(hours=1) if i % 11 == 0 else now,
            )
            for i in range(3000)
        ],
        batch_size=500,
    )
    assert dao.refresh_dirty_owners(limit=100) == 60
    with connection.cursor() as cursor:
        for table in ("repository_filerequest", "repository_queueowner"):
            cursor.execute(f"ANALYZE TABLE {table}" if connection.vendor == "mysql" else "ANALYZE")
    return users


def _plan(sql: str, params: list) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "mysql":
            cursor.execute(f"EXPLAIN {sql}", params)
            columns = [c[0] for c in cursor.description]
            return "\n".join(str(dict(zip(columns, row, strict=True))) for row in cursor)
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row[-1]) for row in cursor)


def _assert_no_sort(plan: str) -> None:
    if connection.vendor == "mysql":
        assert "filesort" not in plan.lower(), plan
        assert "temporary" not in plan.lower(), plan
    else:
        assert "TEMP B-TREE" not in plan, plan


def test_candidate_owners_come_from_the_index_in_order(backlog):
    some_full = {backlog[3].pk, backlog[7].pk}
    for skip in (set(), some_full):
        sql, params = dao.candidate_owners_sql(timezone.now(), 3, skip)
        plan = _plan(sql, params)
        _assert_no_sort(plan)
        assert "queueowner_claim_idx" in plan, plan


def test_an_owners_next_request_comes_from_the_index_in_order(backlog):
    lock = " FOR UPDATE SKIP LOCKED" if connection.vendor == "mysql" else ""
    owner = backlog[5].pk
    for sql, params in (
        (dao.owner_head_sql(due=True, lock=lock), [owner, "queued", timezone.now()]),
        (dao.owner_head_sql(due=False), [owner, "queued"]),
    ):
        plan = _plan(sql, params)
        _assert_no_sort(plan)
        assert "req_owner_head_idx" in plan, plan


def test_the_owner_table_matches_the_requests(backlog):
    """What the triggers and the refresh keep is what a full count says."""
    dao.claim_next("w/1", max_running_per_user=3)
    for row in QueueOwner.objects.all():
        mine = FileRequest.objects.filter(owner_id=row.owner_id)
        assert row.running == mine.filter(status="running").count()
        head = (
            mine.filter(status="queued", cancel_requested=False)
            .order_by("-priority", "created_at", "id")
            .first()
        )
        assert (row.ready, row.head_id) == (head is not None, head and head.pk)


def test_the_owner_table_stays_exact_under_concurrent_claims_and_finishes():
    """Eight threads claim and finish (and requeue some) at once; the trigger-kept counts and
    the refreshed heads end equal to a full count of the requests."""
    users = [User.objects.create_user(f"busy{i}@example.com", None) for i in range(5)]
    for i in range(60):
        FileRequest.objects.create(
            owner=users[i % 5], start_year=2020, start_month=1, end_year=2020, end_month=1
        )
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for step in range(6):
                claim = dao.claim_next(f"w/{n}", max_running_per_user=3)
                if claim is None:
                    continue
                if step % 3 == 2:
                    dao.requeue(claim.request_id, claim.claimed_by, delay_s=0, code="x", message="")
                elif step % 3 == 1:
                    stored = dao.StoredFile(f"f/{claim.request_id}", "x.xlsx", 1, "0" * 64, 1)
                    dao.finish_succeeded(
                        claim.request_id,
                        claim.claimed_by,
                        stored=stored,
                        warnings=[],
                        progress_total=1,
                        mail=None,
                    )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    dao.refresh_dirty_owners(limit=100)

    for user in users:
        row = QueueOwner.objects.get(owner_id=user.pk)
        mine = FileRequest.objects.filter(owner=user)
        assert row.running == mine.filter(status="running").count() <= 3
        head = (
            mine.filter(status="queued", cancel_requested=False)
            .order_by("-priority", "created_at", "id")
            .first()
        )
        assert (row.dirty, row.ready, row.head_id) == (False, head is not None, head and head.pk)
