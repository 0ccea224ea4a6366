#!/usr/bin/env python3
"""--serial stdio on a real terminal: raw mode while running, typed bytes reach
the guest, Ctrl-A Ctrl-A sends one Ctrl-A, Ctrl-A x quits with status 0, and
the terminal settings are restored afterwards."""
import os
import pty
import select
import sys
import termios
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from kite_testlib import accel_unavailable_reason, fail, require_built, require_kvm, skip  # noqa: E402

kite, guest = sys.argv[1], sys.argv[2]
require_kvm()
require_built(("kite binary", kite), ("demo guest", guest))

pid, master = pty.fork()
if pid == 0:
    os.execv(kite, [kite, "run", "--kernel", guest, "--serial", "stdio"])

output = b""


def read_until(needle, timeout=20):
    global output
    deadline = time.monotonic() + timeout
    while needle not in output and time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
    return needle in output


def wait_exit(timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        read_until(b"\0", 0.05)  # keep draining so kite never blocks on output
    os.kill(pid, 9)
    fail(f"kite did not exit; output so far: {output!r}")


if not read_until(b"Kite demo guest"):
    rc = wait_exit(5)
    reason = accel_unavailable_reason(rc, output.decode(errors="replace"))
    if reason:
        skip(reason)
    fail(f"no banner; status {rc}; output {output!r}")

lflag = termios.tcgetattr(master)[3]
if lflag & (termios.ICANON | termios.ECHO | termios.ISIG):
    fail("terminal is not in raw mode while kite runs")

os.write(master, b"hi")
if not read_until(b"hi", 5):
    fail(f"typed bytes did not come back from the guest: {output!r}")
os.write(master, b"\x01\x01")
if not read_until(b"\x01", 5):
    fail(f"Ctrl-A Ctrl-A did not reach the guest as one Ctrl-A: {output!r}")
os.write(master, b"\x01x")
rc = wait_exit()
if rc != 0:
    fail(f"Ctrl-A x should exit 0, got {rc}: {output!r}")
# The pty pair keeps the termios kite restored on its way out.
lflag = termios.tcgetattr(master)[3]
if not lflag & termios.ICANON or not lflag & termios.ECHO:
    fail("terminal settings were not restored after kite exited")
print("ok: raw mode, input, Ctrl-A escapes and restore on exit")
