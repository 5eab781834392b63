"""Cell styles for the streaming writer.

openpyxl resolves a style (font, fill, number format) through the workbook's style tables
each time one is assigned. At hundreds of thousands of cells that lookup dominates, so each
distinct style is built once on a prototype cell and new cells copy its style array.
"""

from __future__ import annotations

from copy import copy
from dataclasses import dataclass
from datetime import date, datetime
from math import isfinite
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.xml.functions import XML_NS, Element, SubElement

XML_SPACE = f"{{{XML_NS}}}space"

QUASI_FILL = PatternFill("solid", fgColor="FFF2CC")  # yellow: JMA ")" 準正常値
INSUFFICIENT_FILL = PatternFill("solid", fgColor="F8CBAD")  # orange: JMA "]" 資料不足値
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")

MARK_STYLES: dict[str, tuple[Font | None, PatternFill | None]] = {
    "normal": (None, None),
    "link": (Font(color="0563C1", underline="single"), None),
    "quasi": (None, QUASI_FILL),
    "insufficient": (Font(italic=True), INSUFFICIENT_FILL),
}

QUALITY_MARK = {5: "quasi", 4: "insufficient"}


def mark_for_quality(quality: int) -> str:
    return QUALITY_MARK.get(quality, "normal")


def _prototype(ws: Any, number_format: str | None, mark: str, header: bool) -> WriteOnlyCell:
    """A cell carrying one distinct style, to copy or to take the style id from."""
    proto = WriteOnlyCell(ws)
    font, fill = MARK_STYLES.get(mark, (None, None))
    if header:
        font, fill = Font(bold=True), HEADER_FILL
        horizontal = "right" if mark == "numeric" else "left"
        proto.alignment = Alignment(wrap_text=True, vertical="top", horizontal=horizontal)
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

    def header(self, value: str, *, numeric: bool = False) -> WriteOnlyCell:
        """A header cell: bold, shaded, wrapped; right-aligned over a column of numbers
        (dates included), so it prints above its values, not over the next column's."""
        cell = WriteOnlyCell(self.ws, value)
        cell._style = copy(self._prototype(None, "numeric" if numeric else "normal", True)._style)
        return cell

    def wrapped(self, value: str) -> WriteOnlyCell:
        """Text wrapped within its cell (or merged range), from the top."""
        cell = WriteOnlyCell(self.ws, value)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        return cell

    def bold(self, value: str, size: int | None = None) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws, value)
        cell.font = Font(bold=True, size=size) if size else Font(bold=True)
        return cell


@dataclass(frozen=True, slots=True)
class Link:
    """A cell that opens `url`: streamed as =HYPERLINK("url") with the url as its shown value.

    openpyxl keeps every cell hyperlink (and its relationship) in memory until the sheet is
    closed; a formula is written out with its row, so a link per station-month costs nothing
    at save. Excel and LibreOffice open it on a click and show the url (the cached value),
    readers that take values (pandas, openpyxl data_only) get the url."""

    url: str

    def formula(self) -> str | None:
        """HYPERLINK(...) when Excel takes the url as its argument (at most 255 characters)."""
        if len(self.url) > 255:
            return None
        quoted = self.url.replace('"', '""')
        return f'HYPERLINK("{quoted}")'


