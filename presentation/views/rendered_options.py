"""The options answer rendered once per version, plain and gzipped (issue 22).

The request form's first paint waits on this answer: ~200 KB of JSON, the same for every user
until master data or the date changes. Rendering and compressing it took ~24 ms of CPU per
call; kept here by version (the ETag), a call costs the version lookup. One entry per process:
a new version replaces the old one.
"""

from __future__ import annotations

import re
import threading

from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string
from rest_framework.renderers import JSONRenderer

from application import catalog

_GZIP = re.compile(r"\bgzip\b")
# Public master data, current as of today: any cache may keep it, each use revalidated by its
# ETag (a 304 without a body); the latest month turns at midnight JST.
CACHE_CONTROL = "public, no-cache"
_lock = threading.Lock()
_latest: tuple[str, bytes, bytes] | None = None  # (etag, JSON, gzipped JSON)


def answer(etag: str, accept_encoding: str) -> HttpResponse:
    """The options for `etag` (or a newer version, which then names its own ETag)."""
    etag, plain, packed = _rendered(etag)
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL}
    if _GZIP.search(accept_encoding):
        # As Django's GZipMiddleware marks what it compresses: encoding and a weak ETag.
        headers.update({"Content-Encoding": "gzip", "ETag": f"W/{etag}"})
        response = HttpResponse(packed, content_type="application/json", headers=headers)
    else:
        response = HttpResponse(plain, content_type="application/json", headers=headers)
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


def _rendered(etag: str) -> tuple[str, bytes, bytes]:
    global _latest
    latest = _latest
    if latest is not None and latest[0] == etag:
        return latest
    data, version = catalog.options_and_version()
    plain = JSONRenderer().render(data)
    fresh = (f'"{version}"', plain, compress_string(plain))
    with _lock:
        _latest = fresh
    return fresh
