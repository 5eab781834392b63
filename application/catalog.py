"""What a user can choose from: periods, prefectures with stations, weather items; and search."""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils.translation import gettext as _

from application.errors import ValidationFailed
from common import clock
from common.romaji import search_key
from repository.models import Prefecture, Station, WeatherItem

EARTH_RADIUS_KM = 6371.0088
SEARCH_LIMIT_DEFAULT = 20
SEARCH_LIMIT_MAX = 100


OPTIONS_CACHE_KEY = "catalog:options:v4"
OPTIONS_DIGEST_KEY = "catalog:options:v4:digest"
OPTIONS_CACHE_S = 60


def options() -> dict:
    """Everything the request form offers, from master data (only active rows).

    The master data is cached briefly: it is the biggest answer (every station) and changes
    rarely; an operator's edit in the admin shows within OPTIONS_CACHE_S. The calendar part is
    not cached, so the latest month turns at 00:00 JST on the dot.
    """
    return _options_with(_master()[0])


def _options_with(master: dict) -> dict:
    today = clock.today_jst()
    return {
        "years": list(range(today.year, settings.EARLIEST_YEAR - 1, -1)),
        "months": list(range(1, 13)),
        "latest": {"year": today.year, "month": today.month},
        **master,
    }


def options_version() -> str:
    """A digest of what options() answers now (master data and calendar), for an ETag: the
    form's biggest answer is then revalidated with a 304 instead of sent again (issue 22).
    It reads the master digest alone (a few bytes from the cache, not every station)."""
    digest = cache.get(OPTIONS_DIGEST_KEY)
    return _version(digest if digest is not None else _master()[1])


def options_and_version() -> tuple[dict, str]:
    """options() and its version from one read of the master data, so they always agree
    (the API keeps the rendered answer by version)."""
    master, digest = _master()
    return _options_with(master), _version(digest)


def forget_cached_options() -> None:
    """The next answer reads master data again (what expiry does after OPTIONS_CACHE_S)."""
    cache.delete_many([OPTIONS_CACHE_KEY, OPTIONS_DIGEST_KEY])


def _version(master_digest: str) -> str:
    key = f"{master_digest}:{clock.today_jst().isoformat()}:{settings.EARLIEST_YEAR}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _master() -> tuple[dict, str]:
    """The master part of options() and its digest, cached together (and the digest alone)."""
    found = cache.get(OPTIONS_CACHE_KEY)
    if found is None:
        found = _master_with_digest()
        cache.set_many({OPTIONS_CACHE_KEY: found, OPTIONS_DIGEST_KEY: found[1]}, OPTIONS_CACHE_S)
    return found


def _master_with_digest() -> tuple[dict, str]:
    master = _master_options()
    text = json.dumps(master, sort_keys=True, ensure_ascii=False, default=str)
    return master, hashlib.sha256(text.encode()).hexdigest()


def _master_options() -> dict:
    stations_by_prefecture: dict[int, list[dict]] = {}
    for station in Station.objects.filter(is_active=True).order_by("prefecture__code", "block_no"):
        stations_by_prefecture.setdefault(station.prefecture_id, []).append(
            {
                "block_no": station.block_no,
                "name": station.name,
                "name_en": station.name_en,
                "kana": station.kana,
                "kind": station.kind,
                "page_type": station.page_type,
                "latitude": station.latitude,
                "longitude": station.longitude,
            }
        )
    prefectures = [
        {
            "code": prefecture.code,
            "name_ja": prefecture.name_ja,
            "name_en": prefecture.name_en,
            "representative_block_no": (
                prefecture.representative_station.block_no
                if prefecture.representative_station
                else None
            ),
            "stations": stations_by_prefecture.get(prefecture.pk, []),
        }
        for prefecture in Prefecture.objects.select_related("representative_station")
    ]
    items = [
        {
            "code": item.code,
            "label_ja": item.label_ja,
            "label_en": item.label_en,
            "unit": item.unit,
            "kind": item.kind,
            "derived": item.is_derived,
            "available_on": {"s1": item.on_s1, "a1": item.on_a1},
        }
        for item in WeatherItem.objects.filter(is_active=True).order_by("display_order")
    ]
    return {
        "languages": ["ja", "en"],
        "page_types": {
            "s1": "Observatory (5-digit block_no, daily_s1 pages)",
            "a1": "AMeDAS station (4-digit block_no, daily_a1 pages)",
        },
        "prefectures": prefectures,
        "items": items,
    }


def _katakana(text: str) -> str:
    """Station kana are stored in katakana; let users type hiragana too."""
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


def parse_near(raw: str) -> tuple[float, float]:
    try:
        lat_text, lon_text = raw.split(",")
        lat, lon = float(lat_text), float(lon_text)
    except ValueError as exc:
        raise ValidationFailed(
            {"near": [_("Use LAT,LON in decimal degrees, e.g. 35.69,139.75.")]}
        ) from exc
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or math.isnan(lat) or math.isnan(lon):
        raise ValidationFailed(
            {"near": [_("Latitude must be within ±90 and longitude within ±180.")]}
        )
    return lat, lon


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine); plenty for 'which station is nearest'."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@dataclass
class StationHit:
    station: Station
    distance_km: float | None


def search_stations(
    *,
    q: str = "",
    prefecture: str = "",
    near: str = "",
    limit: int = SEARCH_LIMIT_DEFAULT,
    include_inactive: bool = False,
) -> list[StationHit]:
    """Stations by name, kana, romaji or block_no, within a prefecture, nearest first when
    `near`."""
    if not 1 <= limit <= SEARCH_LIMIT_MAX:
        raise ValidationFailed(
            {"limit": [_("Limit must be between 1 and %(max)s.") % {"max": SEARCH_LIMIT_MAX}]}
        )
    queryset = Station.objects.select_related("prefecture")
    if not include_inactive:
        queryset = queryset.filter(is_active=True)
    q = q.strip()
    if q:
        match = Q(name__icontains=q) | Q(kana__icontains=_katakana(q)) | Q(block_no__startswith=q)
        romaji = search_key(q)
        if romaji:  # Tokyo, tōkyō, toukyou
            match |= Q(name_en__icontains=romaji)
        queryset = queryset.filter(match)
    if prefecture:
        if not Prefecture.objects.filter(code=prefecture).exists():
            raise ValidationFailed(
                {"prefecture": [_("Unknown prefecture: %(code)s.") % {"code": prefecture}]}
            )
        queryset = queryset.filter(prefecture__code=prefecture)
    if not near:
        return [
            StationHit(station, None)
            for station in queryset.order_by("prefecture__code", "block_no")[:limit]
        ]
    lat, lon = parse_near(near)
    # Distances from three columns, then full rows only for the nearest `limit`.
    nearest = sorted(
        (distance_km(lat, lon, s_lat, s_lon), block_no, pk)
        for pk, block_no, s_lat, s_lon in queryset.values_list(
            "pk", "block_no", "latitude", "longitude"
        )
    )[:limit]
    stations = queryset.in_bulk([pk for _, _, pk in nearest])
    return [StationHit(stations[pk], distance) for distance, _, pk in nearest]
