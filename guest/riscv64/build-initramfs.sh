#!/usr/bin/env bash
# Build Kite's riscv64 initramfs: a static busybox cross-compiled from Debian's
# busybox source package (`apt-get source`), plus guest/riscv64/init, packed as
# a gzip'd newc cpio.  Two cache entries:
#   $KITE_CACHE/riscv64/busybox-<hash>/{busybox,busybox.links,config,build.log}
#   $KITE_CACHE/riscv64/initramfs-<hash>/{initramfs.cpio.gz,contents.txt,build.log}
# Progress goes to stderr; the last stdout line is the initramfs directory.
# Env: KITE_CACHE (default ~/.cache/kite), KITE_JOBS, KITE_REBUILD=1.
set -euo pipefail
KITE_LOG_TAG=initramfs
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

INIT="$KITE_RV_DIR/init"
UDHCPC_SCRIPT="$KITE_RV_DIR/udhcpc.script"
command -v "${CROSS}gcc" >/dev/null || die "${CROSS}gcc missing (run guest/riscv64/deps.sh)"
for t in make cpio gzip dpkg-source; do command -v $t >/dev/null || die "$t missing (run guest/riscv64/deps.sh)"; done

# Newest busybox source version apt knows about (needs deb-src, see deps.sh).
BB_VER=$(apt-cache showsrc busybox 2>/dev/null | awk '/^Version:/{print $2}' | sort -V | tail -n1 || true)
[ -n "$BB_VER" ] || die "no busybox source package known to apt: run guest/riscv64/deps.sh (adds deb-src, apt-get update)"

# busybox config edits applied after `make defconfig`
BB_CONFIG_EDITS=(
  "CONFIG_STATIC=y"
  "CONFIG_CROSS_COMPILER_PREFIX=\"$CROSS\""
  # tc needs kernel qdisc headers that newer linux-libc-dev dropped (CBQ); not needed
  "# CONFIG_TC is not set"
  # need libc features a static glibc cannot provide usefully
  "# CONFIG_FEATURE_MOUNT_NFS is not set"
  "# CONFIG_FEATURE_INETD_RPC is not set"
)

BB_HASH=$( {
  printf 'busybox-src=%s\n' "$BB_VER"
  printf 'edit=%s\n' "${BB_CONFIG_EDITS[@]}"
  manifest_file "$KITE_RV_DIR/lib.sh"
  # the busybox half of this script is what matters, but hash all of it
  manifest_file "$0"
  toolchain_key
  printf 'libc=%s\n' "$(pkgver libc6-dev-riscv64-cross)"
  printf 'kheaders=%s\n' "$(pkgver linux-libc-dev-riscv64-cross)"
} | short_hash )

build_busybox() {
  cd "$WORK"
  run_logged "apt-get source busybox=$BB_VER" apt-get source -q "busybox=$BB_VER"
  local B; B=$(find "$WORK" -mindepth 1 -maxdepth 1 -type d -name 'busybox-*' | head -n1)
  [ -d "$B" ] || { echo "no unpacked busybox source" >> "$BUILD_LOG"; return 1; }
  local MK=(make -C "$B" ARCH=riscv CROSS_COMPILE="$CROSS" CC="${CROSS}gcc" -j"$JOBS")
  run_logged "make defconfig" "${MK[@]}" defconfig
  local e name
  for e in "${BB_CONFIG_EDITS[@]}"; do
    case "$e" in "# "*) name=${e#\# }; name=${name%% *} ;; *) name=${e%%=*} ;; esac
    sed -i -E "/^(# )?$name[= ]/d" "$B/.config"
    printf '%s\n' "$e" >> "$B/.config"
  done
  run_logged "make oldconfig" bash -c "yes '' | $(printf '%q ' "${MK[@]}") oldconfig"
  for e in "${BB_CONFIG_EDITS[@]}"; do
    grep -qxF -- "$e" "$B/.config" || { echo "busybox config edit lost: $e" >> "$BUILD_LOG"; return 1; }
  done
  run_logged "make busybox (static, -j$JOBS)" "${MK[@]}" busybox
  run_logged "make busybox.links" "${MK[@]}" busybox.links
  file "$B/busybox" >> "$BUILD_LOG" 2>/dev/null || true
  "${CROSS}readelf" -h "$B/busybox" | grep -q 'RISC-V' || { echo "busybox is not a RISC-V binary" >> "$BUILD_LOG"; return 1; }
  if "${CROSS}readelf" -l "$B/busybox" | grep -q INTERP; then echo "busybox is not static" >> "$BUILD_LOG"; return 1; fi
  cp "$B/busybox" "$OUT/busybox"
  cp "$B/busybox.links" "$OUT/busybox.links"
  cp "$B/.config" "$OUT/config"
  echo "busybox-src: $BB_VER" > "$OUT/inputs.txt"
  log "  busybox: $(stat -c %s "$OUT/busybox") bytes, $(wc -l < "$OUT/busybox.links") applets"
}

