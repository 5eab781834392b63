"""JWT sessions: tokens that die with a password change, a deactivation or a log-out.

- Password change, deactivation: simplejwt's CHECK_REVOKE_TOKEN puts a digest of the user's
  password hash in every token and JWTAuthentication refuses a token whose digest no longer
  matches, so any saved set_password() ends every access token. Its refresh and verify
  endpoints do not look at the user, so check_still_valid() does it there too.
- Sessions: a log-in starts a session; its id (claim `sid`, the first refresh token's jti)
  is copied into every access token and kept when the refresh token rotates.
- Rotation: a refresh token works once (ROTATE_REFRESH_TOKENS); using it blacklists it
  (simplejwt's token_blacklist app) in the same step that checks it, so two concurrent uses
  give one new token, not two.
- Log-out and stolen tokens: ending a session blacklists a marker `sid:<sid>` in the same
  table, which every access token, refresh and verify checks (one indexed query). A used
  refresh token that comes back more than REPLAY_GRACE_S after it was used means two parties
  hold it (a stolen copy): the session ends, for the thief too. Within the grace it is a
  second browser tab that refreshed at the same moment: only refused.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework import serializers
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import (
    InvalidToken,
    TokenBackendError,
    TokenBackendExpiredToken,
    TokenError,
)
from rest_framework_simplejwt.serializers import TokenRefreshSerializer, TokenVerifySerializer
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.state import token_backend
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken, Token, UntypedToken
from rest_framework_simplejwt.utils import datetime_from_epoch, get_md5_hash_password

from repository.sessions import user_with_session

SESSION_CLAIM = "sid"
REPLAY_GRACE_S = 30


class SessionRefreshToken(RefreshToken):
    """A log-in's refresh token: starts a session named by its own jti."""

    @classmethod
    def for_user(cls, user) -> SessionRefreshToken:
        token = super().for_user(user)
        token[SESSION_CLAIM] = token[api_settings.JTI_CLAIM]
        return token


def _session_marker(sid: str) -> str:
    return f"{SESSION_CLAIM}:{sid}"


def end_session(sid: str, user_id: Any = None) -> None:
    """Every token of session `sid` is refused from now on (it lives in the blacklist until
    the longest a token of it could live; flushexpiredtokens then removes it)."""
    now = timezone.now()
    marker, _created = OutstandingToken.objects.get_or_create(
        jti=_session_marker(sid),
        defaults={
            "user_id": user_id,
            "token": "",
            "created_at": now,
            "expires_at": now + api_settings.REFRESH_TOKEN_LIFETIME,
        },
    )
    BlacklistedToken.objects.get_or_create(token=marker)


def session_ended(token: Token | dict) -> bool:
    sid = token.get(SESSION_CLAIM)
    if not sid:
        return False
    return BlacklistedToken.objects.filter(token__jti=_session_marker(sid)).exists()


def check_still_valid(token: Token) -> None:
    """InvalidToken unless the token's user exists, is active, has the same password and the
    token's session has not ended."""
    user_id = token.payload.get(api_settings.USER_ID_CLAIM)
    user = get_user_model().objects.filter(**{api_settings.USER_ID_FIELD: user_id}).first()
    if user is None or not api_settings.USER_AUTHENTICATION_RULE(user):
        raise InvalidToken(_("No active account found for the given token."))
    claim = token.payload.get(api_settings.REVOKE_TOKEN_CLAIM)
    if api_settings.CHECK_REVOKE_TOKEN and claim != get_md5_hash_password(user.password):
        raise InvalidToken(_("The password was changed; log in again."))
    if session_ended(token):
        raise InvalidToken(_("This session has ended; log in again."))


class SessionJWTAuthentication(JWTAuthentication):
    """JWTAuthentication that also refuses access tokens of an ended session.

    simplejwt's get_user, with the same checks in the same order and the same errors, but
    the user and the session's marker read in one query (repository.sessions): this runs on
    every authenticated call."""

    def get_user(self, validated_token: Token):
        try:
            user_id = validated_token[api_settings.USER_ID_CLAIM]
        except KeyError as exc:
            raise InvalidToken(_("Token contained no recognizable user identification")) from exc
        sid = validated_token.get(SESSION_CLAIM)
        user, ended = user_with_session(user_id, _session_marker(sid) if sid else None)
        if user is None:
            raise AuthenticationFailed(_("User not found"), code="user_not_found")
        if api_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
            raise AuthenticationFailed(_("User is inactive"), code="user_inactive")
        if api_settings.CHECK_REVOKE_TOKEN and validated_token.get(
            api_settings.REVOKE_TOKEN_CLAIM
        ) != get_md5_hash_password(user.password):
            raise AuthenticationFailed(
                _("The user's password has been changed."), code="password_changed"
            )
        if ended:
            raise InvalidToken(_("This session has ended; log in again."))
        return user


