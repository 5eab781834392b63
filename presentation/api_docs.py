"""The API docs page (Redoc) with nothing from outside: no web fonts, no logo from a CDN.

drf-spectacular-sidecar gives us Redoc's script as a static file, but drf-spectacular's page
template asks Google for two fonts, and Redoc's sidebar footer loads Redocly's logo from
cdn.redoc.ly. Offline the page still rendered, slowly and with errors in the console (issue
18). Here the page is our template (the browser's fonts), and the script is the sidecar's
file with the logo's address emptied (an image without a source is never requested, and
Redoc then hides it).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import drf_spectacular_sidecar
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET
from drf_spectacular.views import SpectacularRedocView

REDOC_SCRIPT = (
    Path(drf_spectacular_sidecar.__file__).parent
    / "static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
)
OUTSIDE_LOGO = b'"https://cdn.redoc.ly/redoc/logo-mini.svg"'


@cache
def redoc_script() -> bytes:
    """The sidecar's Redoc bundle without its one outside load (read once per process)."""
    return REDOC_SCRIPT.read_bytes().replace(OUTSIDE_LOGO, b'""')


@require_GET
def redoc_script_view(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(redoc_script(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response


class RedocView(SpectacularRedocView):
    template_name = "presentation/redoc.html"

    @staticmethod
    def _redoc_standalone() -> str:
        return reverse("api:redoc-script")
