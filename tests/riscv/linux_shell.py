#!/usr/bin/env python3
"""`kite run` with no arguments boots the default RISC-V Linux guest to an
interactive busybox shell on the terminal; a command typed there runs, and
`poweroff` in the guest ends Kite with status 0."""
import os
import pty
import select
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from kite_testlib import fail, require_built, require_default_riscv_guest  # noqa: E402

kite = sys.argv[1]
require_built(("kite binary", kite))
require_default_riscv_guest()

pid, master = pty.fork()
if pid == 0:
    os.execv(kite, [kite, "run"])

output = b""


def read_until(needle, timeout):
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


def wait_exit(timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        read_until(b"\0", 0.05)
    os.kill(pid, 9)
    fail(f"kite did not exit; output so far:\n{output.decode(errors='replace')}")


if not read_until(b"Linux version", 60):
    fail(f"no kernel banner:\n{output.decode(errors='replace')}")
if not read_until(b"# ", 60):
    fail(f"no shell prompt:\n{output.decode(errors='replace')}")
os.write(master, b"echo kite-$((6*7))\r")
if not read_until(b"kite-42", 20):
    fail(f"the shell did not run the command:\n{output.decode(errors='replace')}")
os.write(master, b"poweroff\r")
rc = wait_exit(60)
if b"reboot: Power down" not in output:
    fail(f"no clean power-down:\n{output.decode(errors='replace')}")
if rc != 0:
    fail(f"poweroff should end kite with status 0, got {rc}")
print("ok: kite run booted Linux to a shell; poweroff exited 0")
