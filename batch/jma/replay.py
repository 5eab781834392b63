"""The replay server: JMA's pages over HTTP, generated (replay_pages.py, replay_subdaily.py).

Pages: GET {base}/stats/etrn/view/daily_s1.php?prec_no=..&block_no=..&year=..&month=..
and hourly_s1.php / 10min_s1.php (and _a1) with &day=.. (also under /obd/stats/...), exactly
the URLs the client builds and the daily pages link; a station's annual values (annually_s.php /
annually_a.php) and records (rank_s.php; rank_a.php answers an unseen layout, AMeDAS elements in
rank_s's markup, so the rank_a parser's refusal can be seen), with the faults below (fault= also
takes "unit" on those pages: a changed unit).

Faults, per request by query parameter, by a path prefix (so a JMA_BASE_URL can carry them:
{base}/_faults/fail_first=2,fail_status=503/stats/etrn/view/...), or server-wide (ReplayOptions,
set from `jma_replay` options or JMA_REPLAY_* environment variables):

    fault=nodata|layout|rename|shift   the no-data page, an extra column, a renamed header,
                                       day rows one cell short
    fail_first=K  fail_status=503      the first K requests of each page URL answer fail_status
    fail=500|503                       every request answers that status
    delay_ms=N                         wait N ms before answering

Saved pages (ReplayOptions.saved_pages, `--saved-pages DIR`, JMA_REPLAY_SAVED_PAGES): JMA's
own pages (tests/real_pages) answer their addresses as they are (batch/jma/replay_saved.py).

Service endpoints: /_replay/health, /_replay/stats (JSON counts, and page_times: [Unix time
of arrival, page] for each page request), /_replay/reset (counts to 0).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from batch.jma.replay_annual import FAULTS as STATION_PAGE_FAULTS
from batch.jma.replay_annual import render_annual_page
from batch.jma.replay_pages import FAULTS, no_data_page, render_daily_page
from batch.jma.replay_rank import render_rank_page
from batch.jma.replay_saved import key_of, saved_pages
from batch.jma.replay_subdaily import SUBDAILY_PATHS, render_subdaily_page

log = logging.getLogger(__name__)

PAGE_PATHS = {
    "/stats/etrn/view/daily_s1.php": "s1",
    "/stats/etrn/view/daily_a1.php": "a1",
    "/obd/stats/etrn/view/daily_s1.php": "s1",
    "/obd/stats/etrn/view/daily_a1.php": "a1",
}
# A station's whole-record pages: (renderer, page letter). rank_a is only ever an unseen layout.
STATION_PAGE_PATHS = {
    f"{prefix}/stats/etrn/view/{name}_{letter}.php": (name, letter)
    for prefix in ("", "/obd")
    for name in ("annually", "rank")
    for letter in ("s", "a")
}
FAULT_PREFIX = "/_faults/"


def _blocks(raw: str) -> frozenset[str]:
    return frozenset(part.strip() for part in raw.split(",") if part.strip())


@dataclass(frozen=True)
class ReplayOptions:
    """Server-wide faults; each can also be asked for per request (module docstring)."""

    no_data_blocks: frozenset[str] = frozenset()
    layout_blocks: frozenset[str] = frozenset()
    fail_blocks: frozenset[str] = frozenset()  # always answer fail_status
    fail_first: int = 0  # the first K requests of each page URL answer fail_status
    fail_status: int = 503
    delay_ms: int = 0
    saved_pages: str = ""  # a directory of real JMA pages to serve at their addresses

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> ReplayOptions:
        env = dict(os.environ if env is None else env)
        return cls(
            no_data_blocks=_blocks(env.get("JMA_REPLAY_NO_DATA_BLOCKS", "")),
            layout_blocks=_blocks(env.get("JMA_REPLAY_LAYOUT_BLOCKS", "")),
            fail_blocks=_blocks(env.get("JMA_REPLAY_FAIL_BLOCKS", "")),
            fail_first=int(env.get("JMA_REPLAY_FAIL_FIRST") or 0),
            fail_status=int(env.get("JMA_REPLAY_FAIL_STATUS") or 503),
            delay_ms=int(env.get("JMA_REPLAY_DELAY_MS") or 0),
            saved_pages=env.get("JMA_REPLAY_SAVED_PAGES", ""),
        )

    def describe(self) -> str:
        """The faults in force, for the startup line ("no faults" when none)."""
        parts = [
            f"{name}={','.join(sorted(value)) if isinstance(value, frozenset) else value}"
            for name, value in vars(self).items()
            if value and not (name == "fail_status" and not (self.fail_first or self.fail_blocks))
        ]
        return ", ".join(parts) or "no faults"

    def with_changes(self, **changes: object) -> ReplayOptions:
        for name in ("no_data_blocks", "layout_blocks", "fail_blocks"):
            value = changes.get(name)
            if isinstance(value, str):
                changes[name] = _blocks(value)
            elif value is not None:
                changes[name] = frozenset(str(v) for v in value)  # type: ignore[union-attr]
        return replace(self, **changes)  # type: ignore[arg-type]


MAX_PAGE_TIMES = 100_000  # enough for any test; a long-running server stops recording


@dataclass
class ReplayStats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: int = 0
    pages: Counter[str] = field(default_factory=Counter)  # "s1 47662 2012-09" -> requests
    statuses: Counter[int] = field(default_factory=Counter)
    user_agents: Counter[str] = field(default_factory=Counter)
    page_times: list[tuple[float, str]] = field(default_factory=list)  # (Unix time, page)

    def record(
        self, key: str | None, status: int, user_agent: str = "", at: float | None = None
    ) -> int:
        """Count one request; returns how many requests this page URL has had, this one included."""
        with self.lock:
            self.requests += 1
            self.user_agents[user_agent] += 1
            self.statuses[status] += 1
            if key is None:
                return 0
            if len(self.page_times) < MAX_PAGE_TIMES:
                self.page_times.append((time.time() if at is None else at, key))
            self.pages[key] += 1
            return self.pages[key]

    def snapshot(self) -> dict[str, object]:
        with self.lock:
            return {
                "requests": self.requests,
                "pages": dict(self.pages),
                "statuses": {str(k): v for k, v in self.statuses.items()},
                "user_agents": dict(self.user_agents),
                "page_times": list(self.page_times),
            }

    def reset(self) -> None:
        with self.lock:
            self.requests = 0
            self.pages.clear()
            self.statuses.clear()
            self.user_agents.clear()
            self.page_times.clear()


class ReplayServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], options: ReplayOptions | None = None) -> None:
        self.options = options or ReplayOptions()
        self.saved = saved_pages(self.options.saved_pages) if self.options.saved_pages else {}
        self.stats = ReplayStats()
        self.fail_counts: Counter[str] = Counter()
        super().__init__(address, ReplayHandler)

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hung up (timeouts in fault tests) is normal here, not a traceback."""
        exc = sys.exc_info()[1]
        if isinstance(exc, ConnectionError | TimeoutError):
            log.debug("replay: client %s went away: %s", client_address, exc)
            return
        super().handle_error(request, client_address)

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


