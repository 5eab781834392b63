"""Gzip for the API's JSON answers, but never for answers that carry a secret (issue 22).

The request form's options are ~270 KB of JSON and compress about tenfold; lists and details
several fold. BREACH recovers a secret from the size of compressed answers that also reflect
text an attacker chose. So this compresses only JSON under /api/, and never:

- an answer marked `no-store` (every answer carrying a token: log-in, refresh, see
  views.NoStoreMixin), nor anything under /api/v1/auth/ except `me/` (registration,
  verification and password-reset answers echo submitted fields);
- files and downloads (not JSON; workbooks are zip archives already), nor admin pages (HTML
  with CSRF tokens).

The rest hold no secret: the bearer token travels in a request header, never in an answer,
and what they show (the owner's own requests, options, estimates) is not an attacker's text
beside a secret.
"""

from __future__ import annotations

from django.middleware.gzip import GZipMiddleware

COMPRESSED_PREFIX = "/api/"
NEVER_UNDER = "/api/v1/auth/"
EXCEPT = {"/api/v1/auth/me/"}


class ApiGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        path = request.path
        if not path.startswith(COMPRESSED_PREFIX):
            return response
        if path.startswith(NEVER_UNDER) and path not in EXCEPT:
            return response
        if "no-store" in response.get("Cache-Control", ""):
            return response
        if not response.get("Content-Type", "").startswith("application/json"):
            return response
        return super().process_response(request, response)
