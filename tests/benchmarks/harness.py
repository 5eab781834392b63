"""What the benchmark scripts share: each its own database (a SQLite file under var/, a MariaDB
database), one process per database (Django reads its settings once a process), Django set up,
migrated and seeded, a free loopback port, and gunicorn started and stopped.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse

PROJECT_DIR = Path(__file__).resolve().parents[2]
# Settings refuse DEBUG off without a private key; as in production, with a throwaway one.
SECRET_KEY = "benchmark-only-key-not-a-secret-0123456789abcdef"


def database_urls(name: str) -> dict[str, str]:
    """{"sqlite": var/<name>.sqlite3, "mysql": BENCH_MYSQL_URL or MariaDB's <name>}."""
    return {
        "sqlite": f"sqlite:///{PROJECT_DIR / 'var' / f'{name}.sqlite3'}",
        "mysql": os.environ.get("BENCH_MYSQL_URL", f"mysql://root@127.0.0.1:3306/{name}"),
    }


def per_database(choice: str, urls: dict[str, str], run_here: Callable[[], None]) -> None:
    """In a child: run_here(). Else run this script again, as a child, for each database of
    `choice` ("sqlite", "mysql" or "both")."""
    if os.environ.get("BENCH_CHILD"):
        run_here()
        return
    chosen = [urls["sqlite"], urls["mysql"]] if choice == "both" else [urls[choice]]
    for url in chosen:
        subprocess.run(
            [sys.executable, sys.argv[0], *sys.argv[1:]],
            env={**os.environ, "BENCH_CHILD": "1", "DATABASE_URL": url},
            check=True,
            cwd=PROJECT_DIR,
        )


def create_database(url: str, *, fresh: bool = False) -> None:
    """The MariaDB database of `url` created (dropped first when fresh), or var/ for a SQLite
    file (its files removed when fresh)."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import MySQLdb

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"bad database name {name!r}")
    conn = MySQLdb.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 3306,
        user=parts.username or "root",
        passwd=parts.password or "",
    )
    cursor = conn.cursor()
    if fresh:
        cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
    cursor.execute(
        f"CREATE DATABASE IF NOT EXISTS `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
    )
    conn.close()


def setup_django(env: dict[str, str] | None = None) -> None:
    """Django set up on config.settings, after `env` is put in the environment."""
    os.environ.update(env or {})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if str(PROJECT_DIR) not in sys.path:
        sys.path.insert(0, str(PROJECT_DIR))
    import django

    django.setup()


def migrate_and_seed() -> None:
    """The schema and the master data (prefectures, stations, items), as a deployment has."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_master", verbosity=0)


def prepare(url: str, env: dict[str, str] | None = None) -> None:
    """The benchmark's database of `url` created, Django set up on it, migrated and seeded."""
    create_database(url)
    setup_django(env)
    migrate_and_seed()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(
    env: dict[str, str], port: int, workers: int, threads: int = 1
) -> subprocess.Popen:
    """The API under gunicorn on 127.0.0.1:port, once it answers its health check; with
    threads > 1 gthread workers (keep-alive), as config/deploy/gunicorn.service runs it."""
    import requests

    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
            "--timeout",
            "60",
        ],
        cwd=PROJECT_DIR,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/api/v1/health/", timeout=10)
            return process
        except requests.RequestException:
            time.sleep(0.2)
    stop(process)
    raise SystemExit("gunicorn did not answer within 60 s")


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its children that are still
    running (gunicorn's arbiter and its workers)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            stat = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += (int(stat[11]) + int(stat[12])) / ticks
        pids.extend(int(child) for child in children)
    return total


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def setup_local_django(default_url: str) -> None:
    """Django in this process on DATABASE_URL (default_url when unset), as in production:
    DEBUG off (with it on, Django keeps every SQL query), a throwaway key, warnings only."""
    os.environ.setdefault("DATABASE_URL", default_url)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", SECRET_KEY)
    setup_django()


def peak_rss_mb() -> float:
    """This process's high-water resident memory (VmHWM; ru_maxrss survives exec on Linux)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(script: str, args: list[str], what: str) -> dict:
    """Run `script` again with `args` in a fresh process (its own memory high-water mark) and
    return the JSON object its last line prints."""
    proc = subprocess.run(
        [sys.executable, script, *args],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{what} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])
