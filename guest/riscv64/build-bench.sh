#!/usr/bin/env bash
# Build (or fetch from cache) Kite's riscv64 *benchmark* initramfs: the default
# busybox initramfs (build-initramfs.sh, unpacked as is) with /init replaced
# by bench/riscv/bench-init and the CPU-bound programs bench/riscv/*.c,
# cross-compiled statically (riscv64-linux-gnu-gcc -O2 -static), in /bench.
#   $KITE_CACHE/riscv64/bench-<hash>/{bench-initramfs.cpio.gz,bin/,contents.txt,inputs.txt,build.log}
# <hash> covers the base initramfs (its bytes), the benchmark sources, the
# compile flags, this script, lib.sh, the toolchain and the cpio/gzip versions.
# stdout: BENCH_INITRAMFS=path (progress on stderr).
# Env: KITE_CACHE (default ~/.cache/kite), KITE_REBUILD=1.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KITE_LOG_TAG=bench
# shellcheck source=lib.sh
. "$HERE/lib.sh"

SRC=$(cd "$HERE/../../bench/riscv" && pwd)
PROGS=(int mem branch fp)
CFLAGS=(-O2 -static -Wall -Wextra)
command -v "${CROSS}gcc" >/dev/null || die "${CROSS}gcc missing (run guest/riscv64/deps.sh)"
for t in cpio gzip; do command -v $t >/dev/null || die "$t missing (run guest/riscv64/deps.sh)"; done
for p in "${PROGS[@]}"; do [ -f "$SRC/$p.c" ] || die "missing $SRC/$p.c"; done

# The base initramfs: busybox + applet links + /etc, exactly as booted by default.
BASE_DIR=$("$HERE/build-initramfs.sh" | tail -n1)
BASE="$BASE_DIR/initramfs.cpio.gz"
[ -f "$BASE" ] || die "build-initramfs.sh produced no $BASE"

BENCH_HASH=$( {
  printf 'base-initramfs sha256=%s\n' "$(sha256sum < "$BASE" | cut -c1-64)"
  for f in "$SRC"/*.c "$SRC"/*.h "$SRC/bench-init"; do manifest_file "$f"; done
  printf 'cflags=%s\n' "${CFLAGS[*]}"
  manifest_file "$0"
  manifest_file "$KITE_RV_DIR/lib.sh"
  toolchain_key
  printf 'libc=%s\n' "$(pkgver libc6-dev-riscv64-cross)"
  printf 'cpio=%s gzip=%s\n' "$(pkgver cpio)" "$(pkgver gzip)"
} | short_hash )

build_bench() {
  mkdir -p "$OUT/bin"
  local p
  for p in "${PROGS[@]}"; do
    run_logged "cc $p.c" "${CROSS}gcc" "${CFLAGS[@]}" -o "$OUT/bin/$p" "$SRC/$p.c" -lm
    if "${CROSS}readelf" -l "$OUT/bin/$p" | grep -q INTERP; then echo "$p is not static" >> "$BUILD_LOG"; return 1; fi
  done
  local R="$WORK/root"
  mkdir -p "$R"
  log "  unpacking base initramfs $BASE"
  ( cd "$R" && gzip -dc "$BASE" | cpio --quiet -idm --no-absolute-filenames )
  [ -x "$R/bin/busybox" ] || { echo "base initramfs has no /bin/busybox" >> "$BUILD_LOG"; return 1; }
  rm -f "$R/init" "$R/bench/README"
  install -m 0755 "$SRC/bench-init" "$R/init"
  mkdir -p "$R/bench"
  for p in "${PROGS[@]}"; do install -m 0755 "$OUT/bin/$p" "$R/bench/$p"; done
  # deterministic archive, as build-initramfs.sh does
  find "$R" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
  ( cd "$R" && find . -mindepth 1 | LC_ALL=C sort > "$WORK/list" )
  ( cd "$R" && cpio --quiet -o -H newc -R 0:0 --reproducible < "$WORK/list" ) | gzip -n -9 > "$OUT/bench-initramfs.cpio.gz"
  ( cd "$R" && find . -mindepth 1 -printf '%M %s %p %l\n' | LC_ALL=C sort -k3 ) > "$OUT/contents.txt"
  gzip -t "$OUT/bench-initramfs.cpio.gz"
  { echo "base: $BASE"; echo "cflags: ${CFLAGS[*]}"; "${CROSS}gcc" --version | head -n1; } > "$OUT/inputs.txt"
  log "  bench-initramfs.cpio.gz: $(stat -c %s "$OUT/bench-initramfs.cpio.gz") bytes"
}

log "bench initramfs key $BENCH_HASH"
cached_build bench "$BENCH_HASH" build_bench
echo "BENCH_INITRAMFS=$RESULT_DIR/bench-initramfs.cpio.gz"
