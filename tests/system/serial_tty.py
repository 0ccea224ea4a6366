#!/usr/bin/env python3
"""--serial stdio on a real terminal: raw mode while running, typed bytes reach
the guest, Ctrl-A Ctrl-A sends one Ctrl-A, Ctrl-A x quits with status 0, and
the terminal settings are restored afterwards."""
import os
import sys
import termios

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from kite_testlib import PtyProcess, accel_unavailable_reason, fail, require_built, require_kvm, skip  # noqa: E402

kite, guest = sys.argv[1], sys.argv[2]
require_kvm()
require_built(("kite binary", kite), ("demo guest", guest))

proc = PtyProcess([kite, "run", "--accel", "kvm", "--kernel", guest, "--serial", "stdio"])

if not proc.read_until(b"Kite demo guest", 20):
    rc = proc.wait_exit(5)
    reason = accel_unavailable_reason(rc, proc.text())
    if reason:
        skip(reason)
    fail(f"no banner; status {rc}; output {proc.output!r}")

lflag = termios.tcgetattr(proc.master)[3]
if lflag & (termios.ICANON | termios.ECHO | termios.ISIG):
    fail("terminal is not in raw mode while kite runs")

proc.write(b"hi")
if not proc.read_until(b"hi", 5):
    fail(f"typed bytes did not come back from the guest: {proc.output!r}")
# The guest echoes every byte but CR, LF and q: after "hi", Ctrl-A Ctrl-A and
# a marker must come back as exactly one 0x01 and the marker.
after_hi = proc.output.rindex(b"hi") + 2
proc.write(b"\x01\x01")
proc.write(b"z")
proc.read_until(b"z", 5)
echoed = proc.output[after_hi:]
if echoed.rstrip(b"\r\n") != b"\x01z":
    fail(f"Ctrl-A Ctrl-A then z came back from the guest as {echoed!r}, expected b'\\x01z' "
         f"(one Ctrl-A): {proc.output!r}")
proc.write(b"\x01x")
rc = proc.wait_exit(10)
if rc != 0:
    fail(f"Ctrl-A x should exit 0, got {rc}: {proc.output!r}")
# The pty pair keeps the termios kite restored on its way out.
lflag = termios.tcgetattr(proc.master)[3]
if not lflag & termios.ICANON or not lflag & termios.ECHO:
    fail("terminal settings were not restored after kite exited")
print("ok: raw mode, input, Ctrl-A escapes and restore on exit")
