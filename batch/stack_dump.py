"""SIGUSR1: every thread's stack, written by the daemon while it goes on running.

faulthandler can do this too (`faulthandler.register`), but it walks the other threads'
frames from inside the signal handler without holding the GIL: a thread that wakes up during
the walk can crash the process (seen in CI: SIGUSR1 ended a live daemon with SIGSEGV). A
Python-level handler runs in the main thread between two bytecodes, holding the GIL, so
`sys._current_frames()` is a consistent snapshot. faulthandler stays for fatal signals, where
the process is dying anyway and nothing else can print.
"""

from __future__ import annotations

import signal
import sys
import threading
import traceback
from typing import TextIO


def format_stacks() -> str:
    """All threads' stacks, named as the daemon names its threads (worker-1, mail, ...)."""
    names = {thread.ident: thread.name for thread in threading.enumerate()}
    frames = sys._current_frames()
    parts = [f"Stacks of {len(frames)} thread(s) (most recent call last):\n"]
    for ident, frame in sorted(frames.items(), key=lambda item: names.get(item[0], "")):
        name = names.get(ident, "?")
        parts.append(f'\nThread 0x{ident:x} "{name}" (most recent call last):\n')
        parts.extend(traceback.format_stack(frame))
    return "".join(parts)


def install(stream: TextIO | None = None, signum: int = signal.SIGUSR1) -> None:
    """On `signum`, write the stacks to `stream` (stderr, the journal under systemd)."""

    def on_signal(_signum: int, _frame: object) -> None:
        out = stream or sys.stderr
        out.write(format_stacks())
        out.flush()

    signal.signal(signum, on_signal)
