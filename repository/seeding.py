"""Idempotent load of master data from the files in repository/data/.

Rows are matched by their natural keys (JIS code, block_no, item code) and only changed
columns are written. Nothing is ever deleted, and is_active (an operator's decision) is set
only when a row is created, so a rerun leaves operators' and users' data alone.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction

from common.eras import parse_era_date
from common.romaji import romaji
from repository.models import Prefecture, Station, StationSite, WeatherItem

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    unchanged: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def changed(self) -> bool:
        return any(self.created.values()) or any(self.updated.values())

    def lines(self) -> list[str]:
        names = list(dict.fromkeys([*self.created, *self.updated, *self.unchanged]))
        return [
            f"{name}: {self.created[name]} created, {self.updated[name]} updated, "
            f"{self.unchanged[name]} unchanged"
            for name in names
        ]


def _read_csv(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _upsert(
    model: type[models.Model],
    lookup: dict[str, Any],
    values: dict[str, Any],
    report: SeedReport,
    create_only: dict[str, Any] | None = None,
    existing: dict[Any, Any] | None = None,
) -> models.Model:
    """Create or update one row; `existing` (natural key -> row) saves a query per row."""
    label = model._meta.verbose_name_plural
    if existing is not None:
        obj = existing.get(tuple(lookup.values()))
    else:
        obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values, **(create_only or {}))
        report.created[label] += 1
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
        report.updated[label] += 1
    else:
        report.unchanged[label] += 1
    return obj


def _float_or_none(text: str) -> float | None:
    text = text.strip()
    return float(text) if text else None


def seed_weather_items(report: SeedReport) -> None:
    for order, row in enumerate(_read_csv("weather_items.csv"), start=1):
        _upsert(
            WeatherItem,
            {"code": row["code"]},
            {
                "label_ja": row["label_ja"],
                "label_en": row["label_en"],
                "unit": row["unit"],
                "kind": row["kind"],
                "aggregation": row["aggregation"],
                "on_s1": row["on_s1"] == "1",
                "on_a1": row["on_a1"] == "1",
                "is_derived": row["is_derived"] == "1",
                "display_order": order,
            },
            report,
            create_only={"is_active": True},
        )


def _station_fields(main: dict[str, str], prefecture: Prefecture) -> dict[str, Any]:
    """A station's columns from its first (current) row of jma_stations.csv."""
    return {
        "prec_no": main["prec_no"],
        "station_no": main["station_no"],
        "name": main["station_name"],
        "kana": main["katakana"],
        "name_en": romaji(main["katakana"]),
        "kind": main["station_type"],
        "page_type": Station.page_type_for(main["block_no"]),
        "prefecture": prefecture,
        "area": main["area"],
        "address": main["address"],
        "latitude": float(main["latitude"]),
        "longitude": float(main["longitude"]),
        "elevation_m": _float_or_none(main["elevation_m"]),
        "observation_begin": main["observation_begin"],
        "observation_started_on": parse_era_date(main["observation_begin"]),
    }


def seed_prefectures_and_stations(report: SeedReport) -> None:
    prefecture_rows = _read_csv("prefectures.csv")
    existing = {s.block_no: s for s in Station.objects.all()}
    prefectures = {
        row["pref_code"]: _upsert(
            Prefecture,
            {"code": row["pref_code"]},
            {
                "name_ja": row["name_ja"],
                "name_en": row["name_en"],
                "representative_station": existing.get(row["representative_block_no"]),
            },
            report,
        )
        for row in prefecture_rows
    }

    sites_by_block: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in _read_csv("jma_stations.csv"):
        sites_by_block[row["block_no"]].append(row)

    stations_by_key = {(s.block_no,): s for s in Station.objects.all()}
    sites_by_key = {(s.station_id, s.position): s for s in StationSite.objects.all()}
    for block_no, site_rows in sites_by_block.items():
        main = site_rows[0]
        station = _upsert(
            Station,
            {"block_no": block_no},
            _station_fields(main, prefectures[main["pref_code"]]),
            report,
            create_only={"is_active": True},
            existing=stations_by_key,
        )
        for position, site in enumerate(site_rows, start=1):
            _upsert(
                StationSite,
                {"station_id": station.pk, "position": position},
                {
                    "address": site["address"],
                    "latitude": float(site["latitude"]),
                    "longitude": float(site["longitude"]),
                    "elevation_m": _float_or_none(site["elevation_m"]),
                    "elements": site["note2"],
                    "note": site["note1"],
                },
                report,
                existing=sites_by_key,
            )

    # On a first run the representative stations did not exist yet when prefectures were made.
    for row in prefecture_rows:
        prefecture = prefectures[row["pref_code"]]
        if prefecture.representative_station_id is None:
            prefecture.representative_station = Station.objects.get(
                block_no=row["representative_block_no"]
            )
            prefecture.save(update_fields=["representative_station"])


@transaction.atomic
def seed_master() -> SeedReport:
    report = SeedReport()
    seed_weather_items(report)
    seed_prefectures_and_stations(report)
    return report
