"""Password-reset asks into reset mails, in the daemon's mail thread (before sending).

The API stores each ask (repository.models.PasswordResetAsk) without looking at the address,
so that the answer and its timing are the same for every address. Here each ask becomes a
reset mail in the outbox when an active account with a usable password has the address, or
is dropped otherwise. At most one reset mail per account per RESET_MAIL_SLOT_S: asking again
within it queues nothing (the first link still works), so a flood of asks from many client
addresses cannot flood someone's mailbox.

Several daemons may run this at once: asks are taken with SKIP LOCKED (MariaDB/MySQL) or
inside SQLite's write lock, and a mail's dedupe key makes a second insert a no-op.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from repository.models import MailOutbox, PasswordResetAsk, User

log = logging.getLogger(__name__)

RESET_MAIL_SLOT_S = 600
ASKS_PER_ROUND = 50


def reset_link(user: User) -> str:
    """The front end's reset page with the uid and token application.accounts checks."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return f"{settings.FRONTEND_BASE_URL}/#/reset?uid={uid}&token={token}"


def reset_mail(user: User) -> tuple[str, str]:
    """Subject and body in the active language."""
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    subject = _("[%(service)s] Set a new password") % {"service": settings.SERVICE_NAME}
    body = _(
        "Someone (hopefully you) asked to set a new password for %(email)s.\n\n"
        "Open this link within %(hours)s hours to choose one:\n%(link)s\n\n"
        "If you did not ask, ignore this mail; your password stays as it is.\n"
    ) % {"email": user.email, "hours": hours, "link": reset_link(user)}
    return subject, body


def _queue(ask: PasswordResetAsk, user: User) -> None:
    slot = int(ask.asked_at.timestamp()) // RESET_MAIL_SLOT_S
    dedupe_key = f"user:{user.pk}:reset:{slot}"
    if MailOutbox.objects.filter(dedupe_key=dedupe_key).exists():
        return
    with translation.override(ask.language):
        subject, body = reset_mail(user)
    try:
        with transaction.atomic():
            MailOutbox.objects.create(
                to_email=user.email, subject=subject, body_text=body, dedupe_key=dedupe_key
            )
    except IntegrityError:
        pass  # another daemon queued it at the same moment


def answer_reset_asks(limit: int = ASKS_PER_ROUND) -> int:
    """Turn up to `limit` stored asks into outbox mails (or nothing); returns how many."""
    with transaction.atomic():
        asks = list(
            PasswordResetAsk.objects.select_for_update(skip_locked=True).order_by("id")[:limit]
        )
        for ask in asks:
            user = User.objects.filter(email=ask.email, is_active=True).first()
            if user is None or not user.has_usable_password():
                log.info("password reset asked for an address without an account")
                continue
            _queue(ask, user)
        PasswordResetAsk.objects.filter(pk__in=[ask.pk for ask in asks]).delete()
    return len(asks)


def has_pending_asks() -> bool:
    return PasswordResetAsk.objects.exists()
