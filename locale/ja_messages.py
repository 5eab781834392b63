"""Japanese for the API's own messages: edit here, then `python locale/ja_messages.py`.

Writes locale/ja/LC_MESSAGES/django.po and compiles django.mo with msgfmt (gettext); both are
committed so a checkout works without gettext installed.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

JA = {
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
    "Thank you. We sent a mail to this address: follow its link to verify the address (if you "
    "already have an account, the mail says how to log in or reset your password).": (
        "ありがとうございます。このアドレスにメールをお送りしました。リンクを開いてアドレスを"
        "確認してください (すでにアカウントがある場合は、ログインまたはパスワード再設定の方法を"
        "メールでお知らせします)。"
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
    "If an account has this address, a mail with a reset link is on its way.": (
        "このアドレスのアカウントがあれば、再設定リンクのメールを送りました。"
    ),
    # djangorestframework-simplejwt ships no Japanese; its messages share the "django" domain.
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
    "Your password has been changed. Log in with the new one.": (
        "パスワードを変更しました。新しいパスワードでログインしてください。"
    ),
    # --- The request's life (repository/queue/texts.py, helper "life"): status words,
    # timeline events, request errors and warnings. Keep these together for merges.
    "queued": "待機中",
    "running": "実行中",
    "succeeded": "完了",
    "failed": "失敗",
    "cancelled": "取消",
    "claimed": "開始",
    "progress": "進捗",
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
    ", ": "、",
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
    "%(station)s (%(block_no)s): JMA published no data for %(months)s (no rows)": (
        "%(station)s（%(block_no)s）：%(months)s は気象庁の公開データがありません（行なし）"
    ),
    "%(station)s (%(block_no)s): %(items)s not on this station's pages (empty cells)": (
        "%(station)s（%(block_no)s）：%(items)s はこの地点のページにない項目です（空欄）"
    ),
    "%(first)s to %(last)s": "%(first)s～%(last)s",
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
    entries = [f"msgid {quote(k)}\nmsgstr {quote(v)}\n" for k, v in sorted(JA.items())]
    po = directory / "django.po"
    po.write_text(HEADER + "\n" + "\n".join(entries), encoding="utf-8")
    subprocess.run(["msgfmt", "--check", "-o", str(directory / "django.mo"), str(po)], check=True)


if __name__ == "__main__":
    main()
