#!/usr/bin/env bash
# The whole service on this machine, in one command:  bash scripts/run.sh
#
# Installs what is missing (scripts/setup.sh), migrates, loads master data, creates a demo
# account and an admin, then runs the API (gunicorn on 127.0.0.1), one batch daemon and,
# unless JMA_BASE_URL is set, the offline JMA replay server. Mails go to files in var/mail/
# (Django's file backend: one .log file per sending round of the mail thread, up to 20 mails).
# Ctrl-C (or SIGTERM) stops everything: the front end and API first, then the daemon (running
# jobs get BATCH_SHUTDOWN_GRACE_S to finish, their mails go out, the rest go back to the
# queue), then the replay server. A second Ctrl-C skips the grace: running jobs go back at once.
#
# Defaults, all overridable from the environment:
#   DATABASE_URL   sqlite:///$PWD/var/db.sqlite3    (mysql://user:pass@host:3306/name for MariaDB)
#   JMA_BASE_URL   the replay server below           (https://www.data.jma.go.jp for the real JMA)
#   EMAIL_URL      file://$PWD/var/mail              (console: | smtp://host:port)
#   DEBUG          1 (local development; production runs with DEBUG=0 and its own SECRET_KEY)
#   PORT           8000 (API)   REPLAY_PORT 8765   BATCH_THREADS 2   RUN_SETUP 1 (0: skip setup.sh)
#   FRONTEND_PORT  8080 (the web front end, frontend/, on its own origin)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
started=$(date +%s)

# RUN_SETUP=0 skips the install step where .venv is prepared already (tests, images).
[ "${RUN_SETUP:-1}" = 0 ] || bash scripts/setup.sh
PY="$ROOT/.venv/bin/python"
mkdir -p var var/mail

