"""The one table of moves: the docs' diagram is drawn from it, every timeline kind belongs to a
move or a note, a move the table does not allow is an error, and every move keeps the
QueueOwner triggers' counts exact."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.utils import timezone

from batch import dao
from repository.models import FileRequest, QueueLoad, QueueOwner, RequestEvent, User
from repository.queue import lifecycle
from repository.queue.states import MOVES, NOTES, IllegalMove, diagram, move, table_markdown

DOCS = Path(__file__).resolve().parents[2] / "docs" / "queue.md"


def test_the_docs_show_the_table_of_moves():
    text = DOCS.read_text(encoding="utf-8")
    block = re.search(r"<!-- states:begin[^>]*-->\n(.*?)<!-- states:end -->", text, re.S)
    assert block is not None, "docs/queue.md lost its states block"
    expected = f"```mermaid\n{diagram()}\n```\n\n{table_markdown()}\n"
    assert block.group(1) == expected, (
        "docs/queue.md differs from repository/queue/states.py; paste this between the "
        f"states markers:\n{expected}"
    )


def test_every_timeline_kind_is_written_by_a_move_or_as_a_note():
    by_moves = {kind for m in MOVES.values() for kind in m.events}
    assert by_moves | NOTES == set(RequestEvent.Kind.values)
    assert not by_moves & NOTES


def test_a_move_the_table_does_not_allow_is_an_error():
    with pytest.raises(IllegalMove):
        move("finish_twice")
    with pytest.raises(IllegalMove):
        move("retry").check("running")
    with pytest.raises(IllegalMove):
        move("claim").check("succeeded")
    move("retry").check("failed")  # allowed: no error


@pytest.mark.django_db
def test_the_lifecycle_refuses_moves_not_in_the_table(master_data):
    owner = User.objects.create_user("moves@example.jp", None)
    queued = FileRequest.objects.create(
        owner=owner, start_year=2020, start_month=1, end_year=2020, end_month=1
    )
    now = timezone.now()
    with connection.cursor() as cursor:
        current = lifecycle.lock(cursor, owner.pk, queued.pk)
        with pytest.raises(IllegalMove):
            lifecycle.retry(cursor, queued.pk, current, by=None, regenerate=False, now=now)
        with pytest.raises(IllegalMove):  # a status event written as a note
            lifecycle.note(cursor, queued.pk, RequestEvent.Kind.SUCCEEDED, now=now)
    queued.refresh_from_db()
    assert queued.status == "queued" and not queued.events.exists()


def _counts_exact(owner: User) -> None:
    dao.refresh_dirty_owners(limit=100)
    row = QueueOwner.objects.get(owner_id=owner.pk)
    mine = FileRequest.objects.filter(owner=owner)
    assert row.running == mine.filter(status="running").count()
    head = mine.filter(status="queued", cancel_requested=False).order_by("-priority", "created_at")
    assert (row.dirty, row.ready, row.head_id) == (
        False,
        head.exists(),
        head.first() and head.first().pk,
    )
    # QueueLoad, kept by the moves, against a recount (issue 22).
    kept = dict(QueueLoad.objects.filter(requests__gt=0).values_list("pages", "requests"))
    with transaction.atomic(), connection.cursor() as cursor:
        lifecycle.rebuild_queue_load(cursor)
    assert kept == dict(QueueLoad.objects.filter(requests__gt=0).values_list("pages", "requests"))


@pytest.mark.django_db(transaction=True)
def test_every_move_keeps_the_trigger_counts_exact(master_data):
    """Each move of the table, made on a real row, then QueueOwner against a full count."""
    owner = User.objects.create_user("counts@example.jp", None)
    made: set[str] = set()
    now = timezone.now()
    problem = lifecycle.Problem("internal_error", {}, "An internal error")
    finished = lifecycle.Finished("f", 1, 1)

    def step(name: str, request: FileRequest, **kw) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            current = lifecycle.lock(cursor, owner.pk, request.pk)
            do = {
                "claim": lambda: lifecycle.claim(
                    cursor,
                    request.pk,
                    "w",
                    lease_until=now + timedelta(minutes=1),
                    attempt=1,
                    max_attempts=5,
                    now=now,
                ),
                "release": lambda: lifecycle.release(cursor, request.pk, "w", reason="x", now=now),
                "requeue": lambda: lifecycle.requeue(
                    cursor, request.pk, "w", run_after=now, problem=problem, detail="", now=now
                ),
                "succeed": lambda: lifecycle.succeed(
                    cursor,
                    request.pk,
                    "w",
                    file=finished,
                    progress_total=1,
                    warnings=[],
                    warning_codes=[],
                    now=now,
                ),
                "fail": lambda: lifecycle.fail(
                    cursor, request.pk, "w", problem=problem, detail="", now=now
                ),
                "stop_cancelled": lambda: lifecycle.stop_cancelled(
                    cursor, request.pk, "w", now=now
                ),
                "request_cancel": lambda: lifecycle.cancel(
                    cursor, request.pk, current, by=None, now=now
                ),
                "cancel": lambda: lifecycle.cancel(cursor, request.pk, current, by=None, now=now),
                "retry": lambda: lifecycle.retry(
                    cursor, request.pk, current, by=None, regenerate=False, now=now
                ),
                "reap": lambda: lifecycle.reap(cursor, request.pk, "w", run_after=now, now=now),
                "reap_failed": lambda: lifecycle.reap_failed(
                    cursor, request.pk, "w", problem=problem, now=now
                ),
                "drop_cancelled": lambda: lifecycle.drop_cancelled(cursor, request.pk, now=now),
            }[name]
            assert do(), name
        request.refresh_from_db()
        assert request.status == MOVES[name].target, name
        made.add(name)
        _counts_exact(owner)

    def new() -> FileRequest:
        with transaction.atomic():
            created, _queued = lifecycle.create(
                FileRequest(
                    owner=owner,
                    start_year=2020,
                    start_month=1,
                    end_year=2020,
                    end_month=1,
                    created_at=now,
                    run_after=now,
                ),
                stations=1,
                months=1,
                items=1,
                now=now,
            )
        made.add("create")
        _counts_exact(owner)
        return created

    a = new()
    for name in (
        "claim",
        "release",
        "claim",
        "requeue",
        "claim",
        "succeed",
        "retry",
        "claim",
        "fail",
        "retry",
        "claim",
        "reap",
        "claim",
        "reap_failed",
        "retry",
        "cancel",
        "retry",
        "claim",
        "request_cancel",
        "stop_cancelled",
        "retry",
        "claim",
        "request_cancel",
        "release",
        "drop_cancelled",
    ):
        step(name, a)
    assert made == set(MOVES)
