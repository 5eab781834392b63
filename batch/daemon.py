"""Thread control: N worker threads, a housekeeping thread, a mail thread, and signals.

- Worker threads claim a request (batch.dao.claims), run it (batch.jobs.run_job, or an injected job
  such as the benchmark's empty one), and claim the next; idle threads poll.
- The housekeeping thread renews the leases of this process's jobs (a live process keeps its
  claims; a killed one loses them after BATCH_LEASE_SECONDS), notices cancellations and lost
  claims, beats the Worker row and runs the reaper.
- The mail thread turns password-reset asks into mails (batch.account_mail) and sends the
  outbox. It is separate so a slow SMTP server never delays a lease renewal.
- SIGTERM/SIGINT: stop claiming; running jobs get BATCH_SHUTDOWN_GRACE_S to finish, then they
  are told to stop and release their claims; the mail thread then sends what the finished
  jobs left in the outbox; exit 0. A second signal skips the grace period.
- Service threads stop in bounded time: housekeeping and records within SERVICE_STOP_S (the
  records thread's retry back-off, budget and lease waits end at stop, its wishes stay for
  the next start); the mail thread starts mails for EMAIL_TIMEOUT seconds more, finishes the
  one it is sending and gives the rest back to the outbox, due at the next start.

Each thread uses its own database connection (Django keeps one per thread) and closes it when
it ends.
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DatabaseError, connection

from batch import account_mail, jobs, mail
from batch.dao import (
    ConnectionLost,
    claims,
    fairness,
    forget_connection,
    leases,
    queue_state,
    reaper,
    worker_rows,
)
from batch.jma import station_cache
from batch.jma.client import JmaClient, default_client
from batch.retention import remove_stale_build_folders

log = logging.getLogger(__name__)

JobFn = Callable[[claims.Claim, jobs.JobControl], object]

# After stop, the housekeeping and records threads get this long. Neither owns anything that
# must finish: a records page not stored is fetched at the next start (its wish stays); a
# request in flight is left to the process exit, its page lease runs out.
SERVICE_STOP_S = 5.0


class ServiceStopped(Exception):
    """Raised by a service thread's waits once the daemon stops: its current chore ends."""


def _trouble(what: str, exc: Exception) -> None:
    """A thread's loop survives any error: log it, start over on a fresh connection."""
    if isinstance(exc, (DatabaseError, ConnectionLost)):
        log.warning("%s: %s", what, exc)
    else:
        log.exception("%s: unexpected error", what)
    forget_connection()


def default_worker_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


