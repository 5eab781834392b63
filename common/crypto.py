"""Download tokens for the emailed link: encrypted, expiring, naming one request.

Fernet (through MultiFernet) so keys can rotate: DOWNLOAD_TOKEN_KEYS lists keys newest first;
new tokens use the first, old tokens still open with the others until they expire. With no
keys configured (local development) a key is derived from SECRET_KEY.
"""

from __future__ import annotations

import base64
import hashlib
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

from common import clock


class TokenInvalid(Exception):
    """Tampered, truncated or made with a key we do not have."""


class TokenExpired(Exception):
    """Genuine but past its expiry."""


def _derived_key() -> bytes:
    digest = hashlib.sha256(b"download-token:" + settings.SECRET_KEY.encode()).digest()
    return base64.urlsafe_b64encode(digest)


def _fernet() -> MultiFernet:
    keys = [key.encode() for key in settings.DOWNLOAD_TOKEN_KEYS] or [_derived_key()]
    return MultiFernet([Fernet(key) for key in keys])


def make_download_token(request_id: int, *, ttl_s: int | None = None) -> str:
    ttl = settings.DOWNLOAD_TOKEN_TTL_S if ttl_s is None else ttl_s
    payload = json.dumps({"r": int(request_id), "exp": int(clock.now().timestamp()) + int(ttl)})
    return _fernet().encrypt(payload.encode()).decode()


def read_download_token(token: str) -> int:
    """Return the request id, or raise TokenInvalid / TokenExpired."""
    try:
        payload = json.loads(_fernet().decrypt(token.encode()))
        request_id, expires = int(payload["r"]), int(payload["exp"])
    except (InvalidToken, ValueError, KeyError, TypeError, UnicodeError) as exc:
        raise TokenInvalid("download link is not valid") from exc
    if expires < clock.now().timestamp():
        raise TokenExpired("download link has expired")
    return request_id


def download_url(request_id: int, *, ttl_s: int | None = None) -> str:
    token = make_download_token(request_id, ttl_s=ttl_s)
    return f"{settings.PUBLIC_BASE_URL}/api/v1/downloads/{token}/"