PORT=${PORT:-8000}
FRONTEND_PORT=${FRONTEND_PORT:-8080}
REPLAY_PORT=${REPLAY_PORT:-8765}
BATCH_THREADS=${BATCH_THREADS:-2}
DEMO_EMAIL=${DEMO_EMAIL:-demo@example.com}
DEMO_PASSWORD=${DEMO_PASSWORD:-weather-demo-2024}
ADMIN_EMAIL=${ADMIN_EMAIL:-admin@example.com}
ADMIN_PASSWORD=${ADMIN_PASSWORD:-admin-demo-2024}
export EMAIL_URL=${EMAIL_URL:-file://$ROOT/var/mail}
export PUBLIC_BASE_URL=${PUBLIC_BASE_URL:-http://127.0.0.1:$PORT}
# The front end calls the API from its own origin (CORS); mailed account links point to it.
export FRONTEND_BASE_URL=${FRONTEND_BASE_URL:-http://127.0.0.1:$FRONTEND_PORT}
export CORS_ALLOWED_ORIGINS=${CORS_ALLOWED_ORIGINS:-$FRONTEND_BASE_URL}
export FRONTEND_API_BASE_URL=${FRONTEND_API_BASE_URL:-http://127.0.0.1:$PORT}
export PYTHONUNBUFFERED=1
# The local demo is development: debug pages and the built-in key (settings refuse it otherwise).
export DEBUG=${DEBUG:-1}

use_replay=0
if [ -z "${JMA_BASE_URL:-}" ]; then
  use_replay=1
  export JMA_BASE_URL="http://127.0.0.1:$REPLAY_PORT"
  # The replay server is ours: no need for the 3 s politeness interval real JMA gets.
  export JMA_MIN_INTERVAL_S=${JMA_MIN_INTERVAL_S:-0.1}
fi

port_free() {
  "$PY" - "$1" <<'PY'
import socket, sys
with socket.socket() as s:
    sys.exit(1 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 0)
PY
}
for p in "$FRONTEND_PORT" "$PORT" $([ "$use_replay" = 1 ] && echo "$REPLAY_PORT"); do
  if ! port_free "$p"; then
    echo "run: port $p on 127.0.0.1 is in use (another run.sh?); choose others: FRONTEND_PORT=8081 PORT=8001 REPLAY_PORT=8766 bash scripts/run.sh" >&2
    exit 1
  fi
done

echo "run: preparing the database (${DATABASE_URL:-sqlite:///$ROOT/var/db.sqlite3})"
# MariaDB/MySQL: create the database if missing, load the time zone tables if the server has none.
"$PY" manage.py ensure_database
"$PY" manage.py migrate --noinput -v 0
"$PY" manage.py seed_master | tail -n 1
"$PY" manage.py collectstatic --noinput -v 0
DEMO_PASSWORD=$DEMO_PASSWORD ADMIN_PASSWORD=$ADMIN_PASSWORD \
  "$PY" manage.py demo_accounts --demo "$DEMO_EMAIL" --admin "$ADMIN_EMAIL"

# Each child gets its own process group (job control on while starting it), so Ctrl-C reaches
# only this script and every child gets exactly one SIGTERM from stop_all (a second signal
# may mean "hurry" to a daemon).
pids=()
names=()
start() {
  local name=$1
  shift
  set -m
  "$@" &
  pids+=($!)
  set +m
  names+=("$name")
}

stopping=0
hurry=0
interrupts=0  # signals trapped while stopping (each ends a `wait` early)
signalled=()
# Stop the children named $@ (one SIGTERM each; after a second Ctrl-C, the batch daemon gets a
# second one, which skips its grace period), then wait until they have exited.
stop_named() {
  local i name
  for i in "${!pids[@]}"; do
    for name in "$@"; do
      [ "${names[$i]}" = "$name" ] || continue
      kill -TERM "${pids[$i]}" 2>/dev/null || true
      signalled[$i]=1
      if [ "$hurry" = 1 ] && [ "$name" = batch ]; then
        sleep 0.5  # two signals at once would reach the daemon as one
        kill -TERM "${pids[$i]}" 2>/dev/null || true
      fi
    done
  done
  local seen
  for i in "${!pids[@]}"; do
    for name in "$@"; do
      [ "${names[$i]}" = "$name" ] || continue
      # A second Ctrl-C interrupts `wait` (to run hurry_up, which counts it): wait again.
      # Otherwise `wait` returned because the child is gone. (Not `while kill -0`: once this
      # shell has collected the child, its pid may belong to another process, and that loop
      # would spin for as long as that one lives.)
      while :; do
        seen=$interrupts
        wait "${pids[$i]}" 2>/dev/null || true
        [ "$interrupts" != "$seen" ] || break
      done
    done
  done
}
# A second Ctrl-C (or SIGTERM) while stopping: do not wait for running jobs. The daemon, if it
# has had its first signal, gets its second (running jobs go back to the queue at once,
# their attempt not counted); gunicorn gets SIGINT (quick shutdown). The order stays.
hurry_up() {
  interrupts=$((interrupts + 1))
  [ "$hurry" = 1 ] && return
  hurry=1
  echo "run: second Ctrl-C: not waiting for running jobs (they go back to the queue)"
  local i
  for i in "${!pids[@]}"; do
    [ "${signalled[$i]:-0}" = 1 ] || continue
    case "${names[$i]}" in
      api) kill -INT "${pids[$i]}" 2>/dev/null || true ;;
      batch) kill -TERM "${pids[$i]}" 2>/dev/null || true ;;
    esac
  done
}
# In order: what users talk to (the front end, if started, and the API), then the batch
# daemon, waiting while its running jobs finish or go back to the queue, and only then the
# JMA replay server those jobs are still reading from (gone earlier, a job would fail its
# attempt instead of being released uncounted).
stop_all() {
  [ "$stopping" = 1 ] && return
  stopping=1
  trap 'hurry_up' INT TERM
  echo
  local i others=()
  for i in "${!pids[@]}"; do
    case "${names[$i]}" in api | batch | replay) ;; *) others+=("${names[$i]}") ;; esac
  done
  echo "run: stopping the front end and the API ..."
  stop_named "${others[@]}" api
  echo "run: stopping the batch daemon (running jobs finish or go back to the queue; Ctrl-C again: do not wait for them) ..."
  stop_named batch
  stop_named replay
  echo "run: stopped"
}
trap 'stop_all; exit 0' INT TERM
trap 'stop_all' EXIT

if [ "$use_replay" = 1 ]; then
  start replay "$PY" manage.py jma_replay --host 127.0.0.1 --port "$REPLAY_PORT"
fi
start api "$ROOT/.venv/bin/gunicorn" config.wsgi:application \
  --bind "127.0.0.1:$PORT" --workers 2 --threads 2 --timeout 60 --graceful-timeout 20 \
  --access-logfile - --error-logfile - --no-control-socket
start batch "$PY" manage.py runbatch --threads "$BATCH_THREADS"
start frontend "$PY" scripts/serve_frontend.py --host 127.0.0.1 --port "$FRONTEND_PORT"

