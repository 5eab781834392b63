"""The client's address, by one rule for the login lockout (django-axes) and the throttles.

X-Forwarded-For is written by whoever sends the request; only the entries our own proxies
appended can be trusted. With TRUSTED_PROXY_COUNT = N (nginx in front of gunicorn: 1), the
N-th entry from the right is the address the outermost trusted proxy saw; anything left of it
came from the client and is ignored. With 0 (no proxy) the header is ignored altogether and
the socket's address (REMOTE_ADDR) counts. Spoofed values therefore never make a new client.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    """The address to count attempts against (a Django HttpRequest or a DRF Request)."""
    meta = request.META
    remote = meta.get("REMOTE_ADDR", "") or ""
    count: int = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:  # did not come through all our proxies
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:  # garbage where our proxy writes an address: do not trust it
        return remote
