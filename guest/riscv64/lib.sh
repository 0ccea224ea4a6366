# Shared helpers for the Kite riscv64 guest build scripts (sourced, not run).
# shellcheck shell=bash

KITE_RV_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KITE_CACHE_ROOT=${KITE_CACHE:-$HOME/.cache/kite}/riscv64
CROSS=riscv64-linux-gnu-
JOBS=${KITE_JOBS:-$(nproc)}
# Fixed identity/time so rebuilds of the same inputs are byte-identical-ish.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}
export KBUILD_BUILD_TIMESTAMP="@${SOURCE_DATE_EPOCH}"
export KBUILD_BUILD_USER=kite KBUILD_BUILD_HOST=kite KBUILD_BUILD_VERSION=1
export LC_ALL=C TZ=UTC

T0=$(date +%s)
log() { printf '[%s +%4ss] %s\n' "${KITE_LOG_TAG:-riscv64}" "$(( $(date +%s) - T0 ))" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# pkgver PKG -> installed version (fails if not installed)
pkgver() {
  local v
  v=$(dpkg-query -W -f='${Version}' "$1" 2>/dev/null) || true
  [ -n "$v" ] || die "package $1 is not installed (run guest/riscv64/deps.sh)"
  printf '%s' "$v"
}

# Inputs common to every cross build.
toolchain_key() {
  printf 'gcc=%s\n' "$("${CROSS}gcc" --version | head -n1)"
  printf 'gcc-pkg=%s\n' "$(pkgver gcc-12-riscv64-linux-gnu)"
  printf 'binutils=%s\n' "$(pkgver binutils-riscv64-linux-gnu)"
}

# hash_inputs: read a "key=value / file contents" manifest on stdin, print the
# short hash.  Callers build the manifest with manifest_file/printf.
manifest_file() { printf 'file %s sha256=%s\n' "$(basename "$1")" "$(sha256sum < "$1" | cut -c1-64)"; }
short_hash() { sha256sum | cut -c1-16; }

# cached_build NAME HASH FUNC: if $KITE_CACHE_ROOT/NAME-HASH exists, reuse it;
# otherwise run FUNC with $OUT (final-artifacts dir) and $WORK (scratch) inside
# a temp dir, log to $OUT/build.log, and atomically rename on success.
# Sets RESULT_DIR.
cached_build() {
  local name=$1 hash=$2 func=$3
  local final="$KITE_CACHE_ROOT/$name-$hash"
  mkdir -p "$KITE_CACHE_ROOT"
  RESULT_DIR=$final
  if [ -f "$final/.complete" ] && [ -z "${KITE_REBUILD:-}" ]; then
    log "$name: cache hit $final"
    return 0
  fi
  # serialize concurrent builders of the same key
  exec {lockfd}>"$KITE_CACHE_ROOT/.$name-$hash.lock"
  flock "$lockfd"
  if [ -f "$final/.complete" ] && [ -z "${KITE_REBUILD:-}" ]; then
    log "$name: cache hit $final (built concurrently)"
    exec {lockfd}>&-
    return 0
  fi
  local tmp
  tmp=$(mktemp -d "$KITE_CACHE_ROOT/.tmp-$name-$hash.XXXXXX")
  OUT="$tmp/out" WORK="$tmp/work"
  mkdir -p "$OUT" "$WORK"
  BUILD_LOG="$OUT/build.log"
  : > "$BUILD_LOG"
  log "$name: cache miss, building in $tmp (log: $BUILD_LOG)"
  local rc
  # (not `( ... ) || rc=$?`: errexit is ignored inside a || list)
  set +e
  ( set -euo pipefail; "$func" )
  rc=$?
  set -e
  if [ $rc -ne 0 ]; then
    log "$name: build FAILED (rc=$rc); last 40 lines of $BUILD_LOG:"
    tail -n 40 "$BUILD_LOG" >&2 || true
    local keep="$KITE_CACHE_ROOT/failed-$name-$hash.log"
    cp "$BUILD_LOG" "$keep" 2>/dev/null && log "full log kept at $keep"
    rm -rf "$tmp"
    exec {lockfd}>&-
    exit $rc
  fi
  date -u +%FT%TZ > "$OUT/.complete"
  rm -rf "$final"                     # only reached with KITE_REBUILD / stale partial
  mv -T "$OUT" "$final"               # atomic rename within the cache fs
  rm -rf "$tmp"
  exec {lockfd}>&-
  log "$name: done -> $final"
}

# run_logged DESC CMD...: run CMD with output appended to $BUILD_LOG.
run_logged() {
  local desc=$1; shift
  log "  $desc"
  printf '\n===== %s: %s\n' "$desc" "$*" >> "$BUILD_LOG"
  "$@" >> "$BUILD_LOG" 2>&1
}
