"""Django's ModelBackend with addresses looked up in their stored form.

Addresses are stored normalized (common.emails) and compared exactly on every database, so a
login typed as "Boss@Example.jp" in the admin must be normalized before the lookup (the API's
token serializer does the same for its `email` field).
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from common.emails import normalize_email


class EmailModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        email = kwargs.pop("email", None)
        raw = username if username is not None else email
        if raw is not None:
            raw = normalize_email(str(raw))
        return super().authenticate(request, username=raw, password=password, **kwargs)
