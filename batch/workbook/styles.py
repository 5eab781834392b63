"""Cell styles for the streaming writer.

openpyxl resolves a style (font, fill, number format) through the workbook's style tables
each time one is assigned. At hundreds of thousands of cells that lookup dominates, so each
distinct style is built once on a prototype cell and new cells copy its style array.
"""

from __future__ import annotations

from collections.abc import Iterator
from copy import copy
from datetime import date
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
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


def _prototype(ws: Any, number_format: str | None, mark: str, header: bool) -> WriteOnlyCell:
    """A cell carrying one distinct style, to copy or to take the style id from."""
    proto = WriteOnlyCell(ws)
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
    return proto


class CellMaker:
    """Makes styled WriteOnlyCells for one worksheet, one prototype per distinct style."""

    def __init__(self, ws: Any) -> None:  # a write-only worksheet, or a normal one
        self.ws = ws
        self._prototypes: dict[tuple, WriteOnlyCell] = {}

    def _prototype(self, number_format: str | None, mark: str, header: bool) -> WriteOnlyCell:
        key = (number_format, mark, header)
        proto = self._prototypes.get(key)
        if proto is None:
            proto = self._prototypes[key] = _prototype(self.ws, number_format, mark, header)
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


class _PresetCell(Cell):
    """A cell told its style id instead of looking it up; one is reused for a whole sheet."""

    __slots__ = ("preset_style_id",)

    @property
    def style_id(self) -> int:
        return self.preset_style_id

    @property
    def has_style(self) -> bool:
        return self.preset_style_id != 0


class StyledRows:
    """Appends rows whose cells' styles are ids chosen in advance (the データ sheet's hot path).

    Why: with WriteOnlyCells, openpyxl spends more on each styled cell than on writing it:
    building the cell, copying its style array, rejecting the cell as a value by raising and
    catching ValueError (formatting the cell's repr for the message), building a fresh cell
    after it, and hashing the style array to find its id. Here the ids are looked up once per
    distinct style, and one reusable cell carries each value to openpyxl's own XML writer, by
    standing in for the write-only sheet's row-to-cells step (openpyxl 3.1, pinned). Cells are
    written exactly as openpyxl writes them; a normal (not write-only) sheet gets real cells.
    """

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self._ids: dict[tuple[str | None, str], int] = {(None, "normal"): 0}
        self._arrays: dict[int, Any] = {}  # style id -> StyleArray, for normal sheets
        self._styles: list[int] | None = None  # the row being appended through append()
        self._cell: _PresetCell | None = None
        if hasattr(ws, "_values_to_row"):  # write-only: rows are written as they come
            self._cell = _PresetCell(ws)
            self._cell.preset_style_id = 0
            self._openpyxl_cells = ws._values_to_row  # for rows appended to ws directly
            ws._values_to_row = self._to_cells

    def style(self, number_format: str | None = None, mark: str = "normal") -> int:
        """The workbook's id for this style (0: none), registered on first use."""
        key = (number_format, mark)
        style_id = self._ids.get(key)
        if style_id is None:
            proto = _prototype(self.ws, number_format, mark, False)
            style_id = self._ids[key] = proto.style_id
            self._arrays[style_id] = proto._style
        return style_id

    def append(self, values: list[Any], styles: list[int]) -> None:
        """One row of plain values; styles[i] is the style id of values[i] (dates need one)."""
        if self._cell is None:
            self.ws.append(
                [
                    Cell(self.ws, value=value, style_array=copy(self._arrays[style]))
                    if style and value is not None
                    else value
                    for value, style in zip(values, styles, strict=True)
                ]
            )
            return
        self._styles = styles
        try:
            self.ws.append(values)  # openpyxl writes the row out before returning
        finally:
            self._styles = None

    def _to_cells(self, values: list[Any], row_idx: int) -> Iterator[Cell]:
        styles = self._styles
        if styles is None:
            return self._openpyxl_cells(values, row_idx)
        return self._preset_cells(values, styles, row_idx)

    def _preset_cells(self, values: list[Any], styles: list[int], row_idx: int) -> Iterator[Cell]:
        cell = self._cell
        assert cell is not None
        for col_idx, (value, style) in enumerate(zip(values, styles, strict=True), 1):
            kind = type(value)
            if kind is float or kind is int:
                cell._value = value
                cell.data_type = "n"
            elif value is None:
                continue
            elif kind is date:  # its style carries the date format
                cell._value = value
                cell.data_type = "d"
            else:
                cell.value = value  # openpyxl's own typing: strings checked, dates as dates
            cell.preset_style_id = style
            cell.column = col_idx
            cell.row = row_idx
            yield cell
