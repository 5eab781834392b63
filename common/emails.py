"""The one stored form of an email address (shared by the model layer and sign-up)."""

from __future__ import annotations

import unicodedata


def normalize_email(raw: str) -> str:
    """NFKC, without format characters, stripped and lower-cased.

    NFKC folds compatibility forms (full-width letters, ligatures); format characters
    (Unicode category Cf: zero-width space and joiners, BOM, bidi marks) are dropped, so an
    address with an invisible character is the same address, not a second account (SQLite
    compared it as different, MariaDB's collation as equal). Lower-cased whole: the service
    treats addresses as case-insensitive.
    """
    text = unicodedata.normalize("NFKC", raw or "")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return text.strip().lower()
