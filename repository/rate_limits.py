"""The throttles' sliding logs in the database: one read-decide-write per call, under a lock
on the client's row, so every gunicorn worker and host counts against the same limit.

It replaced DRF's history kept in Django's database cache behind a lock entry in the same
cache (issue 22): that took about a dozen statements per throttled call, and each write of
the cache counted its whole table (SELECT COUNT(*)) to decide on culling, a cost that grew
with the number of clients; past MAX_ENTRIES culling deleted histories and held locks alike.
Here a call costs a locking read and a write (SQLite: BEGIN IMMEDIATE serializes writers;
MariaDB: the row's lock). A client's first call inserts its row and deletes up to IDLE_BATCH
rows in which no time counts any more, so the table stays about the size of the clients
active within a window, with no job to run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import IntegrityError, connection, transaction

from repository.models import RateHits
from repository.sql import atomic_retrying, dialect, param, table

IDLE_BATCH = 100


@dataclass(frozen=True)
class Decision:
    """Whether the call may pass, and the log after it (newest first), as DRF keeps it."""

    allowed: bool
    history: list[float]


def hit(key: str, *, limit: int, window_s: float, now: float) -> Decision:
    """Count a call of `key` at unix time `now` if fewer than `limit` passed in the last
    `window_s` seconds; a refused call is not counted (as DRF's throttles do)."""
    return atomic_retrying(lambda: _hit_locked(key, limit, window_s, now))


def _hit_locked(key: str, limit: int, window_s: float, now: float) -> Decision:
    rows = table(RateHits)
    with connection.cursor() as cursor:
        history = _locked_history(cursor, rows, key, now, window_s)
        history = [at for at in history if at > now - window_s]
        allowed = len(history) < limit
        if allowed:
            history.insert(0, now)
        idle_after = datetime.fromtimestamp(history[0] + window_s if history else now, tz=UTC)
        cursor.execute(
            f"UPDATE {rows} SET history = %s, idle_after = %s WHERE client = %s",  # noqa: S608
            [json.dumps(history), param(idle_after), key],
        )
    return Decision(allowed, history)


def _locked_history(cursor, rows: str, key: str, now: float, window_s: float) -> list[float]:
    """The key's log, its row locked until commit; a first call inserts the row (idle only
    after a window, so a purge running meanwhile leaves it). Two first calls at once: one
    inserts, the other's insert fails on the key and reads the row."""
    select = f"SELECT history FROM {rows} WHERE client = %s{dialect().for_update}"  # noqa: S608
    cursor.execute(select, [key])
    row = cursor.fetchone()
    if row is None:
        try:
            with transaction.atomic():  # a savepoint: a lost race leaves the transaction usable
                cursor.execute(
                    f"INSERT INTO {rows} (client, history, idle_after) VALUES (%s, %s, %s)",  # noqa: S608
                    [key, "[]", param(datetime.fromtimestamp(now + window_s, tz=UTC))],
                )
            _forget_idle(cursor, rows, now)
            return []
        except IntegrityError:
            cursor.execute(select, [key])
            row = cursor.fetchone()
    return [float(at) for at in json.loads(row[0])]


def _forget_idle(cursor, rows: str, now: float, most: int = IDLE_BATCH) -> None:
    """Delete up to `most` logs in which no time counts any more, skipping rows another
    call holds: a new client's row pays for the table staying the size of the active ones."""
    cursor.execute(
        f"SELECT client FROM {rows} WHERE idle_after < %s LIMIT %s{dialect().skip_locked}",  # noqa: S608
        [param(datetime.fromtimestamp(now, tz=UTC)), most],
    )
    idle = [row[0] for row in cursor.fetchall()]
    if idle:
        marks = ", ".join(["%s"] * len(idle))
        cursor.execute(f"DELETE FROM {rows} WHERE client IN ({marks})", idle)  # noqa: S608
