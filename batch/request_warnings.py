"""A finished request's warnings as codes with parameters, for readers in either language.

The workbook writer words its warnings in the workbook's language (they go into the 情報
sheet and the mail). The request row keeps those texts and, beside them, the same warnings
as codes (repository/queue/texts.WARNINGS): station and item names are stored in both
languages, as the workbook would name them, and rendered in the reader's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from batch.workbook import labels

if TYPE_CHECKING:
    from batch.pipeline import WorkbookSpec


def coded_warnings(spec: WorkbookSpec, unavailable: Iterable[str]) -> list[dict]:
    """One warning per station and kind, in the writer's order: items the station's pages do
    not have, then months JMA published nothing for ("47662 2020-03" in `unavailable`)."""
    unpublished: dict[str, list[str]] = defaultdict(list)
    for entry in unavailable:
        block_no, _, month = entry.partition(" ")
        unpublished[block_no].append(month)
    found: list[dict] = []
    for station in spec.stations:
        station_names = {lang: labels.station_name(station, lang) for lang in labels.LANGUAGES}
        missing = [item for item in spec.items if not item.available_on(station.page_type)]
        if missing:
            items = {
                lang: [labels.item_label(item, lang) for item in missing]
                for lang in labels.LANGUAGES
            }
            params = {"block_no": station.block_no, "station": station_names, "items": items}
            found.append({"code": "not_observed", "params": params})
        months = unpublished.get(station.block_no)
        if months:
            params = {"block_no": station.block_no, "station": station_names, "months": months}
            found.append({"code": "unpublished", "params": params})
    return found
