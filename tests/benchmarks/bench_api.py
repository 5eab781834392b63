"""API latency: by the depth of the queue, under concurrent clients, and the front end's first
paint (issue 22).

    python tests/benchmarks/bench_api.py                       # everything, SQLite and MariaDB
    python tests/benchmarks/bench_api.py --db sqlite --suite depth
    python tests/benchmarks/bench_api.py --db mysql --suite load --clients 20 --seconds 20
    python tests/benchmarks/bench_api.py --db both --suite load --pace 0.5   # 40 calls/s paced
    python tests/benchmarks/bench_api.py --db sqlite --suite load --pace 0.5,0.2,0.1  # a sweep
    python tests/benchmarks/bench_api.py --db sqlite --suite paint

For each database the script prepares a benchmark database (var/hapi_bench.sqlite3, MariaDB
hapi_bench at 127.0.0.1:3306 or BENCH_MYSQL_URL), migrates and seeds it, then:

- depth: in one process (Django's test client, JWT as in production), the median latency of
  estimate, detail (a queued request), create and list, beside GET auth/me/ (a trivial
  authenticated view) as reference, with 100, 1,000, 20,000 and 100,000 requests queued by
  other users; each depth printed, and its ratio to the first.
- load: gunicorn (production settings, DEBUG=0) on a free loopback port, one user per client
  and 1,000 others' requests queued; every client thread cycles create, list, detail,
  estimate and auth/me/ for a fixed time, first saturating (closed loop: the next call as
  soon as the last answered; with the `requests` library and with a lean http.client client,
  `--client`), then paced (`--pace`, one rate or a sweep: open loop, one call due every PACE
  s per client, latency counted from when it was due). p50/p95/p99 per operation, requests/s,
  and the CPU per call of gunicorn and of the load generator, which share the two cores;
  then the CPU ms per call of each endpoint in one process (`--cpu-calls` calls), beside
  auth/me/ (tests/benchmarks/api_load.py). `--threads 2 --workers 3`: gthread as deployed.
- paint: gunicorn plus scripts/serve_frontend.py, headless Chromium (/usr/bin/chromium):
  bytes on the wire (CDP) and time until the log-in form, and until the request form
  (logged in), shows.
Throttles and the per-user active limit are lifted so the numbers measure the API itself.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.benchmarks.api_load import NAMES as LOAD_NAMES  # noqa: E402
from tests.benchmarks.api_load import (  # noqa: E402 (the project's root must be on the path)
    Client,
    LeanSession,
    amedas_stations,
    measure_cpu,
    report,
    request_body,
    run_clients,
)
from tests.benchmarks.harness import (  # noqa: E402
    PROJECT_DIR,
    SECRET_KEY,
    create_database,
    database_urls,
    free_port,
    setup_django,
    start_gunicorn,
    stop,
    tree_cpu_seconds,
)

URLS = database_urls("hapi_bench")
PASSWORD = "bench-Password-2024!"
NAMES = {**LOAD_NAMES, "old": "old queue scan (ref)"}
DEPTHS = (100, 1_000, 20_000, 100_000)
LOAD_QUEUED = 1_000


def server_env(database_url: str, media: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "MEDIA_ROOT": media,
        "THROTTLE_AUTH": "1000000/min",
        "REQUIRE_VERIFIED_EMAIL": "0",  # measures the API, not sign-up
        "THROTTLE_CREATE": "1000000/min",
        "MAX_ACTIVE_REQUESTS_PER_USER": "1000000",
        "LOG_LEVEL": "WARNING",
        "DB_CONN_MAX_AGE": os.environ.get("DB_CONN_MAX_AGE", "60"),
    }


def prepare_database(url: str, env: dict[str, str]) -> None:
    """A fresh database, migrated and seeded by manage.py with the server's environment."""
    create_database(url, fresh=True)
    for command in (["migrate", "--noinput", "-v0"], ["seed_master"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=PROJECT_DIR,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )


def login(base: str, index: int) -> requests.Session:
    session = requests.Session()
    email = f"bench{index}@example.jp"
    session.post(f"{base}/auth/register/", json={"email": email, "password": PASSWORD}, timeout=30)
    tokens = session.post(
        f"{base}/auth/token/", json={"email": email, "password": PASSWORD}, timeout=30
    )
    tokens.raise_for_status()
    session.headers["Authorization"] = f"Bearer {tokens.json()['access']}"
    return session


# Records, in the page, when `selector` first exists: reading performance.now() after
# Playwright's wait added its own round trips (hundreds of ms under load) to both pages and
# flattered their ratio.
SHOWN_WATCH = """(selector) => {
  const check = () => {
    if (!window.__shown && document.querySelector(selector)) window.__shown = performance.now();
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true });
}"""


def lean(session: requests.Session) -> LeanSession:
    """The same user's token, sent by the lean client."""
    return LeanSession({"Authorization": session.headers["Authorization"]})


def timed(
    server: subprocess.Popen, clients: list[Client], work: Callable[[Client], None]
) -> tuple[float, str]:
    """run_clients(), and the CPU per call it cost gunicorn and this load generator: both
    share the machine's two cores, so what the generator takes the server does not get."""
    calls_before = sum(len(v) for c in clients for v in c.samples.values())
    server_before, client_before = tree_cpu_seconds(server.pid), time.process_time()
    elapsed = run_clients(clients, work)
    server_cpu = tree_cpu_seconds(server.pid) - server_before
    client_cpu = time.process_time() - client_before
    calls = sum(len(v) for c in clients for v in c.samples.values()) - calls_before
    return elapsed, (
        f"  CPU per call: gunicorn {server_cpu / calls * 1000:.2f} ms, load generator "
        f"{client_cpu / calls * 1000:.2f} ms ({calls} calls)"
    )


def measure_paint(api: str, front_port: int, label: str, rounds: int = 5) -> None:
    """Bytes on the wire and time to the first paint of the log-in page and of the request
    form (logged in), cold cache each round, in headless Chromium kept to loopback; the time
    is taken in the page when the page's form element appears."""
    import json as jsonlib

    from playwright.sync_api import sync_playwright

    front = f"http://127.0.0.1:{front_port}"
    server = subprocess.Popen(
        [sys.executable, "scripts/serve_frontend.py", "--port", str(front_port), "--api", api],
        cwd=PROJECT_DIR,
        stdout=subprocess.DEVNULL,
    )
    try:
        session = login(f"{api}/api/v1", 999)
        tokens = session.post(
            f"{api}/api/v1/auth/token/",
            json={"email": "bench999@example.jp", "password": PASSWORD},
            timeout=30,
        ).json()
        stored = jsonlib.dumps(jsonlib.dumps(tokens))
        results: dict[str, list[tuple[int, float]]] = {"login": [], "form": []}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=[
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                ],
            )
            for _ in range(rounds):
                for name, route, selector in (
                    ("login", "#/login", "#f-email"),
                    ("form", "#/new", "#request-form"),
                ):
                    context = browser.new_context()
                    if name == "form":
                        context.add_init_script(f"localStorage.setItem('jmaww.tokens', {stored})")
                    context.add_init_script(f"({SHOWN_WATCH})({jsonlib.dumps(selector)})")
                    page = context.new_page()
                    cdp = context.new_cdp_session(page)
                    cdp.send("Network.enable")
                    wire = [0]
                    cdp.on(
                        "Network.loadingFinished",
                        lambda e, wire=wire: wire.__setitem__(
                            0, wire[0] + int(e["encodedDataLength"])
                        ),
                    )
                    page.goto(f"{front}/{route}")
                    page.wait_for_selector(selector, timeout=60_000)
                    shown = page.evaluate("window.__shown")
                    page.wait_for_load_state("networkidle")
                    results[name].append((wire[0], shown))
                    context.close()
            browser.close()
    finally:
        stop(server)
    print(f"\n{label}: first paint, cold cache, median of {rounds} (Chromium, loopback)")
    for name, text in (("login", "log-in page"), ("form", "request form (logged in)")):
        size = statistics.median(b for b, _ in results[name])
        ms = statistics.median(t for _, t in results[name])
        print(f"  {text:<28}{size / 1024:>9.1f} KB on the wire{ms:>9.0f} ms to shown")
    form_ms = statistics.median(t for _, t in results["form"])
    login_ms = statistics.median(t for _, t in results["login"])
    print(f"  form / log-in time: {form_ms / login_ms:.2f}")


