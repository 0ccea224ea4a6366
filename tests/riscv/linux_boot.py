#!/usr/bin/env python3
"""Boots the default RISC-V Linux guest non-interactively (kite.test=poweroff:
the init runs a self-check and powers off) and checks what it prints: the
kernel banner, the devices Kite provides (the virtio-rng driver binding over
virtio-mmio included), init's output and a clean power-down with status 0."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from kite_testlib import fail, require_built, require_default_riscv_guest  # noqa: E402

kite = sys.argv[1]
require_built(("kite binary", kite))
image, initrd = require_default_riscv_guest()

with tempfile.TemporaryDirectory() as tmp:
    log = os.path.join(tmp, "serial.log")
    try:
        run = subprocess.run([kite, "run", "--arch", "riscv64", "--kernel", image, "--initrd", initrd,
                              "--cmdline", "console=ttyS0 kite.test=poweroff", "--serial", f"file={log}"],
                             stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        fail("Linux did not power off within 120 s")
    output = open(log, errors="replace").read()
    expected = [
        "OpenSBI v",
        "Linux version 6.1",
        "Machine model: kite,virt",
        "plic: plic@c000000: mapped 95 interrupts",
        "ttyS0 at MMIO 0x10000000",
        "goldfish_rtc 101000.rtc: registered as rtc0",
        "Run /init as init process",
        "kite-init: hello from busybox init",
        "isa\t\t: rv64imafdc",
        "kite-init: hwrng: virtio_rng.0",
        "kite-init: self-check done, powering off",
        "reboot: Power down",
    ]
    missing = [e for e in expected if e not in output]
    if missing or run.returncode != 0:
        fail(f"status {run.returncode}, missing {missing}\nstderr: {run.stderr}\nserial:\n{output}")
print("ok: Linux booted to busybox init and powered off cleanly")
