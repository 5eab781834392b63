"""The job service: run one claimed request from its parameters to a finished state.

build the workbook (batch.pipeline, the same code path as build_workbook) -> store it under a
name unique to this attempt -> one fenced transaction: succeeded + ResultFile + mail. Errors
are sorted as docs/architecture.md ("Failures") says: transient ones requeue with backoff
(failed once attempts are used up), permanent ones fail with a notice, unavailable months
are warnings.

Why a new storage name per attempt (requests/<id>/a<attempt>-<random>.xlsx): a worker whose
lease expired may still be writing while another worker redoes the request. With one fixed
name the stale worker could replace the file the winner's ResultFile describes (size and
sha256 would then lie). With unique names each worker only ever deletes its own file when
its finish is refused, and the winner deletes leftovers of crashed attempts after it commits;
anything a kill -9 leaves in between is an orphan that batch.retention removes later.
"""

from __future__ import annotations

import logging
import random
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import translation
from django.utils.translation import gettext as _

from batch import mail
from batch.dao import (
    ConnectionLost,
    claims,
    finish,
    forget_connection,
    is_connection_lost,
    is_lock_conflict,
    leases,
    outbox,
    retry_delay_s,
)
from batch.jma.errors import JmaError, JmaUnavailable, LayoutChanged
from batch.pipeline import JobInterrupted, NothingPublished, build_workbook_file
from batch.request_warnings import coded_warnings
from batch.workbook.spec import WorkbookSpec
from common.request_size import RequestTooLarge
from common.result_storage import delete_result, list_results, store_result
from repository.models import FileRequest
from repository.queue import texts

log = logging.getLogger(__name__)

DB_RETRIES = 5
PROGRESS_WRITE_EVERY_S = 1.0


class Stop(Exception):
    """should_continue() turned False; the reason is on the JobControl."""


@dataclass
class JobControl:
    """What a running job and the daemon's threads share about one claim.

    The worker thread reports progress here; the housekeeping thread renews the lease and
    sets `lost` or `cancel` when the database says so; the daemon sets `abort` when the
    shutdown grace period is over.
    """

    claim: claims.Claim
    abort: threading.Event = field(default_factory=threading.Event)
    lost: threading.Event = field(default_factory=threading.Event)
    cancel: threading.Event = field(default_factory=threading.Event)
    give_way: threading.Event = field(default_factory=threading.Event)  # fair share
    progress_done: int = 0
    progress_total: int = 0
    resumed_from: int = 0  # progress stored when this claim began (an earlier turn's)
    new_work_since: float | None = None  # monotonic time this claim passed resumed_from
    _last_write: float = 0.0

    def should_continue(self) -> bool:
        return not (
            self.abort.is_set()
            or self.lost.is_set()
            or self.cancel.is_set()
            or self.give_way.is_set()
        )

    def new_work_s(self) -> float:
        """Seconds of new work this claim did (past what an earlier turn had done)."""
        if self.new_work_since is None:
            return 0.0
        return time.monotonic() - self.new_work_since

    def note_lease(self, state: leases.LeaseState) -> None:
        if not state.held:
            self.lost.set()
        elif state.cancel_requested:
            self.cancel.set()

    def progress(self, done: int, total: int) -> None:
        """Record progress, at most once a second; this also renews the lease."""
        self.progress_done, self.progress_total = done, total
        now = time.monotonic()
        if self.new_work_since is None and done > self.resumed_from:
            self.new_work_since = now
        if now - self._last_write < PROGRESS_WRITE_EVERY_S and done < total:
            return
        self._last_write = now
        try:
            self.note_lease(
                leases.renew_lease(
                    self.claim.request_id, self.claim.claimed_by, progress=(done, total)
                )
            )
        except Exception as exc:
            # The housekeeping thread renews the lease too; progress can wait.
            log.warning("request %s: progress not recorded: %s", self.claim.request_id, exc)


@dataclass(frozen=True)
class Built:
    """What a build function hands back: a local file and what to say about it."""

    path: Path
    download_name: str
    row_count: int
    size: int
    sha256: str
    station_months: int
    warnings: list[str]
    warning_codes: list[dict] | None = None  # the same as codes (batch.request_warnings)


BuildFn = Callable[[FileRequest, JobControl, Path], Built]


def download_name(req: FileRequest) -> str:
    """気象データ_東京ほか2地点_202001-202012_123.xlsx for a Japanese workbook; ASCII in English
    (jma-weather-123-202001-202012.xlsx): the catalog's Japanese names the first station and
    the season, the English leaves them out.

    The download view sends it per RFC 6266 with an ASCII fallback."""
    period = req.period
    start, end = (f"{month.year}{month.month:02d}" for month in (period.start, period.end))
    rows = req.station_rows.select_related("station").order_by("position")
    first = rows.first()
    others = rows.count() - 1
    with translation.override(req.language):
        where = first.station.name if first is not None else ""
        if others > 0:
            where = _("%(station)s and %(others)s more") % {"station": where, "others": others}
        season = ""
        if period.season is not None:
            season = _("_months-%(first)s-%(last)s") % {
                "first": period.season.first,
                "last": period.season.last,
            }
        name = _("jma-weather-%(id)s-%(start)s-%(end)s.xlsx") % {
            "id": req.pk,
            "start": start,
            "end": end,
            "where": where,
            "season": season,
        }
    if req.format == FileRequest.Format.CSV:  # the same name, as the ZIP it is
        name = name.removesuffix(".xlsx") + ".zip"
    return name


