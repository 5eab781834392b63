"""Hand-built pages for parser tests: JMA's markup with exactly the cells a test needs."""

from __future__ import annotations

import calendar

from batch.jma.replay_pages import A1_HEADER, S1_HEADER

# Tokyo 2012-09-15 as JMA.md quotes it, in s1 column order.
TOKYO_2012_09_15 = [
    "1014.6",
    "1018.7",
    "0.0",
    "0.0",
    "0.0",
    "28.3",
    "32.3",
    "26.2",
    "72",
    "49",
    "3.1",
    "6.0",
    "南東",
    "9.2",
    "南東",
    "8.5",
    "--",
    "--",
    "晴時々曇",
    "晴後一時曇",
]

S1_TEMPLATE_ROW = TOKYO_2012_09_15
A1_TEMPLATE_ROW = [
    "12.5",
    "4.0",
    "1.5",
    "18.3",
    "22.0",
    "15.1",
    "80",
    "61",
    "2.4",
    "5.1",
    "北西",
    "9.8",
    "北北西",
    "北西",
    "3.2",
    "--",
    "--",
]


def day_row(day: int, cells: list[str], *, page_type: str = "s1") -> str:
    link = f"hourly_{page_type}.php?prec_no=44&block_no=47662&year=2012&month=09&day={day}&view=p1"
    out = [
        '<tr class="mtx" style="text-align:right;"><td style="white-space:nowrap">'
        f'<div class="a_print"><a href="{link}">{day}</a></div></td>'
    ]
    out += [f"<td class=data_0_0>{cell}</td>" for cell in cells]
    out.append("</tr>")
    return "".join(out)


def page(
    header: str,
    rows: list[str],
) -> str:
    return (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8">'
        "</head><body><div id=main>"
        f'<table id="tablefix1" class=data2_s>{header}{"".join(rows)}</table>'
        "</div></body></html>"
    )


def month_page(
    year: int,
    month: int,
    *,
    page_type: str = "s1",
    days: int | None = None,
    special: dict[int, list[str]] | None = None,
    header: str | None = None,
) -> str:
    """A page whose every day repeats the template row, except days given in special."""
    template = S1_TEMPLATE_ROW if page_type == "s1" else A1_TEMPLATE_ROW
    n = calendar.monthrange(year, month)[1] if days is None else days
    rows = [
        day_row(day, (special or {}).get(day, template), page_type=page_type)
        for day in range(1, n + 1)
    ]
    return page(header or (S1_HEADER if page_type == "s1" else A1_HEADER), rows)
