"""Issue 23, "also seen": the demo's static server (scripts/serve_frontend.py) listed the
folders of frontend/ (`/js/` answered with an index of every file)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.conftest import find_free_port
from tests.ops.conftest import stop_process, wait_for_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def front() -> Iterator[str]:
    port = find_free_port()
    process = subprocess.Popen(
        [sys.executable, "scripts/serve_frontend.py", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process, "serve_frontend.py")
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_process(process)


@pytest.mark.parametrize("folder", ["/js/", "/js", "/js/../js/", "/nothing-here/"])
def test_folders_are_not_listed(front, folder):
    response = requests.get(f"{front}{folder}", timeout=30, allow_redirects=True)
    assert response.status_code == 404
    assert "app.js" not in response.text and "Directory listing" not in response.text


def test_the_app_itself_is_served(front):
    assert "<script" in requests.get(f"{front}/", timeout=30).text
    assert requests.get(f"{front}/index.html", timeout=30).status_code == 200
    script = requests.get(f"{front}/js/app.js", timeout=30)
    assert script.status_code == 200 and "text/javascript" in script.headers["Content-Type"]
