"""Station names in romaji, from the station list's katakana reading, and the search key.

pykakasi transliterates the katakana (ワッカナイ -> wakkanai) in Hepburn. Long vowels are then
written as in the usual Hepburn without macrons (トウキョウ: toukyou -> Tokyo, オオサカ ->
Osaka), as English maps and JMA's own English pages spell them. A reader may type the name
with macrons (Tōkyō), with the vowels doubled (toukyou, oosaka) or plainly (tokyo):
`search_key` folds all three to what `romaji` stores.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any

_LONG_VOWEL = re.compile(r"ou|oo|uu")
_NOT_A_LETTER = re.compile(r"[^a-z]")


@cache
def _converter() -> Any:
    """Loaded on first use (about a second): only seeding and migrations need it."""
    import pykakasi  # here, not at the top: a second to load, only seeding and migrations need it

    return pykakasi.kakasi()


def _fold_long_vowels(text: str) -> str:
    return _LONG_VOWEL.sub(lambda m: m.group(0)[0], text)


@cache
def romaji(kana: str) -> str:
    """'トウキョウ' -> 'Tokyo'; '' for an empty reading."""
    if not kana:
        return ""
    hepburn = "".join(part["hepburn"] for part in _converter().convert(kana))
    return _fold_long_vowels(hepburn).capitalize()


def search_key(text: str) -> str:
    """'Tōkyō', 'TOUKYOU', 'tokyo' -> 'tokyo': lower case ASCII letters, macrons and
    circumflexes dropped, long vowels folded as `romaji` folds them; '' if no letter is left."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    letters = _NOT_A_LETTER.sub("", "".join(c for c in decomposed if not unicodedata.combining(c)))
    return _fold_long_vowels(letters)
