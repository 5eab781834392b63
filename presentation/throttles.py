"""Rate limits: sign-up and login per client address, request creation per user.

The client address is common.client_ip's (X-Forwarded-For only as far as TRUSTED_PROXY_COUNT
trusts it), the same rule django-axes' login lockout uses.

Rates come from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] at request time (not import time) so
settings overrides apply. Each client's log of calls is DRF's sliding log, kept in the
database (repository/rate_limits.py), where every gunicorn worker and host sees it; its
read-decide-write runs under a lock on the client's row, so two workers at once cannot both
count from the same history and let one call too many through.
"""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from common.client_ip import client_ip
from repository import rate_limits


class _SettingsRateThrottle(SimpleRateThrottle):
    def __init__(self) -> None:  # the base class reads the rate once, too early for overrides
        pass

    def allow_request(self, request, view) -> bool:
        self.rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        self.now = self.timer()
        decision = rate_limits.hit(
            key, limit=self.num_requests, window_s=self.duration, now=self.now
        )
        self.history = decision.history  # what wait() reads for Retry-After
        return decision.allowed

    def get_ident(self, request) -> str:
        """TRUSTED_PROXY_COUNT's rule (common.client_ip), not DRF's: with NUM_PROXIES unset
        DRF counts the whole X-Forwarded-For header, so each made-up value was a new client."""
        return client_ip(request)


class AuthThrottle(_SettingsRateThrottle):
    """register/token/refresh/verify, counted per client address."""

    scope = "auth"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class CreateRequestThrottle(_SettingsRateThrottle):
    """POST requests/ (and retry), counted per user."""

    scope = "create"

    def get_cache_key(self, request, view) -> str | None:
        if request.method != "POST":
            return None
        ident = request.user.pk if request.user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class PasswordResetThrottle(_SettingsRateThrottle):
    """Reset mails, counted per client address (each one sends a mail)."""

    scope = "password_reset"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
