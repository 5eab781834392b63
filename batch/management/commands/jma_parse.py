"""`python manage.py jma_parse page.html [--json]`: read a saved JMA page of any supported type.

For operators checking a page saved from the live site (a browser's "save page", or
`jma_fetch --save-html`): the type (daily, hourly, 10-minute, annual values, records) comes from
the page itself, its caption or for records its table header (batch/jma/page_types.py), never
from the file name. Prints the rows, or exits 1 with the refusal on one line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from batch.jma.errors import JmaError, NoDataPublished
from batch.jma.page_types import read_page
from batch.management.commands._readings import ATTRIBUTION, as_json, as_table


class Command(BaseCommand):
    help = (
        "Read a saved JMA page (daily, hourly, 10-minute, annual values, records; the type is "
        "read from the page) and print its rows. Exits 1 with one line when the page cannot be "
        "read."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="a JMA page saved as HTML")
        parser.add_argument("--json", action="store_true", help="print JSON instead of a table")

    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["file"])
        try:
            html = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"jma_parse: cannot read {path}: {exc.strerror or exc}") from exc
        try:
            reading = read_page(html)
        except NoDataPublished as exc:
            self.stdout.write(f"{path}: JMA published no data ({exc}).\n{ATTRIBUTION}")
            return
        except (JmaError, ValueError) as exc:
            message = " ".join(str(exc).split())  # one line
            raise CommandError(f"jma_parse: {path}: {type(exc).__name__}: {message}") from exc
        if opts["json"]:
            self.stdout.write(json.dumps(as_json(reading), ensure_ascii=False))
        else:
            self.stdout.write(as_table(reading))
