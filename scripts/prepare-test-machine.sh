#!/usr/bin/env bash
# Brings a fresh Debian machine to what the full test suite uses, installing only what is missing:
# Optuna with its Redis and PostgreSQL storages' clients (our journal, Redis and PostgreSQL studies are
# checked against real Optuna), PyTorch (golden values), Fashion-MNIST (the CNN task), Chromium (the
# report and dashboard are opened in a real browser), a Redis server at 127.0.0.1:6379 (distributed
# trials on BullMQ, the Redis storage) and PostgreSQL at 127.0.0.1:5432.
set -euo pipefail

missing=()
/usr/bin/python3 -c "import optuna" >/dev/null 2>&1 || missing+=(python3-optuna)
/usr/bin/python3 -c "import redis" >/dev/null 2>&1 || missing+=(python3-redis)
/usr/bin/python3 -c "import sqlalchemy, alembic" >/dev/null 2>&1 || missing+=(python3-sqlalchemy python3-alembic)
/usr/bin/python3 -c "import psycopg2" >/dev/null 2>&1 || missing+=(python3-psycopg2)
/usr/bin/python3 -c "import torch" >/dev/null 2>&1 || missing+=(python3-torch)
[ -f /usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz ] || missing+=(dataset-fashion-mnist)
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

if ! (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null && break; sleep 0.1; done
fi
