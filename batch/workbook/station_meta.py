"""A station's position (latitude, longitude, elevation) as every export writes it per row.

One lookup for all outputs: the workbook's データ sheet and the CSV's long format carry the
same three columns, with the same headers (in the active language), units and rounding, so
a researcher who joins rows by station finds the position on each row, not only on 情報.

    meta = station_meta(station)          # StationMeta(latitude=35.6917, ...)
    headers = station_meta_headers()      # ["緯度", "経度", "標高(m)"] / ["Latitude", ...]
    row += meta.values()                  # [35.6917, 139.75, 25.2]

Latitude and longitude are decimal degrees (north and east positive, WGS 84 as JMA's
station list gives them, rounded to 4 places: about 10 m); elevation is metres above mean
sea level, empty where JMA gives none.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from repository.models import Station

COORDINATE_DECIMALS = 4
ELEVATION_DECIMALS = 1
# Excel number formats for the three columns (coordinates as stored, elevation to 0.1 m).
NUMBER_FORMATS = ("0.0000", "0.0000", "0.0")
# Machine-readable column names (the CSV's long format; language-independent).
CSV_NAMES = ("latitude", "longitude", "elevation_m")


@dataclass(frozen=True, slots=True)
class StationMeta:
    block_no: str
    latitude: float
    longitude: float
    elevation_m: float | None  # None: JMA's list gives no elevation

    def values(self) -> list[float | None]:
        """[latitude, longitude, elevation_m]: the cells of one row, in header order."""
        return [self.latitude, self.longitude, self.elevation_m]


def station_meta(station: Station) -> StationMeta:
    """The position of one station, rounded as exported."""
    elevation = station.elevation_m
    return StationMeta(
        block_no=station.block_no,
        latitude=round(float(station.latitude), COORDINATE_DECIMALS),
        longitude=round(float(station.longitude), COORDINATE_DECIMALS),
        elevation_m=None if elevation is None else round(float(elevation), ELEVATION_DECIMALS),
    )


def station_meta_by_block(stations: Iterable[Station]) -> dict[str, StationMeta]:
    """block_no -> StationMeta for the given stations (no query: the rows are in hand)."""
    return {station.block_no: station_meta(station) for station in stations}


def station_meta_headers() -> list[str]:
    """The three column headers in the active language: 緯度, 経度, 標高(m)."""
    return [_("Latitude"), _("Longitude"), _("Elevation (m)")]
