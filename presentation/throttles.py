"""Rate limits: sign-up and login per client address, request creation per user.

The client address is common.client_ip's (X-Forwarded-For only as far as TRUSTED_PROXY_COUNT
trusts it), the same rule django-axes' login lockout uses.

Rates come from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] at request time (not import time) so
settings overrides apply. Counters live in the default cache, which every gunicorn worker and
host shares (CACHE_URL, the database by default). DRF reads a client's history, decides and
writes it back; two workers doing that at once would both count from the same history and
let one request too many through, so that read-decide-write holds a lock in the same cache
(cache.add is atomic on every backend: a unique key in the database, a mutex in memory).
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from common.client_ip import client_ip

log = logging.getLogger(__name__)

# A lock outlives a crashed holder by at most this; nobody holds it longer than a few queries.
LOCK_TTL_S = 5
LOCK_WAIT_S = 10.0


class CounterBusy(Exception):
    """The lock of one client's counter could not be had in LOCK_WAIT_S (counted as over)."""


@contextmanager
def counter_lock(cache, key: str) -> Iterator[None]:
    """One read-decide-write of `key` at a time, across processes and hosts."""
    lock, mine = f"{key}:lock", secrets.token_hex(8)
    deadline = time.monotonic() + LOCK_WAIT_S
    pause = 0.002
    while not cache.add(lock, mine, LOCK_TTL_S):
        if time.monotonic() > deadline:
            raise CounterBusy(key)
        time.sleep(pause)
        pause = min(pause * 2, 0.05)
    try:
        yield
    finally:
        if cache.get(lock) == mine:  # not taken over after expiring
            cache.delete(lock)


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
        try:
            with counter_lock(self.cache, key):
                return super().allow_request(request, view)
        except CounterBusy:
            log.warning("throttle %s: counter busy for %ss; refused", self.scope, LOCK_WAIT_S)
            self.history, self.now = [], self.timer()
            return False

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
