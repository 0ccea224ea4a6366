#!/usr/bin/env bash
# Installs the Debian packages Kite needs to build, test and benchmark, skipping
# those already present. Safe to run repeatedly; needs root (or sudo).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libfmt-dev libcli11-dev libgtest-dev libgmock-dev
  libfdt-dev device-tree-compiler  # RISC-V device trees
  gcc-riscv64-linux-gnu opensbi    # RISC-V test programs and the default firmware
  libzydis-dev     # the x86 software CPU's instruction decoder
  libxbyak-dev     # x86-64 code emission for the translator (src/jit)
  libunicorn-dev   # reference CPU for the RISC-V differential test (tests/unit/riscv_diff)
  liburing-dev libslirp-dev  # virtio-blk off-thread I/O, user-mode networking
  acpica-tools     # iasl: the ACPI table test disassembles and recompiles Kite's tables
  e2fsprogs        # ext4 disk images for the virtio-blk tests (mkfs.ext4 -d, e2fsck, debugfs)
  python3          # test runners
  clang-16 libclang-rt-16-dev  # libFuzzer targets
  qemu-system-x86 qemu-system-misc time  # side-by-side reference and RSS measurement for bench/
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  echo "setup: installing ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "setup: all build dependencies present"
# What the RISC-V guest images are built from (kernel source, busybox source
# through deb-src, the cross toolchain).
"$(dirname "$0")/../guest/riscv64/deps.sh"