def run_one(url: str, args: argparse.Namespace) -> None:
    label = "SQLite" if url.startswith("sqlite") else "MariaDB"
    media = tempfile.mkdtemp(prefix="bench-api-")
    env = server_env(url, media)
    prepare_database(url, env)
    if "depth" in args.suites:
        print(f"\n{label}: latency by queue depth (others' queued requests), in-process")
        subprocess.run(
            [sys.executable, __file__, "--child-depth", str(args.rounds)],
            cwd=PROJECT_DIR,
            env=env,
            check=True,
        )
        prepare_database(url, env)
    if "load" not in args.suites and "paint" not in args.suites:
        return
    subprocess.run(
        [sys.executable, __file__, "--child-fill", str(LOAD_QUEUED)],
        cwd=PROJECT_DIR,
        env=env,
        check=True,
    )
    port, front_port = free_port(), free_port()
    env["CORS_ALLOWED_ORIGINS"] = f"http://127.0.0.1:{front_port}"
    print(f"{label}: database ready, starting gunicorn on port {port}", flush=True)
    server = start_gunicorn(env, port, args.workers, args.threads)
    base = f"http://127.0.0.1:{port}/api/v1"
    if "paint" in args.suites:
        try:
            measure_paint(f"http://127.0.0.1:{port}", front_port, label, rounds=9)
        finally:
            if "load" not in args.suites:
                stop(server)
        if "load" not in args.suites:
            return
    try:
        sessions = [login(base, i) for i in range(args.clients)]
        options = sessions[0].get(f"{base}/options/", timeout=30).json()
        stations = [
            s["block_no"]
            for p in options["prefectures"]
            for s in p["stations"]
            if s["page_type"] == "a1" and s["kind"] == "四"
        ]
        workers = f"gunicorn {args.workers} workers x {args.threads} threads"
        kinds = ["requests", "lean"] if args.client == "both" else [args.client]
        for kind in kinds:
            chosen = sessions if kind == "requests" else [lean(s) for s in sessions]
            for session in chosen:  # warm-up: connections, imports, caches
                session.get(f"{base}/requests/", timeout=30)
            clients = [Client(session, base, stations, i) for i, session in enumerate(chosen)]
            print(f"{label}: {len(clients)} clients ({kind}), {args.seconds:g} s a run", flush=True)
            until = time.monotonic() + args.seconds
            elapsed, cpu = timed(server, clients, lambda c, until=until: c.saturating(until))
            report(
                f"{label}: saturating (closed loop), {args.clients} clients ({kind}), {workers}",
                clients,
                elapsed,
            )
            print(cpu, flush=True)
        chosen = [lean(s) for s in sessions]
        for pace in args.pace:
            clients = [Client(s, base, stations, 1000 + i) for i, s in enumerate(chosen)]
            start = time.monotonic() + 0.5
            until = start + args.seconds
            elapsed, cpu = timed(
                server, clients, lambda c, s=start, u=until, p=pace: c.paced(s, u, p)
            )
            report(
                f"{label}: paced (open loop), {args.clients} clients (lean) x one call every "
                f"{pace:g} s = {args.clients / pace:g} calls/s offered, latency from "
                f"when each call was due, {workers}",
                clients,
                elapsed,
            )
            print(cpu, flush=True)
    finally:
        stop(server)
    # Same database, in one process: CPU per endpoint; both ways of rendering a page.
    subprocess.run(
        [sys.executable, __file__, "--child-cpu", str(args.cpu_calls)],
        cwd=PROJECT_DIR,
        env=env,
        check=True,
    )
    subprocess.run(
        [sys.executable, __file__, "--child-serializers"], cwd=PROJECT_DIR, env=env, check=True
    )


