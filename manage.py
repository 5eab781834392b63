#!/usr/bin/env python
"""Django's command-line utility."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Imported here, after the line above names the settings (as Django's own manage.py does).
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:
        if settings.configured:
            raise  # the settings loaded: a fault elsewhere, keep its traceback
        sys.exit(f"ImproperlyConfigured: {error}")  # a bad variable: one line, status 1


if __name__ == "__main__":
    main()
