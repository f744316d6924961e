#!/usr/bin/env bash
# Runs every test: starts a throwaway PostgreSQL cluster and a KMS emulator (moto) on loopback, builds the solution,
# packs every package into a local folder feed (COLUMNCRYPTO_TEST_PACKAGES, for the documentation tests), runs
# `dotnet test ColumnCrypto.sln`, and stops both, whatever happens. Extra arguments go to `dotnet test`.
# Needs: the .NET 10 SDK. Installs PostgreSQL and clang (apt) and moto (pip) when they are missing and it can.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "[test.sh] $*" >&2; }

WORK=$(mktemp -d /tmp/columncrypto-test.XXXXXX)
# shellcheck source=lib/services.sh
. scripts/lib/services.sh

cleanup() {
  local code=$?
  stop_services
  rm -rf "$WORK"
  exit $code
}
trap cleanup EXIT INT TERM

if [ -z "${COLUMNCRYPTO_TEST_POSTGRES:-}" ]; then
  start_postgres
  export COLUMNCRYPTO_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres;Include Error Detail=true"
fi

if [ -z "${COLUMNCRYPTO_TEST_KMS_URL:-}" ]; then
  start_moto
  export COLUMNCRYPTO_TEST_KMS_URL="http://127.0.0.1:$KMS_PORT"
fi

# Native AOT (the documentation tests publish a native app) links with clang (and lld where the SDK picks it).
if ! command -v clang >/dev/null || ! command -v ld.lld >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "clang or lld not found: installing them with apt-get (native AOT links with them)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang lld >/dev/null
  else
    log "clang or lld not found: the native AOT test will fail; install clang and lld"
  fi
fi

# Build once, then pack every package into a local folder feed: the documentation tests build the README's code
# against these packages, run its Quickstarts and install the tool from them, so a broken package fails here.
dotnet build ColumnCrypto.sln -c Release -nologo
dotnet pack ColumnCrypto.sln -c Release --no-build -nologo -o "$WORK/packages" >"$WORK/pack.log" || { cat "$WORK/pack.log"; exit 1; }
export COLUMNCRYPTO_TEST_PACKAGES="$WORK/packages"
log "packages: $(cd "$WORK/packages" && ls ./*.nupkg | sed 's#^\./##' | tr '\n' ' ')"

set +e
dotnet test ColumnCrypto.sln -c Release --no-build "$@" 2>&1 | tee "$WORK/dotnet-test.log"
status=${PIPESTATUS[0]}
set -e

# One closing line that CI reads the same way in any language: 'N passed, N failed'.
passed=$(grep -Eo 'Passed: +[0-9]+' "$WORK/dotnet-test.log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$WORK/dotnet-test.log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -Eo 'Skipped: +[0-9]+' "$WORK/dotnet-test.log" | awk '{s+=$2} END {print s+0}')
echo "tests: $passed passed, $failed failed, $skipped skipped"
if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then log "no test ran"; exit 1; fi
exit "$status"
