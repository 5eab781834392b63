"""python manage.py demo_accounts: the local demo's user and admin, made once.

    DEMO_PASSWORD=... ADMIN_PASSWORD=... python manage.py demo_accounts \\
        --demo demo@example.com --admin admin@example.com

Passwords come from the environment (never the command line, which `ps` shows). An account
that exists is left as it is, password included, so a second run.sh changes nothing.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from repository.models import User


class Command(BaseCommand):
    help = "Create the demo user and the demo admin if they do not exist (passwords from env)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--demo", metavar="EMAIL", help="the demo user (DEMO_PASSWORD)")
        parser.add_argument("--admin", metavar="EMAIL", help="the demo admin (ADMIN_PASSWORD)")

    def handle(self, *args: Any, **options: Any) -> None:
        wanted = [
            (options["demo"], "DEMO_PASSWORD", False),
            (options["admin"], "ADMIN_PASSWORD", True),
        ]
        for email, password_variable, staff in wanted:
            if not email:
                continue
            password = os.environ.get(password_variable, "")
            if not password:
                raise CommandError(f"demo_accounts: set {password_variable} for {email}")
            if User.objects.filter(email=email).exists():
                self.stdout.write(f"run: account {email} exists (password unchanged)")
            elif staff:
                User.objects.create_superuser(email, password, name="Demo admin")
                self.stdout.write(f"run: created admin {email}")
            else:
                User.objects.create_user(email, password, name="Demo user")
                self.stdout.write(f"run: created demo user {email}")
