"""Issue 22: a claim and its finish cost 17 SQL statements on MariaDB, against 10 for a raw
`SELECT ... FOR UPDATE SKIP LOCKED` loop. Counted here (the number, not the time): every
statement this thread sends, BEGIN and COMMIT included."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from batch import dao
from repository.models import FileRequest, QueueOwner
from tests.batch.conftest import make_bare_request, make_user

pytestmark = pytest.mark.django_db(transaction=True)

# dirty check, BEGIN, owners, user row (MariaDB: SQLite's BEGIN IMMEDIATE already holds the
# write lock), head + count, claim, event, owner, COMMIT
CLAIM = {"mysql": 9, "sqlite": 8}
FINISH = 6  # BEGIN, succeeded, event, file row, QueueLoad (the queue-ahead count), COMMIT


def test_a_claim_and_its_finish_take_fourteen_statements():
    owners = [make_user(f"s{n}@example.com") for n in range(3)]
    for owner in owners:
        make_bare_request(owner)
        make_bare_request(owner)
    assert dao.claim_next("warm-up/1") is not None  # refreshes the new owners' rows
    with CaptureQueriesContext(connection) as claimed:
        claim = dao.claim_next("w/1")
    assert claim is not None
    stored = dao.StoredFile(f"requests/{claim.request_id}/a1-x.xlsx", "a.xlsx", 10, "0" * 64, 1)
    with CaptureQueriesContext(connection) as finished:
        assert dao.finish_succeeded(
            claim.request_id,
            claim.claimed_by,
            stored=stored,
            warnings=[],
            progress_total=1,
            mail=None,
        )
    statements = [q["sql"].split()[0].upper() for q in claimed.captured_queries]
    assert len(claimed.captured_queries) == CLAIM[connection.vendor], statements
    assert len(finished.captured_queries) == FINISH, finished.captured_queries
    # And the owner's row is what a full recount says.
    row = QueueOwner.objects.get(owner_id=claim.owner_id)
    next_head = (
        FileRequest.objects.filter(owner_id=claim.owner_id, status="queued")
        .order_by("-priority", "created_at", "id")
        .first()
    )
    assert (row.running, row.ready, row.head_id, row.dirty) == (0, True, next_head.pk, False)


def test_a_replayed_finish_still_answers_true_only_for_its_own_file():
    make_bare_request(make_user("r@example.com"))
    claim = dao.claim_next("w/1")
    stored = dao.StoredFile(f"requests/{claim.request_id}/a1-x.xlsx", "a.xlsx", 10, "0" * 64, 1)
    kwargs = {"stored": stored, "warnings": [], "progress_total": 1, "mail": None}
    assert dao.finish_succeeded(claim.request_id, claim.claimed_by, **kwargs)
    assert dao.finish_succeeded(claim.request_id, claim.claimed_by, **kwargs)  # lost answer
    other = dao.StoredFile(f"requests/{claim.request_id}/a1-y.xlsx", "a.xlsx", 10, "0" * 64, 1)
    assert not dao.finish_succeeded(
        claim.request_id, claim.claimed_by, **{**kwargs, "stored": other}
    )
