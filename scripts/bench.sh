#!/usr/bin/env bash
# Runs the benchmarks and writes their results, with machine info, to benchmarks/results/ (micro.md, ef.md,
# search.md, reencryption.md).
# Starts throwaway PostgreSQL clusters and a KMS emulator (moto) on loopback, as scripts/test.sh does, and stops
# them whatever happens. PostgreSQL settings, stated in every results file:
#   - ef, search and reencrypt run on a cluster with fsync=off, synchronous_commit=off and full_page_writes=off (as the tests'
#     cluster: faster, not crash-safe), so that disk flushes do not drown what ColumnCrypto costs;
#   - reencrypt runs a second time on a cluster with the server defaults (fsync, synchronous commit and full-page
#     writes on: every commit durable), as a production server would be.
# micro takes about 5 minutes, ef about 3, search about 4, reencrypt about 6 on 2 cores.
#
#   scripts/bench.sh [all|micro|ef|search|reencrypt] [--quick]
#
# --quick: fewer iterations and runs, to try the command out (the numbers are then not worth recording).
# BENCH_NOTE="..." adds a note to each results file (for example that the machine was shared).
# Needs: the .NET 10 SDK. Installs PostgreSQL (apt) and moto (pip) when they are missing and it can.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "[bench.sh] $*" >&2; }

WHAT=all
QUICK=()
for arg in "$@"; do
  case "$arg" in
    all|micro|ef|search|reencrypt) WHAT=$arg ;;
    --quick) QUICK=(--quick) ;;
    *) log "unknown argument '$arg' (usage: scripts/bench.sh [all|micro|ef|search|reencrypt] [--quick])"; exit 2 ;;
  esac
done

WORK=$(mktemp -d /tmp/columncrypto-bench.XXXXXX)
# shellcheck source=lib/services.sh
. scripts/lib/services.sh

cleanup() {
  local code=$?
  stop_services
  rm -rf "$WORK"
  exit $code
}
trap cleanup EXIT INT TERM

RESULTS=benchmarks/results
mkdir -p "$RESULTS"
NOTE=()
[ -n "${BENCH_NOTE:-}" ] && NOTE=(--note "$BENCH_NOTE")

log "building benchmarks/ColumnCrypto.Benchmarks (Release)"
dotnet build benchmarks/ColumnCrypto.Benchmarks -c Release -v quiet -nologo
BENCH=(dotnet benchmarks/ColumnCrypto.Benchmarks/bin/Release/net10.0/ColumnCrypto.Benchmarks.dll)

if [ "$WHAT" != micro ]; then
  if [ -z "${COLUMNCRYPTO_BENCH_POSTGRES:-}" ]; then
    start_postgres "$WORK/pgdata" "$PG_FAST_SETTINGS"
    export COLUMNCRYPTO_BENCH_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres"
  fi
  if [ "$WHAT" != ef ] && [ "$WHAT" != search ] && [ -z "${COLUMNCRYPTO_BENCH_POSTGRES_DEFAULTS:-}" ]; then
    start_postgres "$WORK/pgdata-defaults" ""
    export COLUMNCRYPTO_BENCH_POSTGRES_DEFAULTS="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres"
  fi
  # search keeps its data keys under the local master key: KMS calls are the ef benchmark's subject.
  if [ "$WHAT" != search ] && [ -z "${COLUMNCRYPTO_BENCH_KMS_URL:-}" ]; then
    start_moto
    export COLUMNCRYPTO_BENCH_KMS_URL="http://127.0.0.1:$KMS_PORT"
  fi
fi

if [ "$WHAT" = all ] || [ "$WHAT" = micro ]; then
  log "microbenchmarks -> $RESULTS/micro.md"
  "${BENCH[@]}" micro --output "$RESULTS/micro.md" "${QUICK[@]}" "${NOTE[@]}"
fi

if [ "$WHAT" = all ] || [ "$WHAT" = ef ]; then
  log "EF Core end to end (SQLite, PostgreSQL) -> $RESULTS/ef.md"
  EF_RUNS=(--runs 11 --warmup 2)
  [ ${#QUICK[@]} -gt 0 ] && EF_RUNS=(--runs 3 --warmup 1)
  "${BENCH[@]}" ef --output "$RESULTS/ef.md" "${EF_RUNS[@]}" "${NOTE[@]}"
fi

if [ "$WHAT" = all ] || [ "$WHAT" = search ]; then
  log "searchable columns: lookups among 100,000 rows, inserts, the blind index per value (PostgreSQL) -> $RESULTS/search.md"
  SEARCH_RUNS=(--runs 15 --warmup 2 --lookups 2000)
  [ ${#QUICK[@]} -gt 0 ] && SEARCH_RUNS=(--runs 3 --warmup 1 --lookups 500 --rows 5000)
  "${BENCH[@]}" search --output "$RESULTS/search.md" "${SEARCH_RUNS[@]}" "${QUICK[@]}" "${NOTE[@]}"
fi

if [ "$WHAT" = all ] || [ "$WHAT" = reencrypt ]; then
  log "re-encryption, on the benchmark cluster and on one with server defaults -> $RESULTS/reencryption.md"
  "${BENCH[@]}" reencrypt --output "$RESULTS/reencryption.md" "${QUICK[@]}" "${NOTE[@]}"
fi

log "done: results in $RESULTS/"
