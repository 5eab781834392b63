"""Raw SQL helpers: what differs between MariaDB/MySQL and SQLite, in one object, and which
database errors are worth running a transaction again for.

The queue, the politeness budget and the month leases write raw, parameterized SQL (their
transactions and locks are the point), on both databases. Every difference between the two
lives in `Dialect`; callers ask `dialect()` for the current connection's and never test the
vendor themselves. Times are passed as parameters (`param`), computed in Python in UTC, so
both backends compare them the same way.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import Field, Model

T = TypeVar("T")
ATOMIC_ATTEMPTS = 8

# MySQL/MariaDB error numbers.
_LOCK_CONFLICT = {1205, 1213}  # lock wait timeout, deadlock
_CONNECTION_LOST = {2002, 2003, 2006, 2013, 2055, 1927, 1053, 4031}


@dataclass(frozen=True)
class Dialect:
    """The SQL that differs between the two databases the service runs on.

    `serializes_writers`: SQLite's BEGIN IMMEDIATE lets one writer in at a time, so there are
    no row locks to take (and `skip_locked`/`for_update` are empty); MariaDB locks rows.
    """

    vendor: str
    begin: str
    serializes_writers: bool
    for_update: str
    skip_locked: str
    insert_ignore: str
    index_hint: str
    unix_now_sql: str | None  # the database's own clock; None: the local clock is the database's
    add_on_conflict: str  # after INSERT ... SELECT: add to {column} of the row {key} names

    def upsert_add(self, key: str, column: str) -> str:
        """The tail of an INSERT ... SELECT that adds the new row's `column` to the existing
        row's instead, when a row with the same `key` exists."""
        return self.add_on_conflict.format(key=key, column=column)

    def use_index(self, name: str) -> str:
        """Name the index that answers a query in order. Left to themselves, SQLite takes
        req_owner_due_idx when most requests are due (then sorts), and MariaDB may sort a
        small table instead of reading its index."""
        return self.index_hint.format(name)

    def lock(self, *, wait: bool) -> str:
        """A row-locking suffix: wait for the lock, or skip rows another transaction holds."""
        return self.for_update if wait else self.skip_locked

    def unix_now(self, cursor: Any) -> float:
        """Unix time by the database's clock, so hosts with skewed clocks agree."""
        if self.unix_now_sql is None:
            return time.time()
        cursor.execute(self.unix_now_sql)
        return float(cursor.fetchone()[0])


MARIADB = Dialect(
    vendor="mysql",
    begin="START TRANSACTION",
    serializes_writers=False,
    for_update=" FOR UPDATE",
    skip_locked=" FOR UPDATE SKIP LOCKED",
    insert_ignore="INSERT IGNORE",
    index_hint=" FORCE INDEX ({})",
    unix_now_sql="SELECT UNIX_TIMESTAMP(NOW(6))",
    add_on_conflict=" ON DUPLICATE KEY UPDATE {column} = {column} + VALUES({column})",
)
SQLITE = Dialect(
    vendor="sqlite",
    begin="BEGIN IMMEDIATE",
    serializes_writers=True,
    for_update="",
    skip_locked="",
    insert_ignore="INSERT OR IGNORE",
    index_hint=" INDEXED BY {}",
    unix_now_sql=None,
    # The SELECT needs a WHERE: without one SQLite reads ON CONFLICT as a join constraint.
    add_on_conflict=" ON CONFLICT({key}) DO UPDATE SET {column} = {column} + excluded.{column}",
)


def dialect() -> Dialect:
    """The dialect of this thread's default connection."""
    return MARIADB if connection.vendor == "mysql" else SQLITE


def table(model: type) -> str:
    """A model's table name, quoted for the current database."""
    return connection.ops.quote_name(model._meta.db_table)  # type: ignore[attr-defined]


def param(value: datetime | None) -> Any:
    """A datetime as the current backend stores it (naive UTC on MariaDB without time zones)."""
    return connection.ops.adapt_datetimefield_value(value)


def insert(row: Model) -> None:
    """Store a new model object as save(force_insert=True) does (each field's own pre_save
    and get_db_prep_save), in one INSERT without the ORM's query compiler, which cost more
    than the rest of a create's four inserts (issue 22); the new primary key is set on it."""
    fields = _insert_fields(row)
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(type(row), fields), _insert_values(row, fields))
        if row.pk is None:
            row.pk = cursor.lastrowid
    row._state.adding, row._state.db = False, connection.alias


def insert_many(rows: Sequence[Model]) -> None:
    """insert() for objects of one model at once (executemany), as bulk_create without
    reading their keys back: for rows nobody reads again in the same call."""
    if not rows:
        return
    fields = _insert_fields(rows[0])
    with connection.cursor() as cursor:
        cursor.executemany(
            _insert_sql(type(rows[0]), fields), [_insert_values(row, fields) for row in rows]
        )


def _insert_fields(row: Model) -> list[Field]:
    return [f for f in row._meta.concrete_fields if not (f.primary_key and row.pk is None)]


def _insert_sql(model: type[Model], fields: list[Field]) -> str:
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    return f"INSERT INTO {table(model)} ({columns}) VALUES ({marks})"  # noqa: S608 (names)


def _insert_values(row: Model, fields: list[Field]) -> list[Any]:
    return [f.get_db_prep_save(f.pre_save(row, True), connection) for f in fields]


# --- Errors worth a second run ------------------------------------------------------------------


def error_code(exc: BaseException) -> int | None:
    cause = exc.__cause__ or exc
    args = getattr(cause, "args", ())
    return args[0] if args and isinstance(args[0], int) else None


def is_lock_conflict(exc: BaseException) -> bool:
    """A deadlock, a lock wait timeout or SQLite's busy: the transaction may simply run again."""
    if error_code(exc) in _LOCK_CONFLICT:
        return True
    text = str(exc).lower()
    return "database is locked" in text or "database table is locked" in text


def is_connection_lost(exc: BaseException) -> bool:
    if isinstance(exc, InterfaceError):
        return True
    if error_code(exc) in _CONNECTION_LOST:
        return True
    text = str(exc).lower()
    return (
        "server has gone away" in text
        or "lost connection" in text
        or "connection was killed" in text
        or "connection already closed" in text
    )


def atomic_retrying(work: Callable[[], T], *, attempts: int = ATOMIC_ATTEMPTS) -> T:
    """work() in one transaction.atomic(), run again after a deadlock or lock timeout.

    The use cases take their locks in one order (repository/queue/lifecycle.py), so deadlocks
    among them do not happen; one against another writer (the daemon's claim, an admin) still
    may, and it is the database's answer to run again, not the user's error. Inside a
    caller's transaction nothing can be retried here: work() then runs once, on it.
    """
    if connection.in_atomic_block:
        with transaction.atomic():
            return work()
    for attempt in range(1, attempts + 1):
        try:
            with transaction.atomic():
                return work()
        except OperationalError as exc:
            if attempt == attempts or not is_lock_conflict(exc):
                raise
            time.sleep(random.uniform(0.005, 0.05) * attempt)
    raise AssertionError("unreachable")
