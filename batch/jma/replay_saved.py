"""JMA's own saved pages, served by the replay server at their addresses (--saved-pages DIR).

Each saved page names the JMA address it shows in its first comment (tests/real_pages:
"JMA page: https://www.data.jma.go.jp/stats/etrn/view/hourly_s1.php?...&day=16&view=p1"). With
a directory of them, the replay server answers those addresses with the real page, byte for
byte, and generates every other one; the hourly and 10-minute pages of a month whose daily page
is saved are generated from the saved daily values. So a request over several days can hold
JMA's real values where they are known (the 16th) and consistent generated ones around them.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

SavedKey = tuple[str, str, int, int, int]  # (daily_s1 | hourly_a1 | ..., block_no, y, m, day or 0)

_ADDRESS = re.compile(rb"https?://www\.data\.jma\.go\.jp(/\S+?\.php\?[^\s<>\"']+)")


def key_of(path: str, params: dict[str, str]) -> SavedKey | None:
    """The key of a request: the page name from its path and the station-month-day asked for."""
    name = path.rsplit("/", 1)[-1].removesuffix(".php")
    if name.startswith(("annually_", "rank_")):  # a station's whole record: no year or month
        return (name, params.get("block_no", ""), 0, 0, 0)
    try:
        year, month = int(params.get("year", "")), int(params.get("month", ""))
        day = int(params.get("day") or 0)
    except ValueError:
        return None
    return (name, params.get("block_no", ""), year, month, day)


def saved_pages(directory: str | Path) -> dict[SavedKey, str]:
    """Every *.html in the directory whose comment names its JMA address, by that address."""
    pages: dict[SavedKey, str] = {}
    for path in sorted(Path(directory).glob("*.html")):
        data = path.read_bytes()
        found = _ADDRESS.search(data, 0, 4096)
        if found is None:
            continue
        address = urlsplit(found.group(1).decode())
        params = {k: v[-1] for k, v in parse_qs(address.query, keep_blank_values=True).items()}
        key = key_of(address.path, params)
        if key is not None:
            pages[key] = data.decode("utf-8")
    return pages