class SessionJWTScheme(SimpleJWTScheme):
    """The OpenAPI security scheme of SessionJWTAuthentication: simplejwt's Bearer JWT."""

    target_class = SessionJWTAuthentication


def _used_token_came_back(raw: str) -> None:
    """A genuine, unexpired refresh token that is blacklisted was used before: end its
    session unless it was used a moment ago (a second tab). Nothing for any other token."""
    try:
        payload = UntypedToken(raw).payload
    except TokenError:
        return
    if payload.get(api_settings.TOKEN_TYPE_CLAIM) != "refresh" or not payload.get(SESSION_CLAIM):
        return
    used = BlacklistedToken.objects.filter(token__jti=payload.get(api_settings.JTI_CLAIM)).first()
    if used and used.blacklisted_at < timezone.now() - timedelta(seconds=REPLAY_GRACE_S):
        end_session(payload[SESSION_CLAIM], payload.get(api_settings.USER_ID_CLAIM))


def _use_once(refresh: RefreshToken) -> bool:
    """Blacklist the token; False when another request did so first (a concurrent use)."""
    jti = refresh[api_settings.JTI_CLAIM]
    outstanding, _created = OutstandingToken.objects.get_or_create(
        jti=jti,
        defaults={
            "user_id": refresh.get(api_settings.USER_ID_CLAIM),
            "token": str(refresh),
            "created_at": refresh.current_time,
            "expires_at": datetime_from_epoch(refresh["exp"]),
        },
    )
    _entry, created = BlacklistedToken.objects.get_or_create(token=outstanding)
    return created


class RotatingTokenRefreshSerializer(TokenRefreshSerializer):
    """A new access and refresh token for a refresh token that is then used up."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        try:
            refresh = RefreshToken(attrs["refresh"])  # signature, expiry, not blacklisted
        except TokenError as exc:
            _used_token_came_back(attrs["refresh"])
            raise InvalidToken(str(exc)) from exc
        check_still_valid(refresh)
        with transaction.atomic():
            if not _use_once(refresh):
                raise InvalidToken(_("Token is blacklisted"))
        if not refresh.get(SESSION_CLAIM):  # issued before sessions: this refresh starts one
            refresh[SESSION_CLAIM] = refresh[api_settings.JTI_CLAIM]
        refresh.set_jti()
        refresh.set_exp()
        refresh.set_iat()
        refresh.outstand()
        return {"access": str(refresh.access_token), "refresh": str(refresh)}


class RevocableTokenVerifySerializer(TokenVerifySerializer):
    def validate(self, attrs: dict[str, Any]) -> dict[Any, Any]:
        check_still_valid(UntypedToken(attrs["token"]))
        return super().validate(attrs)


class LogoutSerializer(serializers.Serializer):
    refresh = serializers.CharField(help_text="the refresh token of the session to end")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Ends the session (and uses up the token). An expired token's session is over
        already; a forged one is refused."""
        try:
            payload = token_backend.decode(attrs["refresh"], verify=True)
        except TokenBackendExpiredToken:
            return attrs
        except TokenBackendError as exc:
            raise InvalidToken(str(exc)) from exc
        if payload.get(api_settings.TOKEN_TYPE_CLAIM) != "refresh":
            raise InvalidToken(_("Token has wrong type"))
        user_id = payload.get(api_settings.USER_ID_CLAIM)
        if get_user_model().objects.filter(**{api_settings.USER_ID_FIELD: user_id}).exists():
            sid = payload.get(SESSION_CLAIM) or payload.get(api_settings.JTI_CLAIM)
            end_session(sid, user_id)
            RefreshToken(attrs["refresh"], verify=False).blacklist()  # signature checked above
        return attrs
