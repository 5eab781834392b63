"""記録: JMA's records (観測史上1〜10位の値) of the request's stations, beside a daily request's
whole years and its 検算.

One row per station, element and rank: JMA's element name and unit, the value with its mark,
the wind direction, the date as JMA writes it (a day, a month, a year or a 寒候年) and the
statistics period. Observatories' records come from rank_s through the station cache (refreshed
monthly); AMeDAS stations' rank_a pages are not read (no real page has been checked), and the
sheet says so on the station's row rather than leaving it out.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from batch.jma.station_cache import AMEDAS_NOT_READ, NO_RECORDS, RecordsResult
from batch.workbook import labels
from batch.workbook.printing import set_up_page, write_header
from batch.workbook.styles import CellMaker, mark_for_quality
from repository.models import Station


class RecordsSheet:
    def __init__(self, ws: Any, language: str) -> None:
        self.ws = ws
        self.language = language
        self.cells = CellMaker(ws)
        self.rows: list[list[Any]] = []

    def add(self, station: Station, result: RecordsResult | None, problem: str = "") -> None:
        prefix = [
            labels.prefecture_name(station.prefecture),
            labels.station_name(station),
            station.block_no,
        ]
        page = result.page if result is not None else None
        if page is None:
            reason = problem or {
                AMEDAS_NOT_READ: _(
                    "Records not available: JMA's records of AMeDAS stations (rank_a) are not "
                    "read yet (no real page of them has been checked)."
                ),
                NO_RECORDS: _("Records not available: JMA published none for this station."),
            }.get(result.unavailable if result else "", _("Records not available."))
            self.rows.append([*prefix, *([None] * 7), reason])
            return
        directions = labels.directions()
        for code, records in page.elements.items():
            del code
            element = records.element
            for record in records.records:
                value = None
                if record.value.value is not None:
                    number_format = '0.0;-0.0;"--"' if record.value.no_phenomenon else None
                    value = self.cells.cell(
                        record.value.value, number_format, mark_for_quality(record.value.quality)
                    )
                direction = directions.get(record.direction or "", record.direction)
                self.rows.append(
                    [
                        *prefix,
                        element.name_ja,
                        element.unit,
                        record.rank,
                        value,
                        direction,
                        record.date.text,
                        records.period_text,
                        "",
                    ]
                )

    def write(self) -> None:
        set_up_page(self.ws, self.language, title_rows=1)
        header = [
            _("Prefecture"),
            _("Station"),
            _("Station no."),
            _("Element (JMA)"),
            _("Unit"),
            _("Rank"),
            _("Value"),
            _("Direction"),
            _("Date"),
            _("Statistics period"),
            _("Note"),
        ]
        widths = [10, 14, 10, 28, 7, 6, 10, 9, 12, 24, 50]
        write_header(self.ws, self.cells, header, widths, "D2")
        for row in self.rows:
            self.ws.append(row)
        self.ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(self.rows) + 1}"