def _setup_django() -> None:
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", SECRET_KEY)
    setup_django()


def fill_queue(total: int) -> None:
    """Other users' queued requests, up to `total`: one station, 1-12 months each, stored in
    bulk; QueueLoad recounted as the migration does."""
    from django.db import connection, transaction

    from repository.models import FileRequest, FileRequestStation, Station, User
    from repository.queue import lifecycle

    crowd = User.objects.filter(email="crowd@example.jp").first() or User.objects.create_user(
        "crowd@example.jp", None
    )
    have = FileRequest.objects.filter(owner=crowd).count()
    stations = list(Station.objects.filter(is_active=True).values_list("pk", flat=True)[:500])
    rng = random.Random(total)
    while have < total:
        n = min(5_000, total - have)
        rows = []
        for _ in range(n):
            months, year = rng.randint(1, 12), rng.randint(1990, 2020)
            rows.append(
                FileRequest(
                    owner=crowd,
                    start_year=year,
                    start_month=1,
                    end_year=year,
                    end_month=months,
                    progress_total=months,
                    pages_to_fetch=months,
                )
            )
        with transaction.atomic():
            created = FileRequest.objects.bulk_create(rows)
            ids = [row.pk for row in created]
            if None in ids:
                ids = list(
                    FileRequest.objects.filter(owner=crowd)
                    .order_by("-id")
                    .values_list("id", flat=True)[:n]
                )
            FileRequestStation.objects.bulk_create(
                FileRequestStation(request_id=pk, station_id=rng.choice(stations), position=1)
                for pk in ids
            )
        have += n
    with transaction.atomic(), connection.cursor() as cursor:
        lifecycle.rebuild_queue_load(cursor)


