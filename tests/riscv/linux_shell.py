#!/usr/bin/env python3
"""`kite run` with no arguments boots the default RISC-V Linux guest to an
interactive busybox shell on the terminal; a command typed there runs, and
`poweroff` in the guest ends Kite with status 0."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from kite_testlib import PtyProcess, fail, require_built, require_default_riscv_guest  # noqa: E402

kite = sys.argv[1]
require_built(("kite binary", kite))
require_default_riscv_guest()

proc = PtyProcess([kite, "run"])

if not proc.read_until(b"Linux version", 60):
    fail(f"no kernel banner:\n{proc.text()}")
if not proc.read_until(b"# ", 60):
    fail(f"no shell prompt:\n{proc.text()}")
proc.write(b"echo kite-$((6*7))\r")
if not proc.read_until(b"kite-42", 20):
    fail(f"the shell did not run the command:\n{proc.text()}")
proc.write(b"poweroff\r")
rc = proc.wait_exit(60)
if b"reboot: Power down" not in proc.output:
    fail(f"no clean power-down:\n{proc.text()}")
if rc != 0:
    fail(f"poweroff should end kite with status 0, got {rc}")
print("ok: kite run booted Linux to a shell; poweroff exited 0")
