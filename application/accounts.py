"""Registering an account: the password rules are Django's configured validators."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

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
