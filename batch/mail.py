"""Notices to the requester (composed in the request's language) and the outbox sender.

Composing happens before the finishing transaction (it reads the request with the ORM); the
transaction then only inserts the finished text, so a mail exists exactly when the request
reached its final state.

Delivery is at-least-once: a row is locked for this sender, sent through Django's email
framework, then marked sent. A crash between the SMTP server's acceptance and the mark (a
window of one UPDATE) sends that mail again after the lock expires; the Message-ID is built
from the row's dedupe key, so mail clients show the two copies as one. The other choice,
at-most-once, could silently lose a notice with a download link, which is worse.
"""

from __future__ import annotations

import logging
import smtplib
import socket
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlparse

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from batch.dao import outbox
from common import clock
from common.crypto import download_url, owner_stamp
from repository.models import FileRequest

log = logging.getLogger(__name__)

MAIL_LOCK_S = 300.0
MAX_LISTED_STATIONS = 20


@dataclass(frozen=True)
class RequestFacts:
    """What a notice says about a request, read once before the finishing transaction.

    The texts (period, stations, items) are already in the request's language."""

    request_id: int
    to_email: str
    language: str
    period: str
    stations: list[str]
    items: list[str]
    owner_stamp: str | None = None  # the download link dies with a password change
    file_format: str = FileRequest.Format.XLSX  # the notice names the file it announces


def _period(req: FileRequest) -> str:
    months = req.period
    period = str(months.start) if months.start == months.end else f"{months.start} – {months.end}"
    if months.season is not None:
        period = _("%(period)s, months %(first)s-%(last)s of each year") % {
            "period": period,
            "first": months.season.first,
            "last": months.season.last,
        }
    return period


def request_facts(req: FileRequest) -> RequestFacts:
    """The facts in the request's language (the mail's reader asked for it)."""
    with translation.override(req.language):
        stations = [
            _("%(station)s (%(block_no)s, %(prefecture)s)")
            % {
                "station": row.station.name_in(req.language),
                "block_no": row.station.block_no,
                "prefecture": row.station.prefecture.name_in(req.language),
            }
            for row in req.station_rows.select_related("station__prefecture").order_by("position")
        ]
        items = [
            row.item.label_in(req.language)
            for row in req.item_rows.select_related("item").order_by("position")
        ]
        return RequestFacts(
            request_id=req.pk,
            to_email=req.owner.email,
            language=req.language,
            period=_period(req),
            stations=stations,
            items=items,
            owner_stamp=owner_stamp(req.owner.password),
            file_format=req.format,
        )


def _human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def _list(texts: Sequence[str]) -> str:
    """東京、大阪 / Tokyo, Osaka (in the active language)."""
    return _(", ").join(texts)


def _station_list(facts: RequestFacts) -> str:
    shown = facts.stations[:MAX_LISTED_STATIONS]
    rest = len(facts.stations) - len(shown)
    if rest > 0:
        shown.append(_("… +%(rest)s") % {"rest": rest})
    return _list(shown)


def _local(when: datetime) -> str:
    return timezone.localtime(when).strftime("%Y-%m-%d %H:%M") + " JST"


def _render(
    greeting: str, rows: Sequence[tuple[str, str]], paragraphs: Sequence[str], link: str | None
) -> tuple[str, str]:
    """The same content as plain text and as simple HTML."""
    width = max((len(label) for label, _ in rows), default=0)
    text_lines = [greeting, ""]
    text_lines += [f"{label.ljust(width)} : {value}" for label, value in rows]
    text_lines.append("")
    for paragraph in paragraphs:
        text_lines += [paragraph, ""]
    if link:
        text_lines += [link, ""]
    text_lines += ["--", settings.SERVICE_NAME, settings.PUBLIC_BASE_URL]
    text = "\n".join(text_lines) + "\n"

    table = "".join(
        f'<tr><th style="text-align:left;padding-right:1em">{escape(label)}</th>'
        f"<td>{escape(value)}</td></tr>"
        for label, value in rows
    )
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    if link:
        body += f'<p><a href="{escape(link)}">{escape(link)}</a></p>'
    html = (
        f'<!DOCTYPE html><html lang="{escape(translation.get_language())}"><body>'
        f"<p>{escape(greeting)}</p><table>{table}</table>{body}"
        f"<p>--<br>{escape(settings.SERVICE_NAME)}<br>{escape(settings.PUBLIC_BASE_URL)}</p>"
        "</body></html>"
    )
    return text, html


