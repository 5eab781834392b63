"""Station.name_en: the romaji of the station list's katakana, for English readers and search.

Filled here for stations already loaded; seed_master keeps it in step with the kana."""

from django.db import migrations, models


def fill_romaji(apps, schema_editor):
    from common.romaji import romaji  # pykakasi, loaded only when stations exist

    Station = apps.get_model("repository", "Station")
    for station in Station.objects.filter(name_en="").exclude(kana="").only("pk", "kana"):
        Station.objects.filter(pk=station.pk).update(name_en=romaji(station.kana))


class Migration(migrations.Migration):
    dependencies = [
        ("repository", "0007_subdaily_cache"),
    ]

    operations = [
        migrations.AddField(
            model_name="station",
            name="name_en",
            field=models.CharField(blank=True, max_length=80, verbose_name="name in romaji"),
        ),
        migrations.RunPython(fill_romaji, migrations.RunPython.noop),
    ]