class StyledRows:
    """Appends rows whose cells' styles are ids chosen in advance (the データ sheet's hot path).

    Why: with WriteOnlyCells, openpyxl spends more on each styled cell than on writing it:
    building the cell, copying its style array, rejecting the cell as a value by raising and
    catching ValueError (formatting the cell's repr for the message), building a fresh cell
    after it, hashing the style array to find its id, then a Python call per XML element.
    Here each style id is looked up once, and on a write-only sheet each row goes out as one
    XML element built in C by lxml, in place of the sheet writer's row step (openpyxl 3.1,
    pinned; rows appended to the sheet directly still take openpyxl's own way). The XML is
    what openpyxl writes for the same values: numbers and dates as numbers, text inline.
    A normal (not write-only) sheet gets ordinary styled cells.
    """

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self._ids: dict[tuple[str | None, str], int] = {(None, "normal"): 0}
        self._arrays: dict[int, Any] = {}  # style id -> StyleArray, for normal sheets
        self._streaming = hasattr(ws, "_get_writer")
        self._installed = False
        self._pending: tuple[list[Any], list[int]] | None = None
        self._letters: list[str] = []
        self._checked: set[str] = set()  # strings openpyxl's checks have passed
        self._checker = WriteOnlyCell(ws)

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
        """One row of float, int, str, date, naive datetime or None; styles[i] is the style id
        of values[i].

        A date needs a style with a date format (openpyxl would give it one by itself).
        """
        if not self._streaming:
            self.ws.append(
                [
                    self._normal_cell(value, style)
                    if (style and value is not None) or type(value) is Link
                    else value
                    for value, style in zip(values, styles, strict=True)
                ]
            )
            for column, value in enumerate(values, start=1):
                if type(value) is Link:  # a cell hyperlink: memory is no concern here
                    self.ws.cell(self.ws.max_row, column).hyperlink = value.url
            return
        if len(values) != len(styles):
            raise ValueError(f"{len(values)} values but {len(styles)} styles")
        if not self._installed:
            self._install()
        if len(values) > len(self._letters):
            self._letters = [get_column_letter(i) for i in range(1, len(values) + 1)]
        self._pending = (values, styles)
        try:
            self.ws.append(values)  # openpyxl writes the row out before returning
        finally:
            self._pending = None

    def _normal_cell(self, value: Any, style: int) -> Cell:
        """A normal sheet's cell; a Link shows its url (append() adds the hyperlink)."""
        array = copy(self._arrays[style]) if style else None
        if type(value) is Link:
            value = value.url
        return Cell(self.ws, value=value, style_array=array)

    def _install(self) -> None:
        """Stand in for the sheet writer's row step. Late: the sheet's top (column widths,
        frozen panes) is written when its writer starts."""
        ws = self.ws
        ws._get_writer()
        self._openpyxl_write_row = ws._writer.write_row
        ws._writer.write_row = self._write_row
        self._epoch = ws.parent.epoch
        self._installed = True

    def _write_row(self, xf: Any, cells: Any, row_idx: int) -> None:
        pending = self._pending
        if pending is None:  # appended to the sheet directly
            self._openpyxl_write_row(xf, cells, row_idx)
            return
        values, styles = pending
        number = str(row_idx)
        attrs = {"r": number}
        dimension = self.ws.row_dimensions.get(row_idx)
        if dimension is not None:  # a height set for this row, as openpyxl writes it
            attrs.update(dimension)
        row = Element("row", attrs)
        for letter, value, style in zip(self._letters, values, styles, strict=False):
            kind = type(value)
            if kind is float or kind is int:
                if not isfinite(value):  # openpyxl would write an empty number; Excel balks
                    continue
                text = f"{value:.16g}"  # as openpyxl writes numbers
            elif value is None:
                continue
            elif kind is str:
                if value not in self._checked:
                    self._check(value)
                cell = SubElement(row, "c", {"r": letter + number, "t": "inlineStr"})
                if style:
                    cell.set("s", str(style))
                attrs = {XML_SPACE: "preserve"} if value != value.strip() else {}
                SubElement(SubElement(cell, "is"), "t", attrs).text = value
                continue
            elif kind is date or kind is datetime:  # datetimes naive (Excel has no zones)
                text = f"{to_excel(value, self._epoch):.16g}"
            elif kind is Link:
                self._write_link(row, letter + number, value, style)
                continue
            else:
                raise TypeError(f"StyledRows writes float, int, str, date, datetime; not {value!r}")
            if style:
                cell = SubElement(row, "c", {"r": letter + number, "s": str(style), "t": "n"})
            else:
                cell = SubElement(row, "c", {"r": letter + number, "t": "n"})
            SubElement(cell, "v").text = text
        xf.write(row)

    def _write_link(self, row: Any, ref: str, link: Link, style: int) -> None:
        """<c t="str"><f>HYPERLINK("url")</f><v>url</v></c>: a formula and its cached text."""
        if self._checker.check_string(link.url) != link.url:  # not kept: urls do not repeat
            raise ValueError(f"url too long for a cell: {link.url[:40]!r}...")
        formula = link.formula()
        cell = SubElement(row, "c", {"r": ref, "t": "str" if formula else "inlineStr"})
        if style:
            cell.set("s", str(style))
        if formula is None:  # too long for HYPERLINK: the url as text
            SubElement(SubElement(cell, "is"), "t").text = link.url
            return
        SubElement(cell, "f").text = formula
        SubElement(cell, "v").text = link.url

    def _check(self, value: str) -> None:
        """openpyxl's own checks (no control characters, at most 32,767 characters)."""
        if self._checker.check_string(value) != value:
            raise ValueError(f"text too long for a cell: {value[:40]!r}...")
        if len(self._checked) < 10_000:  # station names and weather texts repeat
            self._checked.add(value)
