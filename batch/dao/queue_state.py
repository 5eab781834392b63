"""What the daemon asks about the queue as a whole."""

from __future__ import annotations

from typing import Any

from batch.dao import run
from repository.models import FileRequest, MailOutbox
from repository.queue.states import QUEUED, RUNNING
from repository.sql import table


def has_pending_work(*, include_mail: bool = True) -> bool:
    """Anything queued or running anywhere, or a mail still to try: not idle yet."""
    requests, mails = table(FileRequest), table(MailOutbox)

    def work(cursor: Any) -> bool:
        cursor.execute(
            f"SELECT COUNT(*) FROM {requests} WHERE status = %s OR (status = %s AND "
            "cancel_requested = 0)",
            [RUNNING, QUEUED],
        )
        if cursor.fetchone()[0]:
            return True
        if not include_mail:
            return False
        cursor.execute(
            f"SELECT COUNT(*) FROM {mails} WHERE status = %s",
            [MailOutbox.Status.PENDING.value],
        )
        return bool(cursor.fetchone()[0])

    return run(work, what="idle check")


def running_per_owner() -> dict[int, int]:
    requests = table(FileRequest)

    def work(cursor: Any) -> dict[int, int]:
        cursor.execute(
            f"SELECT owner_id, COUNT(*) FROM {requests} WHERE status = %s GROUP BY owner_id",
            [RUNNING],
        )
        return {int(owner): int(n) for owner, n in cursor.fetchall()}

    return run(work, what="running per owner")
