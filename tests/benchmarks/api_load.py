"""The load suite of bench_api.py (issue 22): 20 clients against gunicorn, two ways, and the
CPU each endpoint costs in one process.

- saturating (closed loop): every client sends its next call as soon as the last answered.
  It measures the server's throughput; latency there is mostly queueing, even for the
  trivial auth/me/.
- paced (open loop): every client starts one call every `pace` seconds (20 clients at 0.5 s:
  40 calls/s offered), cycling create, list, detail, estimate, auth/me/, as the front end
  does (it polls a request's detail every 2 s). A call's latency is counted from the moment
  it was due, not from when the client got round to sending it, so a server that falls
  behind shows it (no coordinated omission).
- CPU: in one process (Django's test client, JWT as in production), time.process_time over
  N calls of each endpoint, beside auth/me/: the cost that decides where saturation begins.
"""

from __future__ import annotations

import gzip
import http.client
import random
import statistics
import threading
import time
from collections.abc import Callable
from json import dumps, loads
from urllib.parse import urlsplit

import requests

ITEMS = ["temp_avg", "precip_total", "temp_max", "temp_min"]
OPERATIONS = ("create", "list", "detail", "estimate", "me")
NAMES = {
    "create": "POST requests/",
    "list": "GET requests/",
    "detail": "GET requests/<id>/",
    "estimate": "POST estimate/",
    "me": "GET auth/me/ (ref)",
}
EXPECTED_STATUS = {"create": 202, "list": 200, "detail": 200, "estimate": 200, "me": 200}


def request_body(rng: random.Random, stations: list[str]) -> dict:
    year = rng.randint(1995, 2022)
    start_month = rng.randint(1, 12)
    months = rng.randint(1, 12)
    end_index = year * 12 + start_month - 1 + months - 1
    return {
        "start_year": year,
        "start_month": start_month,
        "end_year": end_index // 12,
        "end_month": end_index % 12 + 1,
        "stations": rng.sample(stations, rng.randint(1, 5)),
        "items": rng.sample(ITEMS, 2),
    }


class Answer:
    """What a call answered: status and body, as far as the clients read them."""

    def __init__(self, status_code: int, body: bytes):
        self.status_code, self.body = status_code, body

    def json(self):
        return loads(self.body)


