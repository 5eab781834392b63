"""The catalog's answers: options (what can be requested) and the station search. Re-exported
by presentation/serializers.py, beside the others."""

from __future__ import annotations

from rest_framework import serializers


class OptionStationSerializer(serializers.Serializer):
    block_no = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField(
        allow_blank=True, help_text="romaji of the kana, e.g. Tokyo (for English readers)"
    )
    kana = serializers.CharField()
    kind = serializers.CharField(help_text="官 official, 四 four-element AMeDAS, 雨 rain-only")
    page_type = serializers.ChoiceField(choices=["s1", "a1"])
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()


class OptionPrefectureSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="JIS prefecture code, 01..47")
    name_ja = serializers.CharField()
    name_en = serializers.CharField()
    representative_block_no = serializers.CharField(allow_null=True)
    stations = OptionStationSerializer(many=True)


class AvailabilitySerializer(serializers.Serializer):
    s1 = serializers.BooleanField(help_text="observed at observatories (daily_s1)")
    a1 = serializers.BooleanField(help_text="observed at AMeDAS stations (daily_a1)")


class OptionItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    label_ja = serializers.CharField()
    label_en = serializers.CharField()
    unit = serializers.CharField(allow_blank=True)
    kind = serializers.ChoiceField(choices=["number", "direction", "text"])
    derived = serializers.BooleanField()
    available_on = AvailabilitySerializer()


class YearMonthSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    month = serializers.IntegerField()


class OptionsSerializer(serializers.Serializer):
    years = serializers.ListField(child=serializers.IntegerField(), help_text="newest first")
    months = serializers.ListField(child=serializers.IntegerField())
    latest = YearMonthSerializer(help_text="the latest month a period may end in (Japan time)")
    languages = serializers.ListField(child=serializers.CharField())
    page_types = serializers.DictField(child=serializers.CharField())
    prefectures = OptionPrefectureSerializer(many=True)
    items = OptionItemSerializer(many=True)


class StationSearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=40, default="")
    prefecture = serializers.CharField(required=False, allow_blank=True, max_length=2, default="")
    near = serializers.CharField(
        required=False, allow_blank=True, max_length=60, default="", help_text="LAT,LON"
    )
    limit = serializers.IntegerField(required=False, min_value=1, max_value=100, default=20)


class StationHitSerializer(serializers.Serializer):
    block_no = serializers.CharField(source="station.block_no")
    name = serializers.CharField(source="station.name")
    name_en = serializers.CharField(
        source="station.name_en", allow_blank=True, help_text="romaji of the kana, e.g. Tokyo"
    )
    kana = serializers.CharField(source="station.kana")
    kind = serializers.CharField(source="station.kind")
    page_type = serializers.CharField(source="station.page_type")
    prefecture = serializers.CharField(source="station.prefecture.code")
    prefecture_name = serializers.CharField(source="station.prefecture.name_ja")
    prefecture_name_en = serializers.CharField(source="station.prefecture.name_en")
    latitude = serializers.FloatField(source="station.latitude")
    longitude = serializers.FloatField(source="station.longitude")
    elevation_m = serializers.FloatField(source="station.elevation_m", allow_null=True)
    is_active = serializers.BooleanField(source="station.is_active")
    distance_km = serializers.FloatField(
        allow_null=True, help_text="from `near`, rounded to 0.1 km; null without `near`"
    )

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if data["distance_km"] is not None:
            data["distance_km"] = round(data["distance_km"], 1)
        return data


class StationSearchSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = StationHitSerializer(many=True)
