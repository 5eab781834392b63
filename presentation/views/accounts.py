"""Accounts: register, verify, tokens, logout, me, password reset."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.views import (
    TokenObtainPairView,
    TokenRefreshView,
    TokenVerifyView,
)

from application import accounts
from presentation import serializers as s
from presentation.lockout import LockedOut
from presentation.throttles import AuthThrottle, PasswordResetThrottle
from presentation.tokens import (
    LogoutSerializer,
    RevocableTokenVerifySerializer,
    RotatingTokenRefreshSerializer,
)
from presentation.views.common import errors

# --- Accounts ---------------------------------------------------------------------------------


class RegisterView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [AuthThrottle]

    @extend_schema(
        tags=["auth"],
        summary="Create an account",
        request=s.RegisterSerializer,
        responses={202: s.RegisteredSerializer, **errors(400, 429)},
        auth=[],
        description=(
            "Sign up with an email address and a password (Django's password rules). The same "
            "202 answer whether the address is new or already has an account: the mail sent to "
            "the address says which (a verification link, or how to log in). Then get tokens "
            "from auth/token/. `verification_required` says whether requests wait for the "
            "verified address (REQUIRE_VERIFIED_EMAIL); `detail` says the same in words."
        ),
    )
    def post(self, request: Request) -> Response:
        data = s.RegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        accounts.register(**data.validated_data)
        answer = {
            "detail": accounts.registered_detail(),
            "verification_required": settings.REQUIRE_VERIFIED_EMAIL,
        }
        return Response(answer, status=status.HTTP_202_ACCEPTED)


class VerifyEmailView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [AuthThrottle]

    @extend_schema(
        tags=["auth"],
        summary="Verify an email address",
        description=(
            "Confirm the address with the uid and token of the mailed verification link, and "
            "set the account's password (the one chosen at sign-up may be typed again). Whoever "
            "signed up first with this address chose the password so far, possibly not the "
            "address's owner: verifying ends that password and every token issued before. The "
            "same link opened again answers 200 `already_verified`."
        ),
        request=s.VerifyEmailSerializer,
        responses={200: s.VerifiedSerializer, **errors(400, 429)},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = s.VerifyEmailSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if accounts.verify_email(**data.validated_data):
            return Response({"code": "verified", "detail": _("Your email address is verified.")})
        detail = _("This address is already verified. Log in with it.")
        return Response({"code": "already_verified", "detail": detail})


class NoStoreMixin:
    """Responses carrying tokens must not be kept by browsers or proxies (RFC 6749 5.1)."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        response["Pragma"] = "no-cache"
        return response


@extend_schema(
    tags=["auth"],
    summary="Log in: get an access and a refresh token",
    responses={200: s.TokenPairSerializer, **errors(400, 401, 429)},
    description=(
        "Send the email and password; the answer holds a short-lived access token (send it as "
        "`Authorization: Bearer <access>`) and a refresh token for auth/token/refresh/. "
        "After AXES_FAILURE_LIMIT failed logins for one address from one client, that pair "
        "gets 429 locked_out for AXES_COOLOFF_MINUTES."
    ),
)
class TokenView(NoStoreMixin, TokenObtainPairView):
    serializer_class = s.EmailTokenObtainPairSerializer
    throttle_classes = [AuthThrottle]

    def post(self, request: Request, *args, **kwargs) -> Response:
        try:
            return super().post(request, *args, **kwargs)
        except AuthenticationFailed:
            # django-axes refused before checking the password (presentation/lockout.py).
            if getattr(request, "axes_locked_out", False):
                raise LockedOut() from None
            raise


@extend_schema(
    tags=["auth"],
    summary="Get a new access token",
    description=(
        "Trade a refresh token for a fresh access token and the next refresh token (no "
        "password needed). A refresh token works once: keep the new one. A used one sent "
        "again is refused, and later than a few seconds after its use it ends the session "
        "(someone else holds a copy)."
    ),
    responses={200: s.TokenRefreshedSerializer, **errors(400, 401, 429)},
)
class TokenRefresh(NoStoreMixin, TokenRefreshView):
    serializer_class = RotatingTokenRefreshSerializer
    throttle_classes = [AuthThrottle]


class LogoutView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [AuthThrottle]

    def get_authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'  # a refused token is 401, as at auth/token/refresh/

    @extend_schema(
        tags=["auth"],
        summary="Log out: end the session",
        description=(
            "Ends the session of this refresh token: it and every access token made from it "
            "stop working at once (other sessions of the account go on). An expired token's "
            "session is over already (200 too); a forged one is 401."
        ),
        request=LogoutSerializer,
        responses={200: s.CodeMessageSerializer, **errors(400, 401, 429)},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        LogoutSerializer(data=request.data).is_valid(raise_exception=True)
        return Response({"code": "logged_out", "message": _("You are logged out.")})


@extend_schema(
    tags=["auth"],
    summary="Check a token",
    description="200 while the access or refresh token is valid and unexpired; 401 otherwise.",
    responses={200: OpenApiResponse(description="the token is valid"), **errors(400, 401, 429)},
)
class TokenVerify(TokenVerifyView):
    serializer_class = RevocableTokenVerifySerializer
    throttle_classes = [AuthThrottle]


class MeView(APIView):
    permission_classes = [IsAuthenticated]  # also unverified: the front end shows the state

    @extend_schema(
        tags=["auth"],
        summary="Who am I",
        description="The account the access token belongs to, and whether its address is verified.",
        responses={200: s.UserSerializer, **errors(401)},
    )
    def get(self, request: Request) -> Response:
        return Response(s.UserSerializer(request.user).data)


class PasswordResetView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [PasswordResetThrottle]

    @extend_schema(
        tags=["auth"],
        summary="Ask for a password reset mail",
        description=(
            "If an active account has this address, a mail with a link to the web front end "
            "(`FRONTEND_BASE_URL/#/reset?uid=...&token=...`) goes out, written in the request's "
            "language. The answer is the same 202 whether or not the address has an account. "
            "Throttled per client address (THROTTLE_PASSWORD_RESET)."
        ),
        request=s.PasswordResetSerializer,
        responses={202: s.CodeMessageSerializer, **errors(400, 429)},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = s.PasswordResetSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        accounts.request_password_reset(data.validated_data["email"])
        message = _("If an account has this address, a mail with a reset link is on its way.")
        return Response(
            {"code": "reset_mail_sent", "message": message}, status=status.HTTP_202_ACCEPTED
        )


class PasswordResetConfirmView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [AuthThrottle]

    @extend_schema(
        tags=["auth"],
        summary="Set a new password with the mailed link",
        description=(
            "`uid` and `token` come from the mailed link; the token works once and expires "
            "after PASSWORD_RESET_TIMEOUT_S. A weak password is refused with field errors under "
            "`new_password`, a bad or used link under `token`."
        ),
        request=s.PasswordResetConfirmSerializer,
        responses={200: s.CodeMessageSerializer, **errors(400, 429)},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = s.PasswordResetConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        accounts.confirm_password_reset(**data.validated_data)
        message = _("Your password has been changed. Log in with the new one.")
        return Response({"code": "password_changed", "message": message})
