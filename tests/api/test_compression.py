"""Issue 22: the API's JSON answers go compressed, except those carrying tokens (BREACH), and
the options (the form's biggest answer) are revalidated by ETag instead of sent again."""

from __future__ import annotations

import gzip
import json

import pytest

from application.requests import create_request
from tests.api.conftest import PASSWORD, make_user, valid_body

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def _body(response) -> dict:
    raw = response.content
    if response.get("Content-Encoding") == "gzip":
        raw = gzip.decompress(raw)
    return json.loads(raw)


def test_options_and_lists_go_compressed(api, owner):
    options = api.get("/api/v1/options/", **GZIP)
    assert options.status_code == 200
    assert options["Content-Encoding"] == "gzip"
    plain = api.get("/api/v1/options/")
    assert "Content-Encoding" not in plain
    assert _body(options) == plain.json()
    assert len(options.content) * 4 < len(plain.content), (len(options.content), len(plain.content))
    for _ in range(3):
        create_request(owner, **valid_body())
    listing = api.get("/api/v1/requests/", **GZIP)
    assert listing["Content-Encoding"] == "gzip"
    assert _body(listing)["count"] == 3


def test_answers_carrying_tokens_are_never_compressed(anon, master_data):
    make_user("gz@example.jp")
    login = anon.post(
        "/api/v1/auth/token/", {"email": "gz@example.jp", "password": PASSWORD}, **GZIP
    )
    assert login.status_code == 200
    assert "access" in login.json()
    assert "Content-Encoding" not in login
    refreshed = anon.post(
        "/api/v1/auth/token/refresh/", {"refresh": login.json()["refresh"]}, **GZIP
    )
    assert refreshed.status_code == 200 and "Content-Encoding" not in refreshed


def test_options_answer_304_to_their_etag(api, owner, frozen_clock):
    frozen_clock("2026-06-15T03:00:00+00:00")
    first = api.get("/api/v1/options/")
    etag = first["ETag"]
    assert etag.startswith('"') and first["Cache-Control"] == "public, no-cache"
    again = api.get("/api/v1/options/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b"" and again["ETag"] == etag
    # Weak and listed forms (a proxy or a compressing server may weaken it) match too.
    listed = api.get("/api/v1/options/", HTTP_IF_NONE_MATCH=f'"other", W/{etag}')
    assert listed.status_code == 304
    # The latest month turns at midnight JST: a new day is a new answer.
    frozen_clock("2026-06-15T15:00:00+00:00")
    assert api.get("/api/v1/options/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_options_are_rendered_once_per_version(api, owner, frozen_clock, monkeypatch):
    """Rendering and compressing ~200 KB of JSON was most of an options call; the rendered
    answer is kept by version and rendered again only when the version changes."""
    from presentation.views import rendered_options

    renders = []
    render = rendered_options.JSONRenderer.render

    def counted(self, data, *args, **kwargs):
        renders.append(data["latest"])
        return render(self, data, *args, **kwargs)

    monkeypatch.setattr(rendered_options.JSONRenderer, "render", counted)
    frozen_clock("2026-06-15T03:00:00+00:00")
    first = api.get("/api/v1/options/", **GZIP)
    plain = api.get("/api/v1/options/")
    assert _body(first) == plain.json() and plain["ETag"] == first["ETag"].removeprefix("W/")
    for _ in range(3):
        assert api.get("/api/v1/options/", **GZIP).content == first.content
    assert renders == [{"year": 2026, "month": 6}]
    frozen_clock("2026-06-30T15:00:00+00:00")  # 1 July in Japan: a new version
    assert api.get("/api/v1/options/").json()["latest"] == {"year": 2026, "month": 7}
    assert renders == [{"year": 2026, "month": 6}, {"year": 2026, "month": 7}]