def build_request_workbook(req: FileRequest, control: JobControl, workdir: Path) -> Built:
    """The real job: the workbook pipeline, reporting progress and obeying stop requests."""
    spec = WorkbookSpec.from_request(req)
    outcome = build_workbook_file(
        spec,
        workdir / ("csv.zip" if spec.format == FileRequest.Format.CSV else "workbook.xlsx"),
        progress=control.progress,
        should_continue=control.should_continue,
    )
    return Built(
        path=outcome.path,
        download_name=download_name(req),
        row_count=outcome.row_count,
        size=outcome.size,
        sha256=outcome.sha256,
        station_months=outcome.station_months,
        warnings=list(outcome.warnings),
        warning_codes=coded_warnings(spec, outcome.unavailable),
    )


# --- Error sorting ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Failure:
    """A sorted failure: `code` and `params` are shown to the requester (timeline, API, mail)
    in their language (repository/queue/texts.py), so they are a short classified reason;
    `detail` (exception type and text, paths, hosts) goes to the log and the event's data,
    which only operators see (admin)."""

    code: str
    permanent: bool
    detail: str = ""
    params: dict = field(default_factory=dict)

    def text(self, language: str = "en") -> str:
        """The reason in `language`; English is also what error_message keeps."""
        with translation.override(language):
            return texts.error_text(self.code, self.params, self.code)


def _at(exc: BaseException) -> dict[str, str]:
    where = getattr(exc, "where", "")
    return {"where": where} if where else {}


def classify(exc: BaseException) -> Failure:
    """What kind of failure `exc` is; unknown errors are retried (they may be passing)."""
    detail = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, LayoutChanged):
        return Failure("layout_changed", True, detail, _at(exc))
    if isinstance(exc, NothingPublished):
        return Failure("nothing_published", True, detail, _published(exc))
    if isinstance(exc, RequestTooLarge):  # our own sentence about the size rule, in English
        return Failure("too_large", True, detail, {"text": str(exc)})
    if isinstance(exc, JmaUnavailable):
        return Failure("jma_unavailable", False, detail, _at(exc))
    if isinstance(exc, JmaError):
        return Failure("jma_error", exc.permanent, detail, _at(exc))
    if isinstance(exc, ValueError):
        return Failure("invalid_request", True, detail)
    if isinstance(exc, OSError):  # unwritable storage, disk full, temporary directory gone
        return Failure("storage_error", False, detail)
    return Failure("internal_error", False, detail)


def _published(exc: BaseException) -> dict[str, int]:
    count = getattr(exc, "station_months", None)
    return {"station_months": count} if count is not None else {}


def _is_db_hiccup(exc: BaseException) -> bool:
    """A lost connection or a lock conflict, whether Django wrapped the driver's error or not."""
    if isinstance(exc, ConnectionLost):
        return True
    database_error = (DatabaseError, connection.Database.Error)
    return isinstance(exc, database_error) and (is_connection_lost(exc) or is_lock_conflict(exc))


# --- Running one claim --------------------------------------------------------------------------


def run_job(claim: claims.Claim, control: JobControl, *, build: BuildFn | None = None) -> str:
    """Carry one claim to its end; returns what happened (for logs and tests)."""
    build = build or build_request_workbook
    workdir = Path(tempfile.mkdtemp(prefix=f"jma-request-{claim.request_id}-"))
    try:
        for db_try in range(1, DB_RETRIES + 1):
            try:
                return _attempt(claim, control, build, workdir)
            except Stop:
                return _stopped(claim, control)
            except Exception as exc:
                if not _is_db_hiccup(exc) or db_try == DB_RETRIES:
                    return _failed(claim, control, exc)
                # The database connection died under the pipeline: reconnect, run it again
                # under the same claim (months already fetched come from the cache).
                log.warning("request %s: database trouble (%s); again", claim.request_id, exc)
                if is_lock_conflict(exc):
                    time.sleep(random.uniform(0.05, 0.2) * db_try)
                else:
                    forget_connection()
                    time.sleep(min(0.5 * 2**db_try, 10))
                if not control.should_continue():
                    return _stopped(claim, control)
        raise AssertionError("unreachable")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _attempt(claim: claims.Claim, control: JobControl, build: BuildFn, workdir: Path) -> str:
    req = FileRequest.objects.select_related("owner").get(pk=claim.request_id)
    control.resumed_from = req.progress_done
    facts = mail.request_facts(req)
    try:
        built = build(req, control, workdir)
    except JobInterrupted as exc:
        raise Stop from exc
    control.give_way.clear()  # the workbook is built: finishing is the quickest way out
    if not control.should_continue():
        raise Stop
    storage_name = (
        f"requests/{claim.request_id}/a{claim.attempt}-{secrets.token_hex(4)}"
        f"{Path(built.download_name).suffix or '.xlsx'}"
    )
    store_result(built.path, storage_name)
    stored = finish.StoredFile(
        storage_name, built.download_name, built.size, built.sha256, built.row_count
    )
    # If this raises ConnectionLost nobody knows whether it committed, so the file stays: if
    # it did not commit, the lease expires, the request runs again and batch.retention
    # removes this file as an orphan.
    finished = finish.finish_succeeded(
        claim.request_id,
        claim.claimed_by,
        stored=stored,
        warnings=built.warnings,
        warning_codes=built.warning_codes,
        progress_total=built.station_months,
        mail=lambda expires: mail.completion_mail(
            facts,
            size=built.size,
            warnings=built.warnings,
            expires_at=expires,
            file_id=Path(storage_name).stem,
        ),
    )
    if not finished:
        delete_result(storage_name)
        log.warning("request %s: no longer ours at finish; file discarded", claim.request_id)
        return "lost"
    _remove_leftovers(claim.request_id, keep=storage_name)
    log.info(
        "request %s succeeded: %s rows, %s bytes, %s warning(s)",
        claim.request_id,
        built.row_count,
        built.size,
        len(built.warnings),
    )
    return "succeeded"


