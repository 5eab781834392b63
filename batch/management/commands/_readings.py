"""How jma_parse and jma_fetch print a Reading (rows of labelled observations).

Not a command: Django skips modules whose names start with "_".
"""

from __future__ import annotations

from typing import Any

from batch.jma.page import Observation, Reading

ATTRIBUTION = "出典：気象庁ホームページ"


def as_json(reading: Reading) -> dict[str, Any]:
    return {
        "kind": reading.kind,
        "page_type": reading.page_type,
        "caption": reading.caption,
        "attribution": ATTRIBUTION,
        "rows": [
            {
                **row.keys,
                "values": {
                    code: {
                        "value": obs.value,
                        "quality": obs.quality,
                        "no_phenomenon": obs.no_phenomenon,
                    }
                    for code, obs in row.values.items()
                },
            }
            for row in reading.rows
        ],
    }


def _cell(obs: Observation | None) -> str:
    if obs is None:
        return ""
    if obs.no_phenomenon:
        text = "--"
    elif obs.value is None:
        text = "·"
    elif isinstance(obs.value, float):
        text = f"{obs.value:g}"
    else:
        text = str(obs.value)
    return text if obs.quality == 8 else f"{text}q{obs.quality}"


def as_table(reading: Reading) -> str:
    keys = list(dict.fromkeys(key for row in reading.rows for key in row.keys))
    codes = list(dict.fromkeys(code for row in reading.rows for code in row.values))
    lines = [[row.keys.get(key, "") for key in keys] + [_cell(row.values.get(c)) for c in codes]
             for row in reading.rows]  # fmt: skip
    header = keys + codes
    widths = [max([len(name), *(len(line[i]) for line in lines)]) for i, name in enumerate(header)]

    def joined(cells: list[str]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))

    out = [
        reading.caption,
        f"{reading.kind} ({reading.page_type}), {len(reading.rows)} rows; "
        "qN = JMA quality code N, · = no value, -- = no phenomenon",
        joined(header).rstrip(),
    ]
    out += [joined(line).rstrip() for line in lines]
    out.append(ATTRIBUTION)
    return "\n".join(out)
