#!/usr/bin/env bash
# Installs what the project needs on a fresh Debian machine: system packages (for mysqlclient
# and the browser tests), a virtualenv in .venv and the Python requirements.
# Idempotent and quick on a second run. Usage: scripts/setup.sh [--dev]
set -euo pipefail
cd "$(dirname "$0")/.."

dev=0
[ "${1:-}" = "--dev" ] && dev=1

need_apt=()
dpkg -s libmariadb-dev >/dev/null 2>&1 || need_apt+=(libmariadb-dev)
dpkg -s pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
command -v gcc >/dev/null 2>&1 || need_apt+=(build-essential)
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need_apt+=(python3-venv)
if [ "$dev" = 1 ]; then
  command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
  # The deploy-file tests validate the nginx site with `nginx -t`.
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need_apt+=(nginx-light)
  # The print test converts a workbook to PDF with LibreOffice and reads it with poppler;
  # a CJK font so Japanese headers render (and wrap) as they would for a user.
  command -v soffice >/dev/null 2>&1 || need_apt+=(libreoffice-calc-nogui)
  command -v pdfinfo >/dev/null 2>&1 || need_apt+=(poppler-utils)
  dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need_apt+=(fonts-noto-cjk)
  # Japanese glyphs in the browser tests' screenshots; msgfmt to recompile locale/ja.
  dpkg -s fonts-ipafont-gothic >/dev/null 2>&1 || need_apt+=(fonts-ipafont-gothic)
  command -v msgfmt >/dev/null 2>&1 || need_apt+=(gettext)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${need_apt[*]}"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
req=requirements.txt
[ "$dev" = 1 ] && req=requirements-dev.txt
stamp=".venv/.installed-$(cat requirements.txt requirements-dev.txt "$req" | sha256sum | cut -c1-16)-$dev"
if [ ! -f "$stamp" ]; then
  echo "setup: installing Python packages from $req"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r "$req"
  touch "$stamp"
fi