check_children() {
  local i
  for i in "${!pids[@]}"; do
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      echo "run: ${names[$i]} exited during start-up; see its messages above" >&2
      exit 1
    fi
  done
}
http_status() {  # prints the HTTP status of a GET, or 0 when nothing answers
  "$PY" - "$1" <<'PY' 2>/dev/null || echo 0
import sys, urllib.request, urllib.error
try:
    print(urllib.request.urlopen(sys.argv[1], timeout=2).status)
except urllib.error.HTTPError as exc:
    print(exc.code)
PY
}

# Ready when the API answers, then when health says a daemon is alive (its first heartbeat).
ready=0
for _ in $(seq 1 150); do
  check_children
  if [ "$(http_status "http://127.0.0.1:$PORT/admin/login/")" = 200 ]; then
    ready=1
    break
  fi
  sleep 0.2
done
if [ "$ready" != 1 ]; then
  echo "run: the API did not answer on 127.0.0.1:$PORT within 30 s" >&2
  exit 1
fi
healthy=0
for _ in $(seq 1 30); do
  check_children
  if [ "$(http_status "http://127.0.0.1:$PORT/api/v1/health/")" = 200 ]; then
    healthy=1
    break
  fi
  sleep 1
done
[ "$healthy" = 1 ] || echo "run: warning: /api/v1/health/ does not report a live batch daemon yet" >&2

B="http://127.0.0.1:$PORT"
jma_line="$JMA_BASE_URL"
[ "$use_replay" = 1 ] && jma_line="$JMA_BASE_URL (offline replay server; JMA_BASE_URL=https://www.data.jma.go.jp for the real JMA)"
mail_line="$EMAIL_URL"
mail_hint="the mail with the link went to $EMAIL_URL"
if [[ "$EMAIL_URL" == file://* ]]; then
  mail_line="files in ${EMAIL_URL#file://}/, one .log per sending round (EMAIL_URL=smtp://host:port for real mail)"
  mail_hint="the mail with the link is in ${EMAIL_URL#file://}/"
fi
cat <<EOF

==========================================================================================
 JMA Weather Workbook is ready ($(( $(date +%s) - started )) s)

 Web app      $FRONTEND_BASE_URL/      log in as $DEMO_EMAIL / $DEMO_PASSWORD
 API docs     $B/api/docs/
 API (try it) $B/api/docs/swagger/
 API schema   $B/api/schema/
 Health       $B/api/v1/health/
 Admin        $B/admin/      login $ADMIN_EMAIL / $ADMIN_PASSWORD
 Demo user    $DEMO_EMAIL / $DEMO_PASSWORD
 JMA pages    $jma_line
 Mails        $mail_line
 Database     ${DATABASE_URL:-sqlite:///$ROOT/var/db.sqlite3}

 Try it (paste into another terminal):

   B=$B
   TOKEN=\$(curl -s -X POST \$B/api/v1/auth/token/ -H 'Content-Type: application/json' \\
     -d '{"email": "$DEMO_EMAIL", "password": "$DEMO_PASSWORD"}' \\
     | python3 -c 'import json,sys; print(json.load(sys.stdin)["access"])')
   ID=\$(curl -s -X POST \$B/api/v1/requests/ -H "Authorization: Bearer \$TOKEN" \\
     -H 'Content-Type: application/json' \\
     -d '{"start_year": 2023, "start_month": 1, "end_year": 2023, "end_month": 3,
          "stations": ["47662", "0074"], "items": ["temp_avg", "temp_max", "precip_total"]}' \\
     | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
   # wait until it has finished (seconds), showing status and progress
   until curl -s \$B/api/v1/requests/\$ID/ -H "Authorization: Bearer \$TOKEN" | python3 -c \\
     'import json,sys; d=json.load(sys.stdin); print(d["status"], d["progress"]["percent"], "%"); sys.exit(d["status"] in ("queued", "running"))'
   do sleep 1; done
   curl -sfOJ \$B/api/v1/requests/\$ID/file/ -H "Authorization: Bearer \$TOKEN" && ls -l jma-weather-*.xlsx
   # the whole request with its timeline:
   curl -s \$B/api/v1/requests/\$ID/ -H "Authorization: Bearer \$TOKEN" | python3 -m json.tool
   # a moment later $mail_hint (the link needs no login)

 Ctrl-C stops everything. A second Ctrl-C does not wait for running jobs (they are requeued).
==========================================================================================

EOF

# Run until Ctrl-C; if a part dies on its own, stop the rest and say so.
set +e
wait -n "${pids[@]}"
code=$?
if [ "$stopping" = 0 ]; then
  for i in "${!pids[@]}"; do
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      echo "run: ${names[$i]} stopped unexpectedly (exit $code); stopping the rest" >&2
    fi
  done
  exit 1
fi
