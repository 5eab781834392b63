"""Worker rows: one per daemon process, for operators and the health endpoint."""

from __future__ import annotations

from typing import Any

from batch.dao import run
from common import clock
from repository.models import Worker
from repository.sql import param, table


def register_worker(worker_id: str, host: str, pid: int, threads: int) -> None:
    workers = table(Worker)

    def work(cursor: Any) -> None:
        now = param(clock.now())
        cursor.execute(
            f"UPDATE {workers} SET host = %s, pid = %s, threads = %s, started_at = %s, "
            "heartbeat_at = %s, stopped_at = NULL WHERE worker_id = %s",
            [host, pid, threads, now, now, worker_id],
        )
        if cursor.rowcount == 0:
            cursor.execute(
                f"INSERT INTO {workers} (worker_id, host, pid, threads, started_at, "
                "heartbeat_at, stopped_at) VALUES (%s, %s, %s, %s, %s, %s, NULL)",
                [worker_id, host, pid, threads, now, now],
            )

    run(work, what="register worker")


def worker_heartbeat(worker_id: str) -> None:
    workers = table(Worker)
    run(
        lambda cursor: cursor.execute(
            f"UPDATE {workers} SET heartbeat_at = %s WHERE worker_id = %s",
            [param(clock.now()), worker_id],
        ),
        what="worker heartbeat",
        reconnect_for_s=5,
    )


def worker_stopped(worker_id: str) -> None:
    workers = table(Worker)
    run(
        lambda cursor: cursor.execute(
            f"UPDATE {workers} SET stopped_at = %s, heartbeat_at = %s WHERE worker_id = %s",
            [param(clock.now()), param(clock.now()), worker_id],
        ),
        what="worker stopped",
        reconnect_for_s=10,
    )
