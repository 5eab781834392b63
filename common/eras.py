"""Dates in Japanese eras as JMA's station list writes them (observation start dates).

Read by the master-data seeding (repository) and the replay server's pages (batch), which
runs without Django's models, so it lives below both.
"""

from __future__ import annotations

import re
from datetime import date

ERA_START_YEAR = {"明": 1868, "大": 1912, "昭": 1926, "平": 1989, "令": 2019}
ERA_DATE = re.compile(r"(明|大|昭|平|令)(元|\d+)\.(\d+)\.(\d+)")


def parse_era_date(text: str) -> date | None:
    """JMA writes start dates in Japanese eras ('昭53.10.30', '(昭50.4.1)昭52.2.28', '#').

    The first date is the earliest observation at the station; '#' alone means unknown.
    """
    match = ERA_DATE.search(text)
    if not match:
        return None
    era, year_text, month, day = match.groups()
    year = ERA_START_YEAR[era] + (1 if year_text == "元" else int(year_text)) - 1
    try:
        return date(year, int(month), int(day))
    except ValueError:
        return None
