"""What the page caches share (month: cache.py, day: day_cache.py, station: station_cache.py):
when a stored page is final or fresh, a fetch and a parse with the place named in their errors,
and the packed form's frame and columns.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from batch.jma.errors import JmaError, LayoutChanged, NoDataPublished
from batch.jma.page import Observation
from repository import request_pages

T = TypeVar("T")


# When a stored page is final or serves as it is: the rules the estimate counts by
# (repository.request_pages), so the daemon and the estimate cannot disagree.
final_after = request_pages.final_after
fresh = request_pages.is_served


def fetched(where: str, fetch: Callable[[], T]) -> T:
    """fetch(), its JmaError naming `where` when the client did not."""
    try:
        return fetch()
    except JmaError as exc:
        if not exc.where:
            raise type(exc)(str(exc), where=where) from exc
        raise


def parsed(parse: Callable[[], T], url: str, where: str) -> T | None:
    """parse() of a fetched page: None when JMA published nothing, a changed layout naming
    the page and `where`."""
    try:
        return parse()
    except NoDataPublished:
        return None
    except LayoutChanged as exc:
        raise LayoutChanged(f"{exc} (page {url})", where=where) from exc


def pack_body(body: dict[str, Any], version: int) -> bytes:
    """The version byte, then zlib of compact JSON."""
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return bytes([version]) + zlib.compress(text.encode(), 9)


def unpack_body(packed: bytes, version: int, name: str = "payload") -> Any:
    """The JSON of pack_body(); ValueError for another version."""
    if not packed or packed[0] != version:
        raise ValueError(f"unknown {name} version {packed[:1]!r}")
    return json.loads(zlib.decompress(packed[1:]))


def pack_columns(rows: Sequence[Any]) -> dict[str, list[list[Any]]]:
    """The rows' .values as one column per item: {code: [values, qualities,
    no_phenomenon_rows]}; quality -1 marks an item the row lacks, no_phenomenon_rows lists
    the row indexes whose cell was "--"."""
    codes: dict[str, None] = {}
    for row in rows:
        codes.update(dict.fromkeys(row.values))
    columns = {}
    for code in codes:
        cells = [row.values.get(code) for row in rows]
        columns[code] = [
            [cell.value if cell else None for cell in cells],
            [cell.quality if cell else -1 for cell in cells],
            [i for i, cell in enumerate(cells) if cell and cell.no_phenomenon],
        ]
    return columns


def unpack_columns(columns: dict[str, Any], rows: Sequence[Any], what: str) -> None:
    """Fill the rows' .values from pack_columns(); ValueError when a column does not match
    the rows (`what`: "days", "rows")."""
    n = len(rows)
    for code, (values, qualities, dashes) in columns.items():
        if len(values) != n or len(qualities) != n:
            raise ValueError(f"column {code!r} does not match the {what}")
        dashed = set(dashes)
        for i, (value, quality) in enumerate(zip(values, qualities, strict=True)):
            if quality != -1:
                rows[i].values[code] = Observation(value, quality, i in dashed)
