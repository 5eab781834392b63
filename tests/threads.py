"""Running one piece of work in several threads at once, as the concurrency tests do."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


def at_once(work: Callable[[], None], count: int, *, timeout: float | None = None) -> list:
    """work() in `count` threads released together (a barrier), each closing its own
    database connection at the end; the exceptions they raised, for the test to assert on."""
    errors: list[BaseException] = []
    start = threading.Barrier(count)

    def run() -> None:
        try:
            start.wait()
            work()
        except BaseException as exc:  # collected for the caller
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return errors
