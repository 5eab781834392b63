"""The in-process half of "one fetch per page": callers that come while the leader runs get
its result or its error without running their own fetch; a caller after it landed starts anew."""

from __future__ import annotations

import sys
import threading
import time

import pytest

from batch.jma.single_flight import SingleFlight


def wait_until_blocked(thread: threading.Thread) -> None:
    """Until `thread` sits in Event.wait (it joined the flight as a waiter)."""
    deadline = time.monotonic() + 10
    while True:
        frame = sys._current_frames().get(thread.ident or 0)
        names = set()
        while frame is not None:
            names.add(frame.f_code.co_name)
            frame = frame.f_back
        if "wait" in names and "run" in names:
            return
        assert time.monotonic() < deadline, "the waiter never joined the flight"
        time.sleep(0.01)


def run_two(flights: SingleFlight[str, int], leader_fetch, waiter_fetch) -> list[object]:
    """The leader's fetch blocks until the waiter has joined; both outcomes, leader first."""
    joined = threading.Event()
    outcomes: list[object] = [None, None]

    def call(slot: int, fetch) -> None:
        try:
            outcomes[slot] = flights.run("page", fetch)
        except RuntimeError as exc:
            outcomes[slot] = exc

    def blocking_leader_fetch() -> int:
        joined.wait(10)
        return leader_fetch()

    leader = threading.Thread(target=call, args=(0, blocking_leader_fetch))
    leader.start()
    while "page" not in flights._flights:
        time.sleep(0.001)
    waiter = threading.Thread(target=call, args=(1, waiter_fetch))
    waiter.start()
    wait_until_blocked(waiter)
    joined.set()
    leader.join(10)
    waiter.join(10)
    return outcomes


def test_a_waiter_gets_the_leaders_result_without_fetching():
    flights: SingleFlight[str, int] = SingleFlight()
    fetches: list[str] = []

    def waiter_fetch() -> int:
        fetches.append("waiter")
        return 99

    assert run_two(flights, lambda: 7, waiter_fetch) == [(7, True), (7, False)]
    assert fetches == []
    assert flights.run("page", lambda: 8) == (8, True)  # landed: a new flight


def test_a_waiter_gets_the_leaders_error():
    flights: SingleFlight[str, int] = SingleFlight()

    def failing() -> int:
        raise RuntimeError("JMA answered 503")

    leader_error, waiter_error = run_two(flights, failing, lambda: 99)
    assert isinstance(leader_error, RuntimeError)
    assert waiter_error is leader_error
    assert "page" not in flights._flights
    with pytest.raises(RuntimeError):
        flights.run("page", failing)
