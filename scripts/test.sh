#!/usr/bin/env bash
# Runs every test: starts a throwaway PostgreSQL cluster and a KMS emulator (moto) on loopback, runs
# `dotnet test ColumnCrypto.sln`, and stops both, whatever happens. Extra arguments go to `dotnet test`.
# Needs: the .NET 10 SDK. Installs PostgreSQL (apt) and moto (pip) when they are missing and it can.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "[test.sh] $*" >&2; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

pg_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
  done
  return 1
}

ensure_postgres() {
  if ! pg_bin >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      log "PostgreSQL not found: installing it with apt-get"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    else
      log "PostgreSQL server binaries (initdb) not found; install PostgreSQL or set COLUMNCRYPTO_TEST_POSTGRES"; exit 2
    fi
  fi
}

ensure_moto() {
  if ! command -v moto_server >/dev/null; then
    log "moto_server not found: installing moto[server] with pip"
    python3 -m pip install -q 'moto[server]' >/dev/null
  fi
}

WORK=$(mktemp -d /tmp/columncrypto-test.XXXXXX)
PG_DATA="$WORK/pgdata"
MOTO_PID=""
PG_STARTED=""
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

cleanup() {
  local code=$?
  if [ -n "$PG_STARTED" ]; then as_pg "$(pg_bin)/pg_ctl" -D "$PG_DATA" -m immediate stop >/dev/null 2>&1 || true; fi
  if [ -n "$MOTO_PID" ]; then kill "$MOTO_PID" 2>/dev/null || true; wait "$MOTO_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
  exit $code
}
trap cleanup EXIT INT TERM

if [ -z "${COLUMNCRYPTO_TEST_POSTGRES:-}" ]; then
  ensure_postgres
  BIN=$(pg_bin)
  PG_PORT=$(free_port)
  [ "$(id -u)" = 0 ] && chown postgres "$WORK"
  as_pg "$BIN/initdb" -D "$PG_DATA" -A trust -U postgres >/dev/null
  as_pg "$BIN/pg_ctl" -D "$PG_DATA" -l "$WORK/postgres.log" -w start \
    -o "-p $PG_PORT -k $WORK -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" >/dev/null
  PG_STARTED=1
  export COLUMNCRYPTO_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres;Include Error Detail=true"
  log "PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT"
fi

if [ -z "${COLUMNCRYPTO_TEST_KMS_URL:-}" ]; then
  ensure_moto
  KMS_PORT=$(free_port)
  moto_server -H 127.0.0.1 -p "$KMS_PORT" >"$WORK/moto.log" 2>&1 &
  MOTO_PID=$!
  for _ in $(seq 1 100); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1',$KMS_PORT),0.2)" 2>/dev/null && break
    sleep 0.2
  done
  export COLUMNCRYPTO_TEST_KMS_URL="http://127.0.0.1:$KMS_PORT"
  log "KMS emulator (moto) on $COLUMNCRYPTO_TEST_KMS_URL"
fi

set +e
dotnet test ColumnCrypto.sln -c Release "$@" 2>&1 | tee "$WORK/dotnet-test.log"
status=${PIPESTATUS[0]}
set -e

# One closing line that CI reads the same way in any language: 'N passed, N failed'.
passed=$(grep -Eo 'Passed: +[0-9]+' "$WORK/dotnet-test.log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$WORK/dotnet-test.log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -Eo 'Skipped: +[0-9]+' "$WORK/dotnet-test.log" | awk '{s+=$2} END {print s+0}')
echo "tests: $passed passed, $failed failed, $skipped skipped"
if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then log "no test ran"; exit 1; fi
exit "$status"
