"""Issue 22: what the browser downloads for the first paint of the log-in page and of the
request form, counted on the wire by Chromium (CDP Network events), against the same stack
as tests/ops/test_frontend.py (gunicorn, scripts/serve_frontend.py on its own origin).

Before: the form's first paint took 69 KB of static files and 274 KB of options JSON, all
uncompressed, and the log-in page loaded the form's and the list's modules too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from repository.models import User
from tests.ops.test_browser import CHROMIUM, CHROMIUM_ARGS
from tests.ops.test_frontend import PASSWORD, Stack, browser, stack  # noqa: F401
from tests.ops.test_frontend import pytestmark as frontend_marks

pytestmark = frontend_marks

# Bounds with room (a static file may grow); the uncompressed page was ~350 KB.
FORM_FIRST_PAINT_MAX = 120_000
OPTIONS_REVALIDATED_MAX = 2_000  # headers only: a 304 to the ETag


@dataclass
class Wire:
    """Bytes on the wire per URL (encodedDataLength: headers and compressed body)."""

    urls: dict[str, str] = field(default_factory=dict)  # requestId -> url
    encoding: dict[str, str] = field(default_factory=dict)  # url -> Content-Encoding
    status: dict[str, int] = field(default_factory=dict)
    bytes: dict[str, int] = field(default_factory=dict)

    def total(self) -> int:
        return sum(self.bytes.values())

    def named(self, part: str) -> list[str]:
        return [url for url in self.bytes if part in url]


def watch(page) -> Wire:
    wire = Wire()
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})

    def sent(event):
        wire.urls[event["requestId"]] = event["request"]["url"]

    def received(event):
        url = event["response"]["url"]
        headers = {k.lower(): v for k, v in event["response"]["headers"].items()}
        wire.encoding[url] = headers.get("content-encoding", "")
        wire.status[url] = event["response"]["status"]

    def finished(event):
        url = wire.urls.get(event["requestId"])
        if url is not None:
            wire.bytes[url] = wire.bytes.get(url, 0) + int(event["encodedDataLength"])

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.responseReceived", received)
    cdp.on("Network.loadingFinished", finished)
    return wire


@pytest.fixture
def cached_page(browser, stack: Stack, transactional_db, master_data) -> Iterator:  # noqa: F811
    """A page whose HTTP cache works: Playwright turns the cache off once requests are routed,
    so this Chromium keeps to loopback by its host resolver instead of a route."""
    own = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[*CHROMIUM_ARGS, "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"],
    )
    try:
        context = own.new_context(viewport={"width": 1000, "height": 900})
        context.set_default_timeout(30_000)
        page = context.new_page()
        page.js_errors = []  # type: ignore[attr-defined]
        page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
        yield page
    finally:
        own.close()


def test_first_paint_of_the_login_page_and_the_form_on_the_wire(
    cached_page,
    stack: Stack,  # noqa: F811
) -> None:
    User.objects.create_user("weight@example.jp", PASSWORD)
    page = cached_page
    wire = watch(page)
    page.goto(f"{stack.front}/#/login")
    page.wait_for_selector("#f-email")
    page.wait_for_load_state("networkidle")
    login_bytes = wire.total()
    # Only what the log-in page needs: the form's and the list's code wait for their pages.
    for module in ("form.js", "list.js", "stations-picker.js", "request-state.js"):
        assert not wire.named(f"/js/{module}"), (module, sorted(wire.bytes))
    static = [url for url in wire.bytes if url.startswith(f"{stack.front}/js/")]
    assert static and all(wire.encoding[url] == "gzip" for url in static), wire.encoding

    page.fill("#f-email", "weight@example.jp")
    page.fill("#f-password", PASSWORD)
    before = dict(wire.bytes)
    page.click("form button[type=submit]")
    page.wait_for_selector("#request-form")
    page.wait_for_load_state("networkidle")
    form_bytes = wire.total() - sum(before.values())
    (options,) = wire.named("/api/v1/options/")
    assert wire.encoding[options] == "gzip"
    assert wire.named("/js/form.js")  # loaded now, for the form
    print(
        f"\nfirst paint on the wire: log-in page {login_bytes:,} B; form after log-in "
        f"{form_bytes:,} B (options {wire.bytes[options]:,} B)"
    )
    assert form_bytes < FORM_FIRST_PAINT_MAX, sorted(wire.bytes.items(), key=lambda kv: -kv[1])

    # Shown again (a reload): the options are revalidated by their ETag, not sent again.
    wire.bytes.clear()
    page.reload()
    page.wait_for_selector("#request-form")
    page.wait_for_load_state("networkidle")
    (options,) = wire.named("/api/v1/options/")
    assert wire.bytes[options] < OPTIONS_REVALIDATED_MAX, (wire.bytes[options], wire.status)
    assert page.js_errors == []