def completion_mail(
    facts: RequestFacts,
    *,
    size: int,
    warnings: Sequence[str],
    expires_at: datetime,
    file_id: str = "",
) -> outbox.Mail:
    """The "ready" notice for one stored file.

    Deduplicated per file (`file_id`, unique per attempt's storage name), not per request:
    a request whose expired file is made again gets a new notice with a new link."""
    ttl = int((expires_at - clock.now()).total_seconds())
    ttl = max(60, min(ttl, settings.DOWNLOAD_TOKEN_TTL_S))
    link = download_url(facts.request_id, ttl_s=ttl, stamp=facts.owner_stamp)
    until = _local(min(expires_at, clock.now() + timedelta(seconds=ttl)))
    n = facts.request_id
    with translation.override(facts.language):
        csv = facts.file_format == FileRequest.Format.CSV
        subject = (
            _("[%(service)s] Your weather data (CSV) #%(id)s is ready")
            if csv
            else _("[%(service)s] Your weather workbook #%(id)s is ready")
        ) % {"service": settings.SERVICE_NAME, "id": n}
        rows = [
            (_("Request"), f"#{n}"),
            (_("Period"), facts.period),
            (_("Stations"), _station_list(facts)),
            (_("Items"), _list(facts.items)),
            (_("File size"), _human_size(size)),
            (_("Link valid until"), until),
        ]
        paragraphs = [
            _("Your CSV files (one ZIP) are ready. Download them with the link below.")
            if csv
            else _("Your Excel workbook is ready. Download it with the link below.")
        ]
        if warnings:
            paragraphs.append(
                (
                    _(
                        "Warnings (%(count)s): some data was not available; README.txt in the "
                        "ZIP lists them too."
                    )
                    if csv
                    else _(
                        "Warnings (%(count)s): some data was not available; the workbook's "
                        "Info sheet lists them too."
                    )
                )
                % {"count": len(warnings)}
            )
            paragraphs += [_("- %(warning)s") % {"warning": w} for w in warnings[:50]]
        paragraphs.append(
            _("The link works until %(until)s; after that the file is deleted.") % {"until": until}
        )
        text, html = _render(_("Hello,"), rows, paragraphs, link)
    key = f"request:{n}:succeeded" + (f":{file_id}" if file_id else "")
    return outbox.Mail(facts.to_email, subject, text, html, key[:120])


def failure_mail(facts: RequestFacts, *, code: str, message: str, number: int) -> outbox.Mail:
    """The "could not be made" notice; its link opens the requester's list in the front end
    (a browser cannot use the API's page without a token)."""
    n = facts.request_id
    api_page = f"{settings.PUBLIC_BASE_URL}/api/v1/requests/{n}/"
    with translation.override(facts.language):
        csv = facts.file_format == FileRequest.Format.CSV
        subject = (
            _("[%(service)s] Your weather data (CSV) #%(id)s could not be made")
            if csv
            else _("[%(service)s] Your weather workbook #%(id)s could not be made")
        ) % {"service": settings.SERVICE_NAME, "id": n}
        rows = [
            (_("Request"), f"#{n}"),
            (_("Period"), facts.period),
            (_("Stations"), _station_list(facts)),
            (_("Items"), _list(facts.items)),
            (_("Error"), f"{message} ({code})"),
        ]
        paragraphs = [
            _("We could not make your CSV files.")
            if csv
            else _("We could not make your Excel workbook."),
            _(
                "To try again, open the request in the service and choose Retry (API: POST "
                "%(page)sretry/). If the error says JMA's page layout changed, retrying will "
                "not help until the service is updated; contact %(contact)s."
            )
            % {"page": api_page, "contact": settings.SERVICE_CONTACT},
        ]
        text, html = _render(
            _("Hello,"), rows, paragraphs, f"{settings.FRONTEND_BASE_URL}/#/requests"
        )
    return outbox.Mail(facts.to_email, subject, text, html, f"request:{n}:failed:{number}")


# --- Sending ------------------------------------------------------------------------------------


def message_id(dedupe_key: str) -> str:
    """A stable Message-ID per outbox row, so a resent copy is recognisably the same mail."""
    host = urlparse(settings.PUBLIC_BASE_URL).hostname or "localhost"
    local = "".join(c if c.isalnum() or c in "-_." else "." for c in dedupe_key)
    return f"<{local}@{host}>"


SEND_ERRORS = (smtplib.SMTPException, OSError, socket.timeout)


def send_due_mails(
    locker: str, *, limit: int = 20, stop: Callable[[], bool] | None = None
) -> tuple[int, int]:
    """Send one batch of due outbox rows; returns (sent, failed tries).

    stop(): checked before each mail; once true, the mail being sent finishes and the rest of
    the batch is given back untried (a stopping daemon: they go at the next start)."""
    if stop is not None and stop():
        return 0, 0
    rows = outbox.claim_mails(locker, lock_s=MAIL_LOCK_S, limit=limit)
    if not rows:
        return 0, 0
    sent = failed = 0
    backend = get_connection(fail_silently=False)
    try:
        backend.open()
    except SEND_ERRORS as exc:
        for row in rows:
            _count_failure(row, locker, f"cannot reach the mail server: {exc}")
        return 0, len(rows)
    try:
        for index, row in enumerate(rows):
            if stop is not None and stop():
                outbox.release_mails(rows[index:], locker)
                break
            message = EmailMultiAlternatives(
                subject=row.subject,
                body=row.body_text,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[row.to_email],
                headers={"Message-ID": message_id(row.dedupe_key)},
                connection=backend,
            )
            if row.body_html:
                message.attach_alternative(row.body_html, "text/html")
            try:
                message.send()
            except SEND_ERRORS as exc:
                _count_failure(row, locker, f"{type(exc).__name__}: {exc}")
                failed += 1
                continue
            outbox.mark_mail_sent(row, locker)
            sent += 1
    finally:
        with suppress(*SEND_ERRORS):
            backend.close()
    return sent, failed


def _count_failure(row: outbox.OutboxRow, locker: str, error: str) -> None:
    outcome = outbox.mark_mail_failed(
        row,
        locker,
        error,
        max_attempts=settings.MAIL_MAX_ATTEMPTS,
        retry_base_s=settings.MAIL_RETRY_BASE_S,
    )
    log.warning("mail %s to %s not sent (%s): %s", row.id, row.to_email, outcome, error)
