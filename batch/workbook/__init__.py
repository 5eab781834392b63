"""The Excel workbook: データ, 月別集計, グラフ and 情報, streamed with openpyxl's write-only mode.

writer.WorkbookWriter is the entry point (batch.pipeline drives it); monthly computes the
month statistics, charts draws from them, info writes the request, sources and legend, and
labels holds every text in Japanese and English.
"""
