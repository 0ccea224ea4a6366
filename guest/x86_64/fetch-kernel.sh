#!/usr/bin/env bash
# Fetch (or find in the cache) Debian's stock x86-64 kernel, a real bzImage
# that the boot-protocol tests check Kite's loader against, and print its path.
#
# `linux-image-amd64` is a metapackage; it depends on the versioned
# `linux-image-<abi>-amd64` package that holds /boot/vmlinuz-<abi>-amd64. That
# package is downloaded with `apt-get download` (no installation, no root),
# unpacked with `dpkg-deb -x` into $KITE_CACHE/x86_64/linux-image-<version>/,
# and linked as $KITE_CACHE/x86_64/current/vmlinuz. The ELF vmlinux inside it
# (the bzImage payload, xz-compressed in Debian's build) is unpacked next to
# it as `vmlinux`, for the PVH entry.
# Env: KITE_CACHE (default ~/.cache/kite), KITE_REBUILD=1 to fetch again,
#      KITE_APT_UPDATE=1 to run `apt-get update` first (needs root).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KITE_LOG_TAG=x86_64
# The riscv64 helpers (logging, the cache lock and atomic rename) fit as they are.
# shellcheck source=../riscv64/lib.sh
. "$HERE/../riscv64/lib.sh"
KITE_CACHE_ROOT=${KITE_CACHE:-$HOME/.cache/kite}/x86_64

if [ "${KITE_APT_UPDATE:-0}" = 1 ]; then apt-get update >&2; fi

# The versioned package the metapackage points at, and its version.
PKG=$(apt-cache depends linux-image-amd64 2>/dev/null \
        | sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -n1)
[ -n "$PKG" ] || die "apt knows no linux-image-amd64 (run 'apt-get update', or KITE_APT_UPDATE=1)"
VERSION=$(apt-cache policy "$PKG" | sed -n 's/^ *Candidate: //p')
[ -n "$VERSION" ] && [ "$VERSION" != "(none)" ] || die "no candidate version of $PKG"
log "$PKG $VERSION"

fetch() {
  ( cd "$WORK" && run_logged "apt-get download $PKG=$VERSION" apt-get download "$PKG=$VERSION" )
  local deb
  deb=$(ls "$WORK"/*.deb)
  run_logged "dpkg-deb -x" dpkg-deb -x "$deb" "$WORK/root"
  local vmlinuz
  vmlinuz=$(ls "$WORK"/root/boot/vmlinuz-* | head -n1)
  [ -f "$vmlinuz" ] || return 1
  cp "$vmlinuz" "$OUT/vmlinuz"
  cp "$WORK"/root/boot/config-* "$OUT/config" 2>/dev/null || true
  # The payload: payload_offset (0x248) bytes after the setup sectors,
  # payload_length (0x24c) long (Documentation/x86/boot.rst).
  python3 - "$OUT/vmlinuz" "$OUT/vmlinux" <<'PY' >> "$BUILD_LOG" 2>&1
import lzma, struct, sys
d = open(sys.argv[1], "rb").read()
setup = ((d[0x1F1] or 4) + 1) * 512
offset, length = struct.unpack_from("<II", d, 0x248)
payload = d[setup + offset:setup + offset + length]
if payload[:6] != b"\xfd7zXZ\x00":
    sys.exit(f"payload is not xz ({payload[:6].hex()})")
open(sys.argv[2], "wb").write(lzma.LZMADecompressor(lzma.FORMAT_XZ).decompress(payload))
PY
  printf 'package=%s\nversion=%s\nfile=%s\n' "$PKG" "$VERSION" "$(basename "$vmlinuz")" > "$OUT/SOURCE"
}
# Keyed by the package version (with '~' and ':' made file-name safe).
cached_build "linux-image" "$(printf '%s' "$VERSION" | tr '~:' '__')" fetch

CURRENT="$KITE_CACHE_ROOT/current"
mkdir -p "$CURRENT"
for f in vmlinuz vmlinux; do
  ln -sfn "$RESULT_DIR/$f" "$CURRENT/$f.new" && mv -fT "$CURRENT/$f.new" "$CURRENT/$f"
done
log "done (linked from $CURRENT)"
echo "$RESULT_DIR/vmlinuz"
