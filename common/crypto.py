"""Download tokens for the emailed link: encrypted, expiring, naming one request.

Fernet (through MultiFernet) so keys can rotate: DOWNLOAD_TOKEN_KEYS lists keys newest first;
new tokens use the first, old tokens still open with the others until they expire. With no
keys configured (local development) a key is derived from SECRET_KEY.

A token also carries a stamp of the owner's password hash (owner_stamp), so a password
change ends every link mailed before it, as it ends the account's login tokens. Tokens made
before stamps existed have none and work until they expire.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass

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


def owner_stamp(password_hash: str) -> str:
    """A short digest of the owner's stored password hash (inside the encrypted token)."""
    return hashlib.sha256(b"download-owner:" + password_hash.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class DownloadClaims:
    request_id: int
    owner_stamp: str | None  # None: a token from before stamps


def make_download_token(
    request_id: int, *, ttl_s: int | None = None, stamp: str | None = None
) -> str:
    ttl = settings.DOWNLOAD_TOKEN_TTL_S if ttl_s is None else ttl_s
    claims = {"r": int(request_id), "exp": int(clock.now().timestamp()) + int(ttl)}
    if stamp is not None:
        claims["o"] = stamp
    return _fernet().encrypt(json.dumps(claims).encode()).decode()


def read_download_claims(token: str) -> DownloadClaims:
    """The request id and owner stamp, or raise TokenInvalid / TokenExpired."""
    try:
        payload = json.loads(_fernet().decrypt(token.encode()))
        request_id, expires = int(payload["r"]), int(payload["exp"])
        stamp = payload.get("o")
    except (InvalidToken, ValueError, KeyError, TypeError, UnicodeError, AttributeError) as exc:
        raise TokenInvalid("download link is not valid") from exc
    if expires < clock.now().timestamp():
        raise TokenExpired("download link has expired")
    return DownloadClaims(request_id, None if stamp is None else str(stamp))


def read_download_token(token: str) -> int:
    """Return the request id, or raise TokenInvalid / TokenExpired."""
    return read_download_claims(token).request_id


def download_url(request_id: int, *, ttl_s: int | None = None, stamp: str | None = None) -> str:
    token = make_download_token(request_id, ttl_s=ttl_s, stamp=stamp)
    return f"{settings.PUBLIC_BASE_URL}/api/v1/downloads/{token}/"
