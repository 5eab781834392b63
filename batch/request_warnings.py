"""A finished request's warnings as codes with parameters, for readers in either language.

The workbook writer words its warnings in the workbook's language (they go into the 情報
sheet and the mail). The request row keeps those texts and, beside them, the same warnings
as codes (repository/queue/texts.WARNINGS): station and item names are stored in both
languages, as the workbook would name them, and rendered in the reader's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from batch.workbook import labels
from batch.workbook.spec import WorkbookSpec
from repository.models import Station, WeatherItem


def _station_names(station: Station) -> dict[str, str]:
    """{"ja": "東京", "en": "Tokyo (東京)"}: as each language's workbook names the station."""
    names = {}
    for language in labels.LANGUAGES:
        with labels.in_language(language):
            names[language] = labels.station_name(station)
    return names


def _item_labels(items: list[WeatherItem]) -> dict[str, list[str]]:
    return {language: [item.label_in(language) for item in items] for language in labels.LANGUAGES}


def _subdaily_missing(spec: WorkbookSpec, station: Station) -> dict[str, list[str]] | None:
    """The elements of a sub-daily sheet the station's pages do not have, in both languages."""
    from batch.jma.subdaily_parser import LAYOUTS
    from batch.workbook.subdaily import SUBDAILY_LABELS, codes_for

    granularity = spec.period.granularity
    codes = codes_for(granularity, (s.page_type for s in spec.stations))
    here = set(LAYOUTS[(granularity, station.page_type)].codes)
    missing = [code for code in codes if code not in here]
    if not missing:
        return None
    found = {}
    for language in labels.LANGUAGES:
        with labels.in_language(language):
            found[language] = [str(SUBDAILY_LABELS[code]) for code in missing]
    return found


def coded_warnings(spec: WorkbookSpec, unavailable: Iterable[str]) -> list[dict]:
    """One warning per station and kind, in the writer's order: items the station's pages do
    not have, then months JMA published nothing for ("47662 2020-03" in `unavailable`)."""
    unpublished: dict[str, list[str]] = defaultdict(list)
    for entry in unavailable:
        block_no, _, month = entry.partition(" ")
        unpublished[block_no].append(month)
    found: list[dict] = []
    for station in spec.stations:
        station_names = _station_names(station)
        missing = [item for item in spec.items if not item.available_on(station.page_type)]
        elements = _subdaily_missing(spec, station) if spec.period.is_subdaily else None
        if elements:
            params = {"block_no": station.block_no, "station": station_names, "items": elements}
            found.append({"code": "not_observed", "params": params})
        elif missing:
            items = _item_labels(missing)
            params = {"block_no": station.block_no, "station": station_names, "items": items}
            found.append({"code": "not_observed", "params": params})
        months = unpublished.get(station.block_no)
        if months:
            params = {"block_no": station.block_no, "station": station_names, "months": months}
            found.append({"code": "unpublished", "params": params})
    return found
