"""The file format on the request form, in Chromium against the whole service (the stack of
tests/ops/test_frontend.py): choosing CSV sends format=csv, the estimate counts the CSV's rows,
and the download is the ZIP."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from repository.models import FileRequest, ResultFile, User
from tests.ops.test_frontend import (  # noqa: F401 (fixtures)
    PASSWORD,
    Stack,
    browser,
    card,
    choose,
    log_in,
    new_page,
    period,
    stack,
    wait_for_status,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_choosing_csv_sends_it_estimates_its_rows_and_downloads_the_zip(
    new_page,  # noqa: F811
    stack: Stack,  # noqa: F811
    tmp_path: Path,
) -> None:
    User.objects.create_user("csv@example.jp", PASSWORD)
    page = new_page()
    log_in(page, stack, "csv@example.jp")
    assert page.input_value("#f-format") == "xlsx"  # the workbook unless chosen
    period(page, (2023, 1), (2023, 1))
    choose(page, search="47662", block_no="47662", items=["temp_avg", "precip_total"])
    # The workbook: 31 rows of 2 values; the CSV: one row per day and item.
    page.wait_for_selector("#estimate >> text=ファイル: 31 行")
    page.select_option("#f-format", "csv")
    page.wait_for_selector("#estimate >> text=ファイル: 62 行")
    assert page.input_value("#f-format") == "csv"

    page.click("#submit")
    page.wait_for_selector(".request")
    request = FileRequest.objects.get(owner__email="csv@example.jp")
    assert request.format == "csv"
    wait_for_status(page, request.pk, "完了")
    assert "· CSV (ZIP) ·" in card(page, request.pk).inner_text()  # the list says which file
    with page.expect_download() as info:
        card(page, request.pk).locator("[data-action=download]").click()
    download = info.value
    result = ResultFile.objects.get(request=request)
    assert download.suggested_filename == result.download_name
    assert result.download_name.endswith(".zip")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    with zipfile.ZipFile(io.BytesIO(saved.read_bytes())) as archive:
        rows = archive.read("daily_long.csv").decode("utf-8-sig").splitlines()
    assert len(rows) == 1 + 62 and rows[0].startswith("block_no,")
    assert page.js_errors == []

    page.goto(f"{stack.front}/#/new")
    page.wait_for_selector("#f-format")
    page.click("header .lang")  # the same choice in English
    page.wait_for_selector("label[for=f-format]:text-is('File format')")
    labels = page.locator("#f-format option").all_inner_texts()
    assert labels == ["Excel (.xlsx)", "CSV (ZIP, long format for R and Python)"]
