"""The one table of a request's allowed moves, and the state diagram drawn from it.

Every status change is one named Move: the statuses it may start from, the status it ends
in, who makes it and the timeline events it writes. lifecycle.py builds each UPDATE's
`WHERE status IN (...)` from this table, so no code path can move a request along an edge
that is not here; asking for an unknown move, or for a move from a status it does not start
from, raises IllegalMove. docs/queue.md shows `diagram()`; a test keeps the two equal.

The QueueOwner triggers of migration 0003 do not decide anything: they count each owner's
running requests and mark the owner dirty whenever a queued row changes, for every writer.
"""

from __future__ import annotations

from dataclasses import dataclass

from repository.models import FileRequest, RequestEvent

Status = FileRequest.Status
Kind = RequestEvent.Kind

QUEUED = Status.QUEUED.value
RUNNING = Status.RUNNING.value
SUCCEEDED = Status.SUCCEEDED.value
FAILED = Status.FAILED.value
CANCELLED = Status.CANCELLED.value


class IllegalMove(Exception):
    """A move that the table does not allow: a bug in the caller, never a user's mistake."""


@dataclass(frozen=True)
class Move:
    name: str
    sources: tuple[str, ...]  # () for create: the request did not exist
    target: str
    by: str  # who makes the move (for the docs)
    events: tuple[str, ...]  # timeline kinds it writes, in order

    def check(self, current: str) -> None:
        if current not in self.sources:
            raise IllegalMove(f"{self.name}: not allowed from {current!r}")


MOVES: dict[str, Move] = {
    move.name: move
    for move in (
        Move("create", (), QUEUED, "owner (API, front end)", (Kind.QUEUED,)),
        Move("claim", (QUEUED,), RUNNING, "daemon worker", (Kind.CLAIMED,)),
        Move("release", (RUNNING,), QUEUED, "daemon at shutdown", (Kind.RELEASED,)),
        Move("requeue", (RUNNING,), QUEUED, "daemon: transient error", (Kind.RETRY_SCHEDULED,)),
        Move("succeed", (RUNNING,), SUCCEEDED, "daemon: file stored", (Kind.SUCCEEDED,)),
        Move("fail", (RUNNING,), FAILED, "daemon: permanent error", (Kind.FAILED,)),
        Move("stop_cancelled", (RUNNING,), CANCELLED, "daemon: cancel seen", (Kind.CANCELLED,)),
        Move("request_cancel", (RUNNING,), RUNNING, "owner or staff", (Kind.CANCEL_REQUESTED,)),
        Move("cancel", (QUEUED,), CANCELLED, "owner or staff", (Kind.CANCELLED,)),
        Move(
            "retry",
            (FAILED, CANCELLED, SUCCEEDED),  # succeeded: only once its file is gone
            QUEUED,
            "owner or staff",
            (Kind.RETRIED,),
        ),
        Move("reap", (RUNNING,), QUEUED, "reaper: lease expired", (Kind.LEASE_EXPIRED,)),
        Move(
            "reap_failed",
            (RUNNING,),
            FAILED,
            "reaper: lease expired, no attempt left",
            (Kind.LEASE_EXPIRED, Kind.FAILED),
        ),
        Move(
            "drop_cancelled",
            (QUEUED,),
            CANCELLED,
            "reaper: cancel asked, back in queue",
            (Kind.CANCELLED,),
        ),
    )
}

# Timeline events that record something without moving the request.
NOTES: frozenset[str] = frozenset(
    {Kind.PAGE_ERROR, Kind.MAIL_QUEUED, Kind.MAIL_SENT, Kind.FILE_PURGED, Kind.PROGRESS}
)


def move(name: str) -> Move:
    try:
        return MOVES[name]
    except KeyError:
        raise IllegalMove(f"no move named {name!r}") from None


def moves_from(status: str) -> list[Move]:
    return [m for m in MOVES.values() if status in m.sources]


def diagram() -> str:
    """The state diagram (Mermaid), drawn from MOVES: one edge per move and source."""
    lines = ["stateDiagram-v2"]
    for m in MOVES.values():
        for source in m.sources or ("[*]",):
            lines.append(f"    {source} --> {m.target}: {m.name} ({m.by})")
    for final in (SUCCEEDED, FAILED, CANCELLED):
        lines.append(f"    {final} --> [*]")
    return "\n".join(lines)


def table_markdown() -> str:
    """The same table for reading: move, from, to, who, events."""
    rows = ["| move | from | to | made by | timeline events |", "|---|---|---|---|---|"]
    for m in MOVES.values():
        sources = ", ".join(m.sources) or "(new)"
        rows.append(f"| {m.name} | {sources} | {m.target} | {m.by} | {', '.join(m.events)} |")
    return "\n".join(rows)