def old_queue_scan() -> dict[int, int]:
    """The queue ahead as computed before issue 22 (application/estimates.py then): every
    queued or running request loaded, with its station count and cached months, on each
    estimate, detail and create. Kept here as the reference the new figure replaces."""
    from datetime import timedelta

    from django.conf import settings
    from django.db import connection
    from django.db.models import Count

    from common import clock
    from common.period import FIELDS, Period
    from repository.models import FileRequest, FileRequestStation, MonthlyObservation

    active = [FileRequest.Status.QUEUED, FileRequest.Status.RUNNING]
    totals = {
        r.pk: r.period.page_count
        for r in FileRequest.objects.filter(status__in=active).only(*FIELDS)
    }
    counts = dict(
        FileRequestStation.objects.filter(request_id__in=list(totals))
        .order_by()
        .values("request_id")
        .annotate(n=Count("id"))
        .values_list("request_id", "n")
    )
    remaining = {pk: months * counts.get(pk, 0) for pk, months in totals.items()}
    q = connection.ops.quote_name
    rs, req, mo = (
        q(FileRequestStation._meta.db_table),
        q(FileRequest._meta.db_table),
        q(MonthlyObservation._meta.db_table),
    )
    since = clock.now() - timedelta(seconds=settings.JMA_CURRENT_MONTH_TTL_S)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rs.request_id, COUNT(*) FROM {rs} rs JOIN {req} r ON r.id = rs.request_id "  # noqa: S608
            f"JOIN {mo} m ON m.station_id = rs.station_id WHERE r.status IN (%s, %s) "
            f"AND {Period.contains_sql('m.year', 'm.month', 'r')} "
            "AND (m.is_final = %s OR m.fetched_at >= %s) GROUP BY rs.request_id",
            [*active, True, connection.ops.adapt_datetimefield_value(since)],
        )
        for pk, cached in cursor.fetchall():
            remaining[pk] = max(0, remaining.get(pk, 0) - cached)
    return remaining


def measure_depths(rounds: int) -> None:
    """Median latency per endpoint at each queue depth, in this process (no HTTP server)."""
    import json as jsonlib

    _setup_django()
    from django.test import Client
    from rest_framework_simplejwt.tokens import RefreshToken

    from repository.models import User

    user = User.objects.filter(email="depth@example.jp").first() or User.objects.create_user(
        "depth@example.jp", None
    )
    token = RefreshToken.for_user(user).access_token
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")
    stations = amedas_stations()
    rng = random.Random(7)

    def post(url: str, body: dict):
        return client.post(url, jsonlib.dumps(body), content_type="application/json")

    mine = post("/api/v1/requests/", request_body(rng, stations)).json()["id"]
    calls = {
        "estimate": lambda: post("/api/v1/requests/estimate/", request_body(rng, stations)),
        "detail": lambda: client.get(f"/api/v1/requests/{mine}/"),
        "create": lambda: post("/api/v1/requests/", request_body(rng, stations)),
        "list": lambda: client.get("/api/v1/requests/"),
        "me": lambda: client.get("/api/v1/auth/me/"),
        "old": old_queue_scan,
    }
    table: dict[int, dict[str, float]] = {}
    print(f"  {'queued':>8}" + "".join(f"{NAMES[op]:>22}" for op in calls) + "   (median ms)")
    depths = (
        DEPTHS
        if not os.environ.get("BENCH_DEPTHS")
        else tuple(int(d) for d in os.environ["BENCH_DEPTHS"].split(","))
    )
    for depth in depths:
        fill_queue(depth)
        row = {}
        for op, call in calls.items():
            for _ in range(3):
                answer = call()
                assert op == "old" or answer.status_code < 300, op
            times = []
            for _ in range(rounds):
                started = time.perf_counter()
                call()
                times.append((time.perf_counter() - started) * 1000)
            row[op] = statistics.median(times)
        table[depth] = row
        print(f"  {depth:>8,}" + "".join(f"{row[op]:>22.2f}" for op in calls), flush=True)
    first = table[depths[0]]
    print(f"  ratio to {depths[0]} queued:")
    for depth in depths[1:]:
        print(f"  {depth:>8,}" + "".join(f"{table[depth][op] / first[op]:>22.2f}" for op in calls))
    print(f"  ratio to auth/me/ at {depths[-1]:,} queued:")
    last = table[depths[-1]]
    print(f"  {'':>8}" + "".join(f"{last[op] / last['me']:>22.2f}" for op in calls))


