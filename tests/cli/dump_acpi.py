#!/usr/bin/env python3
"""--dump-acpi DIR writes the ACPI tables the x86 pc board describes, before
Kite needs KVM: one <SIG>.dat per table, and iasl (when installed) must
disassemble them into the board's CPUs, PCI host bridge, COM1 and _S5."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from kite_testlib import KITE_STATUS_ACCEL_UNAVAILABLE, fail, kvm_unusable_reason, require_built, skip  # noqa: E402

kite, program = sys.argv[1], sys.argv[2]
require_built(("kite binary", kite), ("test guest", program))

with tempfile.TemporaryDirectory(prefix="kite-acpi-") as tmp:
    run = subprocess.run([kite, "run", "--arch", "x86_64", "--accel", "kvm", "--kernel", program, "--cpus", "3",
                          "--memory", "128M", "--serial", "none", "--dump-acpi", tmp],
                         capture_output=True, text=True, timeout=60)
    # The tables come first: without KVM Kite still writes them, then stops
    # with status 4; with KVM the guest runs and exits 0.
    want_status = KITE_STATUS_ACCEL_UNAVAILABLE if kvm_unusable_reason() else 0
    if run.returncode != want_status:
        fail(f"kite exited {run.returncode}, expected {want_status}: {run.stderr}")
    names = sorted(os.listdir(tmp))
    expected = ["APIC.dat", "DSDT.dat", "FACP.dat", "FACS.dat", "MCFG.dat", "RSDP.dat", "RSDT.dat", "XSDT.dat"]
    if names != expected:
        fail(f"--dump-acpi wrote {names}, expected {expected}")
    for name in expected:
        with open(os.path.join(tmp, name), "rb") as f:
            head = f.read(8)
        want = b"RSD PTR " if name == "RSDP.dat" else name[:4].encode()
        if not head.startswith(want):
            fail(f"{name} starts with {head!r}")

    iasl = shutil.which("iasl")
    if not iasl:
        skip("iasl is not installed (apt-get install acpica-tools); the files were written")
    for sig in ("DSDT", "APIC", "FACP", "MCFG"):
        out = subprocess.run([iasl, "-d", f"{sig}.dat"], cwd=tmp, capture_output=True, text=True)
        if out.returncode != 0 or "Error" in out.stdout + out.stderr or "Warning" in out.stdout + out.stderr:
            fail(f"iasl -d {sig}.dat: {out.stdout}{out.stderr}")
    with open(os.path.join(tmp, "DSDT.dsl")) as f:
        dsdt = f.read()
    with open(os.path.join(tmp, "APIC.dsl")) as f:
        madt = f.read()
    missing = [w for w in ("PNP0A08", "_PRT", "_S5_", "PNP0501", "0x03F8", "Device (C002)") if w not in dsdt]
    if missing or "Device (C003)" in dsdt:
        fail(f"the DSDT lacks {missing} or has a fourth CPU:\n{dsdt}")
    if madt.count("[Processor Local APIC]") != 3:
        fail(f"the MADT does not list 3 CPUs:\n{madt}")
print("ok: --dump-acpi wrote the pc board's tables and iasl reads them")
