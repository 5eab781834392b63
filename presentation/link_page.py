"""The page a person sees when a mailed download link does not work in their browser.

The link in the "ready" mail is an API URL. A browser asks for text/html, and without this it
would get DRF's browsable page with the raw error JSON (`link_invalid`). This renderer turns
the API's error body into a short page that says what happened and what to do, in the
browser's language (Accept-Language, through LocaleMiddleware). API clients asking for JSON
(or anything) still get the JSON error, by DRF's content negotiation.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from rest_framework.renderers import BaseRenderer


def _advice(code: str) -> tuple[str, str]:
    """(title, what to do) for an error code of the download link."""
    if code == "link_expired":
        return _("This download link has expired"), _(
            "Log in and open your requests: the file is there while it is kept, and a "
            "request whose file is gone can be made again with Retry."
        )
    if code == "file_gone":
        return _("The file is no longer kept"), _(
            "Log in, open your requests and choose Retry on this one to make the file again."
        )
    if code == "not_ready":
        return _("The file is not ready"), _(
            "Log in and open your requests to see how far the request has come."
        )
    if code == "link_invalid":
        return _("This download link does not work"), _(
            "Open the link exactly as it is in the mail (a mail program may cut a long link "
            "in two), or log in and download the file from your requests."
        )
    return _("The download did not work"), _("Try again later, or log in and open your requests.")


STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:40em;margin:3em auto;padding:0 1em;"
    "line-height:1.6;color:#1b1b1b}h1{font-size:1.4em}a.button{display:inline-block;"
    "padding:.5em 1em;background:#0b5cad;color:#fff;border-radius:4px;text-decoration:none}"
    ".code{color:#666;font-size:.85em}"
)


def link_page(code: str, message: str) -> str:
    """The whole HTML page for one error of a mailed link."""
    title, advice = _advice(code)
    return format_html(
        '<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>{title} - {service}</title><style>{style}</style></head><body>"
        "<h1>{title}</h1><p>{message}</p><p>{advice}</p>"
        '<p><a class="button" href="{requests}">{open}</a></p>'
        '<p class="code">{service} · {code}</p></body></html>',
        lang=get_language() or settings.LANGUAGE_CODE,
        title=title,
        service=settings.SERVICE_NAME,
        style=STYLE,
        message=message,
        advice=advice,
        requests=f"{settings.FRONTEND_BASE_URL}/#/requests",
        open=_("Open your requests"),
        code=code,
    )


class MailedLinkPageRenderer(BaseRenderer):
    """text/html for the mailed link's errors (its success is the file itself)."""

    media_type = "text/html"
    format = "html"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: dict | None = None,
    ) -> bytes:
        body = data if isinstance(data, dict) else {}
        code = str(body.get("code") or "error")
        message = str(body.get("message") or "")
        return link_page(code, message).encode(self.charset)
