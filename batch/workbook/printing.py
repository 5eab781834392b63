"""Page setup so every sheet prints as a researcher expects without touching Excel's dialogs.

Landscape A4, fitted to one page wide (as many pages tall as needed), the header row repeated
on every page, and a footer with JMA's required attribution and the page number. Header rows
are made tall enough for their wrapped text, which a streamed sheet cannot auto-fit.

All of it must be set before a streaming sheet's first row: the sheet properties (fit to
page) and row heights are written with the rows.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from batch.workbook import labels
from batch.workbook.styles import CellMaker

POINTS_PER_LINE = 15.0  # one line of the default 11 pt font, with its leading
HEADER_PADDING = 4.0


def text_width(text: str) -> int:
    """Width in Excel's column-width units: a full-width (CJK) character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def words_width(text: str, minimum: float = 0) -> float:
    """A column width that holds the widest word (or line) of a header whole: the widest
    plus the cell's padding, so 降水量の合計 is not broken as 降水量の / 合計."""
    return max(minimum, max((text_width(word) for word in text.split()), default=0) + 2)


def wrapped_lines(text: str, column_width: float) -> int:
    """Lines a wrapped cell needs: each explicit line broken at the column's width."""
    usable = max(1.0, column_width - 1.0)  # Excel keeps about one unit of cell padding
    return sum(max(1, math.ceil(text_width(line) / usable)) for line in text.split("\n"))


def header_height(texts: Sequence[str], widths: Sequence[float]) -> float:
    """The row height (points) that shows every header cell's wrapped text in full."""
    lines = max(
        (wrapped_lines(text, width) for text, width in zip(texts, widths, strict=False)),
        default=1,
    )
    return lines * POINTS_PER_LINE + HEADER_PADDING


def footer_text(language: str) -> str:
    """出典：気象庁ホームページ; '&' is the header/footer code character, so it is doubled."""
    with labels.in_language(language):
        return labels.attribution().replace("&", "&&")


def set_up_page(ws: Any, language: str, *, title_rows: int = 0) -> None:
    """Landscape, one page wide, title rows repeated, attribution and page number in the
    footer. Call before the sheet's first row."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4, what Japanese offices print on
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as the rows need
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = 0.6
    ws.page_margins.bottom = 0.7
    ws.page_margins.footer = 0.3
    if title_rows:
        ws.print_title_rows = f"1:{title_rows}"
    with labels.in_language(language):
        page = _("Page &P of &N")  # &P and &N: Excel's page number and page count
    ws.oddFooter.left.text = footer_text(language)
    ws.oddFooter.left.size = 9
    ws.oddFooter.right.text = page
    ws.oddFooter.right.size = 9


def set_header_height(ws: Any, texts: Sequence[str], widths: Sequence[float]) -> None:
    """Row 1 tall enough for the wrapped header texts (before the row is written)."""
    ws.row_dimensions[1].height = header_height(texts, widths)


def write_header(
    ws: Any,
    cells: CellMaker,
    header: Sequence[str],
    widths: Sequence[float],
    freeze: str,
    numeric: Sequence[bool] | None = None,
) -> None:
    """Row 1 of a table sheet: the column widths, panes frozen at `freeze`, the row tall
    enough, then the header cells (right-aligned over the columns `numeric` marks)."""
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = freeze
    set_header_height(ws, header, widths)
    flags = numeric if numeric is not None else [False] * len(header)
    ws.append(
        [cells.header(text, numeric=right) for text, right in zip(header, flags, strict=True)]
    )
