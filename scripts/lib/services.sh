# Throwaway services on loopback for scripts/test.sh and scripts/bench.sh (sourced, not run).
# The caller defines log() and WORK (a private temporary folder), and calls stop_services from its EXIT trap.
# Each start_* sets what its stop_* needs, so only what this script started is ever stopped.

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

PG_DATA="$WORK/pgdata"
PG_PORT=""
PG_STARTED=""
MOTO_PID=""
KMS_PORT=""

# Throwaway clusters trade durability for speed: a crash may lose or corrupt them, which tests and benchmarks accept.
PG_FAST_SETTINGS="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# Starts a throwaway cluster (trust auth, loopback only) on a free port: sets PG_PORT.
# Optional: $1 its data folder (default $PG_DATA), $2 its server settings (default $PG_FAST_SETTINGS; "" for the
# server defaults, which make every commit durable).
start_postgres() {
  ensure_postgres
  local bin data=${1:-$PG_DATA} settings=${2-$PG_FAST_SETTINGS}
  bin=$(pg_bin)
  PG_PORT=$(free_port)
  [ "$(id -u)" = 0 ] && chown postgres "$WORK"
  as_pg "$bin/initdb" -D "$data" -A trust -U postgres >/dev/null
  # shellcheck disable=SC2086 # the settings are several words
  as_pg "$bin/pg_ctl" -D "$data" -l "$data.log" -w start \
    -o "-p $PG_PORT -k $WORK -c listen_addresses=127.0.0.1 $settings -c max_connections=300" >/dev/null
  PG_STARTED="$PG_STARTED $data"
  log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT (${settings:-server default settings})"
}

# Starts moto_server (a KMS emulator) on a free loopback port and waits until it accepts connections: sets KMS_PORT.
start_moto() {
  ensure_moto
  KMS_PORT=$(free_port)
  moto_server -H 127.0.0.1 -p "$KMS_PORT" >"$WORK/moto.log" 2>&1 &
  MOTO_PID=$!
  for _ in $(seq 1 100); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1',$KMS_PORT),0.2)" 2>/dev/null && break
    sleep 0.2
  done
  log "KMS emulator (moto) on http://127.0.0.1:$KMS_PORT"
}

# Stops what start_postgres and start_moto started (by their own data folder and process id), never anything else.
stop_services() {
  local data
  for data in $PG_STARTED; do as_pg "$(pg_bin)/pg_ctl" -D "$data" -m immediate stop >/dev/null 2>&1 || true; done
  if [ -n "$MOTO_PID" ]; then kill "$MOTO_PID" 2>/dev/null || true; wait "$MOTO_PID" 2>/dev/null || true; fi
}
