#!/usr/bin/env bash
# Build a small riscv64 Linux kernel Image for Kite's `virt` board from
# Debian's linux-source-6.1 package: tinyconfig + guest/riscv64/kernel.config.
#
# Progress goes to stderr; the last stdout line is the result directory:
#   $KITE_CACHE/riscv64/kernel-<hash>/{Image,config,System.map,vmlinux,image-header.txt,build.log}
# Env: KITE_CACHE (default ~/.cache/kite), KITE_JOBS, KITE_REBUILD=1 (ignore cache).
set -euo pipefail
KITE_LOG_TAG=kernel
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

FRAGMENT="$KITE_RV_DIR/kernel.config"
SRC_PKG=linux-source-6.1

command -v "${CROSS}gcc" >/dev/null || die "${CROSS}gcc missing (run guest/riscv64/deps.sh)"
for t in make bc bison flex xz; do command -v $t >/dev/null || die "$t missing (run guest/riscv64/deps.sh)"; done
SRC_VER=$(pkgver $SRC_PKG)
TARBALL=$(dpkg -L $SRC_PKG | grep -E '/linux-source-6\.1\.tar\.(xz|bz2|gz)$' | head -n1)
[ -f "$TARBALL" ] || die "cannot find the $SRC_PKG tarball"

HASH=$( {
  manifest_file "$0"
  manifest_file "$KITE_RV_DIR/lib.sh"
  manifest_file "$FRAGMENT"
  printf 'src=%s %s\n' "$SRC_PKG" "$SRC_VER"
  toolchain_key
} | short_hash )

build() {
  log "  unpacking $TARBALL ($SRC_PKG $SRC_VER)"
  tar -C "$WORK" -xf "$TARBALL"
  local K="$WORK/linux-source-6.1"
  local MK=(make -C "$K" ARCH=riscv CROSS_COMPILE="$CROSS" -j"$JOBS")
  run_logged "make tinyconfig" "${MK[@]}" tinyconfig
  run_logged "merge kernel.config" "$K/scripts/kconfig/merge_config.sh" -m -O "$K" "$K/.config" "$FRAGMENT"
  run_logged "make olddefconfig" "${MK[@]}" olddefconfig

  # every CONFIG_ line of the fragment must have survived olddefconfig
  local bad=0 line name
  while IFS= read -r line; do
    case "$line" in
      CONFIG_*=*)
        grep -qxF -- "$line" "$K/.config" || {
          name=${line%%=*}
          log "  config mismatch: wanted '$line', got '$(grep -E "^(# )?$name[= ]" "$K/.config" || echo "<absent>")'"
          bad=1; } ;;
      "# CONFIG_"*" is not set")
        name=${line#\# }; name=${name%% *}
        if grep -qE "^$name=" "$K/.config"; then
          log "  config mismatch: wanted '$line', got '$(grep -E "^$name=" "$K/.config")'"; bad=1
        fi ;;
    esac
  done < "$FRAGMENT"
  [ $bad -eq 0 ] || { echo "kernel.config options did not survive olddefconfig" >> "$BUILD_LOG"; return 1; }
  log "  all kernel.config options verified"

  run_logged "make Image (-j$JOBS)" "${MK[@]}" Image
  cp "$K/arch/riscv/boot/Image" "$OUT/Image"
  cp "$K/.config" "$OUT/config"
  cp "$K/System.map" "$OUT/System.map"
  cp "$K/vmlinux" "$OUT/vmlinux"
  strings -a "$K/vmlinux" | grep -m1 '^Linux version ' > "$OUT/version.txt" || true

  # Decode the RISC-V Image header (Documentation/riscv/boot-image-header.rst).
  local hdr; hdr=$(od -An -tx8 -N48 -v "$OUT/Image" | tr -s ' \n' ' ')
  read -r _c01 text_offset image_size flags _ver_res1 _res2 <<<"$hdr"
  local magic; magic=$(dd if="$OUT/Image" bs=1 skip=48 count=8 status=none | tr -d '\0')
  [ "$magic" = RISCV ] || { echo "bad Image magic '$magic'" >> "$BUILD_LOG"; return 1; }
  printf 'file_size=%d\ntext_offset=0x%x\nimage_size=0x%x (%d bytes: file + bss, memory the kernel needs past its load address)\nflags=0x%x (bit0=0: little endian)\nmagic=%s\n' \
    "$(stat -c %s "$OUT/Image")" "$((16#$text_offset))" "$((16#$image_size))" "$((16#$image_size))" "$((16#$flags))" "$magic" \
    > "$OUT/image-header.txt"
  {
    echo "linux-source: $SRC_PKG $SRC_VER ($TARBALL)"
    toolchain_key
    echo "fragment-sha256: $(sha256sum < "$FRAGMENT" | cut -c1-64)"
  } > "$OUT/inputs.txt"
  log "  Image: $(stat -c %s "$OUT/Image") bytes; $(tr '\n' ' ' < "$OUT/image-header.txt" | cut -d'(' -f1)"
}

log "inputs: $SRC_PKG $SRC_VER, $("${CROSS}gcc" --version | head -n1), key $HASH"
cached_build kernel "$HASH" build
echo "$RESULT_DIR"
