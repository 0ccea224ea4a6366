#!/usr/bin/env bash
# Build (or fetch from cache) everything Kite needs to boot riscv64 Linux on
# its `virt` board, and print the three paths:
#   FW_DYNAMIC  OpenSBI fw_dynamic.bin from Debian's `opensbi` package
#   IMAGE       Linux Image            (build-kernel.sh)
#   INITRAMFS   busybox initramfs.cpio.gz (build-initramfs.sh)
# Output (stdout) is shell-sourceable KEY=path lines; progress goes to stderr.
# The images are also linked from $KITE_CACHE/riscv64/current/, where
# `kite run` without --kernel looks for them.
# Env: KITE_CACHE (default ~/.cache/kite), KITE_JOBS, KITE_REBUILD=1,
#      KITE_DEPS=1 to run deps.sh first (apt-get; needs root).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KITE_LOG_TAG=all
# shellcheck source=lib.sh
. "$HERE/lib.sh"

if [ "${KITE_DEPS:-0}" = 1 ]; then "$HERE/deps.sh" >&2; fi

FW=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin
OPENSBI_VER=$(dpkg-query -W -f='${Version}' opensbi 2>/dev/null || true)
[ -n "$OPENSBI_VER" ] || die "Debian package 'opensbi' is not installed (run guest/riscv64/deps.sh)"
[ -f "$FW" ] || die "opensbi $OPENSBI_VER installed but $FW is missing"
log "opensbi $OPENSBI_VER: $FW"

KDIR=$("$HERE/build-kernel.sh" | tail -n1)
RDIR=$("$HERE/build-initramfs.sh" | tail -n1)
[ -f "$KDIR/Image" ] || die "kernel build produced no Image"
[ -f "$RDIR/initramfs.cpio.gz" ] || die "initramfs build produced no initramfs.cpio.gz"

# A stable place where `kite run` (without --kernel) finds the newest images.
CURRENT="$(dirname "$KDIR")/current"
mkdir -p "$CURRENT"
ln -sfn "$KDIR/Image" "$CURRENT/Image.new" && mv -fT "$CURRENT/Image.new" "$CURRENT/Image"
ln -sfn "$RDIR/initramfs.cpio.gz" "$CURRENT/initramfs.cpio.gz.new" \
    && mv -fT "$CURRENT/initramfs.cpio.gz.new" "$CURRENT/initramfs.cpio.gz"
log "done (linked from $CURRENT)"

echo "FW_DYNAMIC=$FW"
echo "IMAGE=$KDIR/Image"
echo "INITRAMFS=$RDIR/initramfs.cpio.gz"
