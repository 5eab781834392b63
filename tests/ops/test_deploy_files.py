"""config/deploy/: the files an operator copies must be valid and agree with the code."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import get_commands

PROJECT_DIR = Path(__file__).resolve().parents[2]
DEPLOY = PROJECT_DIR / "config" / "deploy"
SECRETS = ("SECRET_KEY", "DOWNLOAD_TOKEN_KEYS", "DATABASE_URL", "EMAIL_URL")


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines as systemd's EnvironmentFile reads them (comments, quotes)."""
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition("=")
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        values[key.strip()] = value
    return values


def test_env_example_holds_no_secrets() -> None:
    env = read_env_file(DEPLOY / "jma.env.example")
    for name in SECRETS:
        assert env[name] == "", f"{name} must be empty in the example"
    assert not any(key.startswith(("S3_SECRET", "S3_ACCESS")) for key in env)  # commented out
    assert env["DEBUG"] == "0"


def test_env_example_reads_the_same_in_a_shell(tmp_path: Path) -> None:
    """docs/operations.md says `set -a; . jma.env`: the shell must not choke on it or read it
    differently."""
    script = f"set -a; . {DEPLOY / 'jma.env.example'}; set +a; env -0"
    done = subprocess.run(
        ["bash", "-c", script], env={}, capture_output=True, timeout=30, check=True
    )
    shell = dict(item.split("=", 1) for item in done.stdout.decode().split("\0") if "=" in item)
    for key, value in read_env_file(DEPLOY / "jma.env.example").items():
        assert shell[key] == value, key


def test_production_settings_from_the_example_pass_check_deploy(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "ALLOWED_HOSTS"}}
    env.update(read_env_file(DEPLOY / "jma.env.example"))
    env.update(
        SECRET_KEY="k" * 20 + Fernet.generate_key().decode(),
        DOWNLOAD_TOKEN_KEYS=Fernet.generate_key().decode(),
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        EMAIL_URL="smtp://user:password@127.0.0.1:587?tls=1",
        MEDIA_ROOT=str(tmp_path / "media"),
        STATIC_ROOT=str(tmp_path / "static"),
    )
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def unit_text(name: str) -> str:
    return (DEPLOY / name).read_text()


def test_units_run_commands_that_exist() -> None:
    commands = get_commands()
    units = ("jma-batch@.service", "jma-purge.service", "jma-canary.service")
    for unit in (*units, "jma-prefetch.service"):
        for command in re.findall(r"manage\.py (\w+)", unit_text(unit)):
            assert command in commands, f"{unit} runs unknown command {command}"
    assert "config.wsgi:application" in unit_text("gunicorn.service")
    assert (PROJECT_DIR / "config" / "wsgi.py").exists()


def test_variables_the_units_use_have_defaults() -> None:
    """A ${VAR} in ExecStart that nothing defines would start gunicorn with an empty option."""
    example = read_env_file(DEPLOY / "jma.env.example")
    for unit in ("gunicorn.service", "jma-batch@.service"):
        text = unit_text(unit)
        defaults = {
            pair.split("=", 1)[0]
            for line in re.findall(r"^Environment=(.*)$", text, re.M)
            for pair in line.split()
        }
        for var in re.findall(r"\$\{(\w+)\}", text):
            assert var in defaults, f"{unit}: ${{{var}}} has no Environment= default"
            assert var in example, f"{unit}: ${{{var}}} is not documented in jma.env.example"


