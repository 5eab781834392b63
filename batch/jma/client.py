"""HTTP access to JMA's pages (daily by month; hourly and 10-minute by day): polite, patient
with outages, and clear when it gives up.

One JmaClient is shared by all threads of a process: each thread gets its own requests.Session
(sessions are not thread-safe), and every request, retries included, takes its start time from
the service-wide budget in the database (batch.jma.budget), so all threads of all daemons on
all hosts together stay at JMA_MIN_INTERVAL_S. RateLimiter is the in-process variant, for
tools and tests that run without a database.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from datetime import date
from email.utils import parsedate_to_datetime
from typing import Any, Protocol
from urllib.parse import urlencode

import requests
from django.conf import settings

from batch.jma.budget import DatabaseBudget
from batch.jma.errors import JmaUnavailable
from common.politeness import min_interval_s, url_host

log = logging.getLogger(__name__)

PAGE_PATH = "/stats/etrn/view/daily_{page_type}.php"


def is_transient(status: int) -> bool:
    """429 (slow down) and every 5xx are worth another try; other answers will not change."""
    return status == 429 or 500 <= status <= 599


MAX_RETRY_AFTER_S = 300.0

StationRef = tuple[str, str, str]  # (prec_no, block_no, page_type)


class RateLimiter:
    """At most one request start per interval across all threads that share it.

    Each caller reserves the next free slot under the lock and sleeps outside it, so waiting
    threads are served in arrival order and never sleep while holding the lock.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._next_free = 0.0

    def wait(
        self, interval_s: float, sleep: Callable[[float], None] = time.sleep, *, host: str = ""
    ) -> float:
        """Block until this caller may start; returns the seconds waited (host is ignored)."""
        with self._lock:
            now = self._clock()
            start = max(now, self._next_free)
            self._next_free = start + max(0.0, interval_s)
        delay = start - now
        if delay > 0:
            sleep(delay)
        return delay


class Limiter(Protocol):
    def wait(
        self, interval_s: float, sleep: Callable[[float], None] = ..., *, host: str = ""
    ) -> float: ...


def station_ref(station: Any) -> StationRef:
    """(prec_no, block_no, page_type) from a Station or a tuple of the same."""
    if isinstance(station, tuple):
        prec_no, block_no, page_type = station
    else:
        prec_no, block_no, page_type = station.prec_no, station.block_no, station.page_type
    if page_type not in ("s1", "a1"):
        raise ValueError(f"page_type must be 's1' or 'a1', not {page_type!r}")
    return str(prec_no), str(block_no), page_type


def month_url(station: Any, year: int, month: int, base_url: str | None = None) -> str:
    """The daily page URL exactly as JMA's own site links it (docs/jma-pages.md, "Addresses")."""
    prec_no, block_no, page_type = station_ref(station)
    base = (base_url if base_url is not None else settings.JMA_BASE_URL).rstrip("/")
    query = urlencode(
        {
            "prec_no": prec_no,
            "block_no": block_no,
            "year": year,
            "month": month,
            "day": "",
            "view": "",
        }
    )
    return f"{base}{PAGE_PATH.format(page_type=page_type)}?{query}"


SUBDAILY_PAGES = ("hourly", "10min")  # {granularity}_{page_type}.php, one page per day


def day_url(station: Any, day: date, granularity: str, base_url: str | None = None) -> str:
    """An hourly or 10-minute page URL exactly as JMA's daily pages link it (month 2 digits)."""
    if granularity not in SUBDAILY_PAGES:
        raise ValueError(f"granularity must be one of {', '.join(SUBDAILY_PAGES)}")
    prec_no, block_no, page_type = station_ref(station)
    base = (base_url if base_url is not None else settings.JMA_BASE_URL).rstrip("/")
    query = (
        f"prec_no={prec_no}&block_no={block_no}&year={day.year}&month={day.month:02d}"
        f"&day={day.day}&view=p1"
    )
    return f"{base}/stats/etrn/view/{granularity}_{page_type}.php?{query}"


