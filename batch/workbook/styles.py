"""Cell styles for the streaming writer.

openpyxl resolves a style (font, fill, number format) through the workbook's style tables
each time one is assigned. At hundreds of thousands of cells that lookup dominates, so each
distinct style is built once on a prototype cell and new cells copy its style array.
"""

from __future__ import annotations

from copy import copy
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

QUASI_FILL = PatternFill("solid", fgColor="FFF2CC")  # yellow: JMA ")" 準正常値
INSUFFICIENT_FILL = PatternFill("solid", fgColor="F8CBAD")  # orange: JMA "]" 資料不足値
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")

MARK_STYLES: dict[str, tuple[Font | None, PatternFill | None]] = {
    "normal": (None, None),
    "quasi": (None, QUASI_FILL),
    "insufficient": (Font(italic=True), INSUFFICIENT_FILL),
}

QUALITY_MARK = {5: "quasi", 4: "insufficient"}


def mark_for_quality(quality: int) -> str:
    return QUALITY_MARK.get(quality, "normal")


class CellMaker:
    """Makes styled WriteOnlyCells for one worksheet, one prototype per distinct style."""

    def __init__(self, ws: Any) -> None:  # a write-only worksheet, or a normal one
        self.ws = ws
        self._prototypes: dict[tuple, WriteOnlyCell] = {}

    def _prototype(self, number_format: str | None, mark: str, header: bool) -> WriteOnlyCell:
        key = (number_format, mark, header)
        proto = self._prototypes.get(key)
        if proto is None:
            proto = WriteOnlyCell(self.ws)
            font, fill = MARK_STYLES[mark]
            if header:
                font, fill = Font(bold=True), HEADER_FILL
                proto.alignment = Alignment(wrap_text=True, vertical="top")
            if font is not None:
                proto.font = font
            if fill is not None:
                proto.fill = fill
            if number_format is not None:
                proto.number_format = number_format
            self._prototypes[key] = proto
        return proto

    def cell(
        self, value: object, number_format: str | None = None, mark: str = "normal"
    ) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws, value)
        cell._style = copy(self._prototype(number_format, mark, False)._style)
        return cell

    def header(self, value: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws, value)
        cell._style = copy(self._prototype(None, "normal", True)._style)
        return cell

    def bold(self, value: str, size: int | None = None) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws, value)
        cell.font = Font(bold=True, size=size) if size else Font(bold=True)
        return cell
