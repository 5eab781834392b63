"""Master data: prefectures, stations (and their sites over time), weather items."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _lazy

# --- Master data ------------------------------------------------------------------------------
# JMA's lists name prefectures, stations and items in Japanese; the English names are master
# data too (name_en, the station's romaji, label_en). `*_in(language)` picks one: these are
# data columns, so they are not in the text catalog; the default is the active language.


def _in(language: str | None, ja: str, en: str) -> str:
    """The value for `language` ('ja', 'en', 'en-us', ...): Japanese unless English exists."""
    return {"en": en or ja}.get((language or get_language() or "ja")[:2], ja)


class Prefecture(models.Model):
    code = models.CharField(_lazy("JIS code"), max_length=2, unique=True)
    name_ja = models.CharField(max_length=20)
    name_en = models.CharField(max_length=40)
    representative_station = models.ForeignKey(
        "Station", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name_ja}"

    def name_in(self, language: str | None = None) -> str:
        return _in(language, self.name_ja, self.name_en)


class Station(models.Model):
    """One JMA observation station, identified by block_no.

    JMA's list has 1,323 rows for 1,293 block numbers: 30 observatories measure some
    elements at a second site. Those sites are StationSite rows; the station itself is one.
    """

    class Kind(models.TextChoices):
        OFFICIAL = "官", "官 (official observatory)"
        FOUR_ELEMENT = "四", "四 (four-element AMeDAS)"
        RAIN = "雨", "雨 (rain-only AMeDAS)"

    class PageType(models.TextChoices):
        S1 = "s1", "daily_s1 (observatory)"
        A1 = "a1", "daily_a1 (AMeDAS)"

    block_no = models.CharField(max_length=5, unique=True)
    prec_no = models.CharField(_lazy("JMA area number"), max_length=2, db_index=True)
    station_no = models.CharField(_lazy("JMA station number"), max_length=5, blank=True)
    name = models.CharField(max_length=40, db_index=True)
    kana = models.CharField(max_length=80, db_index=True)
    # Hepburn of the kana without long-vowel marks (Tokyo, Osaka): seeding writes it
    # (common/romaji.py); English readers see it and search by it.
    name_en = models.CharField(_lazy("name in romaji"), max_length=80, blank=True)
    kind = models.CharField(max_length=1, choices=Kind.choices)
    page_type = models.CharField(max_length=2, choices=PageType.choices)
    prefecture = models.ForeignKey(Prefecture, on_delete=models.PROTECT, related_name="stations")
    area = models.CharField(max_length=40, blank=True)
    address = models.CharField(max_length=200, blank=True)
    latitude = models.FloatField()
    longitude = models.FloatField()
    elevation_m = models.FloatField(null=True, blank=True)
    observation_begin = models.CharField(
        _lazy("observation start (JMA text)"), max_length=60, blank=True
    )
    observation_started_on = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["prefecture__code", "block_no"]
        constraints = [
            models.CheckConstraint(
                condition=Q(page_type="s1") | Q(page_type="a1"), name="station_page_type_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.block_no})"

    def name_in(self, language: str | None = None) -> str:
        return _in(language, self.name, self.name_en)

    @staticmethod
    def page_type_for(block_no: str) -> str:
        return "s1" if len(block_no) == 5 else "a1"


class StationSite(models.Model):
    """Where a station's instruments stand (a second site for some observatories)."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="sites")
    position = models.PositiveSmallIntegerField()
    address = models.CharField(max_length=200, blank=True)
    latitude = models.FloatField()
    longitude = models.FloatField()
    elevation_m = models.FloatField(null=True, blank=True)
    elements = models.CharField(_lazy("elements observed here"), max_length=100, blank=True)
    note = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["station", "position"]
        constraints = [
            models.UniqueConstraint(fields=["station", "position"], name="site_station_position")
        ]

    def __str__(self) -> str:
        return f"{self.station.name} #{self.position} {self.elements}".strip()


class WeatherItem(models.Model):
    class Kind(models.TextChoices):
        NUMBER = "number", "number"
        DIRECTION = "direction", "direction"
        TEXT = "text", "text"

    class Aggregation(models.TextChoices):
        """How 月別集計 summarizes a month of daily values."""

        MEAN = "mean", "mean"
        MAX = "max", "maximum"
        MIN = "min", "minimum"
        SUM = "sum", "total"
        NONE = "none", "none"

    code = models.CharField(max_length=40, unique=True)
    label_ja = models.CharField(max_length=60)
    label_en = models.CharField(max_length=80)
    unit = models.CharField(max_length=10, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    aggregation = models.CharField(
        max_length=5, choices=Aggregation.choices, default=Aggregation.NONE
    )
    on_s1 = models.BooleanField(_lazy("on daily_s1 pages"))
    on_a1 = models.BooleanField(_lazy("on daily_a1 pages"))
    is_derived = models.BooleanField(default=False)
    display_order = models.PositiveSmallIntegerField()
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["display_order"]

    def __str__(self) -> str:
        return f"{self.label_ja} ({self.code})"

    def label_in(self, language: str | None = None) -> str:
        return _in(language, self.label_ja, self.label_en)

    def available_on(self, page_type: str) -> bool:
        return self.on_s1 if page_type == "s1" else self.on_a1
