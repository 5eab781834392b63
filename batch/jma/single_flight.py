"""One fetch per page per process.

Threads of one daemon that want the same page at once (two requests sharing a station-month)
must not each spend a JMA request on it: the first caller leads and fetches, the others wait
for its result or its error. Other processes are kept out by the page's lease in the database
(batch/jma/lease.py, day_lease.py); this is only the in-process half.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

Key = TypeVar("Key", bound=Hashable)
Result = TypeVar("Result")


@dataclass
class _Flight(Generic[Result]):
    done: threading.Event = field(default_factory=threading.Event)
    result: Result | None = None
    error: BaseException | None = None


class SingleFlight(Generic[Key, Result]):
    """Runs `compute` once for all callers that ask for the same key while it runs."""

    def __init__(self) -> None:
        self._flights: dict[Key, _Flight[Result]] = {}
        self._lock = threading.Lock()

    def run(self, key: Key, compute: Callable[[], Result]) -> tuple[Result, bool]:
        """The result and whether this caller computed it (False: it waited for the leader)."""
        with self._lock:
            flight = self._flights.get(key)
            leader = flight is None
            if flight is None:
                flight = self._flights[key] = _Flight()
        if not leader:
            flight.done.wait()
            if flight.error is not None:
                raise flight.error
            assert flight.result is not None
            return flight.result, False
        try:
            flight.result = compute()
            return flight.result, True
        except BaseException as exc:
            flight.error = exc
            raise
        finally:
            with self._lock:
                if self._flights.get(key) is flight:
                    del self._flights[key]
            flight.done.set()
