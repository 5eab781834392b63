"""Print-ready: LibreOffice (headless) prints a 2-station, 2-year workbook to PDF.

The PDF is the oracle: poppler's pdfinfo gives the page count and size, pdftotext the text of
each page. データ must fit the page width (every page carries the last column) with its header
on every page, and every day row must be printed exactly once.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from common.period import Period
from tests.workbook.conftest import full_month, items, obs, result, spec_for, stations, write

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        shutil.which("soffice") is None,
        reason="LibreOffice (soffice) is not installed: scripts/setup.sh --dev installs it",
    ),
    pytest.mark.skipif(
        shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None,
        reason="poppler-utils (pdfinfo, pdftotext) is not installed: scripts/setup.sh --dev",
    ),
]

A4_LANDSCAPE = (841.89, 595.304)  # points: 297 x 210 mm, as pdfinfo reports it
ITEMS = (
    "temp_avg",
    "temp_max",
    "temp_min",
    "precip_total",
    "humidity_avg",
    "wind_speed_max",
    "wind_dir_max",
    "sunshine_hours",
    "snowfall_total",
    "weather_day",
)
DATE = re.compile(r"\b20(?:19|20)/\d\d/\d\d\b")


def day_values(day: int) -> dict:
    return {
        "temp_avg": obs(10.0 + day / 10),
        "temp_max": obs(15.0 + day / 10),
        "temp_min": obs(5.0 + day / 10, 5 if day == 3 else 8),
        "precip_total": obs(0.0, 8, no_phenomenon=True) if day % 3 else obs(12.5),
        "humidity_avg": obs(60.0),
        "wind_speed_max": obs(8.2),
        "wind_dir_max": obs("北北西"),
        "sunshine_hours": obs(5.5),
        "snowfall_total": obs(0.0, 8, no_phenomenon=True),
        "weather_day": obs("晴後一時曇"),
    }


def to_pdf(xlsx: Path, out_dir: Path) -> Path:
    profile = out_dir / "lo-profile"  # its own profile: parallel runs must not share one
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            str(xlsx),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return out_dir / f"{xlsx.stem}.pdf"


def pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return text.split("\f")[:-1]  # every page ends with a form feed


def page_sizes(pdf: Path) -> set[tuple[float, float]]:
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "9999", str(pdf)], check=True, capture_output=True, text=True
    ).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)
    return {(float(w), float(h)) for w, h in sizes}


def test_data_sheet_prints_one_page_wide_with_its_header_on_every_page(tmp_path: Path) -> None:
    tokyo, kitami = stations("47662", "0074")
    spec = spec_for([tokyo, kitami], items(*ITEMS), start=(2019, 1), end=(2020, 12))
    results = [
        (station, result(station, full_month(station.page_type, y, m, day_values), y, m))
        for station in (tokyo, kitami)
        for y, m in Period.of(2019, 1, 2020, 12).months()
    ]
    xlsx = tmp_path / "print.xlsx"
    write(spec, results, xlsx)
    pdf = to_pdf(xlsx, tmp_path)

    pages = pdf_pages(pdf)
    assert page_sizes(pdf) == {A4_LANDSCAPE}  # every page A4 landscape
    data_pages = [page for page in pages if DATE.search(page)]
    printed_days = [day for page in data_pages for day in DATE.findall(page)]
    # 2 stations x 731 days (2020 is a leap year), each printed once, in order per station.
    assert len(printed_days) == 2 * 731
    assert len(set(printed_days)) == 731
    # One page wide: the repeated header row, from its first to its last column (天気概況),
    # is on every page that has day rows, and Tokyo's rows carry their last cell there too.
    for page in data_pages:
        assert "地点番号" in page and "天気概況" in page
        assert "東京" not in page or "晴後一時曇" in page
    # Fitting 17 columns to the width leaves about 60 rows a page: 1,462 rows take 20-40 pages.
    assert 20 <= len(data_pages) <= 40, len(data_pages)
    # Every page carries the attribution and its number in the footer.
    assert all("出典：気象庁ホームページ" in page for page in pages)
    assert f"{len(pages)} / {len(pages)} ページ" in pages[-1]


JMA_URL = (
    "https://www.data.jma.go.jp/stats/etrn/view/daily_s1.php?prec_no=44&block_no=47662"
    "&year=2020&month={month}&day=&view="
)
WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)


def pdf_words(pdf: Path) -> list[list[tuple[float, float, float, float, str]]]:
    """Each page's words with their boxes (points), as pdftotext -bbox gives them."""
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return [
        [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in WORD.findall(page)]
        for page in html.split("<page ")[1:]
    ]


def test_headers_sit_over_their_values_and_info_prints_readable(tmp_path: Path) -> None:
    from batch.jma.page import MonthResult

    tokyo = stations("47662")[0]
    spec = spec_for(
        [tokyo],
        items("temp_avg", "precip_total", "wind_dir_max"),
        start=(2020, 1),
        end=(2020, 2),
        quality_columns=True,
    )
    results = [
        (
            tokyo,
            MonthResult(
                "47662", 2020, m, JMA_URL.format(month=m), full_month("s1", 2020, m, day_values)
            ),
        )
        for m in (1, 2)
    ]
    xlsx = tmp_path / "print.xlsx"
    write(spec, results, xlsx)
    pdf = to_pdf(xlsx, tmp_path)
    pages = pdf_words(pdf)
    texts = pdf_pages(pdf)

    # データ: the mean temperature header ends where its values end (numbers right, header
    # right), instead of starting at the column's left edge over the previous column's values.
    data = next(words for words in pages if any(w[4] == "2020/01/01" for w in words))

    def right_edge(pattern: str, below: float) -> float:
        """The right edge most of the matching values share (their column's)."""
        edges = Counter(round(w[2]) for w in data if re.fullmatch(pattern, w[4]) and w[1] > below)
        edge, count = edges.most_common(1)[0]
        assert count >= 20, edges
        return edge

    for title, pattern in (("平均気温(℃)", r"1[0-3]\.\d"), ("緯度", r"35\.6917")):
        header = next(w for w in data if w[4].startswith(title))
        assert abs(header[2] - right_edge(pattern, header[3])) <= 3, header
    # Quality headers break between words: 平均気温 / 品質, never 品 / 質.
    words = [w[4] for w in data]
    assert any(w.endswith("品質") for w in words), words[:40]
    assert not any(w == "品" or w.startswith("質") for w in words)

    # 情報: the long legend and rule lines wrap inside the sheet's width, so the page keeps a
    # readable size (text at least 7 pt tall), and every source url prints whole.
    info = [words for words, text in zip(pages, texts, strict=True) if "出典ページ" in text]
    assert info
    heights = sorted(w[3] - w[1] for words in info for w in words)
    assert heights[len(heights) // 2] >= 7.0, heights[len(heights) // 2]
    info_text = "\n".join(text for text in texts if "出典ページ" in text)
    for m in (1, 2):
        assert JMA_URL.format(month=m) in info_text
