#!/usr/bin/env bash
# Makes sure what the test suite talks to is there: a running PostgreSQL on
# loopback (the storage tests run on SQLite and on Postgres), Python's grpcio
# and protobuf (the Python client, and a gRPC client in another language), and
# bubblewrap (the shell tool's sandbox, which the sandbox tests require), and
# Chromium (the web UI's tests drive it with playwright-core).
# Safe to run repeatedly.
set -euo pipefail

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }

if ! pg_up; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    echo "ensure-test-services: starting PostgreSQL" >&2
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start || true
  fi
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
  pg_up || { echo "ensure-test-services: PostgreSQL is not reachable on 127.0.0.1:5432 (set FLOE_TEST_PG_URL to use another)" >&2; exit 1; }
fi

# Installs Debian packages when root with apt-get, else says what is missing and fails.
need_debian() {
  local what="$1"
  shift
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure-test-services: installing $*" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    echo "ensure-test-services: $what: install Debian's $*" >&2
    exit 1
  fi
}

# grpcio and protobuf: the Python client (clients/python) and a raw gRPC call.
/usr/bin/python3 -c 'import grpc, google.protobuf' >/dev/null 2>&1 ||
  need_debian "/usr/bin/python3 lacks grpcio or protobuf" python3-grpcio python3-protobuf

command -v bwrap >/dev/null 2>&1 || need_debian "bwrap is missing" bubblewrap

# Chromium: the web UI tests (test/web-ui*.test.ts) drive Debian's build through playwright-core.
[ -x "${FLOE_TEST_CHROMIUM:-/usr/bin/chromium}" ] ||
  need_debian "${FLOE_TEST_CHROMIUM:-/usr/bin/chromium} is missing (or set FLOE_TEST_CHROMIUM)" chromium