def compare_serializers(rounds: int = 50) -> None:
    """Building one page of 20 requests, queries and rendering, the two ways:
    flat selections + direct rendering (what the API does) vs prefetch_related of four
    model levels + DRF's generic nested serializers (the first version)."""
    # Settings refuse DEBUG off without a private key; as in production, with a throwaway one.
    _setup_django()
    from django.test import RequestFactory
    from rest_framework import serializers

    from application.requests import listing_of, views_of
    from presentation.serializers import FileRequestSerializer
    from repository.models import FileRequest, User

    user = User.objects.get(email="bench0@example.jp")
    context = {"request": RequestFactory(SERVER_NAME="127.0.0.1").get("/api/v1/requests/")}
    serializer = FileRequestSerializer(context=context)

    def used() -> list[dict]:
        page = views_of(listing_of(user)[0:20])
        return [serializer.to_representation(view) for view in page]

    def first_version() -> list[dict]:
        page = list(
            FileRequest.objects.filter(owner=user)
            .select_related("result")
            .order_by("-created_at", "-id")
            .prefetch_related("station_rows__station__prefecture", "item_rows__item")[:20]
        )
        return [serializers.ModelSerializer.to_representation(serializer, obj) for obj in page]

    assert used() == first_version(), "the two ways build different pages"
    for name, build in (("flat + direct (used)", used), ("prefetch + DRF nested", first_version)):
        started = time.perf_counter()
        for _ in range(rounds):
            build()
        per_page = (time.perf_counter() - started) / rounds * 1000
        print(f"  build a page of 20 requests, {name:<22}{per_page:>8.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "mysql", "both"], default="both")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--suite", choices=["depth", "load", "paint", "all"], default="all")
    parser.add_argument("--rounds", type=int, default=30, help="calls per endpoint and depth")
    parser.add_argument(
        "--pace",
        type=lambda text: [float(p) for p in text.split(",") if float(p) > 0],
        default=[0.5],
        help="load: after the saturating runs, paced ones where each client starts a call "
        "every PACE seconds; a comma-separated list is a sweep, e.g. 0.5,0.2,0.1 (20 clients: "
        "40, 100, 200 calls/s offered); 0: none",
    )
    parser.add_argument(
        "--client",
        choices=["lean", "requests", "both"],
        default="both",
        help="load: the saturating run's client: http.client kept alive (lean, little CPU), "
        "the requests library, or both one after the other",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="gunicorn threads per worker (more than 1: gthread workers, keep-alive, as "
        "config/deploy/gunicorn.service has 3 x 2)",
    )
    parser.add_argument(
        "--cpu-calls", type=int, default=100, help="load: calls per endpoint for CPU per call"
    )
    parser.add_argument("--child-cpu", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--child-serializers", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child-depth", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--child-fill", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.suites = {"depth", "load", "paint"} if args.suite == "all" else {args.suite}
    if args.child_serializers:
        compare_serializers()
        return
    if args.child_cpu:
        _setup_django()
        measure_cpu(args.child_cpu, "bench0@example.jp", PASSWORD)
        return
    if args.child_depth:
        measure_depths(args.child_depth)
        return
    if args.child_fill:
        _setup_django()
        fill_queue(args.child_fill)
        return
    for url in [URLS["sqlite"], URLS["mysql"]] if args.db == "both" else [URLS[args.db]]:
        run_one(url, args)


if __name__ == "__main__":
    main()
