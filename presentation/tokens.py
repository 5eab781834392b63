"""JWTs that die with a password change or a deactivation, on every endpoint that reads them.

simplejwt's CHECK_REVOKE_TOKEN puts a digest of the user's stored password hash in every
token (RefreshToken.for_user) and JWTAuthentication refuses a token whose digest no longer
matches, so any set_password() that is saved (profile, admin, the reset flow) ends every
access token. Its refresh and verify endpoints do not look at the user, though: a 7-day
refresh token would go on minting access tokens. These serializers close that.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.serializers import TokenRefreshSerializer, TokenVerifySerializer
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import RefreshToken, Token, UntypedToken
from rest_framework_simplejwt.utils import get_md5_hash_password


def check_still_valid(token: Token) -> None:
    """InvalidToken unless the token's user exists, is active and has the same password."""
    user_id = token.payload.get(api_settings.USER_ID_CLAIM)
    user = get_user_model().objects.filter(**{api_settings.USER_ID_FIELD: user_id}).first()
    if user is None or not api_settings.USER_AUTHENTICATION_RULE(user):
        raise InvalidToken(_("No active account found for the given token."))
    claim = token.payload.get(api_settings.REVOKE_TOKEN_CLAIM)
    if api_settings.CHECK_REVOKE_TOKEN and claim != get_md5_hash_password(user.password):
        raise InvalidToken(_("The password was changed; log in again."))


class RevocableTokenRefreshSerializer(TokenRefreshSerializer):
    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        check_still_valid(RefreshToken(attrs["refresh"]))
        return super().validate(attrs)


class RevocableTokenVerifySerializer(TokenVerifySerializer):
    def validate(self, attrs: dict[str, Any]) -> dict[Any, Any]:
        check_still_valid(UntypedToken(attrs["token"]))
        return super().validate(attrs)
