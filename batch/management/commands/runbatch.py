"""`python manage.py runbatch --threads N`: the batch daemon (see batch/daemon.py).

faulthandler is on: a fatal signal (SIGSEGV, SIGABRT from a C library, SIGBUS, SIGFPE,
SIGILL) writes every thread's stack to stderr (the journal, under systemd) before the process
dies. SIGUSR1 writes them without stopping the daemon (for one that seems stuck); that one is
a Python-level handler (batch/stack_dump.py), since faulthandler's can crash a live process.
"""

from __future__ import annotations

import faulthandler
import re
import signal
import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

from batch import stack_dump
from batch.daemon import Daemon, default_worker_id
from batch.dao import ConnectionLost

WORKER_ID = re.compile(r"^[A-Za-z0-9._:-]{1,80}$")


class Command(BaseCommand):
    help = "Run the batch daemon: claim queued requests, build workbooks, send mail."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--threads", type=int, default=2, help="worker threads (1-64)")
        parser.add_argument(
            "--worker-id",
            default="",
            help="name shown to operators (default: <host>-<pid>); letters, digits, ._:-",
        )
        parser.add_argument(
            "--exit-when-idle",
            action="store_true",
            help="exit 0 once nothing is queued or running and no mail is pending",
        )
        parser.add_argument("--no-mail", action="store_true", help="do not send the outbox")

    def handle(self, *args: object, **options: object) -> None:
        threads = int(options["threads"])  # type: ignore[arg-type]
        if not 1 <= threads <= 64:
            raise CommandError(f"--threads must be between 1 and 64, not {threads}")
        worker_id = str(options["worker_id"] or default_worker_id())
        if not WORKER_ID.match(worker_id):
            raise CommandError(f"--worker-id {worker_id!r}: use 1-80 letters, digits or ._:-")
        faulthandler.enable(file=sys.stderr, all_threads=True)
        stack_dump.install(sys.stderr, signal.SIGUSR1)
        daemon = Daemon(
            threads=threads,
            worker_id=worker_id,
            exit_when_idle=bool(options["exit_when_idle"]),
            send_mail=not options["no_mail"],
        )
        try:
            status = daemon.run()
        except ConnectionLost as exc:
            raise CommandError(str(exc)) from exc
        if status:
            raise SystemExit(status)
