#!/usr/bin/env bash
# Brings a fresh Debian machine to what the full test suite uses, installing only what is missing:
# Optuna (the journal files are checked against real Optuna), Chromium (the HTML report is opened in
# a real browser) and a Redis server at 127.0.0.1:6379 (distributed trials on BullMQ).
set -euo pipefail

missing=()
/usr/bin/python3 -c "import optuna" >/dev/null 2>&1 || missing+=(python3-optuna)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
fc-list 2>/dev/null | grep -q "DejaVu Sans" || missing+=(fonts-dejavu-core)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} (Debian packages) for the tests"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
  redis-server --daemonize yes --port 6379 --bind 127.0.0.1 --save ""
  for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null && break; sleep 0.1; done
fi
