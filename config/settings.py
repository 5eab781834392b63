"""Settings from the environment (12-factor).

With DEBUG=1 and nothing else this is a working local setup: SQLite under var/, files under
media/, mail printed to the console. DEBUG is off by default (production); production sets
the variables listed in docs/operations.md ("Environment variables").
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url
from corsheaders.defaults import default_headers as cors_default_headers
from django.core.exceptions import ImproperlyConfigured

# Every variable is read through these: typed, checked, one clear error for a bad value.
from config.env import (
    env_bool,
    env_choice,
    env_float,  # noqa: F401 (part of the set: for settings added later)
    env_int,
    env_list,
    env_rate,
    env_seconds,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent


# Off unless asked for: a production host that forgets the variable must not show the debug
# page (it prints settings) nor sign with the public development key. scripts/run.sh and the
# tests (pyproject.toml, pytest-env) turn it on explicitly.
DEBUG = env_bool("DEBUG", False)

# Public (it is in this file): only ever acceptable with DEBUG on.
DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"
SECRET_KEY = env_str("SECRET_KEY")
if not DEBUG and SECRET_KEY in ("", DEV_SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a private value when DEBUG is off "
        "(DEBUG=1 for local development)"
    )
SECRET_KEY = SECRET_KEY or DEV_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",  # used refresh tokens, ended sessions
    "drf_spectacular",
    "drf_spectacular_sidecar",  # the docs page's JS/CSS served by us, not a CDN
    "corsheaders",
    "axes",  # login lockout for the admin and the token endpoint
    "repository",
    "batch",
    "presentation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files (admin, API docs) straight from gunicorn; nginx may serve them instead.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # JSON answers of the API compressed, except those carrying secrets (BREACH; see there).
    "presentation.compression.ApiGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------

VAR_DIR = BASE_DIR / "var"
DEFAULT_SQLITE_PATH = VAR_DIR / "db.sqlite3"


def database_from_url(url: str) -> dict:
    """Parse DATABASE_URL and add what the queue needs from each backend."""
    config = dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 0, unit="seconds"))
    engine = config["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        name = Path(config["NAME"])
        if str(name) != ":memory:":
            name.parent.mkdir(parents=True, exist_ok=True)
            config["NAME"] = str(name)
            # Tests run real subprocesses (daemons, gunicorn) that must see the same file.
            config["TEST"] = {"NAME": str(name.with_name("test_" + name.name))}
        config["OPTIONS"] = {
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            # atomic() takes the write lock at BEGIN and waits for it (up to timeout); a
            # deferred BEGIN that later writes fails at once with "database is locked" when
            # another thread or process wrote in between (the batch runs many writers).
            "transaction_mode": "IMMEDIATE",
        }
    elif engine == "django.db.backends.mysql":
        config["OPTIONS"] = {
            "charset": "utf8mb4",
            "init_command": "SET sql_mode='STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION'",
            # READ COMMITTED keeps SKIP LOCKED claims from taking gap locks on the queue.
            "isolation_level": "read committed",
        }
        config["TEST"] = {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"}
    return config


DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE_PATH}")
DATABASES = {"default": database_from_url(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "repository.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out client before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "presentation.auth_backend.EmailModelBackend",  # ModelBackend, address normalized
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time ----------------------------------------------------------------------

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English")]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True
# Our own API messages in Japanese (locale/ja, compiled .mo committed); Accept-Language picks.
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static and media files -----------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "media/"

STORAGE_BACKEND = env_choice("STORAGE_BACKEND", "local", ("local", "s3"))
if STORAGE_BACKEND == "s3":
    if not env_str("S3_BUCKET"):
        raise ImproperlyConfigured("STORAGE_BACKEND=s3 needs S3_BUCKET (an existing bucket)")
    _results_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("S3_BUCKET"),
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "region_name": env_str("S3_REGION") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("S3_SECRET_ACCESS_KEY") or None,
            "location": env_str("S3_PREFIX", "results"),
            "file_overwrite": True,
            "default_acl": None,
            # "path" for MinIO/Ceph/moto behind one host name; None lets boto3 choose.
            "addressing_style": env_str("S3_ADDRESSING_STYLE") or None,
        },
    }
else:
    _results_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT / "results")},
    }
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "results": _results_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Email ----------------------------------------------------------------------------------


def email_from_url(url: str) -> dict[str, object]:
    """smtp://user:pass@host:port?tls=1 | smtps://... | console: | locmem: | file:///path."""
    parsed = urlparse(url)
    query = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
    scheme = parsed.scheme.lower()
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme == "file":
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": parsed.path,
        }
    if scheme not in {"smtp", "smtps"}:
        raise ImproperlyConfigured(f"EMAIL_URL scheme {scheme!r} is not supported")
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parsed.hostname or "localhost",
        "EMAIL_PORT": parsed.port or (465 if scheme == "smtps" else 25),
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_SSL": scheme == "smtps",
        "EMAIL_USE_TLS": query.get("tls", "") in {"1", "true", "yes"},
    }


