"""A stopping daemon waits for no service thread longer than a bounded time.

Before, Daemon.run joined the housekeeping, records and mail threads one after another with
`join(timeout=max(lease, 30))`: a records fetch retrying an unreachable JMA (5 wishes x 5 tries
with back-off), or a mail batch at a slow SMTP server, held a stopping daemon 30 s per thread
with these tests' short lease (120 s with the default one; run.sh's Ctrl-C test timed out so).
Here the old join would end 30 s after SIGTERM; the daemon must have exited well before that,
with nothing lost: the records wishes stay, every mail is either sent once or back in the
outbox, due at the next start.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import signal
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from repository.models import MailOutbox, RecordsWanted, Station, Worker
from tests.batch.conftest import DaemonRunner, wait_for
from tests.conftest import find_free_port

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

OLD_JOIN_S = 30  # max(BATCH_LEASE_SECONDS=3, 30): the old code's wait per service thread
EXIT_BOUND_S = 25  # the new code: a few seconds; the old one: at least OLD_JOIN_S


def test_sigterm_while_the_records_thread_retries_a_dead_jma(daemons: DaemonRunner) -> None:
    """SIGTERM while a records fetch is in its retry back-off against a port nobody listens
    on: the back-off ends at stop, the daemon exits 0 and every wish stays for the next start."""
    stations = list(Station.objects.filter(page_type="s1").order_by("block_no")[:3])
    for station in stations:
        RecordsWanted.objects.create(station=station)
    proc = daemons.start(
        threads=1,
        worker_id="records-stop",
        exit_when_idle=False,
        JMA_BASE_URL=f"http://127.0.0.1:{find_free_port()}",  # dead: connection refused
        JMA_MAX_RETRIES="4",
        JMA_BACKOFF_BASE_S="20",  # back-off 10-20 s, then 20-40 s: busy beyond OLD_JOIN_S
    )
    wait_for(
        lambda: "retry 1/4" in daemons.log("records-stop"),
        timeout=60,
        what="the records thread in its retry back-off",
    )
    proc.send_signal(signal.SIGTERM)
    assert daemons.wait(proc, timeout=EXIT_BOUND_S) == 0
    log = daemons.log("records-stop")
    assert "batch daemon records-stop stopped after 0 claim(s)" in log, log[-3000:]
    assert "busy" not in log, log[-3000:]  # it stopped; it was not left behind
    assert "not fetched" not in log, log[-3000:]  # no wish given up for the stop
    wanted = set(RecordsWanted.objects.values_list("station__block_no", flat=True))
    assert wanted == {s.block_no for s in stations}
    assert Worker.objects.get(worker_id="records-stop").stopped_at is not None


class _SlowSmtp:
    """A real SMTP server (aiosmtpd) that takes `delay_s` to accept each mail."""

    def __init__(self, delay_s: float) -> None:
        self.delay_s = delay_s
        self.port = find_free_port()
        self.lock = threading.Lock()
        self.message_ids: list[str] = []
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd API)
        await asyncio.sleep(self.delay_s)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.message_ids.append(message["Message-ID"])
        return "250 OK"

    def received(self) -> list[str]:
        with self.lock:
            return list(self.message_ids)


@pytest.fixture
def slow_smtp() -> Iterator[_SlowSmtp]:
    server = _SlowSmtp(delay_s=2.0)
    server._controller.start()
    yield server
    server._controller.stop()


def test_sigterm_while_mails_go_to_a_slow_smtp_server(
    daemons: DaemonRunner, slow_smtp: _SlowSmtp
) -> None:
    """20 due mails at 2 s each; SIGTERM while the second is being sent. The mail being sent
    finishes, mails start for EMAIL_TIMEOUT (5 s) more, the rest go back to the outbox
    unlocked and uncounted; the next start sends them. Each mail reaches the server once."""
    long_ago = timezone.now() - timedelta(hours=1)
    MailOutbox.objects.bulk_create(
        MailOutbox(
            to_email=f"reader{n}@example.com",
            subject=f"mail {n}",
            body_text="text",
            next_attempt_at=long_ago,
            created_at=long_ago,
            dedupe_key=f"stop-test:{n}",
        )
        for n in range(20)
    )
    env = {"EMAIL_URL": f"smtp://127.0.0.1:{slow_smtp.port}", "EMAIL_TIMEOUT": "5"}
    proc = daemons.start(threads=1, worker_id="mail-stop", exit_when_idle=False, **env)
    wait_for(lambda: len(slow_smtp.received()) >= 1, timeout=60, what="the first mail sent")
    proc.send_signal(signal.SIGTERM)
    assert daemons.wait(proc, timeout=EXIT_BOUND_S) == 0
    log = daemons.log("mail-stop")
    assert "busy" not in log, log[-3000:]

    received = slow_smtp.received()
    rows = list(MailOutbox.objects.all())
    sent = [r for r in rows if r.status == "sent"]
    back = [r for r in rows if r.status == "pending"]
    assert len(sent) == len(received) >= 2, log[-3000:]  # the one in flight at SIGTERM too
    assert len(sent) + len(back) == 20 and back, log[-3000:]
    # Given back untried: no lock to wait out, no attempt counted, due now.
    assert {(r.locked_by, r.locked_until, r.attempts) for r in back} == {("", None, 0)}
    assert all(r.next_attempt_at <= timezone.now() for r in back)

    slow_smtp.delay_s = 0.0
    again = daemons.start(threads=1, worker_id="mail-next", **env)  # exits once idle
    assert daemons.wait(again, timeout=120) == 0
    assert Counter(MailOutbox.objects.values_list("status", flat=True)) == {"sent": 20}
    delivered = Counter(slow_smtp.received())
    assert len(delivered) == 20 and set(delivered.values()) == {1}