def _remove_leftovers(request_id: int, *, keep: str) -> None:
    """Files of earlier attempts that crashed after storing; only ours is referenced."""
    try:
        for name in list_results(f"requests/{request_id}"):
            if name != keep:
                delete_result(name)
    except OSError as exc:
        log.warning("request %s: leftovers not removed: %s", request_id, exc)


def _stopped(claim: claims.Claim, control: JobControl) -> str:
    rid, me = claim.request_id, claim.claimed_by
    if control.lost.is_set():
        log.warning("request %s: lease lost; stopped without writing anything", rid)
        return "lost"
    if control.cancel.is_set():
        leases.mark_cancelled(rid, me)
        log.info("request %s cancelled by its owner", rid)
        return "cancelled"
    if control.give_way.is_set() and not control.abort.is_set():
        # Another owner's turn (batch.dao.fairness): back to the queue, progress and
        # attempts kept; the months fetched so far are in the cache for the next turn.
        leases.release(rid, me, "fair_share")
        log.info("request %s gave way to another owner after %s", rid, control.progress_done)
        return "gave way"
    leases.release(rid, me, "shutdown")
    log.info("request %s released at shutdown", rid)
    return "released"


def _failed(claim: claims.Claim, control: JobControl, exc: BaseException) -> str:
    failure = classify(exc)
    rid, me = claim.request_id, claim.claimed_by
    if failure.code in ("internal_error", "storage_error"):
        log.exception("request %s: unexpected error", rid, exc_info=exc)
    # Unwritable result storage is our fault, not the request's: the attempt is given back
    # (issue 23), so an outage of the storage never uses up a request's attempts. The delay
    # still grows with the attempts the request really spent.
    ours = failure.code == "storage_error"
    if not failure.permanent and (ours or claim.attempt < claim.max_attempts):
        delay = retry_delay_s(claim.attempt, settings.BATCH_RETRY_BASE_S)
        leases.requeue(
            rid,
            me,
            delay_s=delay,
            code=failure.code,
            message=failure.text(),
            detail=failure.detail,
            params=failure.params,
            spend_attempt=not ours,
        )
        log.warning("request %s: %s; retry in %.0fs", rid, failure.detail, delay)
        return "requeued"
    if not failure.permanent:
        failure = replace(failure, params={**failure.params, "gave_up_after": claim.attempt})
    facts = _facts_or_none(rid)
    finish.mark_failed(
        rid,
        me,
        code=failure.code,
        message=failure.text(),
        detail=failure.detail,
        params=failure.params,
        mail=None
        if facts is None
        else lambda number: mail.failure_mail(
            facts, code=failure.code, message=failure.text(facts.language), number=number
        ),
    )
    log.warning("request %s failed: %s (%s)", rid, failure.text(), failure.detail)
    return "failed"


def _facts_or_none(request_id: int) -> mail.RequestFacts | None:
    try:
        return mail.request_facts(FileRequest.objects.select_related("owner").get(pk=request_id))
    except DatabaseError:
        forget_connection()
        try:
            return mail.request_facts(
                FileRequest.objects.select_related("owner").get(pk=request_id)
            )
        except DatabaseError:
            return None


def failure_mail_for_reaper(request_id: int, message: str, number: int) -> outbox.Mail:
    """The reaper fails requests whose attempts ran out; their owners get the same notice,
    with the reason in the request's language (`message` is the English one)."""
    req = FileRequest.objects.select_related("owner").get(pk=request_id)
    facts = mail.request_facts(req)
    with translation.override(facts.language):
        shown = texts.error_text("lease_expired", {"attempts": req.max_attempts}, message)
    return mail.failure_mail(facts, code="lease_expired", message=shown, number=number)