_email = email_from_url(env_str("EMAIL_URL", "console:"))
EMAIL_BACKEND = str(_email["EMAIL_BACKEND"])
EMAIL_HOST = str(_email.get("EMAIL_HOST", "localhost"))
EMAIL_PORT = int(_email.get("EMAIL_PORT", 25))  # type: ignore[arg-type]
EMAIL_HOST_USER = str(_email.get("EMAIL_HOST_USER", ""))
EMAIL_HOST_PASSWORD = str(_email.get("EMAIL_HOST_PASSWORD", ""))
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS", False))
EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL", False))
EMAIL_FILE_PATH = str(_email.get("EMAIL_FILE_PATH", VAR_DIR / "mail"))
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, unit="seconds", minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "JMA Weather Workbook <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- The product ----------------------------------------------------------------------------

SERVICE_NAME = env_str("SERVICE_NAME", "JMA Weather Workbook")
SERVICE_CONTACT = env_str("SERVICE_CONTACT", "operator@localhost")
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# The web front end (frontend/, its own origin): mailed account links (verification,
# password reset) point there.
FRONTEND_BASE_URL = env_str("FRONTEND_BASE_URL", "http://127.0.0.1:8080").rstrip("/")
# How long a mailed password-reset link works (Django's token generator reads this).
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT_S", 3 * 3600, unit="seconds", minimum=1)
# Requests (and the catalog) need a verified address; on in production, off in the local
# demo and the tests (where DEBUG is on) unless set.
REQUIRE_VERIFIED_EMAIL = env_bool("REQUIRE_VERIFIED_EMAIL", not DEBUG)

JMA_BASE_URL = env_str("JMA_BASE_URL", "https://www.data.jma.go.jp").rstrip("/")
JMA_MIN_INTERVAL_S = env_seconds("JMA_MIN_INTERVAL_S", 3.0)
JMA_CONNECT_TIMEOUT_S = env_seconds("JMA_CONNECT_TIMEOUT_S", 5.0, above=0)
JMA_READ_TIMEOUT_S = env_seconds("JMA_READ_TIMEOUT_S", 30.0, above=0)
JMA_MAX_RETRIES = env_int("JMA_MAX_RETRIES", 4)
JMA_BACKOFF_BASE_S = env_seconds("JMA_BACKOFF_BASE_S", 2.0)
JMA_CURRENT_MONTH_TTL_S = env_int("JMA_CURRENT_MONTH_TTL_S", 3 * 3600, unit="seconds")
JMA_FINAL_AFTER_DAYS = env_int("JMA_FINAL_AFTER_DAYS", 5, unit="days")
# How long a month being fetched stays leased to one process (plus its wait for a slot).
JMA_MONTH_LEASE_S = env_seconds("JMA_MONTH_LEASE_S", 90.0, above=0)
JMA_USER_AGENT = env_str(
    "JMA_USER_AGENT",
    f"{SERVICE_NAME}/0.1 (historical daily data export; contact: {SERVICE_CONTACT})",
)

FILE_RETENTION_DAYS = env_int("FILE_RETENTION_DAYS", 14, unit="days", minimum=1)
MAX_STATION_MONTHS = env_int("MAX_STATION_MONTHS", 12_000, minimum=1)
MAX_ACTIVE_REQUESTS_PER_USER = env_int("MAX_ACTIVE_REQUESTS_PER_USER", 10, minimum=1)
EARLIEST_YEAR = env_int("EARLIEST_YEAR", 1872, minimum=1)

BATCH_MAX_RUNNING_PER_USER = env_int("BATCH_MAX_RUNNING_PER_USER", 3, minimum=1)
BATCH_LEASE_SECONDS = env_int("BATCH_LEASE_SECONDS", 120, unit="seconds", minimum=1)
BATCH_POLL_INTERVAL_S = env_seconds("BATCH_POLL_INTERVAL_S", 2.0, above=0)
BATCH_MAX_ATTEMPTS = env_int("BATCH_MAX_ATTEMPTS", 5, minimum=1)
BATCH_RETRY_BASE_S = env_int("BATCH_RETRY_BASE_S", 60, unit="seconds")
BATCH_SHUTDOWN_GRACE_S = env_int("BATCH_SHUTDOWN_GRACE_S", 30, unit="seconds")
# While another owner waits, a job gives way after this much new work (batch.dao.fairness);
# at once when the waiting request needs no JMA page.
BATCH_FAIR_SLICE_S = env_seconds("BATCH_FAIR_SLICE_S", 60.0, above=0)
# A daemon whose heartbeat (once a poll) is older than this is dead: its claims are taken
# back without waiting for their leases (batch.dao.reaper.reap_dead_workers).
BATCH_WORKER_DEAD_S = env_seconds("BATCH_WORKER_DEAD_S", 20.0, above=0)
MAIL_MAX_ATTEMPTS = env_int("MAIL_MAX_ATTEMPTS", 8, minimum=1)
MAIL_RETRY_BASE_S = env_int("MAIL_RETRY_BASE_S", 30, unit="seconds")
# GET /api/v1/health/ counts a worker alive while its heartbeat is younger than this.
HEALTH_WORKER_STALE_S = env_int("HEALTH_WORKER_STALE_S", 60, unit="seconds", minimum=1)
# A monitor sending this in X-Health-Token gets health/'s details (staff always do); empty:
# only staff.
HEALTH_TOKEN = env_str("HEALTH_TOKEN")