class LeanSession:
    """A client that costs little CPU, so that the server's share of the two cores is what
    the load measures: one http.client connection per client, kept alive while the server
    keeps it (gunicorn's sync workers close every connection: then one per call, as with
    requests), gzip asked for as a browser does. The `requests` library costs about 1.3-1.8
    ms CPU a call in the same process as the 20 client threads."""

    def __init__(self, headers: dict[str, str]):
        self.headers = {"Accept-Encoding": "gzip", **headers}
        self.connection: http.client.HTTPConnection | None = None

    def _send(self, method: str, url: str, body: bytes | None, timeout: float) -> Answer:
        parts = urlsplit(url)
        headers = dict(self.headers)
        if body is not None:
            headers["Content-Type"] = "application/json"
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(parts.netloc, timeout=timeout)
            try:
                self.connection.request(method, parts.path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                self.connection = None
                if attempt:
                    raise
                continue  # a kept-alive connection the server had closed: once more, new
            if response.getheader("Content-Encoding") == "gzip":
                data = gzip.decompress(data)
            if response.will_close:
                self.connection.close()
                self.connection = None
            return Answer(response.status, data)
        raise AssertionError("unreachable")

    def get(self, url: str, timeout: float = 60) -> Answer:
        return self._send("GET", url, None, timeout)

    def post(self, url: str, json: dict, timeout: float = 60) -> Answer:  # noqa: A002 (as requests)
        return self._send("POST", url, dumps(json).encode(), timeout)


class Client:
    """One simulated user: its session, the request it created last (for detail), and the
    latencies and failures it saw."""

    def __init__(self, session: requests.Session, base: str, stations: list[str], seed: int):
        self.session, self.base, self.stations = session, base, stations
        self.rng = random.Random(seed)
        self.mine: int | None = None
        self.samples: dict[str, list[float]] = {op: [] for op in OPERATIONS}
        self.failures: dict[str, int] = {}

    def call(self, op: str) -> None:
        """One call of `op`; a non-expected status is counted by operation and status."""
        if op == "create":
            body = request_body(self.rng, self.stations)
            response = self.session.post(f"{self.base}/requests/", json=body, timeout=60)
            if response.status_code == 202:
                self.mine = response.json()["id"]
        elif op == "estimate":
            body = request_body(self.rng, self.stations)
            response = self.session.post(f"{self.base}/requests/estimate/", json=body, timeout=60)
        elif op == "detail":
            response = self.session.get(f"{self.base}/requests/{self.mine}/", timeout=60)
        elif op == "me":
            response = self.session.get(f"{self.base}/auth/me/", timeout=60)
        else:
            response = self.session.get(f"{self.base}/requests/", timeout=60)
        if response.status_code != EXPECTED_STATUS[op]:
            key = f"{op} {response.status_code}"
            self.failures[key] = self.failures.get(key, 0) + 1

    def saturating(self, until: float) -> None:
        """Closed loop: the next call as soon as the last one answered."""
        while time.monotonic() < until:
            for op in OPERATIONS:
                started = time.monotonic()
                self.call(op)
                self.samples[op].append(time.monotonic() - started)

    def paced(self, start: float, until: float, pace: float) -> None:
        """Open loop: one call due every `pace` s from a random phase; latency from when due."""
        due = start + self.rng.uniform(0, pace)
        index = 0
        while due < until:
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            op = OPERATIONS[index % len(OPERATIONS)]
            self.call(op)
            self.samples[op].append(time.monotonic() - due)
            index += 1
            due += pace


def run_clients(clients: list[Client], work: Callable[[Client], None]) -> float:
    """Run `work` on every client in its own thread; the seconds it took."""
    started = time.monotonic()
    threads = [threading.Thread(target=work, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - started


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def report(title: str, clients: list[Client], elapsed: float) -> None:
    """p50/p95/p99 per operation, requests/s, and the answers that were not the expected."""
    samples: dict[str, list[float]] = {op: [] for op in OPERATIONS}
    failures: dict[str, int] = {}
    for client in clients:
        for op, values in client.samples.items():
            samples[op].extend(values)
        for key, count in client.failures.items():
            failures[key] = failures.get(key, 0) + count
    total = sum(len(v) for v in samples.values())
    print(f"\n{title}: {elapsed:.1f} s, {total} requests, {total / elapsed:.1f} req/s")
    print(
        f"  {'operation':<22}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'mean ms':>9}"
        f"{'p95/ref':>9}"
    )
    ref = percentile([v * 1000 for v in samples["me"]], 95) if samples["me"] else 0.0
    for op, values in samples.items():
        if not values:
            continue
        ms = [v * 1000 for v in values]
        p95 = percentile(ms, 95)
        print(
            f"  {NAMES[op]:<22}{len(ms):>7}{percentile(ms, 50):>9.1f}{p95:>9.1f}"
            f"{percentile(ms, 99):>9.1f}{statistics.fmean(ms):>9.1f}"
            f"{p95 / ref if ref else 0:>9.2f}"
        )
    print(f"  non-2xx answers: {failures or 'none'}", flush=True)


def amedas_stations() -> list[str]:
    """The block_no of every four-element AMeDAS station (Django set up by the caller)."""
    from application.catalog import options

    return [
        st["block_no"]
        for p in options()["prefectures"]
        for st in p["stations"]
        if st["page_type"] == "a1" and st["kind"] == "四"
    ]


def measure_cpu(calls: int, email: str, password: str) -> None:
    """CPU ms per call of each endpoint, in this process (Django is set up by the caller):
    logged in through auth/token/ (a session token, as the front end has), one request of
    its own for detail, `calls` calls each after two warm-up calls."""
    import json

    from django.test import Client as DjangoClient

    client = DjangoClient(HTTP_HOST="127.0.0.1")
    tokens = client.post(
        "/api/v1/auth/token/",
        json.dumps({"email": email, "password": password}),
        content_type="application/json",
    )
    assert tokens.status_code == 200, tokens.content
    auth = {"HTTP_AUTHORIZATION": f"Bearer {tokens.json()['access']}"}
    stations = amedas_stations()
    rng = random.Random(11)

    def post(url: str):
        body = json.dumps(request_body(rng, stations))
        return client.post(url, body, content_type="application/json", **auth)

    mine = post("/api/v1/requests/").json()["id"]
    ops = {
        "create": lambda: post("/api/v1/requests/"),
        "list": lambda: client.get("/api/v1/requests/", **auth),
        "detail": lambda: client.get(f"/api/v1/requests/{mine}/", **auth),
        "estimate": lambda: post("/api/v1/requests/estimate/"),
        "me": lambda: client.get("/api/v1/auth/me/", **auth),
    }
    cost: dict[str, float] = {}
    python_calls: dict[str, float] = {}
    for op, call in ops.items():
        for _ in range(2):
            assert call().status_code == EXPECTED_STATUS[op], op
        started = time.process_time()
        for _ in range(calls):
            call()
        cost[op] = (time.process_time() - started) / calls * 1000
        python_calls[op] = _python_calls(call, 20)
    print(f"\n  CPU per call, in-process ({calls} calls each, Django test client, JWT), and Python")
    print("  function calls per call (cProfile, 20 calls: repeatable where CPU time on a shared")
    print("  machine is not; the test client's own share included):")
    for op, ms in cost.items():
        print(
            f"  {NAMES[op]:<22}{ms:>8.2f} ms CPU{ms / cost['me']:>8.2f} x auth/me/"
            f"{python_calls[op]:>10,.0f} Python calls"
        )


def _python_calls(call: Callable[[], object], rounds: int) -> float:
    """Python function calls per call of `call`, counted by cProfile."""
    import cProfile
    import pstats

    profile = cProfile.Profile()
    profile.enable()
    for _ in range(rounds):
        call()
    profile.disable()
    return pstats.Stats(profile).total_calls / rounds
