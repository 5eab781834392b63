"""Accounts: registering and a forgotten password; password rules are Django's validators."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from application.errors import ValidationFailed
from repository.models import User


def register(*, email: str, password: str, name: str = "") -> User:
    email = User.objects.normalize_email(email.strip()).lower()
    errors: dict[str, list[str]] = {}
    try:
        validate_email(email)
    except ValidationError as exc:
        errors["email"] = list(exc.messages)
    if len(name) > 150:
        errors["name"] = ["At most 150 characters."]
    try:
        password_validation.validate_password(password, User(email=email, name=name))
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if "email" not in errors and User.objects.filter(email=email).exists():
        errors["email"] = ["An account with this email already exists."]
    if errors:
        raise ValidationFailed(errors)
    try:
        with transaction.atomic():
            return User.objects.create_user(email, password, name=name)
    except IntegrityError as exc:  # two registrations raced
        raise ValidationFailed({"email": ["An account with this email already exists."]}) from exc


# --- Forgotten password -----------------------------------------------------------------------

log = logging.getLogger(__name__)


def _reset_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return f"{settings.FRONTEND_BASE_URL}/#/reset?uid={uid}&token={token}"


def request_password_reset(email: str) -> None:
    """Mail a reset link if an active account has this address; say nothing either way.

    The caller answers the same whether or not a mail went out, so the endpoint cannot be used
    to find out who has an account. A failing mail server is logged, not reported, for the same
    reason. The mail is sent at once with Django's mail framework (no outbox: the link is
    short-lived and the person is waiting for it). It is written in the active language.
    """
    email = User.objects.normalize_email(email.strip()).lower()
    user = User.objects.filter(email=email, is_active=True).first()
    if user is None or not user.has_usable_password():
        log.info("password reset asked for an address without an account")
        return
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    subject = _("[%(service)s] Set a new password") % {"service": settings.SERVICE_NAME}
    body = _(
        "Someone (hopefully you) asked to set a new password for %(email)s.\n\n"
        "Open this link within %(hours)s hours to choose one:\n%(link)s\n\n"
        "If you did not ask, ignore this mail; your password stays as it is.\n"
    ) % {"email": user.email, "hours": hours, "link": _reset_link(user)}
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    except Exception:  # noqa: BLE001 - the answer must not reveal the account
        log.exception("could not send the password reset mail for user %s", user.pk)


def _user_from_uid(uid: str) -> User | None:
    try:
        pk = urlsafe_base64_decode(uid).decode()
        return User.objects.get(pk=int(pk), is_active=True)
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError, User.DoesNotExist):
        return None


def confirm_password_reset(*, uid: str, token: str, new_password: str) -> User:
    """Set the new password if the mailed token is valid (one use: it changes with the hash)."""
    user = _user_from_uid(uid)
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
