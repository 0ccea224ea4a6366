#!/usr/bin/env bash
# Oracle check: boot the images from build-all.sh under QEMU's riscv64 `virt`
# machine (the board Kite mimics) in kite.test=poweroff mode and verify the
# transcript.  Needs qemu-system-misc (KITE_WITH_QEMU=1 guest/riscv64/deps.sh).
# Env: QEMU_SMP (default 1), QEMU_MEM (default 256M), QEMU_VIRTIO=1 to attach
# virtio-blk/net/rng/console devices, QEMU_TIMEOUT (default 120 s).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
command -v qemu-system-riscv64 >/dev/null || { echo "qemu-system-riscv64 missing (apt-get install qemu-system-misc)" >&2; exit 1; }

eval "$("$HERE/build-all.sh")"
args=(-M virt -m "${QEMU_MEM:-256M}" -smp "${QEMU_SMP:-1}" -nographic -no-reboot
      -bios "$FW_DYNAMIC" -kernel "$IMAGE" -initrd "$INITRAMFS"
      -append "console=ttyS0 earlycon=sbi kite.test=poweroff")
tmpd=$(mktemp -d); trap 'rm -rf "$tmpd"' EXIT
if [ "${QEMU_VIRTIO:-0}" = 1 ]; then
  truncate -s 8M "$tmpd/disk.img"
  args+=(-global virtio-mmio.force-legacy=false
         -drive "file=$tmpd/disk.img,if=none,format=raw,id=d0" -device virtio-blk-device,drive=d0
         -netdev user,id=n0 -device virtio-net-device,netdev=n0
         -device virtio-rng-device)
fi
log=$tmpd/console.log
echo "qemu-check: qemu-system-riscv64 ${args[*]}" >&2
start=$(date +%s%N)
rc=0; timeout "${QEMU_TIMEOUT:-120}" qemu-system-riscv64 "${args[@]}" < /dev/null > "$log" 2>&1 || rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
tr -d '\r' < "$log"
ok=1
for pat in 'Linux version 6\.1' 'kite-init: hello from busybox init' 'kite-init: self-check done' 'reboot: Power down'; do
  grep -q "$pat" "$log" || { echo "qemu-check: MISSING '$pat'" >&2; ok=0; }
done
[ $rc -eq 0 ] || { echo "qemu-check: qemu exit status $rc" >&2; ok=0; }
echo "qemu-check: wall time ${ms} ms (qemu exit $rc)" >&2
[ $ok = 1 ] && echo "qemu-check: PASS" >&2 || { echo "qemu-check: FAIL" >&2; exit 1; }