log "inputs: busybox source $BB_VER, key $BB_HASH"
cached_build busybox "$BB_HASH" build_busybox
BB_DIR=$RESULT_DIR

RD_HASH=$( {
  printf 'busybox=%s\n' "$BB_HASH"
  manifest_file "$0"
  manifest_file "$KITE_RV_DIR/lib.sh"
  manifest_file "$INIT"
  manifest_file "$UDHCPC_SCRIPT"
  printf 'cpio=%s gzip=%s\n' "$(pkgver cpio)" "$(pkgver gzip)"
} | short_hash )

build_initramfs() {
  local R="$WORK/root"
  log "  staging rootfs"
  mkdir -p "$R"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,root,etc,bench,mnt}
  chmod 1777 "$R/tmp"; chmod 0700 "$R/root"
  install -m 0755 "$BB_DIR/busybox" "$R/bin/busybox"
  # applet links from the host-side busybox.links (cannot run the cross binary)
  local l rel n=0
  while IFS= read -r l; do
    [ -n "$l" ] && [ "$l" != /bin/busybox ] || continue
    [ -e "$R$l" ] || [ -L "$R$l" ] && continue
    mkdir -p "$R$(dirname "$l")"
    case "$l" in
      /bin/*) rel=busybox ;;
      /sbin/*) rel=../bin/busybox ;;
      /usr/bin/*|/usr/sbin/*) rel=../../bin/busybox ;;
      *) rel=/bin/busybox ;;
    esac
    ln -s "$rel" "$R$l"; n=$((n+1))
  done < "$BB_DIR/busybox.links"
  log "  $n applet symlinks"
  install -m 0755 "$INIT" "$R/init"
  mkdir -p "$R/usr/share/udhcpc" "$R/var/www"
  install -m 0755 "$UDHCPC_SCRIPT" "$R/usr/share/udhcpc/default.script"
  printf '<html><body>kite guest httpd</body></html>\n' > "$R/var/www/index.html"
  printf 'root::0:0:root:/root:/bin/sh\n' > "$R/etc/passwd"
  printf 'root:x:0:\n' > "$R/etc/group"
  printf 'kite\n' > "$R/etc/hostname"
  printf 'export PATH=/bin:/sbin:/usr/bin:/usr/sbin\nexport PS1='"'"'kite:\\w\\$ '"'"'\n' > "$R/etc/profile"
  cat > "$R/bench/README" <<'TXT'
/bench: hook for Kite's CPU-bound guest benchmark programs.
Static riscv64 binaries placed here by a later build step are run from the
guest shell (or from /init in a future kite.test=bench mode).  Empty for now.
TXT
  # deterministic archive: fixed mtimes/owners, sorted names
  find "$R" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
  ( cd "$R" && find . -mindepth 1 | LC_ALL=C sort > "$WORK/list" )
  ( cd "$R" && cpio --quiet -o -H newc -R 0:0 --reproducible < "$WORK/list" ) | gzip -n -9 > "$OUT/initramfs.cpio.gz"
  ( cd "$R" && find . -mindepth 1 -printf '%M %s %p %l\n' | LC_ALL=C sort -k3 ) > "$OUT/contents.txt"
  gzip -t "$OUT/initramfs.cpio.gz"
  log "  initramfs.cpio.gz: $(stat -c %s "$OUT/initramfs.cpio.gz") bytes"
}

log "initramfs key $RD_HASH"
cached_build initramfs "$RD_HASH" build_initramfs
echo "$RESULT_DIR"
