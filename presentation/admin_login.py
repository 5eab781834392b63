"""The admin's login page, hardened: throttled per client address, and no staff oracle.

- Each POST counts against the same per-client-address budget as the API's account
  endpoints (AuthThrottle, THROTTLE_AUTH), so guessing through the admin is no faster than
  through `auth/token/`; beyond it the answer is 429 with Retry-After.
- The right password of an account that may not use the admin (not staff) is a failed login
  for django-axes too. Django already shows such a user the form's wrong-password message,
  but axes counted only wrong passwords, so 4 wrong guesses and the right one gave no lockout
  where 5 wrong ones did: the lockout told a correct guess.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from presentation.throttles import AuthThrottle


class StaffOnlyAuthenticationForm(AdminAuthenticationForm):
    def confirm_login_allowed(self, user) -> None:
        try:
            super().confirm_login_allowed(user)
        except ValidationError:
            # Exactly what a wrong password does: the form's error and a counted failure.
            user_login_failed.send(
                sender=__name__,
                credentials={"username": self.cleaned_data.get("username")},
                request=self.request,
            )
            raise


# The admin site reads its form at each login; config/urls.py imports this module.
admin.site.login_form = StaffOnlyAuthenticationForm


def login(request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
    """admin.site.login behind the per-address throttle (config/urls.py routes it first)."""
    if request.method == "POST":
        throttle = AuthThrottle()
        if not throttle.allow_request(request, None):
            wait = max(1, int(throttle.wait() or 1))
            message = _(
                "Too many login attempts from your address; try again in %(seconds)s seconds."
            ) % {"seconds": wait}
            response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
            response["Retry-After"] = str(wait)
            return response
    return admin.site.login(request, extra_context)
