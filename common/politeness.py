"""How far apart requests to a JMA host start: the politeness interval.

Both the daemon (batch.jma.client and the budget ration pages by it) and the API's estimate
(application.estimates: time is counted in pages times this interval) need the same answer,
so it lives below both.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

REAL_SITE_FLOOR_S = 1.0  # the least pause between two requests to JMA's own site


def url_host(url: str) -> str:
    """The budget key of a URL: its host name, lower-case."""
    return (urlsplit(url).hostname or "").lower()


def min_interval_s(url: str) -> float:
    """JMA_MIN_INTERVAL_S, but never below REAL_SITE_FLOOR_S for JMA's own servers.

    A 0 that suits the replay server in tests must not reach JMA by a configuration slip.
    """
    configured: float = settings.JMA_MIN_INTERVAL_S
    host = url_host(url)
    if host == "jma.go.jp" or host.endswith(".jma.go.jp"):
        return max(configured, REAL_SITE_FLOOR_S)
    return configured
