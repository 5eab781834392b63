"""Accounts: sign-up without telling who is registered, email verification, and the uid/token
helpers the verification and password-reset links share.

Sign-up answers the same for a new and an existing address (the caller sees only "check your
mail"); the address's owner learns the rest by mail: a verification link for a new account,
"you already have an account" (with the reset page) for an existing one. Mails go through the
outbox (MailOutbox), which the batch daemon delivers with retries.

Tokens are Django's password-reset machinery (PasswordResetTokenGenerator): HMAC-signed with
SECRET_KEY, expiring after PASSWORD_RESET_TIMEOUT, and void once what they hash changes (a
verification token once the address is verified; a reset token once the password changes).
"""

from __future__ import annotations

import copy
from datetime import datetime

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import IntegrityError, transaction
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes, force_str
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from application.errors import ValidationFailed
from common import clock
from common.emails import normalize_email
from repository.models import MailOutbox, PasswordResetAsk, User


def registered_detail() -> str:
    """The one answer to every sign-up, new address or taken.

    It says what this server does with an unverified account (issue 18: the page said "verify
    first" while the local demo, REQUIRE_VERIFIED_EMAIL off, let an unverified user in). The
    setting is the same for every address, so the answer still tells nothing about one.
    """
    if settings.REQUIRE_VERIFIED_EMAIL:
        return _(
            "Thank you. We sent a mail to this address: follow its link to verify the address, "
            "then log in (if you already have an account, the mail says how to log in or reset "
            "your password)."
        )
    return _(
        "Thank you. You can log in now: this server does not require a verified address. We "
        "sent a mail to this address: follow its link to verify it (if you already have an "
        "account, the mail says how to log in or reset your password)."
    )


# --- Email addresses (normalize_email: common.emails) -------------------------------------------


class _PublicEmailValidator(EmailValidator):
    """Django's validator, minus its allowance for `localhost`: mail must be deliverable."""

    def __init__(self) -> None:
        super().__init__(allowlist=[])

    def validate_domain_part(self, domain_part: str) -> bool:
        return "." in domain_part.strip(".") and super().validate_domain_part(domain_part)


validate_public_email = _PublicEmailValidator()


# --- uid/token links (verification here; the password-reset endpoints reuse them) ------------


