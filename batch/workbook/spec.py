"""What one workbook holds: the stations, items and period, its language and columns.

The writer and the 情報 sheet read it; the pipeline (batch.pipeline) builds from it; a
request or the build_workbook command makes one.
"""

from __future__ import annotations

from dataclasses import dataclass

from common.period import Period
from repository.models import FileRequest, Station, WeatherItem


@dataclass(frozen=True)
class WorkbookSpec:
    stations: list[Station]  # ordered, as selected; prefecture loaded
    items: list[WeatherItem]  # ordered, as selected
    period: Period  # its season, if any, takes the same months from every year
    language: str = "ja"  # "ja" | "en"
    quality_columns: bool = False
    request_id: int | None = None  # shown on the 情報 sheet when given
    format: str = "xlsx"  # "xlsx" (the workbook) | "csv" (a ZIP of CSVs, batch/workbook/csv_export)

    @classmethod
    def from_request(cls, file_request: FileRequest) -> WorkbookSpec:
        station_rows = file_request.station_rows.select_related("station__prefecture").order_by(
            "position"
        )
        item_rows = file_request.item_rows.select_related("item").order_by("position")
        return cls(
            stations=[row.station for row in station_rows],
            items=[row.item for row in item_rows],
            period=file_request.period,
            language=file_request.language,
            quality_columns=file_request.quality_columns,
            request_id=file_request.pk,
            format=file_request.format,
        )

    @property
    def station_month_count(self) -> int:
        return len(self.stations) * self.period.page_count