# Fernet keys for the emailed download links, newest first (MultiFernet rotation).
DOWNLOAD_TOKEN_KEYS = env_list("DOWNLOAD_TOKEN_KEYS")
DOWNLOAD_TOKEN_TTL_S = env_int(
    "DOWNLOAD_TOKEN_TTL_S", FILE_RETENTION_DAYS * 24 * 3600, unit="seconds", minimum=1
)

# --- API ------------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "presentation.tokens.SessionJWTAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["presentation.permissions.IsVerifiedUser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "presentation.errors.api_exception_handler",
    "DEFAULT_PARSER_CLASSES": ["presentation.parsers.BoundedJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_THROTTLE_RATES": {
        "auth": env_rate("THROTTLE_AUTH", "20/min"),
        "create": env_rate("THROTTLE_CREATE", "30/min"),
        "password_reset": env_rate("THROTTLE_PASSWORD_RESET", "5/hour"),
    },
}

# Request bodies: the largest valid request (2,000 stations) is about 20 KB of JSON. The API's
# JSON parser enforces this too (DRF reads the stream past Django's own check).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int(
    "DATA_UPLOAD_MAX_MEMORY_SIZE", 256 * 1024, unit="bytes", minimum=1
)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("DATA_UPLOAD_MAX_NUMBER_FIELDS", 1000, minimum=1)

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(
        minutes=env_int("JWT_ACCESS_MINUTES", 30, unit="minutes", minimum=1)
    ),
    "REFRESH_TOKEN_LIFETIME": timedelta(
        days=env_int("JWT_REFRESH_DAYS", 7, unit="days", minimum=1)
    ),
    "AUTH_HEADER_TYPES": ("Bearer",),
    # Tokens carry a digest of the password hash: a saved password change ends them all
    # (presentation/tokens.py applies the same check on refresh and verify).
    "CHECK_REVOKE_TOKEN": True,
    # A refresh token works once; log-out ends the session (presentation/tokens.py).
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "JMA Weather Workbook API",
    "DESCRIPTION": "Queue requests for JMA daily observations and download them as Excel.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# The front end's origin may call the API (scripts/run.sh sets this to it).
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_HEADERS = (*cors_default_headers, "accept-language", "idempotency-key")
# Readable by the front end: the download's file name and the idempotent-replay marker.
CORS_EXPOSE_HEADERS = ["Content-Disposition", "Location", "Idempotent-Replayed"]

# --- Cache: the options' master data ---------------------------------------------------------

# One copy for every gunicorn worker and host, so the default is the database (table
# jma_cache, made by migration 0007): the options read master data once a minute, not once a
# worker. The throttles' logs are not here but in their own table (repository/rate_limits.py,
# issue 22): each write of this cache counts the whole table to decide on culling, and past
# MAX_ENTRIES culling deleted live entries too.
CACHE_TABLE = "jma_cache"


def cache_from_url(url: str) -> dict:
    """db: (the database, default) | locmem: (one process only: tests, a single worker)."""
    scheme = urlparse(url).scheme.lower() or url.rstrip(":").lower()
    if scheme == "db":
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    raise ImproperlyConfigured(f"CACHE_URL must be 'db:' or 'locmem:', not {url!r}")


CACHES = {"default": cache_from_url(env_str("CACHE_URL", "db:"))}

# --- Client addresses and login lockout ----------------------------------------------------

# How many reverse proxies of ours append to X-Forwarded-For in front of gunicorn (nginx: 1).
# 0 ignores the header (REMOTE_ADDR). Used by the throttles and the lockout (common.client_ip).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# django-axes: after AXES_FAILURE_LIMIT failed logins for one address from one client (admin
# or POST auth/token/), that pair is refused for AXES_COOLOFF_MINUTES; a success resets it.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(
    minutes=env_int("AXES_COOLOFF_MINUTES", 15, unit="minutes", minimum=1)
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "common.client_ip.client_ip"
AXES_USERNAME_CALLABLE = "presentation.lockout.username_of"
AXES_LOCKOUT_CALLABLE = "presentation.lockout.locked_out_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False  # presentation/admin.py registers the pages (no SQL date navigation)

# --- Security (production) ------------------------------------------------------------------

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, unit="seconds")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_CONTENT_TYPE_NOSNIFF = True

# --- Logging: one line per event on stdout --------------------------------------------------

LOG_LEVEL = env_choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {
            "()": "common.logging.OneLineFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s",
        }
    },
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "line"}},
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "urllib3": {"level": "WARNING"},
    },
}
