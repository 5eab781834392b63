"""Hand-built pages for parser tests: JMA's markup with exactly the cells a test needs."""

from __future__ import annotations

import calendar
from pathlib import Path

from lxml import html as lxml_html

from batch.jma.replay_pages import A1_HEADER, S1_HEADER

# Tokyo 2012-09-15 as docs/jma-pages.md quotes it (daily_s1), in s1 column order.
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


# The same s1 columns on another grid (groups spanning one row, leaves spanning three, scope
# attributes, <br />): the header paths, not the cell positions, identify the columns.
ALT_S1_HEADER = (
    '<tr class="mtx"><th rowspan="4" scope="col">日</th>'
    '<th colspan="2" scope="colgroup">気圧(hPa)</th>'
    '<th colspan="3" scope="colgroup">降水量(mm)</th>'
    '<th colspan="3" scope="colgroup">気温(℃)</th>'
    '<th colspan="2" scope="colgroup">湿度(％)</th>'
    '<th colspan="5" scope="colgroup">風向・風速(m/s)</th>'
    '<th rowspan="4" scope="col">日照<br />時間<br />(h)</th>'
    '<th colspan="2" scope="colgroup">雪(cm)</th>'
    '<th colspan="2" scope="colgroup">天気概況</th></tr>'
    '<tr class="mtx"><th scope="col">現地</th><th scope="col">海面</th>'
    '<th rowspan="3" scope="col">合計</th><th colspan="2" rowspan="2" scope="colgroup">最大</th>'
    '<th rowspan="3" scope="col">平均</th><th rowspan="3" scope="col">最高</th>'
    '<th rowspan="3" scope="col">最低</th>'
    '<th rowspan="3" scope="col">平均</th><th rowspan="3" scope="col">最小</th>'
    '<th rowspan="3" scope="col">平均<br />風速</th>'
    '<th colspan="2" rowspan="2" scope="colgroup">最大風速</th>'
    '<th colspan="2" rowspan="2" scope="colgroup">最大瞬間風速</th>'
    '<th rowspan="2" scope="col">降雪</th><th rowspan="2" scope="col">最深積雪</th>'
    '<th rowspan="3" scope="col">昼<br />(06:00-18:00)</th>'
    '<th rowspan="3" scope="col">夜<br />(18:00-翌日06:00)</th></tr>'
    '<tr class="mtx"><th rowspan="2" scope="col">平均</th>'
    '<th rowspan="2" scope="col">平均</th></tr>'
    '<tr class="mtx"><th scope="col">1時間</th><th scope="col">10分間</th>'
    '<th scope="col">風速</th><th scope="col">風向</th>'
    '<th scope="col">風速</th><th scope="col">風向</th>'
    '<th scope="col">合計</th><th scope="col">値</th></tr>'
)


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


REAL = Path(__file__).parents[1] / "real_pages"  # JMA's own pages (README there)
UTF8 = lxml_html.HTMLParser(encoding="utf-8")


def header_cells(html: str) -> list[list[tuple[str, str, str, str, str]]]:
    """The header <tr> rows as (tag, scope, rowspan, colspan, text with <br> kept) per cell."""
    table = lxml_html.document_fromstring(html.encode(), parser=UTF8).get_element_by_id("tablefix1")
    rows = []
    for tr in table.iter("tr"):
        if tr.find("td") is not None:
            break
        cells = []
        for th in tr:
            parts = [th.text or ""]
            for child in th:
                assert child.tag == "br", child.tag
                parts.append("<br>" + (child.tail or ""))
            cells.append(
                (
                    th.tag,
                    th.get("scope", ""),
                    th.get("rowspan", "1"),
                    th.get("colspan", "1"),
                    "".join(parts),
                )
            )
        rows.append(cells)
    return rows
