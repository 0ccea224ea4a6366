#!/usr/bin/env bash
# Install (only if missing) the Debian packages needed to build the Kite
# riscv64 guest images, and enable deb-src for the configured Debian mirror so
# that `apt-get source busybox` works.  Idempotent; needs root (or sudo).
set -euo pipefail

SUDO=
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi

PKGS=(
  make gcc libc6-dev          # host toolchain (kconfig, fixdep, ...)
  gcc-riscv64-linux-gnu       # cross compiler
  libc6-dev-riscv64-cross     # cross libc (static busybox)
  binutils-riscv64-linux-gnu
  linux-source-6.1            # kernel source tarball
  bc bison flex               # kernel build
  xz-utils cpio gzip          # unpack kernel, pack initramfs
  dpkg-dev                    # dpkg-source, for `apt-get source`
  opensbi                     # fw_dynamic.bin (M-mode firmware)
)
# qemu-system-misc is only used as an oracle by the check; install with
#   KITE_WITH_QEMU=1 guest/riscv64/deps.sh
if [ "${KITE_WITH_QEMU:-0}" = 1 ]; then PKGS+=(qemu-system-misc); fi

# --- deb-src ------------------------------------------------------------------
SRC_FILE=/etc/apt/sources.list.d/kite-deb-src.sources
have_debsrc() {
  # any enabled deb-src line (one-line or deb822 format)?
  grep -RhsE '^\s*deb-src\s' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | grep -q . && return 0
  grep -RhsiE '^\s*Types:.*\bdeb-src\b' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -q . && return 0
  return 1
}
need_update=0
if ! have_debsrc; then
  echo "deps: adding deb-src entries in $SRC_FILE"
  # Mirror the existing deb822 'deb' stanzas (URIs/Suites/Components/Signed-By)
  # as 'deb-src' stanzas.  Falls back to deb.debian.org bookworm.
  tmp=$(mktemp)
  if ls /etc/apt/sources.list.d/*.sources >/dev/null 2>&1; then
    awk '
      BEGIN { RS=""; ORS="\n\n" }
      /(^|\n)Types:[^\n]*deb([ \t]|\n|$)/ && /URIs:[^\n]*debian/ && !/(^|\n)Enabled:[ \t]*no/ {
        out=""
        n=split($0, L, "\n")
        for (i=1;i<=n;i++) {
          if (L[i] ~ /^#/) continue
          if (L[i] ~ /^Types:/) L[i]="Types: deb-src"
          if (L[i] ~ /^Architectures:/) continue
          out = out L[i] "\n"
        }
        printf "%s\n", out
      }' /etc/apt/sources.list.d/*.sources > "$tmp"
  fi
  if ! grep -q 'Types: deb-src' "$tmp"; then
    cat > "$tmp" <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  fi
  $SUDO install -m 0644 "$tmp" "$SRC_FILE"
  rm -f "$tmp"
  need_update=1
fi

# Sources index present?  (apt-get update may not have run since deb-src was added)
if ! ls /var/lib/apt/lists/*_source_Sources* >/dev/null 2>&1; then need_update=1; fi

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then need_update=1; fi

if [ "$need_update" = 1 ]; then
  echo "deps: apt-get update"
  $SUDO apt-get update -qq
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "deps: all build dependencies present"
fi
