"""Japanese for the API's own messages: edit here, then `python locale/ja_messages.py`.

Writes locale/ja/LC_MESSAGES/django.po and compiles django.mo with msgfmt (gettext); both are
committed so a checkout works without gettext installed.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

JA = {
    "This request needs %(rows)s rows (%(stations)s stations x %(days)s days x "
    "%(per_day)s rows a day) but an Excel sheet holds at most %(limit)s data rows. "
    "Choose fewer stations or fewer days.": (
        "この依頼には %(rows)s 行 (%(stations)s 地点 × %(days)s 日 × 1日 %(per_day)s 行) が"
        "必要ですが、Excel のシートに入るデータは %(limit)s 行までです。"
        "地点か日数を減らしてください。"
    ),
    "This request needs %(pages)s JMA pages (one per station and day); the service "
    "allows at most %(limit)s per request. Choose fewer stations or fewer days.": (
        "この依頼には気象庁のページが %(pages)s ページ (地点・日ごとに1ページ) 必要ですが、"
        "1件の依頼は %(limit)s ページまでです。地点か日数を減らしてください。"
    ),
    "Charts are drawn for the first %(shown)s of %(total)s stations.": (
        "グラフは %(total)s 地点のうち最初の %(shown)s 地点について描いています。"
    ),
    "%(item)s, %(how)s of the rows": "%(item)s (行の%(how)s)",
    "%(start)s to %(end)s (%(days)s days)": "%(start)s～%(end)s (%(days)s 日)",
    "%(station)s (%(block_no)s), %(scale)s": "%(station)s (%(block_no)s) %(scale)s",
    "10-minute values": "10分値",
    "Hourly values": "時別値",
    "Charts (values from the %(sheet)s sheet)": "グラフ (%(sheet)s シートの値)",
    "Check": "検算",
    "Cloud amount": "雲量",
    "Day": "観測日",
    "Dew point": "露点温度",
    "Difference": "差",
    "Each day's sum, mean or maximum of the %(sheet)s rows beside JMA's daily value from its "
    "daily page; JMA's daily means are of the 24 hourly values, its extremes from the "
    "continuous record (they may exceed the rows').": (
        "各日の %(sheet)s の行の合計・平均・最大と、気象庁の日ごとの値のページの値を並べています。"
        "気象庁の日平均は24回の毎時値の平均、日の極値は連続観測によるもので、行の値を超えることがあります。"
    ),
    "Global solar radiation": "全天日射量",
    "JMA historical weather data (10-minute values)": "気象庁 過去の気象データ (10分ごとの値)",
    "JMA historical weather data (hourly values)": "気象庁 過去の気象データ (1時間ごとの値)",
    "JMA's daily value": "気象庁の日の値",
    "Maximum gust direction": "最大瞬間風向",
    "Maximum gust speed": "最大瞬間風速",
    "Mean wind direction": "風向",
    "Mean wind speed": "平均風速",
    "Precipitation": "降水量",
    "Relative humidity": "相対湿度",
    "Sea-level pressure": "海面気圧",
    "Snow depth": "積雪",
    "Snowfall": "降雪",
    "Station pressure": "現地気圧",
    "Station-days": "地点・日数",
    "Sunshine duration": "日照時間",
    "Temperature": "気温",
    "Time (JST)": "日時 (日本時間)",
    "Vapour pressure": "蒸気圧",
    "Visibility": "視程",
    "Weather": "天気",
    "max": "最大",
    "mean": "平均",
    "min": "分",
    "sum": "合計",
    "yyyy-mm-dd hh:mm": "yyyy/mm/dd hh:mm",
    "Granularity must be one of: %(choices)s.": "時間の単位は次のいずれかです: %(choices)s。",
    "Days are given for hourly and 10-minute requests only.": (
        "日の指定は時別値と10分値の依頼だけに使えます。"
    ),
    "%(month)s has no day %(day)s.": "%(month)s に %(day)s 日はありません。",
    "The period cannot end after today (%(day)s, Japan time): "
    "there is no data for the future yet.": (
        "期間の終わりは今日 (日本時間 %(day)s) より後にできません。未来のデータはまだありません。"
    ),
    "The request body is larger than %(limit)s bytes.": (
        "リクエストの本文が %(limit)s バイトを超えています。"
    ),
    "JSON nested deeper than %(depth)s levels.": "JSON の入れ子が %(depth)s 段を超えています。",
    "The password was changed; log in again.": (
        "パスワードが変更されました。もう一度ログインしてください。"
    ),
    "Verify your email address first: follow the link in the mail we sent when you signed up.": (
        "先にメールアドレスを確認してください。登録時にお送りしたメールのリンクを開いてください。"
    ),
    "Too many failed logins for this account from your address; try again in %(minutes)s "
    "minutes, or reset your password.": (
        "このアカウントへのログイン失敗が多すぎます。%(minutes)s 分後にもう一度試すか、"
        "パスワードを再設定してください。"
    ),
    "Your email address is verified.": "メールアドレスを確認しました。",
    "Thank you. We sent a mail to this address: follow its link to verify the address, then log "
    "in (if you already have an account, the mail says how to log in or reset your password).": (
        "ありがとうございます。このアドレスにメールをお送りしました。リンクを開いてアドレスを"
        "確認してから、ログインしてください (すでにアカウントがある場合は、ログインまたは"
        "パスワード再設定の方法をメールでお知らせします)。"
    ),
    "Thank you. You can log in now: this server does not require a verified address. We sent a "
    "mail to this address: follow its link to verify it (if you already have an account, the "
    "mail says how to log in or reset your password).": (
        "ありがとうございます。このサーバーではアドレスの確認前でもログインできます。このアドレスに"
        "メールをお送りしました。リンクを開いてアドレスを確認してください (すでにアカウントがある"
        "場合は、ログインまたはパスワード再設定の方法をメールでお知らせします)。"
    ),
    "This verification link is invalid or has expired; sign up again.": (
        "この確認リンクは無効か期限切れです。もう一度登録してください。"
    ),
    "This verification link is invalid or has expired.": "この確認リンクは無効か期限切れです。",
    "At most 150 characters.": "150 文字以内で入力してください。",
    "[%(service)s] Set a new password": "[%(service)s] 新しいパスワードの設定",
    "Someone (hopefully you) asked to set a new password for %(email)s.\n\n"
    "Open this link within %(hours)s hours to choose one:\n%(link)s\n\n"
    "If you did not ask, ignore this mail; your password stays as it is.\n": (
        "%(email)s のパスワード再設定の申し込みがありました。\n\n"
        "%(hours)s 時間以内に次のリンクを開いて、新しいパスワードを設定してください:\n%(link)s\n\n"
        "お心当たりがなければ、このメールは無視してください。パスワードは変わりません。\n"
    ),
    "This reset link is invalid or has expired. Ask for a new one.": (
        "この再設定リンクは無効か期限切れです。もう一度申し込んでください。"
    ),
    "Use LAT,LON in decimal degrees, e.g. 35.69,139.75.": (
        "緯度,経度 を10進数の度で指定してください (例: 35.69,139.75)。"
    ),
    "Latitude must be within ±90 and longitude within ±180.": (
        "緯度は ±90、経度は ±180 の範囲で指定してください。"
    ),
    "Limit must be between 1 and %(max)s.": "件数は 1 から %(max)s の間で指定してください。",
    "Unknown prefecture: %(code)s.": "不明な都道府県です: %(code)s。",
    "This download link has expired. Log in to download the file or request it again.": (
        "このダウンロードリンクは期限切れです。ログインしてダウンロードするか、もう一度依頼してください。"
    ),
    "This download link is not valid.": "このダウンロードリンクは無効です。",
    "Request #%(id)s is %(status)s; there is no file to download.": (
        "依頼 #%(id)s は %(status)s です。ダウンロードできるファイルはありません。"
    ),
    "Request #%(id)s has no stored file.": "依頼 #%(id)s には保存されたファイルがありません。",
    "The file for request #%(id)s expired on %(date)s and was removed. Retry the "
    "request to make it again.": (
        "依頼 #%(id)s のファイルは %(date)s に期限が切れ、削除されました。"
        "再実行するともう一度作成されます。"
    ),
    "The file for request #%(id)s was removed.": "依頼 #%(id)s のファイルは削除されました。",
    "The request is not valid; see fields.": "入力に誤りがあります。各項目を確認してください。",
    "Not found.": "見つかりません。",
    "Month must be between 1 and 12.": "月は 1 から 12 で指定してください。",
    "Give both season months or neither: %(other)s is set.": (
        "季節の開始月と終了月は両方指定するか、両方とも省略してください"
        " (%(other)s が指定されています)。"
    ),
    "The period holds no month of the season %(season)s: lengthen the period.": (
        "期間に季節 %(season)s の月が含まれていません。期間を延ばしてください。"
    ),
    "Year must be %(year)s or later.": "年は %(year)s 年以降を指定してください。",
    "The end of the period is before its start.": "期間の終わりが始まりより前です。",
    "The period cannot end after the current month (%(month)s, Japan time): "
    "there is no data for the future yet.": (
        "期間の終わりは今月 (%(month)s、日本時間) までです。未来のデータはまだありません。"
    ),
    "Unknown station: %(block_no)s.": "不明な地点です: %(block_no)s。",
    "Station %(block_no)s (%(name)s) is no longer active.": (
        "地点 %(block_no)s (%(name)s) は現在観測を行っていません。"
    ),
    "Prefecture %(code)s (%(name)s) has no active representative station; "
    "choose stations instead.": (
        "都道府県 %(code)s (%(name)s) には観測中の代表地点がありません。地点を選んでください。"
    ),
    "Choose at least one station or prefecture.": "地点または都道府県を1つ以上選んでください。",
    "Choose at least one weather item.": "気象要素を1つ以上選んでください。",
    "Unknown weather item: %(code)s.": "不明な気象要素です: %(code)s。",
    "Weather item %(code)s is no longer offered.": "気象要素 %(code)s は現在提供していません。",
    " and ": "と",
    "observatory (s1)": "気象台等 (s1)",
    "AMeDAS (a1)": "アメダス (a1)",
    "%(label)s (%(code)s) is not observed at any selected station: "
    "the selection has only %(kinds)s stations.": (
        "%(label)s (%(code)s) は選んだどの地点でも観測していません"
        " (選んだのは%(kinds)sの地点だけです)。"
    ),
    "This request needs %(rows)s rows (%(stations)s stations x %(days)s days) but an "
    "Excel sheet holds at most %(limit)s data rows. Choose fewer stations or a shorter "
    "period.": (
        "この依頼には %(rows)s 行 (%(stations)s 地点 × %(days)s 日) が必要ですが、Excel の"
        "シートに入るデータは %(limit)s 行までです。地点を減らすか期間を短くしてください。"
    ),
    "This request covers %(station_months)s station-months; the service allows at most "
    "%(limit)s per request. Choose fewer stations or a shorter period.": (
        "この依頼は %(station_months)s 地点・月です。1件の依頼は %(limit)s 地点・月までです。"
        "地点を減らすか期間を短くしてください。"
    ),
    "Language must be one of: %(choices)s.": "言語は次のいずれかです: %(choices)s。",
    "You already have %(active)s requests queued or running; the limit is "
    "%(limit)s. Wait for one to finish or cancel one.": (
        "待機中または実行中の依頼がすでに %(active)s 件あります (上限 %(limit)s 件)。"
        "終わるのを待つか、どれかを取り消してください。"
    ),
    "Idempotency-Key %(key)s was already used for request #%(id)s with a "
    "different body. Use a new key for a different request.": (
        "Idempotency-Key %(key)s は別の内容の依頼 #%(id)s で使用済みです。"
        "別の依頼には新しいキーを使ってください。"
    ),
    "Must be 1 to %(max)s characters.": "1 から %(max)s 文字で指定してください。",
    "Request #%(id)s is already %(status)s and cannot be cancelled.": (
        "依頼 #%(id)s はすでに %(status)s のため取り消せません。"
    ),
    "Request #%(id)s is %(status)s; only failed or cancelled requests, "
    "or finished ones whose file has expired, can be retried.": (
        "依頼 #%(id)s は %(status)s です。再実行できるのは失敗・取消の依頼と、"
        "ファイルの期限が切れた完了済みの依頼だけです。"
    ),
    "Status must be one of: %(choices)s.": "状態は次のいずれかです: %(choices)s。",
    "Request %(id)s not found.": "依頼 %(id)s は見つかりません。",
    "invalid": "無効",
    "Invalid input.": "入力に誤りがあります。",
    " (and %(more)s more fields)": " (ほか %(more)s 項目)",
    "The request body is too large.": "リクエストの本文が大きすぎます。",
    "The request was refused: %(reason)s": "リクエストを拒否しました: %(reason)s",
    "Internal server error. It has been logged.": "サーバー内部のエラーです。記録しました。",
    "API paths end with a slash.": "API のパスはスラッシュで終わります。",
    "No endpoint at %(path)s.": "%(path)s という API はありません。",
    "Bad request.": "不正なリクエストです。",
    "Forbidden.": "権限がありません。",
    "... and %(more)s more errors like these.": "…ほか同様のエラーが %(more)s 件あります。",
    "The API process answers.": "API のプロセスは応答しています。",
    "The database is reachable.": "データベースに接続できます。",
    "The database is not reachable.": "データベースに接続できません。",
    "Database reachable and a batch worker is alive.": (
        "データベースに接続でき、バッチのワーカーが動いています。"
    ),
    "No batch worker has sent a heartbeat in the last %(seconds)s s; requests are not being "
    "processed.": (
        "直近 %(seconds)s 秒間、バッチのワーカーから応答がありません。依頼は処理されていません。"
    ),
    "If an account has this address, a mail with a reset link is on its way.": (
        "このアドレスのアカウントがあれば、再設定リンクのメールを送りました。"
    ),
    "Your password has been changed. Log in with the new one.": (
        "パスワードを変更しました。新しいパスワードでログインしてください。"
    ),
    # --- Accounts (application/accounts.py): mails in the sign-up's language, verification ---
    "This address is already verified. Log in with it.": (
        "このメールアドレスは確認済みです。このアドレスでログインしてください。"
    ),
    "[%(service)s] Verify your email address": "[%(service)s] メールアドレスの確認",
    "Welcome. To start requesting weather workbooks, verify this address with the link "
    "below.\n\n%(link)s\n\nIf you did not sign up, ignore this mail.\n\n--\n%(service)s\n": (
        "ご登録ありがとうございます。気象データの依頼を始めるには、下のリンクでメールアドレスを"
        "確認してください。\n\n%(link)s\n\n"
        "心当たりがない場合はこのメールを破棄してください。\n\n--\n%(service)s\n"
    ),
    "[%(service)s] You already have an account": "[%(service)s] 登録済みのアドレスです",
    "Someone (probably you) tried to sign up with this address, which already has an "
    "account. Log in with it, or reset your password if you forgot it:": (
        "このアドレスで登録の申し込みがありましたが、このアドレスはすでに登録されています。"
        "ログインするか、パスワードを忘れた場合は再設定してください:"
    ),
    "Your address is not verified yet:": "このアドレスはまだ確認されていません:",
    "If this was not you, ignore this mail.": (
        "お心当たりがなければ、このメールは無視してください。"
    ),
    # --- The mailed download link opened in a browser (presentation/link_page.py) -----------
    "This download link has expired": "このダウンロードリンクは期限切れです",
    "Log in and open your requests: the file is there while it is kept, and a request whose "
    "file is gone can be made again with Retry.": (
        "ログインして依頼一覧を開いてください。保存期間中のファイルはそこからダウンロードでき、"
        "ファイルが削除された依頼は「再実行」でもう一度作成できます。"
    ),
    "The file is no longer kept": "ファイルはすでに削除されています",
    "Log in, open your requests and choose Retry on this one to make the file again.": (
        "ログインして依頼一覧を開き、この依頼の「再実行」を選ぶとファイルをもう一度作成します。"
    ),
    "The file is not ready": "ファイルはまだできていません",
    "Log in and open your requests to see how far the request has come.": (
        "ログインして依頼一覧を開くと、依頼の進み具合を確認できます。"
    ),
    "This download link does not work": "このダウンロードリンクは使えません",
    "Open the link exactly as it is in the mail (a mail program may cut a long link in two), "
    "or log in and download the file from your requests.": (
        "メールのリンクをそのまま開いてください (メールソフトが長いリンクを途中で切ることが"
        "あります)。または、ログインして依頼一覧からダウンロードしてください。"
    ),
    "The download did not work": "ダウンロードできませんでした",
    "Try again later, or log in and open your requests.": (
        "しばらくしてからもう一度試すか、ログインして依頼一覧を開いてください。"
    ),
    "Open your requests": "依頼一覧を開く",
    # --- Workbook (batch/workbook): sheets, headers, 情報, グラフ, print footer -------------------
    # The file's name (batch/jobs.py): the Japanese one names the first station and the season
    # (test_text_catalog.EXTRA_PLACEHOLDERS); the English one stays ASCII.
    "jma-weather-%(id)s-%(start)s-%(end)s.xlsx": (
        "気象データ_%(where)s_%(start)s-%(end)s%(season)s_%(id)s.xlsx"
    ),
    "%(station)s and %(others)s more": "%(station)sほか%(others)s地点",
    "_months-%(first)s-%(last)s": "_%(first)s-%(last)s月",
    "Data": "データ",
    "Monthly": "月別集計",
    "Seasons": "季節別",
    "Charts": "グラフ",
    "Info": "情報",
    "Prefecture": "都道府県",
    "Station": "地点",
    "Station no.": "地点番号",
    "Date": "日付",
    "Year": "年",
    "Month": "月",
    "Year-month": "年月",
    "Days in month": "月の日数",
    "Season year": "季節の年",
    "Months": "期間",
    "Days in season": "季節の日数",
    "Months with data": "データのある月数",
    "Seasons left out": "除いた季節",
    "%(years)s: cut by the period's edges, so not on the Seasons sheet (their months are on "
    "the Data and Monthly sheets)": (
        "%(years)s：期間の端で欠けるため季節別シートに載せていません（その月はデータ・月別集計"
        "シートにあります）"
    ),
    "%(item)s quality": "%(item)s 品質",
    "%(item)s, %(statistic)s": "%(item)s %(statistic)s",
    "%(item)s, direction on the day of the monthly max": "%(item)s 月最大の日の風向",
    "%(label)s (%(unit)s)": "%(label)s(%(unit)s)",
    # A name from JMA's lists: English readers get the English name with JMA's beside it
    # (Tokyo (東京)); Japanese readers JMA's name alone.
    "%(english)s (%(japanese)s)": "%(japanese)s",
    # Lists and month ranges: 東京、大阪 / 2020-01～2020-03.
    ", ": "、",
    "%(first)s to %(last)s": "%(first)s～%(last)s",
    # Excel number formats of dates and months.
    "yyyy-mm-dd": "yyyy/mm/dd",
    "yyyy-mm": "yyyy/mm",
    "Page &P of &N": "&P / &N ページ",
    "monthly mean": "月平均",
    "monthly total": "月合計",
    "monthly max": "月最大",
    "monthly minimum": "月最小",
    "largest daily": "日最大",
    "monthly mean of daily maxima": "月平均（日最高の平均）",
    "monthly mean of daily minima": "月平均（日最低の平均）",
    "monthly highest": "月最高",
    "monthly lowest": "月最低",
    "season mean": "季節平均",
    "season total": "季節合計",
    "season max": "季節最大",
    "season minimum": "季節最小",
    "season mean of daily maxima": "季節平均（日最高の平均）",
    "season mean of daily minima": "季節平均（日最低の平均）",
    "season highest": "季節最高",
    "season lowest": "季節最低",
    "Monthly charts (values from the Monthly sheet)": "月別グラフ（月別集計シートの値）",
    "No numeric item with a monthly statistic was selected, so there is nothing to chart.": (
        "グラフにできる数値項目（月平均・月合計など）が選ばれていません。"
    ),
    "Charts are drawn for the first %(shown)s of %(total)s stations; see the Monthly sheet "
    "for the others.": (
        "グラフは先頭の %(shown)s 地点分です（全 %(total)s 地点）。"
        "他の地点は月別集計シートをご覧ください。"
    ),
    "%(station)s (%(block_no)s) by month": "%(station)s（%(block_no)s）月別",
    "%(statistic)s: stations compared": "%(statistic)s：地点別",
    "Unit: %(units)s": "単位：%(units)s",
    "JMA historical weather data (daily values)": "気象庁 過去の気象データ（日別値）",
    "Source: Japan Meteorological Agency website": "出典：気象庁ホームページ",
    "Created by processing data from the JMA website (%(url)s)": (
        "気象庁ホームページ（%(url)s）のデータを加工して作成"
    ),
    "Request no.": "依頼番号",
    "Period": "期間",
    "%(start)s to %(end)s (%(months)s months)": "%(start)s ～ %(end)s（%(months)s か月）",
    "Season (months of each year)": "季節（毎年の月）",
    "months %(first)s to %(last)s": "%(first)s月～%(last)s月",
    "months %(first)s to %(last)s (month %(first)s counts with the following year's season)": (
        "%(first)s月～%(last)s月（%(first)s月は翌年の季節に数えます）"
    ),
    "Generated at (JST)": "作成日時（日本時間）",
    "Data rows": "データ行数",
    "Station-months": "地点×月",
    "Items": "項目",
    "Code": "コード",
    "Item": "項目",
    "Unit": "単位",
    "Monthly statistic": "月別集計",
    "Note": "備考",
    "Computed by this service from mean temperature and mean humidity (Tetens formula)": (
        "当サービスが平均気温と平均湿度から計算（Tetens の式）"
    ),
    "Stations": "地点",
    "Items not observed here (empty)": "観測されない項目（空欄）",
    "Type": "種別",
    "Page": "ページ",
    "Latitude": "緯度",
    "Longitude": "経度",
    "Elevation (m)": "標高(m)",
    "Warnings": "注意",
    "none": "なし",
    "Legend (value marks and quality codes)": "凡例（値の記号と品質情報）",
    "Quality": "品質",
    "JMA mark": "気象庁の表示",
    "In this workbook": "このブックでの表示",
    "Meaning": "意味",
    "Normal value": "正常値",
    "Quasi-normal: some source data missing, within tolerance (about 80% present). "
    "Shown in yellow": (
        "準正常値：統計のもとになる資料の一部が欠けているが許容範囲内（おおむね8割以上）。"
        "黄色で表示"
    ),
    "Insufficient data: too much source data missing, the value is only a bound. "
    "Shown in orange italics; not used in monthly means (used in totals and extremes)": (
        "資料不足値：欠けた資料が多く、値は上限または下限の目安にすぎない。橙色・斜体で表示。"
        "月別集計の平均には使わない（合計・極値には使う）"
    ),
    "Doubtful: value withheld (empty)": "疑問値：値に疑問があるため空欄",
    "Missing (empty)": "欠測（空欄）",
    "Not observed (empty)": "観測していない（空欄）",
    'No phenomenon (no rain or snow at all): the cell holds 0 and shows "--". '
    "A precipitation of 0.0 means some rain below 0.5 mm": (
        "現象なし（降水・降雪がまったくない）。セルの値は 0 で「--」と表示。"
        "降水量 0.0 は 0.5mm 未満の降水があったことを示す"
    ),
    "The Monthly and Season sheets follow JMA's own monthly values. Means use days of "
    "quality 8 and 5 only (rounded half up to 0.1, humidity to whole numbers); totals and "
    "extremes also use insufficient (]) days. When days are missing (insufficient days "
    'included) the statistic is yellow (quasi-normal, ")") if at most 20% are missing and '
    'orange italic (insufficient, "]") beyond that. When every day was "--" (no '
    'phenomenon) the statistic shows "--" (the cell holds 0); an observed 0 stays 0. The '
    "direction of a monthly max wind or gust is the direction on the day of that maximum.": (
        "月別集計・季節別は気象庁の月ごとの値と同じ規則で日別値から計算します。"
        "平均は品質 8 と 5 の日だけから（0.1 単位、湿度は整数に四捨五入）、"
        "合計と極値は資料不足値（]）の日も含めます。"
        "欠けた日（資料不足値の日を含む）があると、2割以内なら黄色（準正常 )）、"
        "2割を超えると橙色・斜体（資料不足 ]）で示します。"
        "すべての日が「--」（現象なし）なら「--」（セルの値は 0）、観測された 0 は 0 です。"
        "最大風速・最大瞬間風速の風向は、その最大値が出た日の風向です。"
    ),
    "Source pages": "出典ページ",
    "Published": "公開",
    "yes": "あり",
    "no": "なし",
    "%(station)s (%(block_no)s): %(items)s not on this station's pages (empty cells)": (
        "%(station)s（%(block_no)s）：%(items)s はこの地点のページにない項目です（空欄）"
    ),
    "%(station)s (%(block_no)s): JMA published no data for %(months)s (no rows)": (
        "%(station)s（%(block_no)s）：%(months)s は気象庁の公開データがありません（行なし）"
    ),
    # JMA's 16 compass points and calm: a Japanese workbook keeps JMA's words; an English one
    # writes the usual abbreviations.
    "N": "北",
    "NNE": "北北東",
    "NE": "北東",
    "ENE": "東北東",
    "E": "東",
    "ESE": "東南東",
    "SE": "南東",
    "SSE": "南南東",
    "S": "南",
    "SSW": "南南西",
    "SW": "南西",
    "WSW": "西南西",
    "W": "西",
    "WNW": "西北西",
    "NW": "北西",
    "NNW": "北北西",
    "Calm": "静穏",
    # The station kinds of JMA's station list, as it writes them.
    "JMA observatory": "官",
    "AMeDAS (4 elements)": "四",
    "AMeDAS (rain gauge)": "雨",
    # --- Notices to the requester (batch/mail.py), in the request's language -----------------
    "%(period)s, months %(first)s-%(last)s of each year": (
        "%(period)s（毎年 %(first)s月～%(last)s月）"
    ),
    "%(station)s (%(block_no)s, %(prefecture)s)": "%(station)s (%(block_no)s, %(prefecture)s)",
    "… +%(rest)s": "…ほか%(rest)s地点",
    "[%(service)s] Your weather workbook #%(id)s is ready": (
        "[%(service)s] 気象データファイル #%(id)s の作成が完了しました"
    ),
    "Request": "依頼番号",
    "File size": "ファイルサイズ",
    "Link valid until": "リンクの有効期限",
    "Your Excel workbook is ready. Download it with the link below.": (
        "ご依頼の Excel ファイルができました。下のリンクからダウンロードできます。"
    ),
    "Warnings (%(count)s): some data was not available; the workbook's Info sheet lists them "
    "too.": (
        "注意（%(count)s 件）：一部のデータが取得できませんでした。"
        "詳細はファイルの「情報」シートにも記載しています。"
    ),
    "- %(warning)s": "・%(warning)s",
    "The link works until %(until)s; after that the file is deleted.": (
        "リンクは %(until)s まで有効です。期限を過ぎるとファイルは削除されます。"
    ),
    "Hello,": "こんにちは。",
    "[%(service)s] Your weather workbook #%(id)s could not be made": (
        "[%(service)s] 気象データファイル #%(id)s を作成できませんでした"
    ),
    "Error": "エラー",
    "We could not make your Excel workbook.": "ご依頼の Excel ファイルを作成できませんでした。",
    "To try again, open the request in the service and choose Retry (API: POST "
    "%(page)sretry/). If the error says JMA's page layout changed, retrying will not help "
    "until the service is updated; contact %(contact)s.": (
        "再実行するには、サービスで依頼を開いて「再実行」を選んでください（API: POST "
        "%(page)sretry/）。気象庁のページ構成の変更が原因の場合は、サービスの更新まで再実行"
        "しても成功しません。お問い合わせ: %(contact)s"
    ),
    # --- Admin (repository/models/, repository/admin.py, presentation/admin.py) -----------
    "Weather data": "気象データ",
    "email": "メールアドレス",
    "name": "名前",
    "email verified at": "メールアドレス確認日時",
    "user": "ユーザー",
    "JIS code": "JIS コード",
    "JMA area number": "気象庁の地域番号",
    "JMA station number": "気象庁の地点番号",
    "name in romaji": "ローマ字名",
    "observation start (JMA text)": "観測開始 (気象庁の表記)",
    "elements observed here": "この場所で観測する要素",
    "on daily_s1 pages": "daily_s1 のページにある",
    "on daily_a1 pages": "daily_a1 のページにある",
    "mail outbox": "メール送信待ち",
    "Dates": "日時",
    "pages (parsed / refused / unreachable)": "ページ (解析済み / 拒否 / 取得できず)",
    "per page": "ページごと",
    "period": "期間",
    "progress": "進み具合",
    "message": "メッセージ",  # the timeline event's text (presentation/admin.py)
    "Retry selected failed/cancelled requests": "選択した失敗・取消の依頼を再実行する",
    "Cancel selected requests": "選択した依頼を取り消す",
    "Queued again: %(count)s request(s).": "%(count)s 件の依頼をもう一度待ち行列に入れました。",
    "Cancelled: %(count)s request(s).": "%(count)s 件の依頼を取り消しました。",
    # --- Security (issue 23): admin login throttle, sessions, verification, health -----------
    "Too many login attempts from your address; try again in %(seconds)s seconds.": (
        "このアドレスからのログインの試行が多すぎます。%(seconds)s 秒後にもう一度試してください。"
    ),
    "You are logged out.": "ログアウトしました。",
    "The health token is not valid.": "ヘルストークンが正しくありません。",
    "The file has %(size)s bytes; the range asked for is beyond them.": (
        "ファイルは %(size)s バイトです。指定された範囲はその先です。"
    ),
    "This download link stopped working when the account's password was changed. Log in to "
    "download the file.": (
        "アカウントのパスワードが変更されたため、このダウンロードリンクは使えなくなりました。"
        "ログインしてファイルをダウンロードしてください。"
    ),
    "This session has ended; log in again.": (
        "このログインは終了しています。もう一度ログインしてください。"
    ),
    # --- The request's life (repository/queue/texts.py): status words, timeline events,
    # request errors. Its warnings, ", " and month ranges are the workbook's (above); the
    # event kind "progress" is the admin's column word.
    "queued": "待機中",
    "running": "実行中",
    "succeeded": "完了",
    "failed": "失敗",
    "cancelled": "取消",
    "claimed": "開始",
    "page error": "ページの問題",
    "retry scheduled": "再試行予定",
    "lease expired": "応答なし",
    "released": "返却",
    "cancel requested": "取消依頼",
    "retried by user": "再実行",
    "mail queued": "メール送信待ち",
    "mail sent": "メール送信済み",
    "file purged": "ファイル削除",
    "system": "システム",
    "JMA's page layout has changed, so the data cannot be read safely. The service needs "
    "an update; retrying will not help until then.": (
        "気象庁のページ構成が変わったため、データを安全に読み取れません。"
        "サービスの更新が必要で、それまでは再実行しても成功しません。"
    ),
    "JMA's page layout has changed, so the data cannot be read safely (%(where)s). "
    "The service needs an update; retrying will not help until then.": (
        "気象庁のページ構成が変わったため、データを安全に読み取れません（%(where)s）。"
        "サービスの更新が必要で、それまでは再実行しても成功しません。"
    ),
    "JMA's site could not be reached; we will retry.": (
        "気象庁のサイトに接続できませんでした。自動で再試行します。"
    ),
    "JMA's site could not be reached (%(where)s); we will retry.": (
        "気象庁のサイトに接続できませんでした（%(where)s）。自動で再試行します。"
    ),
    "A JMA page could not be used.": "気象庁のページを利用できませんでした。",
    "A JMA page could not be used (%(where)s).": (
        "気象庁のページを利用できませんでした（%(where)s）。"
    ),
    "JMA published no data for any of the %(station_months)s selected station-months": (
        "選んだ %(station_months)s 地点・月のどれにも気象庁の公開データがありません"
    ),
    "The request's parameters could not be processed.": "依頼の条件を処理できませんでした。",
    "Could not write the result file; we will retry.": (
        "結果ファイルを書き込めませんでした。自動で再試行します。"
    ),
    "An internal error stopped this attempt; we will retry.": (
        "内部エラーのため処理を中断しました。自動で再試行します。"
    ),
    "The worker processing this request stopped responding, and all %(attempts)s "
    "attempts are used up.": (
        "この依頼を処理していたワーカーが応答しなくなり、%(attempts)s 回の試行を"
        "すべて使い切りました。"
    ),
    "Gave up after %(attempts)s attempts. Last error: %(error)s": (
        "%(attempts)s 回試行しましたが成功しませんでした。最後のエラー: %(error)s"
    ),
    "Queued: %(stations)s stations x %(months)s months, %(items)s items.": (
        "受け付けました: %(stations)s 地点 × %(months)s か月、%(items)s 項目。"
    ),
    "started (attempt %(attempt)s of %(max_attempts)s)": (
        "開始しました（%(max_attempts)s 回中 %(attempt)s 回目の試行）"
    ),
    "released at shutdown; it will run again": (
        "停止のため処理を返却しました。あとで再び実行されます"
    ),
    "released at shutdown (job did not stop in time)": (
        "停止のため処理を返却しました（時間内に止まりませんでした）"
    ),
    "released; it will run again": "処理を返却しました。あとで再び実行されます",
    "paused to give another user's request a turn; it continues where it stopped": (
        "ほかの利用者の依頼に順番を譲るため一時停止しました。止まったところから続けます"
    ),
    "%(error)s — retrying in %(seconds)ss": "%(error)s — %(seconds)s 秒後に再試行します",
    "finished: %(rows)s rows, %(bytes)s bytes": "完了しました: %(rows)s 行、%(bytes)s バイト",
    "finished: %(rows)s rows, %(bytes)s bytes, %(warnings)s warning(s)": (
        "完了しました: %(rows)s 行、%(bytes)s バイト、注意 %(warnings)s 件"
    ),
    "the worker stopped responding": "ワーカーが応答しなくなりました",
    "the worker stopped responding; queued again in %(seconds)ss": (
        "ワーカーが応答しなくなりました。%(seconds)s 秒後に再び待機します"
    ),
    "Cancel requested by %(by)s; the worker stops at the next page.": (
        "%(by)s が取消を依頼しました。次のページで処理を止めます。"
    ),
    "Cancelled by %(by)s before it started.": "開始前に %(by)s が取り消しました。",
    "cancelled before it started": "開始前に取り消されました",
    "cancelled at the owner's request": "依頼者の求めにより取り消しました",
    "Queued again by %(by)s to make the expired file again.": (
        "期限切れのファイルを作り直すため、%(by)s が再実行しました。"
    ),
    "Queued again by %(by)s.": "%(by)s が再実行しました。",
    "mail to %(to)s": "%(to)s 宛のメールを送信待ちにしました",
    "mail sent to %(to)s": "%(to)s にメールを送信しました",
    "file removed after its retention period (%(download_name)s)": (
        "保存期間が過ぎたためファイルを削除しました（%(download_name)s）"
    ),
    # --- end of the request's life
    # 検算 (issue 21): JMA's annual values beside the statistics recomputed from the daily rows
    "annual mean": "年平均",
    "annual total": "年合計",
    "annual max": "年最大",
    "annual minimum": "年最小",
    "annual mean of daily maxima": "年平均（日最高の平均）",
    "annual mean of daily minima": "年平均（日最低の平均）",
    "annual highest": "年最高",
    "annual lowest": "年最低",
    "Element": "要素",
    "JMA's column": "気象庁の列",
    "Recomputed from the daily rows": "日別値からの計算値",
    "Day of the extreme (recomputed)": "極値の日（計算）",
    "JMA's annual value": "気象庁の年の値",
    "Difference (recomputed - JMA)": "差（計算値 − 気象庁）",
    "Agreement": "一致",
    "neither": "どちらもなし",
    "only recomputed": "計算値のみ",
    "only JMA": "気象庁の値のみ",
    "same": "一致",
    "differs": "不一致",
    "cold-season year (寒候年): August of the year before to July": ("寒候年（前年8月〜当年7月）"),
    "JMA draws a line at this value: observing conditions changed": (
        "気象庁の表でこの値に線あり: 観測条件が変わった"
    ),
    "JMA published no annual values for this station": "この地点の年ごとの値は気象庁に掲載なし",
    "JMA's annual values could not be read: %(error)s": "年ごとの値を読めませんでした: %(error)s",
    "annual values": "年ごとの値",
    "Records": "記録",
    "Element (JMA)": "要素（気象庁）",
    "Rank": "順位",
    "Value": "値",
    "Direction": "風向",
    "Statistics period": "統計期間",
    "Records not available: JMA's records of AMeDAS stations (rank_a) are not "
    "read yet (no real page of them has been checked).": (
        "記録なし: アメダス地点の観測史上1〜10位の値 (rank_a) はまだ読んでいません "
        "(実際のページを確認できていないため)。"
    ),
    "Records not available: JMA published none for this station.": (
        "記録なし: この地点の観測史上1〜10位の値は気象庁に掲載がありません。"
    ),
    "Records not available.": "記録なし。",
    "JMA's records could not be read: %(error)s": (
        "観測史上1〜10位の値を読めませんでした: %(error)s"
    ),
    # station records (issue 21): GET stations/{block_no}/records/ and the 記録 sheet
    "JMA's records of AMeDAS stations (rank_a) are not available here yet: no real "
    "page of them has been checked.": (
        "アメダス地点の観測史上1〜10位の値 (rank_a) はまだ提供していません (実際のページを"
        "確認できていないため)。"
    ),
    "The records are being fetched from JMA; ask again in a minute.": (
        "観測史上1〜10位の値を気象庁から取得しています。少し後にもう一度お試しください。"
    ),
    "JMA published no records for this station.": (
        "この地点の観測史上1〜10位の値は気象庁に掲載がありません。"
    ),
    # granularity=annual (issue 21): 年別値, JMA's annual values as a long series
    "Annual values": "年別値",
    "%(start)s to %(end)s (%(years)s years)": "%(start)s年〜%(end)s年 (%(years)s 年)",
    "JMA historical weather data (annual values)": "気象庁 過去の気象データ（年ごとの値）",
    "%(item)s, direction of the annual max": "%(item)s 年最大の風向",
    "%(title)s, by cold-season year (寒候年)": "%(title)s（寒候年）",
    "%(station)s (%(block_no)s): JMA published no annual values for these years": (
        "%(station)s (%(block_no)s): この期間の年ごとの値は気象庁に掲載なし"
    ),
    "Annual values are JMA's whole years: a season cannot be chosen.": (
        "年ごとの値は1年単位です。季節は指定できません。"
    ),
    # --- format=csv (batch/workbook/csv_export.py): the ZIP's README.txt, the format rule ---
    "file format": "ファイル形式",
    "CSV is made for daily values; choose xlsx for this time scale.": (
        "CSV は日別値のみです。この時間単位では xlsx を選んでください。"
    ),
    "Format must be one of: %(choices)s.": "形式は次のいずれかにしてください: %(choices)s。",
    "Columns of %(file)s": "%(file)s の列",
    "Columns of %(file)s and %(seasons)s": "%(file)s と %(seasons)s の列",
    "Day of the observation, ISO 8601 (YYYY-MM-DD), Japan time": (
        "観測日。ISO 8601 (YYYY-MM-DD)、日本時間"
    ),
    "Doubtful: value withheld (value empty)": "疑問値: 値は載せていません (value は空)",
    "Elevation in metres (empty where JMA gives none)": "標高 (m)。気象庁の一覧にない地点は空",
    "Every CSV is UTF-8 with a byte-order mark (Excel opens it as UTF-8), comma-separated, "
    "with the column names on the first line; empty means no value.": (
        "CSV はすべて BOM 付き UTF-8 (Excel でもそのまま開けます)、カンマ区切りで、1 行目が"
        "列名です。空欄は値がないことを示します。"
    ),
    "Files": "ファイル",
    "Insufficient data: too much source data missing, the value is only a bound": (
        "資料不足値: 元の資料の欠けが多く、値は上限または下限にすぎません"
    ),
    "Item code (see Items below)": "要素コード (下の「要素」を参照)",
    "Item name": "要素名",
    "Items a station's pages do not carry have no rows for that station; station-months JMA "
    "published nothing for have no rows (see Warnings).": (
        "地点のページにない要素の行はありません。気象庁がデータを掲載していない地点・月の行も"
        "ありません (「警告」を参照)。"
    ),
    "JMA station number (text: read it as a string to keep 0074's zeros)": (
        "気象庁の地点番号 (0074 の先頭の 0 を残すには文字列として読み込んでください)"
    ),
    "JMA's mark beside the value on its page: ), ], #, ×, -- or empty": (
        "気象庁のページで値に付く記号: )、]、#、×、-- または空"
    ),
    "JMA's quality code: 8, 5, 4, 2, 1 or 0 (below)": "気象庁の品質情報: 8、5、4、2、1、0 (下記)",
    "Latitude, decimal degrees north": "緯度 (北緯、10 進の度)",
    "Longitude, decimal degrees east": "経度 (東経、10 進の度)",
    "Missing (value empty; JMA writes × or ///)": "欠測 (value は空。気象庁の表記は × または ///)",
    "No phenomenon (no rain or snow at all): value 0. A precipitation of 0.0 with no mark "
    "means some rain below 0.5 mm": (
        "現象なし (雨や雪がまったくない): value は 0。記号のない降水量 0.0 は 0.5 mm 未満の"
        "降水があったことを示します"
    ),
    "Not observed (value empty)": "観測していない (value は空)",
    "One row per station and month: JMA's monthly statistics": (
        "地点・月ごとに 1 行: 気象庁の月ごとの値"
    ),
    "One row per station and season-year (a season cut by the period's start "
    "or end is left out): the same statistics": (
        "地点・季節年ごとに 1 行 (期間の始めや終わりで欠けた季節は除く): 同じ統計値"
    ),
    "One row per station, day and item (long format)": "地点・日・要素ごとに 1 行 (縦長形式)",
    "Prefecture in English": "都道府県 (英語)",
    "Prefecture, as JMA writes it": "都道府県 (気象庁の表記)",
    "Quality codes and marks": "品質情報と記号",
    "Quasi-normal: some source data missing, within tolerance (about 80% present)": (
        "準正常値: 元の資料に欠けがあるが許容範囲内 (8 割程度以上あり)"
    ),
    "Station name as JMA writes it": "地点名 (気象庁の表記)",
    "Station name in romaji": "地点名 (ローマ字)",
    "The JMA page of every station-month, and whether it had data (1/0)": (
        "地点・月ごとの気象庁のページと、データの有無 (1/0)"
    ),
    "The station columns as above, then per statistic <item>_<statistic> (mean, sum, max or "
    'min; the value in the item\'s unit), <item>_<statistic>_mark (")" quasi-normal, "]" '
    'insufficient, "--" no phenomenon: value 0) and, for maximum wind and gust, '
    "<item>_<statistic>_direction. seasons.csv counts the months present in months_present.": (
        "上と同じ地点の列に続き、統計値ごとに <要素>_<統計> (mean 平均、sum 合計、max 最大、"
        "min 最小。値は要素の単位)、<要素>_<統計>_mark (「)」準正常値、「]」資料不足値、「--」"
        "現象なし: 値は 0)、最大風速と最大瞬間風速には <要素>_<統計>_direction (風向) が"
        "あります。seasons.csv の months_present はそろっている月の数です。"
    ),
    "The value, a number in the unit of the unit column; empty when missing (see quality); 0 "
    "when JMA wrote -- (no phenomenon, see mark)": (
        "値 (unit 列の単位の数値)。欠測などは空 (quality を参照)。気象庁の -- (現象なし) は "
        "0 (mark を参照)"
    ),
    "This file": "このファイル",
    "Unit of value": "value の単位",
    "When you publish or pass on these data, name the source as above; the page of every "
    "station-month is in %(file)s.": (
        "このデータを公表・再配布するときは上記のとおり出典を示してください。地点・月ごとの"
        "ページは %(file)s にあります。"
    ),
    "Wind directions and weather summaries (text items); else empty": (
        "風向と天気概況 (文字の要素)。それ以外は空"
    ),
    "The statistics follow JMA's monthly values, computed from the daily values: means use "
    "days of quality 8 and 5 only (rounded half up to 0.1, humidity to whole numbers); totals "
    "and extremes also use insufficient (]) days. With days missing (insufficient days "
    'included) the mark is ")" when at most 20% are missing and "]" beyond that. The direction '
    "of a maximum wind or gust is the direction on the day of that maximum.": (
        "統計値は気象庁の月ごとの値と同じ規則で日別値から計算します。平均は品質 8 と 5 の日だけ"
        "から (0.1 単位、湿度は整数に四捨五入)、合計と極値は資料不足値 (]) の日も含めます。欠けた"
        "日 (資料不足値の日を含む) があると、2 割以内なら mark は「)」、2 割を超えると「]」です。"
        "最大風速・最大瞬間風速の風向は、その最大値が出た日の風向です。"
    ),
    "[%(service)s] Your weather data (CSV) #%(id)s is ready": (
        "[%(service)s] 気象データファイル (CSV) #%(id)s の作成が完了しました"
    ),
    "[%(service)s] Your weather data (CSV) #%(id)s could not be made": (
        "[%(service)s] 気象データファイル (CSV) #%(id)s を作成できませんでした"
    ),
    "Your CSV files (one ZIP) are ready. Download them with the link below.": (
        "ご依頼の CSV ファイル (ZIP) ができました。下のリンクからダウンロードできます。"
    ),
    "Warnings (%(count)s): some data was not available; README.txt in the ZIP lists them too.": (
        "注意（%(count)s 件）：一部のデータが取得できませんでした。"
        "詳細は ZIP の README.txt にも記載しています。"
    ),
    "We could not make your CSV files.": "ご依頼の CSV ファイルを作成できませんでした。",
    "%(years)s: cut by the period's edges, so not in %(file)s (their months are in %(daily)s "
    "and %(monthly)s)": (
        "%(years)s: 期間の端で切れているため %(file)s にはありません (その月は %(daily)s と "
        "%(monthly)s にあります)"
    ),
    # --- end of format=csv
}

# djangorestframework-simplejwt ships no Japanese; its messages share the "django" domain.
THIRD_PARTY_JA = {
    "No active account found with the given credentials": (
        "メールアドレスまたはパスワードが正しくないか、アカウントが有効ではありません。"
    ),
    "No active account found for the given token.": (
        "このトークンに対応する有効なアカウントがありません。"
    ),
    "Given token not valid for any token type": "トークンが無効です。",
    "Token is invalid": "トークンが無効です。",
    "Token is expired": "トークンの有効期限が切れています。",
    "Token is invalid or expired": "トークンが無効か、有効期限が切れています。",
    "Token has wrong type": "トークンの種類が違います。",
    "Token is blacklisted": "このトークンは無効化されています。",
    "User not found": "ユーザーが見つかりません。",
    "User is inactive": "このユーザーは無効になっています。",
    "The user's password has been changed.": "パスワードが変更されました。",
    "Authorization header must contain two space-delimited values": (
        "Authorization ヘッダーは空白で区切った2つの値にしてください。"
    ),
    "Token contained no recognizable user identification": (
        "トークンにユーザーを識別する情報がありません。"
    ),
}

HEADER = (
    'msgid ""\nmsgstr ""\n'
    '"Project-Id-Version: jma-weather-workbook\\n"\n'
    '"PO-Revision-Date: 2026-11-23 00:00+0000\\n"\n'
    '"Last-Translator: the project\\n"\n'
    '"Language-Team: ja\\n"\n'
    '"MIME-Version: 1.0\\n"\n'
    '"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Content-Transfer-Encoding: 8bit\\n"\n'
    '"Language: ja\\n"\n'
    '"Plural-Forms: nplurals=1; plural=0;\\n"\n'
)


def quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def main() -> None:
    directory = Path(__file__).resolve().parent / "ja" / "LC_MESSAGES"
    directory.mkdir(parents=True, exist_ok=True)
    table = {**JA, **THIRD_PARTY_JA}
    entries = [f"msgid {quote(k)}\nmsgstr {quote(v)}\n" for k, v in sorted(table.items())]
    po = directory / "django.po"
    po.write_text(HEADER + "\n" + "\n".join(entries), encoding="utf-8")
    subprocess.run(["msgfmt", "--check", "-o", str(directory / "django.mo"), str(po)], check=True)


if __name__ == "__main__":
    main()
