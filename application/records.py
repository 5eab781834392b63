"""A station's records (観測史上1〜10位の値) for the API: read from the cache only.

The HTTP thread never fetches JMA. When the records are not cached (or were fetched before the
current JST month, when JMA's statistics periods have moved on), the reader's wish is stored
(RecordsWanted) and the batch daemon fetches them through the station cache and the one
politeness budget; the caller answers "queued" and the reader asks again. AMeDAS stations'
records (rank_a) are not read: no real page of them has been checked, so the answer says
they are unavailable and nothing is queued.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from application.errors import NotFound
from common import clock
from repository.models import RecordsWanted, Station, StationRecords

READY, QUEUED, UNAVAILABLE = "ready", "queued", "unavailable"


@dataclass(frozen=True)
class StationRecordsAnswer:
    block_no: str
    station_name: str
    status: str  # READY, QUEUED or UNAVAILABLE
    message: str = ""
    fetched_at: datetime | None = None
    source_url: str = ""
    stale: bool = False  # fetched before this JST month: a refresh is queued
    elements: tuple[dict[str, Any], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "block_no": self.block_no,
            "station_name": self.station_name,
            "status": self.status,
            "message": self.message,
            "fetched_at": self.fetched_at,
            "source_url": self.source_url,
            "stale": self.stale,
            "elements": list(self.elements),
        }


def _same_jst_month(fetched_at: datetime) -> bool:
    fetched = fetched_at.astimezone(clock.JST)
    today = clock.today_jst()
    return (fetched.year, fetched.month) == (today.year, today.month)


def _want(station: Station) -> None:
    try:
        with transaction.atomic():
            RecordsWanted.objects.get_or_create(station=station)
    except IntegrityError:
        pass  # another reader asked at the same moment: one wish is enough


def station_records(block_no: str) -> StationRecordsAnswer:
    station = Station.objects.filter(block_no=block_no).first()
    if station is None:
        raise NotFound(_("Unknown station: %(block_no)s.") % {"block_no": block_no})
    answer = {"block_no": station.block_no, "station_name": station.name}
    if station.page_type != "s1":
        return StationRecordsAnswer(
            **answer,
            status=UNAVAILABLE,
            message=_(
                "JMA's records of AMeDAS stations (rank_a) are not available here yet: no real "
                "page of them has been checked."
            ),
        )
    row = (
        StationRecords.objects.filter(station=station)
        .values("no_data", "view", "fetched_at", "source_url")
        .first()
    )
    if row is None or row["view"] is None:
        _want(station)
        return StationRecordsAnswer(
            **answer,
            status=QUEUED,
            message=_("The records are being fetched from JMA; ask again in a minute."),
        )
    stale = not _same_jst_month(row["fetched_at"])
    if stale:
        _want(station)
    if row["no_data"]:
        return StationRecordsAnswer(
            **answer,
            status=UNAVAILABLE,
            message=_("JMA published no records for this station."),
            fetched_at=row["fetched_at"],
            source_url=row["source_url"],
            stale=stale,
        )
    return StationRecordsAnswer(
        **answer,
        status=READY,
        fetched_at=row["fetched_at"],
        source_url=row["source_url"],
        stale=stale,
        elements=tuple(row["view"].get("elements", [])),
    )
