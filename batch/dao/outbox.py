"""The mail outbox: a mail is a row written in the transaction that decides it is due.

queue_mail inserts it (once per dedupe key, so a replayed transaction is harmless); senders
lock due rows for themselves (locked_by/locked_until), so several daemons can send from one
outbox without sending a row twice while its lock holds; then mark each sent or failed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from batch.dao import retry_delay_s, run
from common import clock
from repository.models import MailOutbox, RequestEvent
from repository.queue import lifecycle
from repository.sql import dialect, param, table

PENDING = MailOutbox.Status.PENDING.value


@dataclass(frozen=True)
class Mail:
    to_email: str
    subject: str
    body_text: str
    body_html: str
    dedupe_key: str


@dataclass(frozen=True)
class OutboxRow:
    id: int
    request_id: int | None
    to_email: str
    subject: str
    body_text: str
    body_html: str
    attempts: int
    dedupe_key: str


def queue_mail(cursor: Any, request_id: int | None, mail: Mail, now: datetime) -> None:
    """Insert the mail unless one with its dedupe key exists (so a replay is harmless)."""
    outbox = table(MailOutbox)
    cursor.execute(
        f"INSERT INTO {outbox} (request_id, to_email, subject, body_text, body_html, status, "
        "attempts, next_attempt_at, locked_by, locked_until, last_error, sent_at, created_at, "
        "dedupe_key) SELECT %s, %s, %s, %s, %s, %s, 0, %s, '', NULL, '', NULL, %s, %s "
        f"FROM (SELECT 1 AS one) single_row WHERE NOT EXISTS "
        f"(SELECT 1 FROM {outbox} WHERE dedupe_key = %s)",
        [
            request_id,
            mail.to_email,
            mail.subject[:255],
            mail.body_text,
            mail.body_html,
            PENDING,
            param(now),
            param(now),
            mail.dedupe_key,
            mail.dedupe_key,
        ],
    )
    if cursor.rowcount == 1 and request_id is not None:
        lifecycle.note(
            cursor, request_id, RequestEvent.Kind.MAIL_QUEUED, {"to": mail.to_email}, now=now
        )


def claim_mails(locker: str, *, lock_s: float, limit: int = 20) -> list[OutboxRow]:
    """Lock due pending mails for this sender."""
    outbox = table(MailOutbox)
    lock = dialect().skip_locked

    def work(cursor: Any) -> list[OutboxRow]:
        now = clock.now()
        cursor.execute(
            f"SELECT id, request_id, to_email, subject, body_text, body_html, attempts, "
            f"dedupe_key FROM {outbox} WHERE status = %s AND next_attempt_at <= %s "
            "AND (locked_until IS NULL OR locked_until < %s OR locked_by = %s) "
            f"ORDER BY next_attempt_at, id LIMIT %s{lock}",
            # locked_by = us: our own lock from a COMMIT whose answer was lost (a locker name
            # is unique to one sender thread of one process run, and it holds no rows now).
            [PENDING, param(now), param(now), locker, limit],
        )
        rows = [OutboxRow(*row) for row in cursor.fetchall()]
        if rows:
            marks = ", ".join(["%s"] * len(rows))
            cursor.execute(
                f"UPDATE {outbox} SET locked_by = %s, locked_until = %s WHERE id IN ({marks})",
                [locker, param(now + timedelta(seconds=lock_s)), *[r.id for r in rows]],
            )
        return rows

    return run(work, what="claim mail")


def mark_mail_sent(row: OutboxRow, locker: str) -> bool:
    outbox = table(MailOutbox)

    def work(cursor: Any) -> bool:
        now = clock.now()
        cursor.execute(
            f"UPDATE {outbox} SET status = %s, sent_at = %s, attempts = attempts + 1, "
            "locked_by = '', locked_until = NULL, last_error = '' "
            "WHERE id = %s AND status = %s AND locked_by = %s",
            [MailOutbox.Status.SENT.value, param(now), row.id, PENDING, locker],
        )
        if cursor.rowcount != 1:
            return False
        if row.request_id is not None:
            data = {"to": row.to_email, "mail_id": row.id}
            lifecycle.note(cursor, row.request_id, RequestEvent.Kind.MAIL_SENT, data, now=now)
        return True

    # Keep trying for long: the mail is out, and an unmarked row would be sent again.
    return run(work, what="mark mail sent", reconnect_for_s=600)


def release_mails(rows: list[OutboxRow], locker: str) -> int:
    """Give back claimed mails not tried (a stopping sender): due again at once, attempts not
    counted, so the next sender (this daemon's next start) sends them without waiting for
    the lock to run out."""
    if not rows:
        return 0
    outbox = table(MailOutbox)
    marks = ", ".join(["%s"] * len(rows))

    def work(cursor: Any) -> int:
        cursor.execute(
            f"UPDATE {outbox} SET locked_by = '', locked_until = NULL "
            f"WHERE id IN ({marks}) AND status = %s AND locked_by = %s",
            [*[r.id for r in rows], PENDING, locker],
        )
        return cursor.rowcount

    return run(work, what="release mail")


def mark_mail_failed(
    row: OutboxRow, locker: str, error: str, *, max_attempts: int, retry_base_s: float
) -> str:
    """Count a failed try; 'failed' when out of attempts, else 'pending' with backoff."""
    outbox = table(MailOutbox)
    attempts = row.attempts + 1
    final = attempts >= max_attempts
    status = MailOutbox.Status.FAILED.value if final else PENDING

    def work(cursor: Any) -> str:
        now = clock.now()
        next_at = now + timedelta(seconds=retry_delay_s(attempts, retry_base_s))
        cursor.execute(
            f"UPDATE {outbox} SET status = %s, attempts = %s, next_attempt_at = %s, "
            "last_error = %s, locked_by = '', locked_until = NULL "
            "WHERE id = %s AND status = %s AND locked_by = %s",
            [status, attempts, param(next_at), error[:2000], row.id, PENDING, locker],
        )
        return status if cursor.rowcount == 1 else "lost"

    return run(work, what="mark mail failed")
