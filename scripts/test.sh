#!/usr/bin/env bash
# Sets up everything the tests need, then runs the whole suite.
# The database is DATABASE_URL (default: SQLite under var/). For MariaDB/MySQL:
#   DATABASE_URL=mysql://root@127.0.0.1:3306/weather scripts/test.sh
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev

if [[ "${DATABASE_URL:-}" == mysql://* ]]; then
  if ! .venv/bin/python - <<'PY' >/dev/null 2>&1
import os, MySQLdb, urllib.parse as u
p = u.urlparse(os.environ["DATABASE_URL"])
MySQLdb.connect(host=p.hostname, port=p.port or 3306, user=p.username or "root", passwd=p.password or "")
PY
  then
    echo "test: MariaDB is not answering; starting mariadbd"
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
    for _ in $(seq 1 30); do
      mariadb-admin -h127.0.0.1 -uroot ping >/dev/null 2>&1 && break
      sleep 1
    done
  fi
fi

exec .venv/bin/python -m pytest "$@"
