#!/usr/bin/env python3
"""--dump-dtb writes the device tree the virt board generates; dtc must accept
it and it must describe the board (memory, the hart's ISA and interrupt
controller, CLINT, PLIC, UART, RTC, poweroff)."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from kite_testlib import fail, require_built, skip  # noqa: E402

kite, program = sys.argv[1], sys.argv[2]
require_built(("kite binary", kite), ("test program", program))
dtc = "/usr/bin/dtc"
if not os.access(dtc, os.X_OK):
    skip("dtc is not installed (apt-get install device-tree-compiler)")

with tempfile.TemporaryDirectory() as tmp:
    dtb = os.path.join(tmp, "virt.dtb")
    run = subprocess.run([kite, "run", "--arch", "riscv64", "--firmware", "none", "--kernel", program,
                          "--memory", "128M", "--cmdline", "console=ttyS0 kite=1", "--serial", "none",
                          "--dump-dtb", dtb], capture_output=True, text=True, timeout=60)
    if run.returncode != 0:
        fail(f"kite exited {run.returncode}: {run.stderr}")
    dts = subprocess.run([dtc, "-I", "dtb", "-O", "dts", dtb], capture_output=True, text=True)
    if dts.returncode != 0:
        fail(f"dtc rejected the tree: {dts.stderr}")
    text = dts.stdout
    expected = [
        'bootargs = "console=ttyS0 kite=1"',
        "memory@80000000",
        "reg = <0x00 0x80000000 0x00 0x8000000>",
        'riscv,isa = "rv64imafdc',
        '"riscv,cpu-intc"',
        "clint@2000000",
        "plic@c000000",
        "riscv,ndev = <0x5f>",
        'compatible = "ns16550a"',
        "serial@10000000",
        '"google,goldfish-rtc"',
        '"syscon-poweroff"',
        "virtio_mmio@10001000",
        'compatible = "virtio,mmio"',
        "timebase-frequency = <0x989680>",
    ]
    missing = [e for e in expected if e not in text]
    if missing:
        fail(f"device tree lacks {missing}:\n{text}")
print("ok: the dumped device tree decompiles and describes the virt board")
