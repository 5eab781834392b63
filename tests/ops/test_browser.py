"""What operators see in a real browser: headless Chromium against a real gunicorn.

Admin login, the request queue with its filters and the retry action, and the API docs page
(Redoc, drawn by JavaScript from our own static files). The browser may reach only 127.0.0.1:
any other request (fonts, CDNs) is refused by the test and must not break the pages.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest

from repository.models import FileRequest, RequestEvent, User
from tests.batch.conftest import make_request, subprocess_database_url
from tests.conftest import find_free_port
from tests.ops.conftest import stop_process, wait_for_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PROJECT_DIR = Path(__file__).resolve().parents[2]
ADMIN_EMAIL = "ops@example.com"
ADMIN_PASSWORD = "browser-test-admin-pw-1"  # noqa: S105 - a throwaway account in the test DB

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM),
        reason=f"{CHROMIUM} is missing (apt-get install chromium; scripts/setup.sh --dev does)",
    ),
]


@dataclass
class Site:
    base: str
    log: Path


@pytest.fixture(scope="module")
def server(django_db_setup, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """gunicorn with production settings (DEBUG off, static files collected, whitenoise).

    One per module: it reads the test database, which each test fills (transactional_db).
    """
    tmp_path = tmp_path_factory.mktemp("site")
    port = find_free_port()
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "browser-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": subprocess_database_url(),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "PYTHONUNBUFFERED": "1",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=PROJECT_DIR,
        env=env,
        check=True,
        timeout=120,
    )
    log = tmp_path / "gunicorn.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--no-control-socket",
            ],
            cwd=PROJECT_DIR,
            env=env,
            stdout=out,
            stderr=out,
        )
    try:
        wait_for_port(port, process, "gunicorn")
        yield Site(f"http://127.0.0.1:{port}", log)
    finally:
        stop_process(process)


@pytest.fixture
def site(server: Site, transactional_db) -> Site:
    return server


@pytest.fixture(scope="module")
def browser(server: Site):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread while it runs, and Django then
    # refuses ORM calls (test data, flushes). Everything here is still strictly sequential.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, site: Site):
    context = browser.new_context(locale="en-US")
    context.set_default_timeout(30_000)
    # Loopback only: anything else (web fonts, CDNs) is refused, as it would be offline.
    context.route(re.compile(r"^(?!https?://127\.0\.0\.1[:/]).*"), lambda route: route.abort())
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors  # type: ignore[attr-defined]
    try:
        yield page
    finally:
        context.close()


def log_in(page, site: Site) -> None:
    User.objects.create_superuser(ADMIN_EMAIL, ADMIN_PASSWORD, name="Operator")
    page.goto(f"{site.base}/admin/")
    assert urlparse(page.url).path == "/admin/login/"
    page.fill("input[name=username]", ADMIN_EMAIL)
    page.fill("input[name=password]", ADMIN_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")
    assert urlparse(page.url).path == "/admin/"


def test_admin_login_and_static_files(page, site: Site) -> None:
    log_in(page, site)
    assert "Site administration" in page.inner_text("#content h1")
    # The admin's stylesheet came from gunicorn (whitenoise), not a 404.
    css = page.request.get(f"{site.base}/static/admin/css/base.css")
    assert css.status == 200 and "text/css" in css.headers["content-type"]
    assert page.js_errors == []


def test_wrong_password_is_refused(page, site: Site) -> None:
    User.objects.create_superuser(ADMIN_EMAIL, ADMIN_PASSWORD)
    page.goto(f"{site.base}/admin/login/")
    page.fill("input[name=username]", ADMIN_EMAIL)
    page.fill("input[name=password]", "not-the-password")
    page.click("input[type=submit]")
    page.wait_for_selector(".errornote")
    assert urlparse(page.url).path == "/admin/login/"


def test_request_list_filters_and_retry_action(page, site: Site, master_data) -> None:
    owner = User.objects.create_user("researcher@example.com", "researcher-pw-123")
    failed = make_request(owner, start=(2020, 1))
    FileRequest.objects.filter(pk=failed.pk).update(
        status=FileRequest.Status.FAILED,
        attempts=5,
        error_code="jma_unavailable",
        error_message="JMA answered 503 for 47662 2020-01 after 4 retries",
    )
    done = make_request(owner, start=(2020, 2))
    FileRequest.objects.filter(pk=done.pk).update(status=FileRequest.Status.SUCCEEDED)
    queued = make_request(owner, start=(2020, 3))

    log_in(page, site)
    page.goto(f"{site.base}/admin/repository/filerequest/")
    assert rows_shown(page) == {failed.pk, done.pk, queued.pk}

    # The status filter in the sidebar narrows the list to failed requests.
    page.click("#changelist-filter a[href*='status__exact=failed']")
    page.wait_for_url(re.compile(r"status__exact=failed"))
    assert rows_shown(page) == {failed.pk}

    # Retry it with the admin action.
    page.check(f"input.action-select[value='{failed.pk}']")
    select = page.locator("select[name=action]")
    retry_value = next(
        option.get_attribute("value")
        for option in select.locator("option").all()
        if "retry" in (option.inner_text() + (option.get_attribute("value") or "")).lower()
    )
    select.select_option(retry_value)
    page.click("button[name=index]")
    message = page.wait_for_selector("ul.messagelist li.success").inner_text()
    assert "1 request(s)" in message, message

    failed.refresh_from_db()
    assert failed.status == FileRequest.Status.QUEUED
    assert failed.error_code == ""
    assert RequestEvent.objects.filter(request=failed, kind=RequestEvent.Kind.RETRIED).exists()
    # The list shows it among the queued ones now.
    page.goto(f"{site.base}/admin/repository/filerequest/?status__exact=queued")
    assert rows_shown(page) == {failed.pk, queued.pk}
    assert page.js_errors == []


def rows_shown(page) -> set[int]:
    assert page.locator("#changelist").count() == 1, page.inner_text("body")[:500]
    return {
        int(value)
        for value in page.locator("#result_list input.action-select").evaluate_all(
            "boxes => boxes.map(b => b.value)"
        )
    }


def test_api_docs_page_renders(page, site: Site) -> None:
    page.goto(f"{site.base}/api/docs/")
    # Redoc draws the page from /api/schema/ with our own copy of its script.
    heading = page.wait_for_selector("h1:has-text('JMA Weather Workbook API')")
    assert heading is not None
    page.wait_for_selector("text=/api/v1/requests/")
    body = page.inner_text("body")
    assert "/api/v1/auth/token/" in body
    assert "/api/v1/health/" in body
    assert page.js_errors == []


@pytest.mark.parametrize("path", ["/api/docs/", "/api/docs/swagger/"])
def test_api_docs_pages_ask_nothing_from_outside(browser, site: Site, path: str) -> None:
    """Issue 18: Redoc's page asked Google for its fonts (offline: slow, with errors). Every
    file a docs page loads comes from this server."""
    context = browser.new_context(locale="en-US")
    outside: list[str] = []

    def refuse(route) -> None:
        outside.append(route.request.url)
        route.abort()

    context.route(re.compile(r"^(?!https?://127\.0\.0\.1[:/]).*"), refuse)
    try:
        page = context.new_page()
        failed: list[str] = []
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.goto(f"{site.base}{path}", wait_until="networkidle")
        page.wait_for_selector("text=JMA Weather Workbook API")
        assert outside == []
        assert failed == []
    finally:
        context.close()


@pytest.mark.parametrize(
    ("locale", "title", "button"),
    [
        ("ja-JP", "このダウンロードリンクは使えません", "依頼一覧を開く"),
        ("en-US", "This download link does not work", "Open your requests"),
    ],
)
def test_a_broken_mailed_link_is_a_page_in_the_browsers_language(
    browser, site: Site, locale: str, title: str, button: str
) -> None:
    """Issue 18: it was DRF's browsable page with the raw JSON `link_invalid`."""
    context = browser.new_context(locale=locale)
    context.route(re.compile(r"^(?!https?://127\.0\.0\.1[:/]).*"), lambda route: route.abort())
    try:
        page = context.new_page()
        response = page.goto(f"{site.base}/api/v1/downloads/not-a-real-token/")
        assert response is not None and response.status == 404
        assert page.inner_text("h1") == title
        assert (
            page.locator(f"a.button:text-is('{button}')")
            .get_attribute("href")
            .endswith("/#/requests")
        )
        body = page.inner_text("body")
        assert "link_invalid" in body  # only as the small reference line, not as JSON
        assert "{" not in body and "Django REST framework" not in body
    finally:
        context.close()


def test_the_admin_speaks_the_operators_language(browser, site: Site, master_data) -> None:
    owner = User.objects.create_user("seasons@example.com", "researcher-pw-123")
    make_request(owner, start=(2020, 1), season_start_month=12, season_end_month=2)
    context = browser.new_context(locale="ja-JP")
    context.route(re.compile(r"^(?!https?://127\.0\.0\.1[:/]).*"), lambda route: route.abort())
    try:
        page = context.new_page()
        log_in(page, site)
        page.goto(f"{site.base}/admin/repository/filerequest/")
        headers = page.inner_text("#result_list thead")
        assert "期間" in headers and "進み具合" in headers
        options = page.locator("select[name=action] option").all_inner_texts()
        assert "選択した失敗・取消の依頼を再実行する" in options
        assert "選択した依頼を取り消す" in options
        assert "（毎年 12月～2月）" in page.inner_text("#result_list tbody")
    finally:
        context.close()
