"""python manage.py seed_master: load prefectures, stations and weather items (idempotent)."""

from django.core.management.base import BaseCommand

from repository.seeding import seed_master


class Command(BaseCommand):
    help = "Create or update master data from repository/data/. Never deletes anything."

    def handle(self, *args: object, **options: object) -> None:
        report = seed_master()
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write("changes made" if report.changed else "no changes")