def test_batch_stop_timeout_leaves_room_for_the_grace_period() -> None:
    from django.conf import settings

    stop = int(re.search(r"^TimeoutStopSec=(\d+)", unit_text("jma-batch@.service"), re.M)[1])
    assert stop > settings.BATCH_SHUTDOWN_GRACE_S + 10


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze missing")
def test_systemd_units_verify(tmp_path: Path) -> None:
    """systemd's own parser, with the paths pointed at this checkout."""
    venv = Path(sys.executable).parent.parent
    names = {
        "gunicorn.service": "gunicorn.service",
        "jma-batch@.service": "jma-batch@1.service",
        "jma-batch.target": "jma-batch.target",
        "jma-purge.service": "jma-purge.service",
        "jma-purge.timer": "jma-purge.timer",
        "jma-canary.service": "jma-canary.service",
        "jma-canary.timer": "jma-canary.timer",
        "jma-prefetch.service": "jma-prefetch.service",
        "jma-prefetch.timer": "jma-prefetch.timer",
    }
    for source, target in names.items():
        text = unit_text(source).replace("/srv/jma-weather/.venv", str(venv))
        text = text.replace("/srv/jma-weather", str(PROJECT_DIR))
        (tmp_path / target).write_text(text)
    done = subprocess.run(
        ["systemd-analyze", "verify", *[str(tmp_path / t) for t in names.values()]],
        capture_output=True,
        text=True,
        timeout=60,
    )
    problems = [
        line
        for line in (done.stdout + done.stderr).splitlines()
        # A container without a running systemd may not know these; they are not our files.
        if line.strip() and "mariadb.service" not in line and "mysql.service" not in line
    ]
    assert done.returncode == 0 and problems == [], "\n".join(problems)


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed here")
@pytest.mark.parametrize(
    ("name", "host"),
    [
        ("nginx-site.conf", "weather.example.org"),
        ("nginx-frontend.conf", "app.weather.example.org"),
    ],
)
def test_nginx_site_parses(tmp_path: Path, name: str, host: str) -> None:
    """nginx -t on the site with a throwaway certificate in place of the real one."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=weather.example.org", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    site = unit_text(name)
    site = site.replace(f"/etc/letsencrypt/live/{host}/fullchain.pem", str(cert))
    site = site.replace(f"/etc/letsencrypt/live/{host}/privkey.pem", str(key))
    site = site.replace("/var/log/nginx/", f"{tmp_path}/")
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{ include /etc/nginx/mime.types; include {tmp_path}/site.conf; }}\n"
    )
    done = subprocess.run(
        ["nginx", "-t", "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


def test_canary_timer_runs_the_canary_daily() -> None:
    timer, service = unit_text("jma-canary.timer"), unit_text("jma-canary.service")
    assert re.search(r"^OnCalendar=\*-\*-\* \d\d:\d\d:00$", timer, re.M)
    assert "Persistent=true" in timer and "WantedBy=timers.target" in timer
    assert "manage.py jma_canary" in service and "Type=oneshot" in service


def test_prefetch_unit_runs_a_valid_command_line() -> None:
    """The exact arguments of ExecStart parse (a typo would otherwise show once a month)."""
    from batch.management.commands.jma_prefetch import Command

    line = re.search(r"manage\.py (jma_prefetch .*)$", unit_text("jma-prefetch.service"), re.M)[1]
    parser = Command().create_parser("manage.py", "jma_prefetch")
    options = vars(parser.parse_args(line.split()[1:]))
    assert options["all_stations"] and options["last_month"] and not options["stations"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze missing")
def test_prefetch_timer_fires_on_the_7th_japan_time() -> None:
    """systemd's own calendar parser: monthly, after the last month became final."""
    spec = re.search(r"^OnCalendar=(.*)$", unit_text("jma-prefetch.timer"), re.M)[1]
    done = subprocess.run(
        ["systemd-analyze", "calendar", "--iterations=2", spec],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    assert "Normalized form: *-*-07 04:00:00 Asia/Tokyo" in done.stdout


def test_the_cache_is_shared_by_every_worker() -> None:
    """The options' master data is cached once for every worker (issue 22); the throttles'
    logs, once in this cache (issue 23, finding 6), have their own table since."""
    from config.settings import cache_from_url

    env = read_env_file(DEPLOY / "jma.env.example")
    backend = cache_from_url(env["CACHE_URL"])["BACKEND"]
    assert backend == "django.core.cache.backends.db.DatabaseCache"
    assert int(env["GUNICORN_WORKERS"]) > 1


def unit_sections(name: str) -> dict[str, dict[str, str]]:
    """[Section] -> {key: value} of a unit file (continuation lines joined)."""
    sections: dict[str, dict[str, str]] = {}
    current: dict[str, str] = {}
    text = re.sub(r"\\\n\s*", " ", unit_text(name))
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
        elif line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            current[key.strip()] = value.strip()
    return sections


@pytest.mark.parametrize("unit", ["jma-batch@.service", "gunicorn.service"])
def test_a_crashed_daemon_is_restarted_within_limits(unit: str) -> None:
    """Issue 23: a daemon died of SIGABRT; systemd must start it again (killed by a signal
    counts as a failure), but a unit that crashes at once on every start must end up failed
    (and alert) rather than restart forever."""
    sections = unit_sections(unit)
    service, unit_section = sections["Service"], sections["Unit"]
    assert service["Restart"] in {"on-failure", "always"}
    restart_s = int(service["RestartSec"])
    assert restart_s >= 1
    # Rate limits belong to [Unit] (systemd ignores them in [Service] on current versions).
    assert "StartLimitBurst" not in service and "StartLimitIntervalSec" not in service
    burst, interval = (
        int(unit_section["StartLimitBurst"]),
        int(unit_section["StartLimitIntervalSec"]),
    )
    assert burst >= 5, "a few crashes in a row must not stop the service"
    assert burst * restart_s < interval, "a crash loop must reach the limit"
