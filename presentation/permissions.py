"""Who may call an endpoint: logged in, and with a verified address where that is required."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated

from application.accounts import needs_verification


class IsVerifiedUser(IsAuthenticated):
    """IsAuthenticated, plus a verified email address when REQUIRE_VERIFIED_EMAIL is on."""

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        if needs_verification(request.user):
            raise PermissionDenied(
                _(
                    "Verify your email address first: follow the link in the mail we sent when "
                    "you signed up."
                ),
                code="email_not_verified",
            )
        return True
