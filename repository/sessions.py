"""The user row of an access token and whether its session has ended, in one query.

Every authenticated API call needs both (presentation/tokens.py): the user (active, same
password) and the session's log-out marker in simplejwt's blacklist. Read with the ORM they
cost two queries and about 1 ms of CPU to build them; as one raw, parameterized query read
through `User.objects.raw` (which still applies the database's converters) about a sixth.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from repository.models import User


def _sql(with_marker: bool) -> str:
    q = connection.ops.quote_name
    columns = ", ".join(f"u.{q(f.column)}" for f in User._meta.concrete_fields)
    ended = (
        f"EXISTS (SELECT 1 FROM {q(BlacklistedToken._meta.db_table)} b "  # noqa: S608
        f"JOIN {q(OutstandingToken._meta.db_table)} o ON o.id = b.token_id WHERE o.jti = %s)"
        if with_marker
        else "0"
    )
    return (
        f"SELECT {columns}, {ended} AS session_has_ended "  # noqa: S608 (names, not values)
        f"FROM {q(User._meta.db_table)} u WHERE u.{q(User._meta.pk.column)} = %s"
    )


def user_with_session(user_id: Any, marker: str | None) -> tuple[User | None, bool]:
    """(the user with primary key `user_id` or None, whether blacklist entry `marker` exists).
    No marker (a token from before sessions): never ended."""
    try:
        pk = User._meta.pk.to_python(user_id)
    except ValidationError:
        return None, False
    params = [marker, pk] if marker else [pk]
    for user in User.objects.raw(_sql(bool(marker)), params):
        ended = bool(user.session_has_ended)
        del user.session_has_ended
        return user, ended
    return None, False
