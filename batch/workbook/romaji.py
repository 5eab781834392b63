"""Station names in romaji for English workbooks, from the station list's katakana reading.

pykakasi transliterates the katakana (ワッカナイ -> wakkanai) in Hepburn. Long vowels are then
written as in the usual Hepburn without macrons (トウキョウ: toukyou -> Tokyo, オオサカ ->
Osaka), as English maps and JMA's own English pages spell them.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

_LONG_VOWEL = re.compile(r"ou|oo|uu")


@cache
def _converter() -> Any:
    """Loaded on first use (about a second): Japanese workbooks never need it."""
    import pykakasi  # here, not at the top: a second to load, and only English needs it

    return pykakasi.kakasi()


@cache
def romaji(kana: str) -> str:
    """'トウキョウ' -> 'Tokyo'; '' for an empty reading."""
    if not kana:
        return ""
    hepburn = "".join(part["hepburn"] for part in _converter().convert(kana))
    return _LONG_VOWEL.sub(lambda m: m.group(0)[0], hepburn).capitalize()


def with_romaji(name: str, kana: str) -> str:
    """'Tokyo (東京)': the romaji first for English readers, the kanji beside it."""
    reading = romaji(kana)
    return f"{reading} ({name})" if reading else name
