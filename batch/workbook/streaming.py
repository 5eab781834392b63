"""What the streaming writers (daily, sub-daily, annual) share: the observation cells of
データ / 時別値 / 10分値, the 情報 sheet's time, and removing the sheets' temporary files.

One owner, so a JMA mark looks the same in every workbook: the value typed, its style id
picked by the quality code (")" yellow, "]" orange italics), "--" a 0 shown as "--", a
direction in the workbook's words, the quality code beside when asked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.utils import timezone

from batch.jma.page import Observation
from batch.workbook.labels import dash_format
from batch.workbook.styles import QUALITY_MARK, StyledRows


class ObservationColumn:
    """How one element is written in a data sheet: style ids chosen once, as this runs per
    cell. `number_format` None: not a number (text, direction); `words`: JMA's word -> the
    workbook's, for direction columns (南南西 -> SSW in English)."""

    __slots__ = ("code", "words", "normal", "marked", "dash", "dash_marked")

    def __init__(
        self,
        code: str,
        rows: StyledRows,
        number_format: str | None,
        words: dict[str, str] | None = None,
    ) -> None:
        self.code = code
        self.words = words
        dash = dash_format(number_format) if number_format is not None else None
        # JMA quality code -> style id; codes without a mark take the normal style.
        self.normal = rows.style(number_format)
        self.marked = {q: rows.style(number_format, m) for q, m in QUALITY_MARK.items()}
        # "--" is 0 shown as "--", keeping its ")" or "]" styling like any other value.
        self.dash = rows.style(dash)
        self.dash_marked = {q: rows.style(dash, m) for q, m in QUALITY_MARK.items()}


def append_observations(
    row: list[Any],
    styles: list[int],
    columns: Iterable[tuple[ObservationColumn, bool]],
    values: Mapping[str, Observation],
    quality_columns: bool,
    kept: dict[str, list[Observation]] | None = None,
) -> None:
    """Append one data row's observation cells and their style ids (a column not available
    at the station stays empty); each observation written also goes to `kept` when given.

    Called once a row, its loop kept inline: it runs for every cell of every row."""
    for column, is_available in columns:
        obs = values.get(column.code) if is_available else None
        if obs is None:
            row.append(None)
            styles.append(0)
            if quality_columns:
                row.append(None)
                styles.append(0)
            continue
        if kept is not None:
            kept[column.code].append(obs)
        value = obs.value
        if value is None:
            style = 0
        elif obs.no_phenomenon:
            value = 0.0
            style = column.dash_marked.get(obs.quality, column.dash)
        else:
            style = column.marked.get(obs.quality, column.normal)
            if column.words is not None:
                value = column.words.get(value, value)
        row.append(value)
        styles.append(style)
        if quality_columns:
            row.append(obs.quality)
            styles.append(0)


def info_time(generated_at: datetime) -> datetime:
    """The time 情報 shows: Excel has no time zones, so Japan time without one."""
    if generated_at.tzinfo is None:
        return generated_at
    return timezone.localtime(generated_at).replace(tzinfo=None)


def discard_sheets(workbook: Any) -> None:
    """Remove the streaming sheets' temporary files after a failed or interrupted run."""
    for ws in workbook.worksheets:
        writer = getattr(ws, "_writer", None)
        if writer is None:
            continue
        try:
            rows = getattr(ws, "_rows", None)
            if rows is not None:  # ends the sheet's XML first, or closing it fails later
                rows.close()
            writer.close()
            writer.cleanup()
        except (OSError, ValueError, RuntimeError):
            pass