def encode_uid(user: User) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def user_for_uid(uid: str) -> User | None:
    """The active user a link's uid names, or None (bad encoding, unknown, deactivated)."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uid)))
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    return User.objects.filter(pk=pk, is_active=True).first()


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    """A verification token: void once the address is verified or changed."""

    key_salt = "application.accounts.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        verified = "" if user.email_verified_at is None else user.email_verified_at.isoformat()
        return f"{user.pk}{user.email}{verified}{timestamp}"

    def made_before_verification(self, user: User, token: str) -> bool:
        """Whether `token` was made for this address while it was unverified, however old:
        the mailed link of a verification that is already done."""
        unverified = copy.copy(user)
        unverified.email_verified_at = None
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        return any(
            constant_time_compare(
                self._make_token_with_timestamp(unverified, timestamp, secret), token
            )
            for secret in [self.secret, *self.secret_fallbacks]
        )


email_verification_token = EmailVerificationTokenGenerator()


def verification_link(user: User) -> str:
    uid, token = encode_uid(user), email_verification_token.make_token(user)
    return f"{settings.FRONTEND_BASE_URL}/#/verify?uid={uid}&token={token}"


def verify_email(uid: str, token: str, password: str) -> bool:
    """Mark the address verified and set the password its owner chose here: True when this
    link verified it, False when the address already was verified (the same mailed link opened
    again; the password given is then ignored).

    Whoever signed up first with this address chose the password so far, possibly not the
    owner (account pre-hijacking: an attacker registers the victim's address, the victim
    later verifies it). Setting the password here ends that person's password and, with it,
    every token issued before (tokens carry a digest of the password hash). ValidationFailed
    for a bad link or an unverified address's expired one (checked first) or a weak password.
    """
    user = user_for_uid(uid)
    if user is not None and email_verification_token.check_token(user, token):
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise ValidationFailed({"password": list(exc.messages)}) from exc
        with transaction.atomic():
            user = User.objects.select_for_update().get(pk=user.pk)
            if user.email_verified_at is None:
                user.set_password(password)
                user.email_verified_at = clock.now()
                user.save(update_fields=["password", "email_verified_at"])
                return True
        return False
    if (
        user is not None
        and user.email_verified_at is not None
        and email_verification_token.made_before_verification(user, token)
    ):
        return False
    raise ValidationFailed(
        {"token": [_("This verification link is invalid or has expired; sign up again.")]},
        message=_("This verification link is invalid or has expired."),
    )


def needs_verification(user: User) -> bool:
    """REQUIRE_VERIFIED_EMAIL on and this address not verified yet."""
    return settings.REQUIRE_VERIFIED_EMAIL and user.email_verified_at is None


# --- Sign-up ----------------------------------------------------------------------------------


def register(*, email: str, password: str, name: str = "") -> None:
    """Create an unverified account and mail a verification link, or, when the address is
    taken, mail its owner instead. Both look the same to the caller (no return value)."""
    email = normalize_email(email)
    errors: dict[str, list[str]] = {}
    try:
        validate_public_email(email)
    except ValidationError as exc:
        errors["email"] = list(exc.messages)
    if len(name) > 150:
        errors["name"] = [_("At most 150 characters.")]
    try:
        password_validation.validate_password(password, User(email=email, name=name))
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise ValidationFailed(errors)
    existing = User.objects.filter(email=email).first()
    if existing is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(email, password, name=name)
                _queue_mail(user, *_verification_mail(user))
            return
        except IntegrityError:  # two sign-ups for one address raced: the other one won
            existing = User.objects.filter(email=email).first()
            if existing is None:
                raise
    make_password(password)  # the same hashing work as a new account: no timing difference
    _queue_mail(existing, *_account_exists_mail(existing))


def _queue_mail(user: User, subject: str, body: str, dedupe_key: str) -> None:
    """Into the outbox, once per dedupe key (a repeated sign-up within the hour mails once)."""
    if MailOutbox.objects.filter(dedupe_key=dedupe_key).exists():
        return
    try:
        with transaction.atomic():
            MailOutbox.objects.create(
                to_email=user.email, subject=subject, body_text=body, dedupe_key=dedupe_key
            )
    except IntegrityError:
        pass  # the same mail was queued at the same moment


def _hour(now: datetime) -> str:
    return now.strftime("%Y%m%d%H")


# The account mails are written in the active language: the sign-up's (Accept-Language), as
# the person who signs up reads them.


def _verification_mail(user: User) -> tuple[str, str, str]:
    subject = _("[%(service)s] Verify your email address") % {"service": settings.SERVICE_NAME}
    body = _(
        "Welcome. To start requesting weather workbooks, verify this address with the link "
        "below.\n\n%(link)s\n\nIf you did not sign up, ignore this mail.\n\n--\n%(service)s\n"
    ) % {"link": verification_link(user), "service": settings.SERVICE_NAME}
    return subject, body, f"user:{user.pk}:verify:{_hour(clock.now())}"


def _account_exists_mail(user: User) -> tuple[str, str, str]:
    subject = _("[%(service)s] You already have an account") % {"service": settings.SERVICE_NAME}
    lines = [
        _(
            "Someone (probably you) tried to sign up with this address, which already has an "
            "account. Log in with it, or reset your password if you forgot it:"
        ),
        "",
        f"{settings.FRONTEND_BASE_URL}/#/reset",
    ]
    if user.email_verified_at is None:
        lines += ["", _("Your address is not verified yet:"), ""]
        lines += [verification_link(user)]
    lines += ["", _("If this was not you, ignore this mail."), "", "--", settings.SERVICE_NAME, ""]
    return subject, "\n".join(lines), f"user:{user.pk}:exists:{_hour(clock.now())}"


# --- Forgotten password -----------------------------------------------------------------------


def request_password_reset(email: str) -> None:
    """Store the ask; the batch daemon mails a reset link if an active account has the address.

    The caller answers the same whether or not a mail will go out, and this does the same
    work for every address (one INSERT, no lookup), so neither the answer nor its timing
    tells who has an account, and no HTTP request waits on the mail server. The mail is
    written in the active language (batch/account_mail.py).
    """
    PasswordResetAsk.objects.create(
        email=normalize_email(email)[:254],
        language=get_language() or settings.LANGUAGE_CODE,
        asked_at=clock.now(),
    )


def confirm_password_reset(*, uid: str, token: str, new_password: str) -> User:
    """Set the new password if the mailed token is valid (one use: it changes with the hash)."""
    user = user_for_uid(uid)
    if user is None or not default_token_generator.check_token(user, token):
        raise ValidationFailed(
            {"token": [_("This reset link is invalid or has expired. Ask for a new one.")]}
        )
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationFailed({"new_password": list(exc.messages)}) from exc
    user.set_password(new_password)
    user.save(update_fields=["password"])
    return user