@dataclass
class Daemon:
    threads: int
    worker_id: str = field(default_factory=default_worker_id)
    job: JobFn = jobs.run_job
    exit_when_idle: bool = False
    send_mail: bool = True
    poll_s: float = field(default_factory=lambda: settings.BATCH_POLL_INTERVAL_S)
    lease_s: float = field(default_factory=lambda: settings.BATCH_LEASE_SECONDS)
    grace_s: float = field(default_factory=lambda: settings.BATCH_SHUTDOWN_GRACE_S)
    # After stop, the mail thread starts mails for this long (issue 18: the grace's mails).
    mail_flush_s: float = field(default_factory=lambda: float(settings.EMAIL_TIMEOUT))

    def __post_init__(self) -> None:
        if self.threads < 1:
            raise ValueError("threads must be at least 1")
        self.stop_claiming = threading.Event()
        self.abort = threading.Event()
        self.stop_service = threading.Event()
        self._service_stopped_at: float | None = None
        self._active: dict[int, jobs.JobControl] = {}
        self._active_lock = threading.Lock()
        # Unique per process run, so a restarted daemon with the same --worker-id can never
        # pass the fencing check for a claim its dead predecessor held.
        self._boot = secrets.token_hex(3)
        self.claims = 0
        self.signalled = False
        # Since when every heartbeat went through: only a daemon that has seen the database
        # for BATCH_WORKER_DEAD_S judges others dead (after an outage, all beats are late).
        self._beating_since: float | None = None

    # --- public ----------------------------------------------------------------------------------

    @staticmethod
    def _remove_stale_build_folders() -> None:
        """What a kill -9 of an earlier daemon on this host left in the temporary directory."""
        try:
            remove_stale_build_folders()
        except Exception as exc:  # housekeeping only; never keeps a daemon from starting
            log.warning("stale build folders not removed: %s", exc)

    def run(self) -> int:
        """Run until a signal (or idleness with exit_when_idle); returns the exit status."""
        self._install_signals()
        worker_rows.register_worker(self.worker_id, socket.gethostname(), os.getpid(), self.threads)
        self._beating_since = time.monotonic()
        try:
            for reaped in reaper.reap_predecessor(
                self.worker_id, self._boot, failure_mail=jobs.failure_mail_for_reaper
            ):
                log.warning(
                    "request %s: claim of a dead %s taken back",
                    reaped.request_id,
                    reaped.claimed_by,
                )
        except Exception as exc:  # its leases will expire instead
            _trouble("predecessor's claims", exc)
        self._remove_stale_build_folders()
        log.info(
            "batch daemon %s started: %d worker thread(s), lease %.0fs, poll %.1fs",
            self.worker_id,
            self.threads,
            self.lease_s,
            self.poll_s,
        )
        workers = [
            threading.Thread(target=self._worker_loop, args=(n,), name=f"worker-{n}")
            for n in range(1, self.threads + 1)
        ]
        service = [
            threading.Thread(target=self._housekeeping_loop, name="housekeeping"),
            threading.Thread(target=self._records_loop, name="records"),
        ]
        if self.send_mail:
            service.append(threading.Thread(target=self._mail_loop, name="mail"))
        for thread in [*workers, *service]:
            thread.daemon = True
            thread.start()
        try:
            while not self.stop_claiming.wait(0.2):
                pass
            self._shut_down(workers)
        finally:
            self._stop_service_threads(service)
            try:
                worker_rows.worker_stopped(self.worker_id)
            except Exception as exc:
                log.warning("worker row not marked stopped: %s", exc)
            connection.close()
        log.info("batch daemon %s stopped after %d claim(s)", self.worker_id, self.claims)
        return 0

    def _stop_service_threads(self, service: list[threading.Thread]) -> None:
        """Stop the service threads, waiting a bounded time for each (the old join waited up
        to the lease, 120 s, per thread, for a records fetch retrying a dead JMA).

        The mail thread gets its flush time and two SMTP timeouts for the mail it is sending;
        one still sending then keeps its lock and goes again after MAIL_LOCK_S (at least once,
        as after a crash). A thread still busy is left to the process exit (daemon threads)."""
        self._service_stopped_at = time.monotonic()
        self.stop_service.set()
        for thread in service:
            allowed = SERVICE_STOP_S
            if thread.name == "mail":
                allowed = self.mail_flush_s + 2 * settings.EMAIL_TIMEOUT
            thread.join(timeout=max(0.0, self._service_stopped_at + allowed - time.monotonic()))
            if thread.is_alive():
                log.warning("%s thread busy %.0fs after stop: not waiting", thread.name, allowed)

    def request_stop(self) -> None:
        if self.stop_claiming.is_set():
            # The grace period is skipped: every running job stops at its next station-month
            # and gives its claim back (attempt not counted), as when the grace runs out.
            log.warning("second stop request: interrupting running jobs now")
            self.abort.set()
            for control in self._controls():
                control.abort.set()
        self.stop_claiming.set()

    # --- shutdown --------------------------------------------------------------------------------

    def _shut_down(self, workers: list[threading.Thread]) -> None:
        log.info("stopping: no new claims; %d job(s) running", len(self._active))
        deadline = time.monotonic() + self.grace_s
        for thread in workers:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        if any(t.is_alive() for t in workers):
            log.warning("grace period over: interrupting %d job(s)", len(self._active))
            self.abort.set()
            for control in self._controls():
                control.abort.set()
            # A job stops at its next station-month; one page fetch is bounded by timeouts.
            limit = time.monotonic() + settings.JMA_CONNECT_TIMEOUT_S + settings.JMA_READ_TIMEOUT_S
            for thread in workers:
                thread.join(timeout=max(0.0, limit - time.monotonic()))
        for control in self._controls():
            # Still stuck: give the claim back from here; fencing keeps the stuck thread
            # from finishing it later.
            try:
                leases.release(
                    control.claim.request_id,
                    control.claim.claimed_by,
                    "shutdown_stuck",
                )
            except Exception as exc:
                log.warning("claim %s not released (%s); its lease will expire", control, exc)

    def _install_signals(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda signum, _frame: self._on_signal(signum))

    def _on_signal(self, signum: int) -> None:
        log.info("received %s", signal.Signals(signum).name)
        self.signalled = True
        self.request_stop()

    # --- threads ---------------------------------------------------------------------------------

    def _controls(self) -> list[jobs.JobControl]:
        with self._active_lock:
            return list(self._active.values())

    def _worker_loop(self, number: int) -> None:
        claimer = f"{self.worker_id}/{number}.{self._boot}"
        try:
            while not self.stop_claiming.is_set():
                try:
                    claim = claims.claim_next(
                        claimer, lease_s=self.lease_s, stop=self.stop_claiming.is_set
                    )
                except Exception as exc:
                    _trouble("claim", exc)
                    self.stop_claiming.wait(self.poll_s)
                    continue
                if claim is None:
                    self.stop_claiming.wait(self.poll_s)
                    continue
                self.claims += 1
                control = jobs.JobControl(claim)
                if self.abort.is_set():
                    control.abort.set()
                with self._active_lock:
                    self._active[claim.request_id] = control
                try:
                    self.job(claim, control)
                except Exception:
                    # The job service handles its own errors; this is a bug or a lost
                    # database. The lease will expire and the request run again.
                    log.exception("job for request %s crashed", claim.request_id)
                    forget_connection()
                finally:
                    with self._active_lock:
                        self._active.pop(claim.request_id, None)
        finally:
            default_client().close()  # this thread's HTTP session
            connection.close()

    def _housekeeping_loop(self) -> None:
        renew_every = max(0.2, min(self.lease_s / 3, 10.0))
        chores_every = max(0.2, self.poll_s)
        next_renew = next_chores = 0.0
        idle_checks = 0
        try:
            while not self.stop_service.is_set():
                if time.monotonic() >= next_renew:
                    next_renew = time.monotonic() + renew_every
                    self._renew_leases()
                if time.monotonic() >= next_chores:
                    next_chores = time.monotonic() + chores_every
                    self._chores()
                    if self.exit_when_idle and not self.stop_claiming.is_set():
                        idle_checks = idle_checks + 1 if self._idle() else 0
                        if idle_checks >= 2:
                            log.info("nothing left to do: exiting (--exit-when-idle)")
                            self.stop_claiming.set()
                self.stop_service.wait(min(renew_every, chores_every))
        finally:
            connection.close()

    def _records_loop(self) -> None:
        """Records readers asked for through the API (RecordsWanted), fetched here through the
        station cache and the one politeness budget: the HTTP thread never fetches JMA.

        Its own client waits with _service_sleep, so a fetch retrying an unreachable JMA ends
        when the daemon stops instead of holding it (up to 5 wishes x 5 tries with back-off)."""
        client = JmaClient(sleep=self._service_sleep)
        try:
            while not self.stop_service.is_set():
                try:
                    fetched = station_cache.fetch_wanted_records(
                        client=client, stop=self.stop_service.is_set
                    )
                except ServiceStopped:
                    break
                except Exception as exc:
                    _trouble("records", exc)
                    fetched = 0
                if not fetched:
                    self.stop_service.wait(max(0.2, self.poll_s))
        finally:
            client.close()
            connection.close()

    def _service_sleep(self, seconds: float) -> None:
        """time.sleep that raises ServiceStopped at stop (no retry starts after it)."""
        if self.stop_service.wait(max(0.0, seconds)):
            raise ServiceStopped

    def _renew_leases(self) -> None:
        for control in self._controls():
            claim = control.claim
            try:
                control.note_lease(
                    leases.renew_lease(claim.request_id, claim.claimed_by, lease_s=self.lease_s)
                )
            except Exception as exc:
                _trouble(f"lease of request {claim.request_id} not renewed", exc)

    def _give_way(self) -> None:
        """Fair share (batch.dao.fairness): if an owner with fewer running requests than one
        of ours has waited a poll or two, one of our jobs (of the owner running the most)
        gives way between two station-months. One per call, so a turn is never given twice."""
        controls = [c for c in self._controls() if c.should_continue()]
        if not controls:
            return
        waiters = fairness.waiting_owners(waited_s=2 * self.poll_s)
        if not waiters:
            return
        running = fairness.running_counts({c.claim.owner_id for c in controls})
        slice_s = settings.BATCH_FAIR_SLICE_S
        needs_pages: dict[int, bool] = {}
        for waiter in waiters:
            ahead = [
                c
                for c in controls
                if c.claim.owner_id != waiter.owner_id
                and running.get(c.claim.owner_id, 0) > waiter.running
                and c.progress_done < c.progress_total
            ]
            if not ahead:
                continue
            if waiter.head_id not in needs_pages:
                needs_pages[waiter.head_id] = fairness.pages_needed(waiter.head_id) > 0
            if needs_pages[waiter.head_id]:
                ahead = [c for c in ahead if c.new_work_s() >= slice_s]
            if not ahead:
                continue
            chosen = max(ahead, key=lambda c: (running.get(c.claim.owner_id, 0), c.new_work_s()))
            log.info(
                "request %s gives way to owner %s's request %s",
                chosen.claim.request_id,
                waiter.owner_id,
                waiter.head_id,
            )
            chosen.give_way.set()
            return

    def _chores(self) -> None:
        try:
            self._give_way()
        except Exception as exc:
            _trouble("fair share", exc)
        try:
            try:
                worker_rows.worker_heartbeat(self.worker_id)
            except Exception:
                self._beating_since = None
                raise
            if self._beating_since is None:
                self._beating_since = time.monotonic()
            if time.monotonic() - self._beating_since >= settings.BATCH_WORKER_DEAD_S:
                for reaped in reaper.reap_dead_workers(failure_mail=jobs.failure_mail_for_reaper):
                    log.warning(
                        "request %s: %s stopped beating; %s",
                        reaped.request_id,
                        reaped.claimed_by,
                        "failed (attempts used up)" if reaped.failed else "queued again",
                    )
            for reaped in reaper.reap_expired(failure_mail=jobs.failure_mail_for_reaper):
                log.warning(
                    "request %s: lease of %s expired; %s",
                    reaped.request_id,
                    reaped.claimed_by,
                    "failed (attempts used up)" if reaped.failed else "queued again",
                )
        except Exception as exc:
            _trouble("housekeeping", exc)

    def _idle(self) -> bool:
        if self._controls():
            return False
        try:
            if self.send_mail and account_mail.has_pending_asks():
                return False
            return not queue_state.has_pending_work(include_mail=self.send_mail)
        except Exception as exc:
            _trouble("idle check", exc)
            return False

    def _mail_loop(self) -> None:
        locker = f"{self.worker_id}/mail.{self._boot}"
        try:
            while not self.stop_service.is_set():
                sent = self._send_mail_batch(locker, self._mail_time_up)
                if not sent:
                    self.stop_service.wait(self.poll_s)
            # The worker threads have ended: a job that finished during the grace period has
            # just put its mail in the outbox. Send what is due now rather than at the next
            # start (issue 18). At most 10 batches (other daemons keep adding mail), stopping at
            # the first that sends nothing (mail server down: the mails wait, as always) and
            # starting none after mail_flush_s (a slow server: the rest go at the next start).
            for _ in range(10):
                if not self._send_mail_batch(locker, self._mail_time_up):
                    break
        finally:
            connection.close()

    def _mail_time_up(self) -> bool:
        """The daemon has stopped and its mail flush time is over: start no more mails."""
        stopped_at = self._service_stopped_at
        return stopped_at is not None and time.monotonic() >= stopped_at + self.mail_flush_s

    @staticmethod
    def _send_mail_batch(locker: str, stop: Callable[[], bool]) -> int:
        try:
            account_mail.answer_reset_asks()  # they become outbox mails first
            sent, failed = mail.send_due_mails(locker, stop=stop)
        except Exception as exc:
            _trouble("mail", exc)
            return 0
        if sent or failed:
            log.info("mail: %d sent, %d failed", sent, failed)
        return sent