class JmaClient:
    """Fetches pages. Settings are read at call time, so tests may override them."""

    def __init__(
        self,
        *,
        rate_limiter: Limiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        if rate_limiter is None:
            rate_limiter = DatabaseBudget()
        self._limiter = rate_limiter
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._local = threading.local()
        self.requests_sent = 0  # for operators' logs and tests; approximate under threads
        self._count_lock = threading.Lock()

    def session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.headers.update(
                {
                    "User-Agent": settings.JMA_USER_AGENT,
                    "Accept": "text/html,application/xhtml+xml",
                    "Accept-Language": "ja",
                }
            )
            self._local.session = session
        return session

    def pause(self, seconds: float) -> None:
        """Wait as this client waits between tries (a stopping daemon's client cuts it short
        by raising), for callers that wait on the client's behalf (a page lease)."""
        self._sleep(seconds)

    def close(self) -> None:
        """Close this thread's session (other threads close their own)."""
        session = getattr(self._local, "session", None)
        if session is not None:
            session.close()
            self._local.session = None

    def fetch_month_html(self, station: Any, year: int, month: int) -> tuple[bytes, str]:
        """The raw page and its URL; raises JmaUnavailable naming the station-month and why."""
        _, block_no, _ = station_ref(station)
        return self.fetch_page(month_url(station, year, month), f"{block_no} {year}-{month:02d}")

    def fetch_day_html(self, station: Any, day: date, granularity: str) -> tuple[bytes, str]:
        """An hourly or 10-minute page and its URL, through the same budget and retries."""
        _, block_no, _ = station_ref(station)
        url = day_url(station, day, granularity)
        return self.fetch_page(url, f"{block_no} {day.isoformat()} {granularity}")

    def fetch_page(self, url: str, where: str) -> tuple[bytes, str]:
        """GET one JMA page; `where` names it in errors (station and month or day)."""
        max_retries: int = settings.JMA_MAX_RETRIES
        reason = ""
        for attempt in range(max_retries + 1):
            self._limiter.wait(min_interval_s(url), self._sleep, host=url_host(url))
            retry_after: float | None = None
            started = time.monotonic()
            try:
                response = self.session().get(
                    url,
                    timeout=(settings.JMA_CONNECT_TIMEOUT_S, settings.JMA_READ_TIMEOUT_S),
                    headers={"User-Agent": settings.JMA_USER_AGENT},
                )
                with self._count_lock:
                    self.requests_sent += 1
            except requests.Timeout as exc:
                reason = f"timed out ({type(exc).__name__})"
            except requests.ConnectionError as exc:
                reason = f"connection failed ({_short(exc)})"
            except requests.RequestException as exc:
                raise JmaUnavailable(f"request failed: {_short(exc)} ({url})", where=where) from exc
            else:
                elapsed = time.monotonic() - started
                if response.status_code == 200:
                    log.debug(
                        "jma fetched %s in %.2fs (%d bytes)", where, elapsed, len(response.content)
                    )
                    return response.content, url
                reason = f"HTTP {response.status_code}"
                if not is_transient(response.status_code):
                    raise JmaUnavailable(f"JMA answered {reason} for {url}", where=where)
                retry_after = _retry_after_s(response.headers.get("Retry-After"))
            if attempt == max_retries:
                break
            delay = self._backoff_s(attempt, retry_after)
            log.warning(
                "jma %s: %s; retry %d/%d in %.1fs", where, reason, attempt + 1, max_retries, delay
            )
            self._sleep(delay)
        raise JmaUnavailable(
            f"JMA unavailable after {max_retries + 1} attempts: {reason} ({url})", where=where
        )

    def _backoff_s(self, attempt: int, retry_after: float | None) -> float:
        """Exponential backoff with equal jitter; a server's Retry-After is honoured if longer."""
        ceiling = settings.JMA_BACKOFF_BASE_S * (2**attempt)
        delay = ceiling / 2 + self._rng.uniform(0, ceiling / 2)
        if retry_after is not None:
            delay = max(delay, min(retry_after, MAX_RETRY_AFTER_S))
        return delay


def _retry_after_s(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."


_default_client: JmaClient | None = None
_default_lock = threading.Lock()


def default_client() -> JmaClient:
    """The process's shared client (the database budget, per-thread sessions)."""
    global _default_client
    with _default_lock:
        if _default_client is None:
            _default_client = JmaClient()
        return _default_client