class ReplayHandler(BaseHTTPRequestHandler):
    server: ReplayServer
    protocol_version = "HTTP/1.1"  # keep-alive, as requests.Session expects
    disable_nagle_algorithm = True  # headers and body go out at once, no 40 ms delayed-ACK stall
    timeout = 60  # an idle keep-alive connection frees its thread after a minute
    server_version = "JmaReplay/1.0"

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.arrived = time.time()
        parts = urlsplit(self.path)
        path = parts.path
        params = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        if path.startswith(FAULT_PREFIX):
            spec, _, rest = path[len(FAULT_PREFIX) :].partition("/")
            path = "/" + rest
            for item in spec.split(","):
                name, _, value = item.partition("=")
                if name:
                    params.setdefault(name, value)
        if path == "/_replay/health":
            self._send(200, "ok\n", "text/plain; charset=utf-8")
        elif path == "/_replay/stats":
            self._send(200, json.dumps(self.server.stats.snapshot()), "application/json")
        elif path == "/_replay/reset":
            self.server.stats.reset()
            with self.server.stats.lock:
                self.server.fail_counts.clear()
            self._send(200, "reset\n", "text/plain; charset=utf-8")
        elif path in PAGE_PATHS:
            self._page(PAGE_PATHS[path], params, path=path)
        elif path in SUBDAILY_PATHS:
            granularity, page_type = SUBDAILY_PATHS[path]
            self._page(page_type, params, subdaily=(granularity, page_type), path=path)
        elif path in STATION_PAGE_PATHS:
            self._station_page(*STATION_PAGE_PATHS[path], params)
        else:
            self._send(404, "not found\n", "text/plain; charset=utf-8", count_key=None)

    def _page(
        self,
        page_type: str,
        params: dict[str, str],
        subdaily: tuple[str, str] | None = None,
        path: str = "",
    ) -> None:
        """A daily page, or with subdaily=(granularity, page_type) an hourly/10-minute one.

        A saved real page of that address (ReplayOptions.saved_pages) is served as it is.
        Long on purpose: the steps of one answer (delay, failures, fault, saved or generated
        page) in the order a test's query parameters take effect, read top to bottom.
        """
        options = self.server.options
        block_no = params.get("block_no", "")
        try:
            year, month = int(params.get("year", "")), int(params.get("month", ""))
            day = int(params.get("day") or 0) if subdaily else 0
        except ValueError:
            year = month = day = 0
        key = f"{page_type} {block_no} {year}-{month:02d}"
        if subdaily:
            key = f"{subdaily[0]}_{subdaily[1]} {block_no} {year}-{month:02d}-{day:02d}"
        delay_ms = int(params.get("delay_ms") or options.delay_ms or 0)
        if delay_ms > 0:
            time.sleep(delay_ms / 1000)

        fail_status = int(params.get("fail_status") or options.fail_status)
        fail_first = int(params.get("fail_first") or options.fail_first or 0)
        if params.get("fail"):
            return self._error(int(params["fail"]), key)
        if block_no in options.fail_blocks:
            return self._error(fail_status, key)
        if fail_first:
            burst_key = f"{key} {params.get('fail_first')}/{fail_status}"
            with self.server.stats.lock:
                self.server.fail_counts[burst_key] += 1
                seen = self.server.fail_counts[burst_key]
            if seen <= fail_first:
                return self._error(fail_status, key)

        fault = params.get("fault") or None
        if fault is None and block_no in options.no_data_blocks:
            fault = "nodata"
        if fault is None and block_no in options.layout_blocks:
            fault = "layout"
        if fault is not None and fault not in FAULTS:
            return self._send(400, f"unknown fault {fault!r}\n", "text/plain", count_key=key)
        saved = self.server.saved
        saved_key = key_of(path, params) if saved and fault is None else None
        if saved_key is not None and saved_key in saved:
            body = saved[saved_key]
        elif not block_no.isdigit() or not 1 <= month <= 12 or year < 1:
            body = no_data_page()
        elif subdaily:
            granularity, sub_type = subdaily
            body = render_subdaily_page(
                block_no,
                year,
                month,
                day,
                granularity,
                page_type=sub_type,
                fault=fault,
                prec_no=params.get("prec_no") or None,
                daily_html=saved.get((f"daily_{sub_type}", block_no, year, month, 0)),
            )
        else:
            body = render_daily_page(
                block_no,
                year,
                month,
                page_type=page_type,
                fault=fault,
                prec_no=params.get("prec_no") or None,
            )
        self._send(200, body, "text/html; charset=UTF-8", count_key=key)

    def _faults(
        self, key: str, block_no: str, params: dict[str, str], known: tuple[str, ...]
    ) -> tuple[bool, str | None]:
        """Delay, failures and the page fault asked for, as _page does for daily pages: (True,
        None) when a failure was answered (nothing more to send), else (False, the fault to
        render or None)."""
        options = self.server.options
        delay_ms = int(params.get("delay_ms") or options.delay_ms or 0)
        if delay_ms > 0:
            time.sleep(delay_ms / 1000)

        fail_status = int(params.get("fail_status") or options.fail_status)
        fail_first = int(params.get("fail_first") or options.fail_first or 0)
        if params.get("fail"):
            self._error(int(params["fail"]), key)
            return True, None
        if block_no in options.fail_blocks:
            self._error(fail_status, key)
            return True, None
        if fail_first:
            burst_key = f"{key} {params.get('fail_first')}/{fail_status}"
            with self.server.stats.lock:
                self.server.fail_counts[burst_key] += 1
                seen = self.server.fail_counts[burst_key]
            if seen <= fail_first:
                self._error(fail_status, key)
                return True, None

        fault = params.get("fault") or None
        if fault is None and block_no in options.no_data_blocks:
            fault = "nodata"
        if fault is None and block_no in options.layout_blocks:
            fault = "layout"
        if fault is not None and fault not in known:
            self._send(400, f"unknown fault {fault!r}\n", "text/plain", count_key=key)
            return True, None
        return False, fault

    def _station_page(self, name: str, letter: str, params: dict[str, str]) -> None:
        """annually_s/_a, rank_s/_a (rank_a: AMeDAS elements in rank_s's markup, unseen)."""
        block_no = params.get("block_no", "")
        key = f"{name}_{letter} {block_no}"
        answered, fault = self._faults(key, block_no, params, STATION_PAGE_FAULTS)
        if answered:
            return
        saved = self.server.saved.get((f"{name}_{letter}", block_no, 0, 0, 0))
        if saved is not None and fault is None:
            body = saved  # JMA's own page (ReplayOptions.saved_pages)
        elif not block_no.isdigit():
            body = no_data_page()
        elif name == "annually":
            prec_no = params.get("prec_no") or None
            body = render_annual_page(block_no, page_type=letter, fault=fault, prec_no=prec_no)
        else:
            body = render_rank_page(block_no, page_type=letter, fault=fault)
        self._send(200, body, "text/html; charset=UTF-8", count_key=key)

    def _error(self, status: int, key: str) -> None:
        body = f"<html><body><h1>{status}</h1><p>replay fault</p></body></html>\n"
        self._send(status, body, "text/html; charset=UTF-8", count_key=key)

    def _send(
        self, status: int, body: str, content_type: str, *, count_key: str | None = ""
    ) -> None:
        if count_key != "":
            agent = self.headers.get("User-Agent", "")
            self.server.stats.record(count_key, status, agent, getattr(self, "arrived", None))
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        log.debug("replay %s %s", self.address_string(), format % args)


def make_server(
    host: str = "127.0.0.1", port: int = 0, options: ReplayOptions | None = None
) -> ReplayServer:
    return ReplayServer((host, port), options)


@contextmanager
def serve_in_thread(
    host: str = "127.0.0.1", port: int = 0, options: ReplayOptions | None = None
) -> Iterator[ReplayServer]:
    """A replay server on a free port (port=0) in a daemon thread, stopped on exit."""
    server = make_server(host, port, options)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
